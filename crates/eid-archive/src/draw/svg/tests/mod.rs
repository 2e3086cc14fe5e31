//! The exhibit checked as XML: every test renders a whole SVG, parses it
//! with `check` (which also asserts the invariants every exhibit keeps) and
//! checks one property of it.
// Tests may panic: a panic is the failure report.
#![allow(clippy::panic)]

mod geometry;
mod panels;
mod safety;

use super::text::*;
use super::*;

pub(super) fn caption() -> Caption {
    Caption {
        process_id: "proc-0001".into(),
        side: "front".into(),
        status: "PASS".into(),
        image_sha256: Some(
            "3f2a9c0d1e2b4a5c6d7e8f90aabbccddeeff00112233445566778899aabbccdd".into(),
        ),
        policy: "default (3f2a9c0d1e2b4a5c)".into(),
        pii: None,
    }
}

pub(super) fn bx(name: &str, bbox: (i64, i64, i64, i64), clipped: bool) -> ExhibitBox {
    ExhibitBox {
        name: name.into(),
        bbox,
        clipped,
        colour: [0xd0, 0x20, 0x20],
    }
}

pub(super) fn note(name: &str, why: &str) -> ExhibitNote {
    ExhibitNote {
        name: name.into(),
        why: why.into(),
    }
}

pub(super) fn exhibit(
    w: u32,
    h: u32,
    boxes: Vec<ExhibitBox>,
    notes: Vec<ExhibitNote>,
) -> Exhibit<'static> {
    Exhibit {
        width: w,
        height: h,
        background: Background::Href("front.jpeg"),
        exif_orientation: 1,
        caption: caption(),
        boxes,
        notes,
        id_prefix: "ex1".into(),
    }
}

/// Parses the output and checks the invariants every exhibit must
/// satisfy, whatever the input.
pub(super) fn check(svg: &str) -> roxmltree::Document<'_> {
    let doc = roxmltree::Document::parse(svg).expect("output must be well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    assert!(!svg.contains("<script"));
    assert!(!svg.contains("@import"));
    assert!(!svg.contains("url(http"));
    let mut ids = std::collections::BTreeSet::new();
    for n in doc.descendants().filter(|n| n.is_element()) {
        let name = n.tag_name().name();
        assert!(
            !name.eq_ignore_ascii_case("script") && !name.eq_ignore_ascii_case("foreignObject"),
            "forbidden element {name}"
        );
        assert!(!["style", "use", "a", "iframe", "animate", "set"].contains(&name));
        for a in n.attributes() {
            assert!(
                !a.name().to_ascii_lowercase().starts_with("on"),
                "event attribute {}",
                a.name()
            );
            if a.name() == "href" {
                assert_eq!(name, "image");
            }
            if a.value().contains("url(") {
                assert!(
                    a.value().starts_with("url(#"),
                    "external url in {}",
                    a.value()
                );
            }
        }
        if let Some(id) = n.attribute("id") {
            assert!(ids.insert(id.to_owned()), "duplicate id {id}");
        }
    }
    doc
}

pub(super) fn view_box(doc: &roxmltree::Document<'_>) -> String {
    doc.root_element().attribute("viewBox").unwrap().to_owned()
}

/// Checks that the exhibit's canvas is the `w` × `h` image at `(0, 0)` with
/// a strip above it (negative `y`) and one below it, and returns the
/// viewBox as `(min_y, height)`.
pub(super) fn frame(doc: &roxmltree::Document<'_>, w: u32, h: u32) -> (i64, i64) {
    let vb: Vec<i64> = view_box(doc)
        .split(' ')
        .map(|v| v.parse().unwrap())
        .collect();
    let (w, h) = (i64::from(w), i64::from(h));
    assert_eq!((vb[0], vb[2]), (0, w), "{vb:?}");
    assert!(vb[1] < 0 && vb[1] + vb[3] > h, "{vb:?} around {h}");
    let root = doc.root_element();
    assert_eq!(root.attribute("width"), Some(w.to_string().as_str()));
    assert_eq!(root.attribute("height"), Some(vb[3].to_string().as_str()));
    // The image (or the blank canvas standing for it) lies on its own grid.
    let ground = doc
        .descendants()
        .find(|n| n.has_tag_name("image") || n.attribute("class") == Some("blank"))
        .unwrap();
    if ground.attribute("data-exif-orientation").is_none() {
        assert_eq!(
            [
                num(ground, "x"),
                num(ground, "y"),
                num(ground, "width"),
                num(ground, "height")
            ],
            [0, 0, w, h]
        );
    }
    (vb[1], vb[3])
}

pub(super) fn features<'a, 'i>(doc: &'a roxmltree::Document<'i>) -> Vec<roxmltree::Node<'a, 'i>> {
    doc.descendants()
        .filter(|n| {
            n.tag_name().name() == "g"
                && n.attribute("class")
                    .is_some_and(|c| c.split(' ').any(|c| c == "feature"))
        })
        .collect()
}

pub(super) fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, tag: &str) -> roxmltree::Node<'a, 'i> {
    n.children()
        .find(|c| c.tag_name().name() == tag)
        .unwrap_or_else(|| panic!("no <{tag}>"))
}

pub(super) fn num(n: roxmltree::Node<'_, '_>, attr: &str) -> i64 {
    n.attribute(attr).unwrap().parse().unwrap()
}

pub(super) fn texts_of_class(doc: &roxmltree::Document<'_>, class: &str) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.tag_name().name() == "text" && n.attribute("class") == Some(class))
        .map(|n| n.text().unwrap_or("").to_owned())
        .collect()
}

pub(super) fn all_text(doc: &roxmltree::Document<'_>) -> String {
    doc.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("\n")
}

//! Geometry: the viewBox is the stored image, each box is drawn exactly,
//! clipped boxes are marked, text stays inside the image.

use super::*;

#[test]
fn viewbox_and_size_equal_the_image() {
    for (w, h) in [
        (640, 404),
        (1, 1),
        (4000, 2520),
        (12000, 12000),
        (12000, 1),
        (3, 5000),
    ] {
        let e = exhibit(
            w,
            h,
            vec![bx("Photo", (0, 0, 10, 10), false)],
            vec![note("OVI 1", "not found")],
        );
        let svg = render(&e);
        let doc = check(&svg);
        assert_eq!(view_box(&doc), format!("0 0 {w} {h}"));
        assert_eq!(
            doc.root_element().attribute("width"),
            Some(w.to_string().as_str())
        );
        assert_eq!(
            doc.root_element().attribute("height"),
            Some(h.to_string().as_str())
        );
    }
    // Out-of-range sizes are clamped, never rejected.
    let doc_src = render(&exhibit(0, 20000, vec![], vec![]));
    assert_eq!(view_box(&check(&doc_src)), "0 0 1 12000");
}

#[test]
fn one_feature_group_per_drawable_box_with_exact_bbox() {
    let boxes = vec![
        bx("Photo", (40, 90, 160, 200), false),
        bx("MRZ", (20, 330, 600, 60), false),
        bx("Gone", (5000, 5000, 10, 10), false),
        bx("Flat", (10, 10, 0, 5), false),
        bx("Edge", (600, 10, 100, 50), true),
    ];
    let svg = render(&exhibit(640, 404, boxes, vec![]));
    let doc = check(&svg);
    let f = features(&doc);
    let got: Vec<_> = f
        .iter()
        .map(|g| {
            (
                g.attribute("id").unwrap(),
                g.attribute("data-bbox").unwrap(),
                g.attribute("data-feature").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("ex1-f0", "40,90,160,200", "Photo"),
            ("ex1-f1", "20,330,600,60", "MRZ"),
            ("ex1-f4", "600,10,100,50", "Edge"),
        ]
    );
    // Unclipped boxes are drawn exactly as given, outline only-ish.
    let r = child(f[0], "rect");
    assert_eq!(
        (num(r, "x"), num(r, "y"), num(r, "width"), num(r, "height")),
        (40, 90, 160, 200)
    );
    assert_eq!(r.attribute("vector-effect"), Some("non-scaling-stroke"));
    assert_eq!(r.attribute("stroke"), Some("#d02020"));
    assert!(r.attribute("stroke-dasharray").is_none());
    assert!(
        child(f[0], "title")
            .text()
            .unwrap()
            .contains("Photo — bbox 40,90,160,200")
    );
    let legend = texts_of_class(&doc, "note");
    assert!(legend.contains(&"Gone: box outside the image".to_owned()));
    assert!(legend.contains(&"Flat: empty box".to_owned()));
}

#[test]
fn clipped_boxes_are_dashed_classed_marked_and_cut_to_the_image() {
    let boxes = vec![
        bx("Edge", (600, -20, 100, 50), true),
        // Leaves the image although the flag says no: still marked.
        bx("Sneaky", (-10, 300, 50, 200), false),
        // Flagged by the caller although inside: respected.
        bx("Flagged", (100, 100, 10, 10), true),
    ];
    let svg = render(&exhibit(640, 404, boxes, vec![]));
    let doc = check(&svg);
    let f = features(&doc);
    assert_eq!(f.len(), 3);
    let expect = [
        ("600,-20,100,50", (600, 0, 40, 30), "clipped: top right"),
        ("-10,300,50,200", (0, 300, 40, 104), "clipped: left bottom"),
        ("100,100,10,10", (100, 100, 10, 10), "clipped"),
    ];
    for (g, (bbox, rect, marker)) in f.iter().zip(expect) {
        assert_eq!(g.attribute("class"), Some("feature clipped"));
        assert_eq!(g.attribute("data-bbox"), Some(bbox));
        let r = child(*g, "rect");
        assert!(r.attribute("stroke-dasharray").is_some());
        assert_eq!(
            (num(r, "x"), num(r, "y"), num(r, "width"), num(r, "height")),
            rect
        );
        let label = child(*g, "text");
        let m = child(label, "tspan");
        assert_eq!(m.attribute("class"), Some("marker"));
        assert_eq!(m.text().unwrap().trim(), marker);
    }
}

#[test]
fn huge_and_negative_boxes_do_not_overflow() {
    let boxes = vec![
        bx("Max", (i64::MAX, i64::MAX, i64::MAX, i64::MAX), true),
        bx("Min", (i64::MIN, i64::MIN, i64::MAX, i64::MAX), true),
        bx("Cover", (i64::MIN, i64::MIN, i64::MAX, i64::MAX), true),
        bx("All", (-(1 << 62), -(1 << 62), i64::MAX, i64::MAX), true),
        bx("Neg", (10, 10, i64::MIN, -5), false),
    ];
    let svg = render(&exhibit(640, 404, boxes, vec![]));
    let doc = check(&svg);
    let f = features(&doc);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].attribute("data-feature"), Some("All"));
    let r = child(f[0], "rect");
    assert_eq!(
        (num(r, "x"), num(r, "y"), num(r, "width"), num(r, "height")),
        (0, 0, 640, 404)
    );
    let legend = texts_of_class(&doc, "note");
    for n in ["Max", "Min", "Cover"] {
        assert!(
            legend.contains(&format!("{n}: box outside the image")),
            "{legend:?}"
        );
    }
    assert!(legend.contains(&"Neg: empty box".to_owned()));
}

/// Labels, caption and legend keep inside the viewBox for boxes at
/// every edge and for small, large, wide and tall images.
#[test]
fn text_stays_inside_the_viewbox() {
    let long = "W".repeat(200);
    for (w, h) in [
        (640, 404),
        (100, 60),
        (4000, 2520),
        (300, 3000),
        (12000, 200),
        (20, 20),
    ] {
        let (wi, hi) = (i64::from(w), i64::from(h));
        let mut boxes = Vec::new();
        for (x, y) in [
            (0, 0),
            (wi - 5, 0),
            (0, hi - 5),
            (wi - 5, hi - 5),
            (wi / 2, hi / 2),
        ] {
            boxes.push(bx("Document number", (x, y, 5, 5), false));
            boxes.push(bx(&long, (x - 3, y - 3, 10, 10), true));
        }
        let notes = vec![note(&long, &long), note("OVI 1", "not found")];
        let svg = render(&exhibit(w, h, boxes, notes));
        let doc = check(&svg);
        for t in doc.descendants().filter(|n| n.tag_name().name() == "text") {
            let x = num(t, "x");
            let y = num(t, "y");
            let fs = num(t, "font-size");
            assert!(
                (0..=wi).contains(&x) && (0..=hi).contains(&y),
                "{w}x{h}: {x},{y}"
            );
            if hi >= 3 * fs {
                assert!(y - fs >= 0, "{w}x{h}: text top above image");
            }
            // Each text run measured at its own element's font size.
            let width: i64 = t
                .descendants()
                .filter(|n| n.is_text())
                .map(|n| text_width(n.text().unwrap(), num(n.parent().unwrap(), "font-size")))
                .sum();
            let end = match t.attribute("textLength") {
                Some(l) => x + l.parse::<i64>().unwrap(),
                None => x + width,
            };
            assert!(end <= wi, "{w}x{h}: {:?} ends at {end}", t.text());
        }
        for r in doc.descendants().filter(|n| n.tag_name().name() == "rect") {
            let (x, y) = (num(r, "x"), num(r, "y"));
            assert!(x >= 0 && y >= 0 && x + num(r, "width") <= wi && y + num(r, "height") <= hi);
        }
    }
}

#[test]
fn label_sits_above_the_box_when_there_is_room_else_inside() {
    let svg = render(&exhibit(
        640,
        404,
        vec![
            bx("Low", (100, 200, 50, 50), false),
            bx("Top", (100, 0, 50, 150), false),
            bx("Mid", (300, 50, 50, 50), false),
        ],
        vec![],
    ));
    let doc = check(&svg);
    let band = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("ex1-caption"))
        .map(|c| num(child(c, "rect"), "height"))
        .unwrap();
    let f = features(&doc);
    let y = |i: usize| num(child(f[i], "text"), "y");
    assert!(y(0) < 200 && y(0) > 150, "above: {}", y(0));
    // Under the caption band: just below the band, inside the box.
    assert!(
        y(1) - 12 >= band && y(1) < 150,
        "below band: {} (band {band})",
        y(1)
    );
    // Not enough room between band and box: inside the top edge.
    assert!(
        y(2) > 50 && y(2) - 12 >= band,
        "inside: {} (band {band})",
        y(2)
    );
    let fs = num(child(f[0], "text"), "font-size");
    assert_eq!(fs, 12);
    // Proportional to the image for large scans.
    let svg = render(&exhibit(
        4000,
        2520,
        vec![bx("Low", (100, 1000, 50, 50), false)],
        vec![],
    ));
    let doc = check(&svg);
    assert_eq!(num(child(features(&doc)[0], "text"), "font-size"), 63);
}

//! The caption and the legend: what they say, how much, in which ink.

use super::*;

#[test]
fn legend_lists_each_note_and_the_count() {
    let notes = vec![note("OVI 1", "not found"), note("Stamp", "no box")];
    let svg = render(&exhibit(
        640,
        404,
        vec![bx("Photo", (40, 90, 160, 200), false)],
        notes,
    ));
    let doc = check(&svg);
    assert_eq!(
        texts_of_class(&doc, "note"),
        ["OVI 1: not found", "Stamp: no box"]
    );
    assert_eq!(
        texts_of_class(&doc, "count"),
        ["Features: 1 drawn, 2 not drawn"]
    );
    assert!(texts_of_class(&doc, "more").is_empty());
}

#[test]
fn many_notes_show_twelve_then_and_n_more() {
    let notes: Vec<_> = (0..30)
        .map(|i| note(&format!("F{i}"), "not found"))
        .collect();
    // A tall image has room for all twelve lines.
    let svg = render(&exhibit(2000, 4000, vec![], notes.clone()));
    let doc = check(&svg);
    let shown = texts_of_class(&doc, "note");
    assert_eq!(shown.len(), 12);
    assert_eq!(shown[0], "F0: not found");
    assert_eq!(shown[11], "F11: not found");
    assert_eq!(texts_of_class(&doc, "more"), ["… and 18 more"]);
    assert_eq!(
        texts_of_class(&doc, "count"),
        ["Features: 0 drawn, 30 not drawn"]
    );
    // A small one shows as many: the legend is a strip below the image,
    // which it no longer has to spare.
    let svg = render(&exhibit(640, 404, vec![], notes));
    let doc = check(&svg);
    assert_eq!(texts_of_class(&doc, "note").len(), 12);
    assert_eq!(texts_of_class(&doc, "more"), ["… and 18 more"]);
}

#[test]
fn caption_shows_the_facts() {
    let mut e = exhibit(640, 404, vec![], vec![]);
    e.caption.pii = Some("pii omit: no image".into());
    let doc_src = render(&e);
    let doc = check(&doc_src);
    let cap = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("ex1-caption"))
        .unwrap();
    let lines: Vec<_> = cap
        .children()
        .filter(|n| n.tag_name().name() == "text")
        .map(|n| n.text().unwrap())
        .collect();
    assert_eq!(
        lines.join(" · "),
        "process proc-0001 · side front · status PASS · sha256 3f2a9c0d1e2b · \
             policy default (3f2a9c0d1e2b4a5c) · pii omit: no image"
    );
    assert!(lines.len() >= 2, "wraps on a 640 px image: {lines:?}");
    // A long process id wraps onto more lines instead of being squeezed.
    e.caption.process_id = "7c1e2f40-aa31-4c0e-9b57-02d4e1f0c9aa-7c1e2f40-aa31-4c0e".into();
    let doc_src = render(&e);
    let doc = check(&doc_src);
    assert!(!doc_src.contains("textLength"));
    assert!(
        all_text(&doc).contains("process 7c1e2f40-aa31-4c0e-9b57-02d4e1f0c9aa-7c1e2f40-aa31-4c0e")
    );
    e.caption.image_sha256 = None;
    e.caption.pii = None;
    let doc_src = render(&e);
    let text = all_text(&check(&doc_src));
    assert!(text.contains("sha256 none · policy"));
    assert!(!text.contains("pii"));
}

#[test]
fn the_process_id_is_carried_as_written() {
    let mut e = exhibit(640, 404, vec![], vec![]);
    e.caption.process_id = "proc-Ab9-x_y.z".into();
    let svg = render(&e);
    let doc = check(&svg);
    let cap = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("ex1-caption"))
        .unwrap();
    let first = cap
        .children()
        .find(|n| n.has_tag_name("text"))
        .unwrap()
        .text()
        .unwrap();
    assert!(first.starts_with("process proc-Ab9-x_y.z · "), "{first}");
    assert!(!svg.contains("PROC-AB9"));
    let title = doc.descendants().find(|n| n.has_tag_name("title")).unwrap();
    assert_eq!(
        title.text(),
        Some("Exhibit: process proc-Ab9-x_y.z · side front")
    );
}

#[test]
fn light_colours_get_darker_label_ink() {
    assert_eq!(ink([0, 0, 0]), [0, 0, 0]);
    assert_eq!(ink([0x20, 0x40, 0xd0]), [0x20, 0x40, 0xd0]);
    let y = ink([255, 255, 0]);
    assert!((299 * u32::from(y[0]) + 587 * u32::from(y[1]) + 114 * u32::from(y[2])) / 1000 <= 110);
}

#[test]
fn cut_keeps_emoji_sequences_tidy() {
    assert_eq!(cut("abc", 3), "abc");
    assert_eq!(cut("abcd", 3), "ab…");
    assert_eq!(cut("a\u{200D}bc", 3), "a…");
}

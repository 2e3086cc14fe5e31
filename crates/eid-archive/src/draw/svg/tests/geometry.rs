//! Geometry: the user space is the stored image's pixel grid with the
//! strips outside it, each box is drawn exactly, clipped boxes are marked,
//! text stays inside the canvas and labels inside the image.

use super::*;

#[test]
fn the_image_keeps_its_grid_and_the_strips_add_to_the_canvas() {
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
        let (min_y, height) = frame(&doc, w, h);
        let strip = |id: &str| {
            let g = doc
                .descendants()
                .find(|n| n.attribute("id") == Some(id))
                .unwrap();
            let r = child(g, "rect");
            (num(r, "y"), num(r, "height"))
        };
        // The caption fills the canvas above the image, the legend below it.
        let (cy, ch) = strip("ex1-caption");
        let (ly, lh) = strip("ex1-legend");
        assert_eq!((cy, cy + ch), (min_y, 0));
        assert_eq!((ly, ly + lh), (i64::from(h), min_y + height));
    }
    // Out-of-range sizes are clamped, never rejected.
    let doc_src = render(&exhibit(0, 20000, vec![], vec![]));
    frame(&check(&doc_src), 1, 12000);
}

/// The rectangle an element of a strip covers: a `<rect>`'s own, or a
/// `<text>`'s line from its font's top to its descent.
fn covers(n: roxmltree::Node<'_, '_>) -> (i64, i64, i64, i64) {
    if n.has_tag_name("rect") {
        return (num(n, "x"), num(n, "y"), num(n, "width"), num(n, "height"));
    }
    let (x, y, fs) = (num(n, "x"), num(n, "y"), num(n, "font-size"));
    let width = match n.attribute("textLength") {
        Some(l) => l.parse().unwrap(),
        None => text_width(n.text().unwrap(), fs),
    };
    (x, y - fs, width, fs + fs / 4 + 1)
}

#[test]
fn no_caption_or_legend_element_covers_the_image() {
    let long = "W".repeat(200);
    for (w, h) in [
        (640, 404),
        (100, 60),
        (4000, 2520),
        (20, 20),
        (30, 5000),
        (12000, 1),
    ] {
        let (wi, hi) = (i64::from(w), i64::from(h));
        let boxes = vec![
            bx("Photo", (32, 168, 141, 141), false),
            bx("MRZ", (0, hi - 10, wi, 10), false),
            bx("Header", (0, 0, wi, 20), true),
        ];
        let mut notes: Vec<_> = (0..20)
            .map(|i| note(&format!("F{i}"), "not found"))
            .collect();
        notes.push(note(&long, &long));
        let mut e = exhibit(w, h, boxes, notes);
        e.caption.process_id = long.clone();
        let svg = render(&e);
        let doc = check(&svg);
        let (min_y, height) = frame(&doc, w, h);
        let mut seen = 0;
        for id in ["ex1-caption", "ex1-legend"] {
            let g = doc
                .descendants()
                .find(|n| n.attribute("id") == Some(id))
                .unwrap();
            for n in g.descendants().filter(|n| n.is_element() && *n != g) {
                if n.has_tag_name("tspan") {
                    continue;
                }
                let (x, y, cw, ch) = covers(n);
                let overlaps = x < wi && x + cw > 0 && y < hi && y + ch > 0;
                assert!(!overlaps, "{w}x{h}: {id} {:?} covers the image", n.text());
                // And it stays on the canvas.
                assert!(x >= 0 && x + cw <= wi && y >= min_y && y + ch <= min_y + height);
                seen += 1;
            }
        }
        assert!(seen >= 4, "{seen}");
    }
}

#[test]
fn boxes_name_the_pixels_of_the_image_where_it_is_placed() {
    // Every viewer of the exhibit maps a point of user space to the same
    // point of the image: the image is at (0, 0) at its own size and no
    // transform moves the boxes off it.
    let boxes = vec![
        bx("Photo", (32, 168, 141, 141), false),
        bx("Header", (84, 28, 248, 32), false),
        bx("Corner", (0, 0, 1, 1), false),
        bx("Last", (639, 403, 1, 1), false),
    ];
    let svg = render(&exhibit(640, 404, boxes.clone(), vec![]));
    let doc = check(&svg);
    frame(&doc, 640, 404);
    let image = doc.descendants().find(|n| n.has_tag_name("image")).unwrap();
    let (ix, iy) = (num(image, "x"), num(image, "y"));
    for (g, b) in features(&doc).into_iter().zip(&boxes) {
        let r = child(g, "rect");
        assert_eq!(
            (
                num(r, "x") - ix,
                num(r, "y") - iy,
                num(r, "width"),
                num(r, "height")
            ),
            b.bbox,
            "{}",
            b.name
        );
        for a in n_ancestors(r) {
            assert!(a.attribute("transform").is_none());
        }
    }
    assert!(!svg.contains("transform="));
}

fn n_ancestors<'a, 'i>(n: roxmltree::Node<'a, 'i>) -> Vec<roxmltree::Node<'a, 'i>> {
    n.ancestors().filter(|a| a.is_element()).collect()
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

/// Labels keep inside the image, caption and legend inside the canvas, for
/// boxes at every edge and for small, large, wide and tall images.
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
        let (min_y, height) = frame(&doc, w, h);
        for t in doc.descendants().filter(|n| n.tag_name().name() == "text") {
            let x = num(t, "x");
            let y = num(t, "y");
            let fs = num(t, "font-size");
            assert!(
                (0..=wi).contains(&x) && (min_y..=min_y + height).contains(&y),
                "{w}x{h}: {x},{y}"
            );
            assert!(y - fs >= min_y, "{w}x{h}: text top above the canvas");
            if t.attribute("class") == Some("label") {
                assert!((0..=hi).contains(&y), "{w}x{h}: label off the image");
                if hi >= 3 * fs {
                    assert!(y - fs >= 0, "{w}x{h}: label top above image");
                }
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
            assert!(
                x >= 0 && y >= min_y && x + num(r, "width") <= wi,
                "{w}x{h}: rect at {x},{y}"
            );
            assert!(y + num(r, "height") <= min_y + height);
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
    let f = features(&doc);
    let y = |i: usize| num(child(f[i], "text"), "y");
    assert!(y(0) < 200 && y(0) > 150, "above: {}", y(0));
    // No room above the box in the image: inside its top edge, not in the
    // caption strip above the image.
    assert!(y(1) - 12 >= 0 && y(1) < 150, "inside: {}", y(1));
    // The caption strip is outside the image: room above the box.
    assert!(y(2) < 50 && y(2) - 12 >= 0, "above: {}", y(2));
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

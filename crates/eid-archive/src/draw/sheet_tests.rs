//! The raster sheet: its bands sit outside the image, whose pixels stay the
//! evidence's except under the boxes' outlines and labels, and its text is
//! drawn as written in glyphs the font really has.

use super::*;
use crate::draw::font;
use crate::draw::raster::{band_heights, label_rect};
use image::Rgb;

fn sheet(process_id: &str, boxes: Vec<ExhibitBox>, notes: Vec<ExhibitNote>) -> Sheet {
    Sheet {
        width: 400,
        height: 300,
        caption: Caption {
            process_id: process_id.to_owned(),
            side: "front".into(),
            status: "ACCEPTED".into(),
            image_sha256: Some(
                "7372d0405e36aa00bb11cc22dd33ee44ff5566778899aabbccddeeff00112233".into(),
            ),
            policy: "default (3f2a9c0d1e2b4a5c)".into(),
            pii: None,
        },
        boxes,
        notes,
        sources: Vec::new(),
        id_prefix: "front".into(),
        exif_orientation: 1,
    }
}

fn bx(name: &str, bbox: (i64, i64, i64, i64), clipped: bool) -> ExhibitBox {
    ExhibitBox {
        name: name.into(),
        bbox,
        clipped,
        colour: draw::outline_colour(name, true).0,
    }
}

fn note(name: &str, why: &str) -> ExhibitNote {
    ExhibitNote {
        name: name.into(),
        why: why.into(),
    }
}

/// The pixels `text` lights, as a set.
fn lit(text: &str) -> std::collections::BTreeSet<(u32, u32)> {
    let mut s = std::collections::BTreeSet::new();
    font::render(text, 1, |x, y| {
        s.insert((x, y));
    });
    s
}

/// Every note a sheet can list, with the reasons `Sheet::new` gives.
fn all_notes() -> Vec<ExhibitNote> {
    let mut notes = vec![
        note("OVI 1", "not found"),
        note("Stamp", "found, no box"),
        note("Photo", "unreadable entry"),
        note("Hologram", &format!("side {:?} unknown", "rear/2")),
    ];
    notes.extend((0..12).map(|i| note(&format!("Field {i}"), "not found")));
    notes
}

#[test]
fn every_character_of_the_caption_and_legend_has_its_own_glyph() {
    let question = lit("?");
    let s = sheet("7c1e2f40-aa31-Proc_x.1", vec![], all_notes());
    let (caption, legend) = s.raster_text();
    let empty = sheet("p", vec![bx("Photo", (1, 1, 5, 5), false)], vec![]).raster_text();
    // The punctuation the captions, legends and box labels use.
    let extra = "()[]:;-./%,×'\"#+&·…";
    let all: String = caption
        .iter()
        .chain(&legend)
        .chain(&empty.0)
        .chain(&empty.1)
        .map(String::as_str)
        .chain([extra])
        .collect();
    assert!(all.contains("... and 4 more"), "{all}");
    for c in all.chars().filter(|&c| c != '?') {
        assert!(font::has_glyph(c), "{c:?} has no glyph");
        if c != ' ' {
            assert_ne!(lit(&c.to_string()), question, "{c:?} prints as '?'");
        }
    }
}

#[test]
fn no_two_characters_share_a_glyph() {
    let chars: Vec<char> = (' '..='~').chain(['×', '·', '…']).collect();
    let mut seen = std::collections::BTreeMap::new();
    for c in chars {
        assert!(font::has_glyph(c), "{c:?}");
        if let Some(other) = seen.insert(lit(&c.to_string()), c) {
            panic!("{c:?} looks like {other:?}");
        }
    }
    assert!(!font::has_glyph('é'));
    assert_eq!(lit("é"), lit("?"));
}

#[test]
fn a_lower_case_process_id_is_drawn_as_written() {
    let lower = "proc-abc-0001";
    let upper = lower.to_ascii_uppercase();
    assert_ne!(lit(lower), lit(&upper));
    for c in 'a'..='z' {
        let up = c.to_ascii_uppercase().to_string();
        assert_ne!(lit(&c.to_string()), lit(&up), "{c} looks like {up}");
    }
    // The caption keeps the id as written; the status stays upper case.
    let s = sheet(lower, vec![], vec![]);
    assert_eq!(s.raster_text().0[0], "proc-abc-0001  front  ACCEPTED");
    // And its band shows exactly those glyphs, not the upper-case ones.
    let image = RgbImage::from_pixel(400, 300, Rgb([250, 250, 250]));
    let a = s.raster(image.clone());
    let b = sheet(&upper, vec![], vec![]).raster(image);
    let (top, _, scale) = band_heights(400, 2, 1);
    assert_eq!(scale, 1);
    let band = |img: &RgbImage| {
        let mut s = std::collections::BTreeSet::new();
        for y in 0..top {
            for x in 0..400 {
                if img.get_pixel(x, y).0 != [255, 255, 255] {
                    s.insert((x - 4, y - 2));
                }
            }
        }
        s
    };
    let sha_line = lit("sha256 7372d0405e36  policy default (3f2a9c0d1e2b4a5c)");
    let line = font::text_height(1) + 4;
    let expect = |t: &str| -> std::collections::BTreeSet<_> {
        lit(t)
            .into_iter()
            .chain(sha_line.iter().map(|&(x, y)| (x, y + line)))
            .collect()
    };
    assert_eq!(band(&a), expect("proc-abc-0001  front  ACCEPTED"));
    assert_eq!(band(&b), expect("PROC-ABC-0001  front  ACCEPTED"));
}

#[test]
fn the_bands_leave_the_image_uncovered() {
    let (w, h) = (400u32, 300u32);
    let source = RgbImage::from_fn(w, h, |x, y| {
        Rgb([
            (x * 7 % 251) as u8,
            (y * 13 % 241) as u8,
            ((x + y) % 239) as u8,
        ])
    });
    let boxes = vec![
        bx("Photo", (40, 60, 100, 80), false),
        // Leaves the image: drawn dashed on the part inside.
        bx("Edge", (-10, 150, 50, 30), true),
        // At the top: its label goes inside the box.
        bx("Header", (200, 2, 120, 40), false),
        bx("MRZ", (10, 250, 380, 45), false),
    ];
    let s = sheet("proc-1", boxes.clone(), all_notes());
    let out = s.raster(source.clone());
    let (caption, legend) = s.raster_text();
    let (top, bottom, _) = band_heights(w, caption.len(), legend.len());
    assert_eq!(out.dimensions(), (w, h + top + bottom));
    // What a box may cover: its outline and its label, nothing else.
    let mut covered = vec![false; (w * h) as usize];
    let mut mark = |x: u32, y: u32| covered[(y * w + x) as usize] = true;
    for b in &boxes {
        let bbox = crate::evidence::BBox {
            x: b.bbox.0,
            y: b.bbox.1,
            width: b.bbox.2,
            height: b.bbox.3,
        };
        let (x, y, bw, bh) = bbox.clip(w, h).unwrap();
        for j in y..y + bh {
            for i in x..x + bw {
                let edge = i < x + 2 || j < y + 2 || i + 2 >= x + bw || j + 2 >= y + bh;
                if edge {
                    mark(i, j);
                }
            }
        }
        let (lx, ly, lw, lh) = label_rect(w, h, (x, y), &b.name).unwrap();
        for j in ly..ly + lh {
            for i in lx..lx + lw {
                mark(i, j);
            }
        }
    }
    let mut same = 0;
    for (x, y, p) in source.enumerate_pixels() {
        if covered[(y * w + x) as usize] {
            continue;
        }
        assert_eq!(out.get_pixel(x, y + top), p, "({x}, {y}) covered");
        same += 1;
    }
    assert!(same > (w * h * 3 / 4) as usize, "{same}");
    // The boxes land on the pixels they name: the outline's corner.
    let photo = draw::outline_colour("Photo", true);
    assert_eq!(*out.get_pixel(40, 60 + top), photo);
    assert_eq!(*out.get_pixel(139, 139 + top), photo);
    assert_eq!(*out.get_pixel(140, 140 + top), *source.get_pixel(140, 140));
    // And the bands hold text.
    let inked = |rows: std::ops::Range<u32>| {
        rows.flat_map(|y| (0..w).map(move |x| (x, y)))
            .any(|(x, y)| out.get_pixel(x, y).0 == [20, 20, 20])
    };
    assert!(inked(0..top));
    assert!(inked(top + h..top + h + bottom));
}

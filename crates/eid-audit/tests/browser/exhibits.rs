//! Exhibits stay true in the browser: a front image that carries EXIF
//! orientation 6, as phones write it, is turned by Chromium whatever the CSS
//! says, while its boxes name the pixels as stored. Each box's centre is
//! sampled in a screenshot and compared with the stored image's colour
//! there (the testkit paints every found feature's box in its colour).

use super::chromium::{Browser, Session};
use super::{eid_audit, load, report, shots, work};
use image::RgbImage;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The features whose boxes are sampled: clear of the caption band and the
/// legend, which dim what lies under them.
const SAMPLED: [&str; 3] = ["Photo", "Signature", "OVI 1"];

/// The accepted archive with EXIF orientation 6 on its front JPEG; its
/// stored pixels, decoded without the orientation.
fn turned_archive() -> (PathBuf, RgbImage) {
    let dir = work().join("exif-input");
    std::fs::create_dir_all(&dir).unwrap();
    let case = eid_testkit::Case::accepted();
    let mut members = case.members();
    let front = members
        .iter_mut()
        .find(|(n, _)| n == "front.jpeg")
        .expect("the case has a front JPEG");
    front.1 = eid_testkit::with_exif_orientation(&front.1, 6);
    let stored = image::load_from_memory(&front.1).unwrap().to_rgb8();
    assert_eq!(
        stored.dimensions(),
        (640, 404),
        "decoded as stored, not turned"
    );
    let zip = dir.join("exif-6.zip");
    std::fs::write(&zip, eid_testkit::zip_members(&members)).unwrap();
    (zip, stored)
}

/// The first file named `name` under `dir`.
fn find(dir: &Path, name: &str) -> Option<PathBuf> {
    for e in std::fs::read_dir(dir).ok()? {
        let p = e.ok()?.path();
        if p.is_dir() {
            if let Some(f) = find(&p, name) {
                return Some(f);
            }
        } else if p.file_name().is_some_and(|n| n == name) {
            return Some(p);
        }
    }
    None
}

/// For each sampled feature of the loaded page's exhibit `svg` (a selector),
/// the colour on screen at its box's centre and the stored image's colour
/// at the box's centre; the screenshot is kept as `shot`.
fn sample(s: &mut Session, svg: &str, shot: &str, stored: &RgbImage) -> Vec<String> {
    let sel = Value::String(svg.to_owned());
    s.eval(&format!(
        "document.querySelector({sel}).scrollIntoView({{block: 'start'}})"
    ))
    .unwrap();
    let png = shots().join(shot);
    s.screenshot(&png).unwrap();
    let screen = image::open(&png).unwrap().to_rgb8();
    let mut wrong = Vec::new();
    for name in SAMPLED {
        let feature = Value::String(name.to_owned());
        let found = s
            .eval(&format!(
                "(() => {{ const g = Array.from(document.querySelectorAll({sel} + ' .feature')).find(g => g.dataset.feature === {feature}); \
                 const r = g.querySelector('rect').getBoundingClientRect(); \
                 return [r.x + r.width / 2, r.y + r.height / 2, g.dataset.bbox]; }})()"
            ))
            .unwrap();
        let (x, y) = (found[0].as_f64().unwrap(), found[1].as_f64().unwrap());
        let bbox: Vec<u32> = found[2]
            .as_str()
            .unwrap()
            .split(',')
            .map(|v| v.parse().unwrap())
            .collect();
        let want = stored
            .get_pixel(bbox[0] + bbox[2] / 2, bbox[1] + bbox[3] / 2)
            .0;
        let paint = eid_testkit::feature_colour(name);
        assert!(
            want.iter().zip(paint).all(|(a, b)| a.abs_diff(b) <= 12),
            "the stored image is painted in {name}'s colour: {want:?} {paint:?}"
        );
        let got = screen.get_pixel(x as u32, y as u32).0;
        let off = got
            .iter()
            .zip(want)
            .map(|(a, b)| a.abs_diff(b))
            .max()
            .unwrap();
        if off > 40 {
            wrong.push(format!(
                "{name}: screen {got:?} at ({x:.0}, {y:.0}), stored {want:?} at its box {bbox:?}"
            ));
        }
    }
    wrong
}

#[test]
fn boxes_sit_on_the_stored_pixels_of_an_exif_turned_image() {
    let mut s = browser_or_skip!();
    let (zip, stored) = turned_archive();
    let zip_s = zip.to_string_lossy().into_owned();
    let mut wrong = Vec::new();
    // The SVG exhibit opened alone: linking the copy beside it, and with the
    // image embedded.
    for (embed, tag) in [(false, "linked"), (true, "embedded")] {
        let out = work().join(format!("exif-crops-{tag}"));
        let _ = std::fs::remove_dir_all(&out);
        let out_s = out.to_string_lossy().into_owned();
        let mut args = vec!["crops", &zip_s, "--out", &out_s];
        if embed {
            args.push("--embed");
        }
        let o = eid_audit(&args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let svg = find(&out, "front-annotated.svg").expect("an SVG exhibit");
        let copy = svg.with_file_name("front.jpeg");
        let folder = svg.parent().unwrap();
        s.load(&svg, folder).unwrap().assert_clean(tag);
        let shot = format!("exif-6-exhibit-{tag}.png");
        wrong.extend(
            sample(&mut s, "svg", &shot, &stored)
                .into_iter()
                .map(|w| format!("exhibit ({tag}) {w}")),
        );
        if !embed {
            // The copy is still the evidence, byte for byte.
            let member = eid_testkit::with_exif_orientation(
                &eid_testkit::Case::accepted()
                    .members()
                    .into_iter()
                    .find(|(n, _)| n == "front.jpeg")
                    .unwrap()
                    .1,
                6,
            );
            assert_eq!(std::fs::read(&copy).unwrap(), member);
        }
    }
    // The archive's page under --pii full: the same SVG inline, over the
    // image copied beside the page.
    let r = report("exif-6", &[zip_s], &["--pii", "full"]);
    load(&mut s, &r, "a/000000.html").assert_clean("exif page");
    wrong.extend(
        sample(&mut s, "#sheet-front svg", "exif-6-page.png", &stored)
            .into_iter()
            .map(|w| format!("page {w}")),
    );
    assert!(
        wrong.is_empty(),
        "boxes off their features:\n{}",
        wrong.join("\n")
    );
}

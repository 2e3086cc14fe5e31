//! The README's screenshots of the bundled report, rewritten on request:
//! `EID_AUDIT_DOCS_SCREENSHOTS=1 cargo test -p eid-audit --test browser docs`
//! writes `docs/html-index.png` and `docs/html-archive.png` (1280 × 900,
//! eight levels a colour channel, so that each stays well under 300 KB).

use super::{Browser, bundled, load, root};
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ImageBuffer, Rgb};
use std::path::Path;

/// One channel rounded to the nearest of eight levels.
fn level(c: u8) -> u8 {
    let l = (u16::from(c) * 7 + 127) / 255;
    (l * 255 / 7) as u8
}

/// Reduces a screenshot to eight levels a channel and writes it as a PNG:
/// page text and flat colours survive, and the file stays small.
fn write_small(png: &[u8], out: &Path) {
    let img = image::load_from_memory(png).unwrap().to_rgb8();
    let reduced: ImageBuffer<Rgb<u8>, Vec<u8>> =
        ImageBuffer::from_fn(img.width(), img.height(), |x, y| {
            Rgb(img.get_pixel(x, y).0.map(level))
        });
    let file = std::io::BufWriter::new(std::fs::File::create(out).unwrap());
    let encoder = PngEncoder::new_with_quality(file, CompressionType::Best, FilterType::Adaptive);
    reduced.write_with_encoder(encoder).unwrap();
}

#[test]
fn docs_screenshots() {
    if std::env::var("EID_AUDIT_DOCS_SCREENSHOTS").as_deref() != Ok("1") {
        eprintln!("set EID_AUDIT_DOCS_SCREENSHOTS=1 to rewrite docs/html-*.png");
        return;
    }
    let Some(browser) = Browser::for_tests() else {
        return;
    };
    let mut s = browser.launch().unwrap();
    let report = bundled();
    let tmp = tempfile::tempdir().unwrap();
    for (page, name) in [
        ("index.html", "html-index.png"),
        ("a/000011.html", "html-archive.png"),
    ] {
        load(&mut s, report, page).assert_clean(page);
        let shot = tmp.path().join(name);
        s.screenshot(&shot).unwrap();
        let out = root().join("docs").join(name);
        write_small(&std::fs::read(&shot).unwrap(), &out);
        let bytes = std::fs::metadata(&out).unwrap().len();
        assert!(bytes < 200_000, "{}: {bytes} bytes", out.display());
    }
}

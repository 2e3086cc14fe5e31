//! PNG encoding time of one photograph-like 1280 × 808 document image under
//! each compression and filter setting (the choice in `crops::write_png`).
#![allow(clippy::unwrap_used, missing_docs)]
use image::ImageEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use std::time::Instant;

fn main() {
    let options = eid_testkit::corpus::CorpusOptions {
        count: 1,
        seed: 1,
        realistic: true,
        broken_every: None,
        layout: Default::default(),
    };
    let (case, _, _) = eid_testkit::corpus::case(2, &options);
    let img = case.side_image(false).unwrap();
    for (c, cn) in [
        (CompressionType::Fast, "fast"),
        (CompressionType::Uncompressed, "uncompressed"),
        (CompressionType::Level(1), "level1"),
    ] {
        for (f, fname) in [
            (FilterType::NoFilter, "none"),
            (FilterType::Sub, "sub"),
            (FilterType::Up, "up"),
            (FilterType::Adaptive, "adaptive"),
        ] {
            let mut size = 0;
            let started = Instant::now();
            for _ in 0..10 {
                let mut out = Vec::with_capacity(4 << 20);
                PngEncoder::new_with_quality(&mut out, c, f)
                    .write_image(
                        img.as_raw(),
                        img.width(),
                        img.height(),
                        image::ExtendedColorType::Rgb8,
                    )
                    .unwrap();
                size = out.len();
            }
            println!(
                "{cn:>13} {fname:>9}: {:6.2} ms, {:5} KB",
                started.elapsed().as_secs_f64() * 100.0,
                size / 1024
            );
        }
    }
}

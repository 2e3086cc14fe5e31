//! Decoding time of the realistic corpus's side images, one thread, by way
//! of decoding: through `image` (what the crops use), and through zune-jpeg
//! directly into a reused buffer, as RGB and as YCbCr (no colour conversion).
//!
//! `cargo run --release -p eid-bench --example jpeg_modes -- target/corpus-2000`
#![allow(clippy::unwrap_used, missing_docs)]
use std::io::Read;
use std::time::Instant;
use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;

fn main() {
    let root = std::env::args().nth(1).unwrap();
    let mut images = Vec::new();
    for path in eid_archive::batch::discover(&[root.into()], &mut std::io::empty()) {
        let bytes = std::fs::read(path.path()).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let name = f.name().unwrap().to_ascii_lowercase();
            let base = name.rsplit('/').next().unwrap().to_owned();
            if (base.starts_with("front.") || base.starts_with("back.")) && base.ends_with("jpeg") {
                let mut data = Vec::new();
                f.read_to_end(&mut data).unwrap();
                images.push(data);
            }
        }
        if images.len() >= 600 {
            break;
        }
    }
    let t = Instant::now();
    for data in &images {
        std::hint::black_box(image::load_from_memory(data).unwrap());
    }
    report("image::load_from_memory", t, images.len());
    for (space, name) in [
        (ColorSpace::RGB, "zune RGB, reused buffer"),
        (ColorSpace::YCbCr, "zune YCbCr, reused buffer"),
    ] {
        let mut out = Vec::new();
        let t = Instant::now();
        for data in &images {
            let options = DecoderOptions::default().jpeg_set_out_colorspace(space);
            let mut d = zune_jpeg::JpegDecoder::new_with_options(
                zune_core::bytestream::ZCursor::new(data),
                options,
            );
            d.decode_headers().unwrap();
            out.resize(d.output_buffer_size().unwrap(), 0);
            d.decode_into(&mut out).unwrap();
            std::hint::black_box(&out);
        }
        report(name, t, images.len());
    }
}

fn report(what: &str, t: Instant, n: usize) {
    let s = t.elapsed().as_secs_f64();
    println!(
        "{what:<32} {:>7.3} ms per image ({n} images)",
        s * 1000.0 / n as f64
    );
}

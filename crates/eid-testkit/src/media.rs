//! The media a case writes: document sides with every found feature's box
//! painted in its own colour, a selfie, and a stand-in video.

use crate::*;
use image::{ImageEncoder, Rgb, RgbImage};

impl Case {
    /// The image of one side with every found feature's box painted in its colour.
    pub fn side_image(&self, back: bool) -> Option<RgbImage> {
        let (w, h) = if back { self.back? } else { self.front? };
        let mut img = document_background(w, h, self.textured, back, self.noise_seed());
        for f in &self.features {
            let on_back = f.side.eq_ignore_ascii_case("back");
            if !f.found || on_back != back {
                continue;
            }
            if let Some(b) = f.bbox {
                paint_box(&mut img, b, feature_colour(&f.name));
            }
        }
        Some(self.mark(img))
    }

    /// The image with this case's mark, when it is `marked` (a flat
    /// portrait is the same in every case otherwise): the
    /// 32 bits of its noise seed as 2 × 4 pixel blocks along the bottom
    /// right corner, clear of every feature box.
    pub(crate) fn mark(&self, mut img: RgbImage) -> RgbImage {
        if !self.marked {
            return img;
        }
        let seed = self.noise_seed();
        let (w, h) = (img.width(), img.height());
        for bit in 0..32u32 {
            let on = seed >> bit & 1 == 1;
            let colour = if on {
                Rgb([20, 20, 20])
            } else {
                Rgb([250, 250, 250])
            };
            for dx in 0..2 {
                for dy in 0..4 {
                    let (x, y) = (
                        w.saturating_sub(64) + 2 * bit + dx,
                        h.saturating_sub(4) + dy,
                    );
                    if x < w && y < h {
                        img.put_pixel(x, y, colour);
                    }
                }
            }
        }
        img
    }

    /// Seeds the texture noise, so every archive's photos differ.
    pub(crate) fn noise_seed(&self) -> u32 {
        self.process_id.bytes().fold(0x811c_9dc5u32, |h, b| {
            (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
        })
    }
}

/// The colour a feature's box is painted in: derived from its name (FNV-1a),
/// saturated and mid-bright so that JPEG keeps it recognisable.
pub fn feature_colour(name: &str) -> [u8; 3] {
    let mut h: u32 = 0x811c_9dc5;
    for b in name.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    // Hue from the hash; saturation and value fixed.
    let hue = (h % 360) as f32;
    let (s, v) = (0.85f32, 0.85f32);
    let c = v * s;
    let x = c * (1.0 - ((hue / 60.0) % 2.0 - 1.0).abs());
    let m = v - c;
    let (r, g, b) = match (hue / 60.0) as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let to = |f: f32| ((f + m) * 255.0).round() as u8;
    [to(r), to(g), to(b)]
}

pub(crate) fn document_background(
    w: u32,
    h: u32,
    textured: bool,
    back: bool,
    seed: u32,
) -> RgbImage {
    let mut state: u32 = (if back { 0x1234_5678 } else { 0x9e37_79b9 }) ^ seed | 1;
    RgbImage::from_fn(w, h, |x, y| {
        let base = if back {
            [214u8, 222, 228]
        } else {
            [232u8, 226, 214]
        };
        // Faint guilloche-like stripes make it look like a document, not a flat card.
        let stripe = if (x + 2 * y) % 24 < 2 { 18 } else { 0 };
        let noise = if textured {
            // Sensor-like noise: enough entropy that a JPEG weighs what a photo does.
            (xorshift(&mut state) % 12) as u8
        } else {
            0
        };
        Rgb(base.map(|c| c.saturating_sub(stripe).saturating_sub(noise)))
    })
}

/// The next number of a xorshift32 sequence: cheap, deterministic noise.
fn xorshift(state: &mut u32) -> u32 {
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    *state
}

fn paint_box(img: &mut RgbImage, (x, y, w, h): (i64, i64, i64, i64), colour: [u8; 3]) {
    let (iw, ih) = (i64::from(img.width()), i64::from(img.height()));
    for py in y.max(0)..(y + h).min(ih) {
        for px in x.max(0)..(x + w).min(iw) {
            img.put_pixel(px as u32, py as u32, Rgb(colour));
        }
    }
}

pub(crate) fn selfie_image(w: u32, h: u32, textured: bool, seed: u32) -> RgbImage {
    let (cx, cy) = (w as f32 / 2.0, h as f32 * 0.45);
    let (rx, ry) = (w as f32 * 0.3, h as f32 * 0.32);
    let mut state = seed | 1;
    RgbImage::from_fn(w, h, |x, y| {
        let dx = (x as f32 - cx) / rx;
        let dy = (y as f32 - cy) / ry;
        let base = if dx * dx + dy * dy <= 1.0 {
            [224u8, 182, 150]
        } else {
            [90u8, 110, 140]
        };
        let noise = if textured {
            (xorshift(&mut state) % 24) as u8
        } else {
            0
        };
        Rgb(base.map(|c| c.saturating_sub(noise)))
    })
}

/// Encodes an image as JPEG (quality 90) or PNG.
pub fn encode(img: &RgbImage, kind: ImageKind) -> Vec<u8> {
    fn write(encoder: impl ImageEncoder, img: &RgbImage) {
        encoder
            .write_image(
                img.as_raw(),
                img.width(),
                img.height(),
                image::ExtendedColorType::Rgb8,
            )
            .expect("encoding to memory cannot fail");
    }
    let mut out = Vec::new();
    match kind {
        ImageKind::Jpeg => write(
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90),
            img,
        ),
        ImageKind::Png => write(image::codecs::png::PngEncoder::new(&mut out), img),
    }
    out
}

pub(crate) fn fake_mp4() -> Vec<u8> {
    // An ftyp box and a little padding: enough to look like an MP4; it is never decoded.
    let mut v = vec![0, 0, 0, 0x18];
    v.extend_from_slice(b"ftypisom\0\0\x02\0isomiso2");
    v.extend(std::iter::repeat_n(0u8, 1000));
    v
}

/// Standard padded base64, as the native dialect embeds images.
pub(crate) fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// `image` (a JPEG or PNG from [`encode`]) with an EXIF orientation tag, as
/// phones write it: a real `Exif` APP1 segment right after a JPEG's SOI, or
/// an `eXIf` chunk right after a PNG's IHDR. The pixels are untouched, so a
/// feature's box still names the stored pixels painted in its colour.
pub fn with_exif_orientation(image: &[u8], orientation: u8) -> Vec<u8> {
    // A big-endian TIFF header and IFD0 with one entry: Orientation (0x0112),
    // SHORT, count 1, the value in the first two bytes of the value field.
    let mut tiff = b"MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01".to_vec();
    tiff.extend_from_slice(&[0, orientation, 0, 0]);
    tiff.extend_from_slice(&[0, 0, 0, 0]); // no next IFD
    let mut out = Vec::with_capacity(image.len() + 64);
    if image.starts_with(&[0xFF, 0xD8]) {
        let len = u16::try_from(2 + 6 + tiff.len()).expect("a small segment");
        out.extend_from_slice(&image[..2]);
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(b"Exif\0\0");
        out.extend_from_slice(&tiff);
        out.extend_from_slice(&image[2..]);
    } else {
        // Signature (8) and IHDR (4 + 4 + 13 + 4).
        let (head, rest) = image.split_at(33);
        out.extend_from_slice(head);
        let len = u32::try_from(tiff.len()).expect("a small chunk");
        out.extend_from_slice(&len.to_be_bytes());
        let mut body = b"eXIf".to_vec();
        body.extend_from_slice(&tiff);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32fast_png(&body).to_be_bytes());
        out.extend_from_slice(rest);
    }
    out
}

/// The CRC-32 of a PNG chunk's type and data.
fn crc32fast_png(bytes: &[u8]) -> u32 {
    let mut h = flate2::Crc::new();
    h.update(bytes);
    h.sum()
}

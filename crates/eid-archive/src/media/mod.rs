//! Image headers and bounded decoding. Dimensions come from the header only;
//! pixels are decoded only when a crop needs them, under the image crate's
//! `Limits` and a byte budget checked before the buffer exists.
//!
//! This module is internal; [`decode`] is public (hidden) only so that the
//! benches can measure the decoding floor with the very same code.

use crate::evidence::{Dimensions, MediaFormat};
use crate::limits::Limits;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use std::io::Cursor;

mod jpeg_scan;
mod orientation;

pub(crate) use orientation::exif_orientation;

/// What an image header says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Probe {
    /// The format found in the bytes (`None` if not JPEG or PNG).
    pub(crate) format: Option<MediaFormat>,
    /// The dimensions, when the header was read and they are within the limits.
    pub(crate) dimensions: Option<Dimensions>,
    /// Why the image cannot be used, or what is odd about it.
    pub(crate) problem: Option<String>,
    /// True when the header was read (whatever it said); false when more bytes may help.
    pub(crate) header_read: bool,
}

/// How much of an image is read to find its header, widening only when the
/// header is not in it: most headers sit in the first KiB; JPEG EXIF blocks
/// (with thumbnails) can push them past 64 KiB; then the whole image is read.
const HEADER_PREFIXES: [usize; 2] = [1 << 10, 80 << 10];

/// Probes an image from ever longer prefixes. `read(Some(n))` gives at most
/// the first `n` bytes and whether they are the whole image; `read(None)`
/// gives all of it. Returns the probe and, when the whole image was read,
/// its length.
pub(crate) fn probe_growing<E>(
    named: Option<MediaFormat>,
    limits: &Limits,
    mut read: impl FnMut(Option<usize>) -> Result<(Vec<u8>, bool), E>,
) -> Result<(Probe, Option<u64>), E> {
    for n in HEADER_PREFIXES {
        let (bytes, whole) = read(Some(n))?;
        let p = probe(&bytes, named, limits);
        if p.header_read || whole {
            return Ok((p, whole.then_some(bytes.len() as u64)));
        }
    }
    let (bytes, _) = read(None)?;
    Ok((probe(&bytes, named, limits), Some(bytes.len() as u64)))
}

/// Reads the format and dimensions from an image's header, never its pixels.
pub(crate) fn probe(bytes: &[u8], named: Option<MediaFormat>, limits: &Limits) -> Probe {
    let found = match image::guess_format(bytes) {
        Ok(ImageFormat::Jpeg) => MediaFormat::Jpeg,
        Ok(ImageFormat::Png) => MediaFormat::Png,
        Ok(other) => {
            let problem = Some(format!("{other:?} data, not a JPEG or PNG"));
            return Probe {
                format: None,
                dimensions: None,
                problem,
                header_read: true,
            };
        }
        Err(_) => {
            let problem = Some("not an image the reader knows (no JPEG or PNG signature)".into());
            return Probe {
                format: None,
                dimensions: None,
                problem,
                header_read: true,
            };
        }
    };
    // A direct read of the frame header is much cheaper than the decoder's
    // header pass (which also builds Huffman tables); the decoder stays the
    // fallback and the authority on anything unusual.
    let quick = match found {
        MediaFormat::Jpeg => jpeg_frame_size(bytes),
        _ => png_ihdr_size(bytes),
    };
    let dims = match quick {
        Some(d) => Ok(d),
        None => {
            ImageReader::with_format(Cursor::new(bytes), to_image_format(found)).into_dimensions()
        }
    };
    match dims {
        Ok((width, height)) => {
            let max = limits.max_image_dimension;
            let (dimensions, problem) = if width > max || height > max {
                (
                    None,
                    Some(format!(
                        "header declares {width}×{height} px, over the {max}×{max} limit; not decoded"
                    )),
                )
            } else if let Some(n) = named.filter(|n| *n != found) {
                // Readable, so the dimensions are kept; the mislabel is still reported.
                let problem = format!("named as {n} but holds {found} data");
                (Some(Dimensions { width, height }), Some(problem))
            } else {
                (Some(Dimensions { width, height }), None)
            };
            Probe {
                format: Some(found),
                dimensions,
                problem,
                header_read: true,
            }
        }
        Err(e) => Probe {
            format: Some(found),
            dimensions: None,
            problem: Some(format!("header cannot be read: {e}")),
            header_read: false,
        },
    }
}

/// The marker segments of a JPEG before its first scan, as `(marker, body)`,
/// walked from the start: fill bytes and the markers without a length are
/// skipped; the walk ends at the first scan, the end of the image, or
/// anything unexpected (the decoder then decides). One walk for every header
/// read (the frame's size, the EXIF orientation).
pub(crate) fn jpeg_segments(b: &[u8]) -> impl Iterator<Item = (u8, &[u8])> {
    let mut i = 2; // after SOI
    std::iter::from_fn(move || {
        while i + 4 <= b.len() {
            if b[i] != 0xFF {
                return None;
            }
            let marker = b[i + 1];
            match marker {
                0xFF => {
                    i += 1; // fill byte
                    continue;
                }
                0x01 | 0xD0..=0xD7 => {
                    i += 2; // markers without a length
                    continue;
                }
                0xD8..=0xDA => return None, // a new image, its end, the first scan
                _ => {}
            }
            let len = usize::from(u16::from_be_bytes([b[i + 2], b[i + 3]]));
            if len < 2 {
                return None;
            }
            let body = b.get(i + 4..i + 2 + len)?;
            i += 2 + len;
            return Some((marker, body));
        }
        None
    })
}

/// Width and height from a JPEG's start-of-frame segment. `None` when the
/// bytes end first or anything is unexpected (the decoder then decides).
fn jpeg_frame_size(b: &[u8]) -> Option<(u32, u32)> {
    // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC).
    let (_, f) = jpeg_segments(b)
        .find(|(m, _)| (0xC0..=0xCF).contains(m) && !matches!(m, 0xC4 | 0xC8 | 0xCC))?;
    let f = f.get(..5)?;
    let height = u32::from(u16::from_be_bytes([f[1], f[2]]));
    let width = u32::from(u16::from_be_bytes([f[3], f[4]]));
    (width > 0 && height > 0).then_some((width, height))
}

/// Width and height from a PNG's IHDR, the first chunk.
fn png_ihdr_size(b: &[u8]) -> Option<(u32, u32)> {
    if b.len() < 24 || &b[12..16] != b"IHDR" {
        return None;
    }
    let width = u32::from_be_bytes([b[16], b[17], b[18], b[19]]);
    let height = u32::from_be_bytes([b[20], b[21], b[22], b[23]]);
    (width > 0 && height > 0).then_some((width, height))
}

fn to_image_format(f: MediaFormat) -> ImageFormat {
    match f {
        MediaFormat::Png => ImageFormat::Png,
        _ => ImageFormat::Jpeg,
    }
}

/// Why an image could not be decoded, in words for a finding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DecodeError(pub(crate) String);

/// Decodes an image under the limits: the header's dimensions and the size of
/// the pixel buffer are checked before it is allocated. A panic inside a
/// decoder (they are known to panic on crafted input) becomes an error.
/// Returns the pixels and the EXIF orientation when the image has one.
pub fn decode(
    bytes: &[u8],
    limits: &Limits,
) -> Result<(DynamicImage, Option<Orientation>), DecodeError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| decode_inner(bytes, limits)))
        .unwrap_or_else(|_| Err("the image decoder failed on this data".into()))
        .map_err(DecodeError)
}

fn decode_inner(
    bytes: &[u8],
    limits: &Limits,
) -> Result<(DynamicImage, Option<Orientation>), String> {
    // The header alone first, as `probe` reads it for the evidence: a giant
    // declared size is refused with its numbers before any decoder exists.
    let header = probe(bytes, None, limits);
    let (Some(found), Some(dims)) = (header.format, header.dimensions) else {
        return Err(header
            .problem
            .unwrap_or_else(|| "header cannot be read".into()));
    };
    let format = to_image_format(found);
    let max = limits.max_image_dimension;
    // JPEG decoders fill a cut-off scan with grey and report success: a missing
    // end-of-image marker is the only sign that the evidence is incomplete.
    if format == ImageFormat::Jpeg && !has_jpeg_end(bytes) {
        return Err("truncated JPEG: no end-of-image marker".into());
    }
    // Nor do they say when the marker is there but the scan stops short of
    // the frame (cut and closed, or a header taller than its data): walk it.
    let coverage = match format {
        ImageFormat::Jpeg => jpeg_scan::scan_coverage(bytes),
        _ => jpeg_scan::Coverage::Complete,
    };
    if let jpeg_scan::Coverage::Incomplete(why) = &coverage {
        return Err(format!("truncated JPEG scan: {why}"));
    }
    let mut image_limits = image::Limits::default();
    image_limits.max_image_width = Some(max);
    image_limits.max_image_height = Some(max);
    // Four bytes per pixel of this image, plus decoder scratch: every
    // allocation the decoder makes counts, metadata too, so an iCCP or zTXt
    // chunk that inflates to a gigabyte is refused rather than held.
    image_limits.max_alloc = Some(u64::from(dims.width) * u64::from(dims.height) * 4 + (16 << 20));
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(image_limits);
    let mut decoder = reader.into_decoder().map_err(|e| refusal(&e))?;
    let (w, h) = decoder.dimensions();
    if w > max || h > max {
        return Err(format!(
            "header declares {w}×{h} px, over the {max}×{max} limit"
        ));
    }
    // `into_decoder` checks the dimensions only: check the buffer it will need too.
    let needed = decoder.total_bytes();
    let budget = u64::from(max).pow(2) * 4;
    if needed > budget {
        return Err(format!(
            "would need {needed} bytes of pixels, over the {budget}-byte budget"
        ));
    }
    let orientation = decoder
        .orientation()
        .ok()
        .filter(|o| *o != Orientation::NoTransforms);
    let image =
        DynamicImage::from_decoder(decoder).map_err(|e| format!("cannot be decoded: {e}"))?;
    // Fail closed: pixels from data whose coverage is unknown are not clean.
    // (The decoder refuses these codings today; this holds if it learns one.)
    if let jpeg_scan::Coverage::NotChecked(why) = coverage {
        return Err(format!(
            "decodes, but whether its scan covers the frame is not checked: {why}"
        ));
    }
    Ok((image, orientation))
}

/// True when an end-of-image marker (FF D9) sits at the end, allowing for the
/// padding some writers append.
fn has_jpeg_end(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(4096)..];
    tail.windows(2).any(|w| w == [0xFF, 0xD9])
}

fn refusal(e: &image::ImageError) -> String {
    match e {
        image::ImageError::Limits(l) => format!("refused by the decoding limits: {l}"),
        other => format!("header cannot be read: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use eid_testkit::ImageKind;
    use image::RgbImage;

    fn encode(img: &RgbImage, png: bool) -> Vec<u8> {
        eid_testkit::encode(img, if png { ImageKind::Png } else { ImageKind::Jpeg })
    }

    #[test]
    fn quick_header_reads_agree_with_the_decoder() {
        for (w, h) in [(1, 1), (17, 9), (640, 404), (1280, 808)] {
            let img = RgbImage::new(w, h);
            let jpeg = encode(&img, false);
            assert_eq!(jpeg_frame_size(&jpeg), Some((w, h)));
            let png = encode(&img, true);
            assert_eq!(png_ihdr_size(&png), Some((w, h)));
            let p = probe(
                &jpeg[..jpeg.len().min(1024)],
                Some(MediaFormat::Jpeg),
                &Limits::default(),
            );
            assert_eq!(
                p.dimensions,
                Some(Dimensions {
                    width: w,
                    height: h
                })
            );
        }
        // cut before the frame header: ask for more bytes
        let jpeg = encode(&RgbImage::new(8, 8), false);
        assert_eq!(jpeg_frame_size(&jpeg[..20]), None);
        assert_eq!(png_ihdr_size(b"short"), None);
    }
}

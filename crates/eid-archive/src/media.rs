//! Image headers and bounded decoding. Dimensions come from the header only;
//! pixels are decoded only when a crop needs them, under the image crate's
//! `Limits` and a byte budget checked before the buffer exists.

use crate::evidence::{Dimensions, MediaFormat};
use crate::limits::Limits;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use std::io::Cursor;

/// What an image header says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// The format found in the bytes (`None` if not JPEG or PNG).
    pub format: Option<MediaFormat>,
    /// The dimensions, when the header was read and they are within the limits.
    pub dimensions: Option<Dimensions>,
    /// Why the image cannot be used, or what is odd about it.
    pub problem: Option<String>,
    /// True when the header was read (whatever it said); false when more bytes may help.
    pub header_read: bool,
}

/// Reads the format and dimensions from an image's header, never its pixels.
pub fn probe(bytes: &[u8], named: Option<MediaFormat>, limits: &Limits) -> Probe {
    let found = match image::guess_format(bytes) {
        Ok(ImageFormat::Jpeg) => MediaFormat::Jpeg,
        Ok(ImageFormat::Png) => MediaFormat::Png,
        Ok(other) => {
            let problem = Some(format!("{other:?} data, not a JPEG or PNG"));
            return Probe { format: None, dimensions: None, problem, header_read: true };
        }
        Err(_) => {
            let problem = Some("not an image the reader knows (no JPEG or PNG signature)".into());
            return Probe { format: None, dimensions: None, problem, header_read: true };
        }
    };
    let reader = ImageReader::with_format(Cursor::new(bytes), to_image_format(found));
    match reader.into_dimensions() {
        Ok((width, height)) => {
            let max = limits.max_image_dimension;
            let (dimensions, problem) = if width > max || height > max {
                (None, Some(format!("header declares {width}×{height} px, over the {max}×{max} limit; not decoded")))
            } else if let Some(n) = named.filter(|n| *n != found) {
                // Readable, so the dimensions are kept; the mislabel is still reported.
                let problem = format!("named as {} but holds {} data", fmt_name(n), fmt_name(found));
                (Some(Dimensions { width, height }), Some(problem))
            } else {
                (Some(Dimensions { width, height }), None)
            };
            Probe { format: Some(found), dimensions, problem, header_read: true }
        }
        Err(e) => Probe {
            format: Some(found),
            dimensions: None,
            problem: Some(format!("header cannot be read: {e}")),
            header_read: false,
        },
    }
}

fn fmt_name(f: MediaFormat) -> &'static str {
    match f {
        MediaFormat::Jpeg => "jpeg",
        MediaFormat::Png => "png",
        MediaFormat::Mp4 => "mp4",
        MediaFormat::Mov => "mov",
        MediaFormat::Webm => "webm",
    }
}

fn to_image_format(f: MediaFormat) -> ImageFormat {
    match f {
        MediaFormat::Png => ImageFormat::Png,
        _ => ImageFormat::Jpeg,
    }
}

/// Decodes an image under the limits: the header's dimensions and the size of
/// the pixel buffer are checked before it is allocated. A panic inside a
/// decoder (they are known to panic on crafted input) becomes an error.
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<DynamicImage, String> {
    decode_with_orientation(bytes, limits).map(|(image, _)| image)
}

/// [`decode`], also returning the EXIF orientation when the image has one.
pub fn decode_with_orientation(
    bytes: &[u8],
    limits: &Limits,
) -> Result<(DynamicImage, Option<Orientation>), String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| decode_inner(bytes, limits)))
        .unwrap_or_else(|_| Err("the image decoder failed on this data".into()))
}

fn decode_inner(
    bytes: &[u8],
    limits: &Limits,
) -> Result<(DynamicImage, Option<Orientation>), String> {
    let format = image::guess_format(bytes).map_err(|_| "not a JPEG or PNG".to_owned())?;
    if !matches!(format, ImageFormat::Jpeg | ImageFormat::Png) {
        return Err(format!("{format:?} data, not a JPEG or PNG"));
    }
    let max = limits.max_image_dimension;
    // The header alone first: a giant declared size is refused with its numbers.
    let (w, h) = ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(|e| format!("header cannot be read: {e}"))?;
    if w > max || h > max {
        return Err(format!(
            "header declares {w}×{h} px, over the {max}×{max} limit"
        ));
    }
    // JPEG decoders fill a cut-off scan with grey and report success: a missing
    // end-of-image marker is the only sign that the evidence is incomplete.
    if format == ImageFormat::Jpeg && !has_jpeg_end(bytes) {
        return Err("truncated JPEG: no end-of-image marker".into());
    }
    let mut image_limits = image::Limits::default();
    image_limits.max_image_width = Some(max);
    image_limits.max_image_height = Some(max);
    // Four bytes per pixel at the largest allowed size, plus decoder scratch.
    image_limits.max_alloc = Some(u64::from(max).pow(2) * 4 + (64 << 20));
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

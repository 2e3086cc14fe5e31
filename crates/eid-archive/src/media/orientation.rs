//! The EXIF orientation an image carries, read from its header without
//! decoding it: the first `Exif` APP1 segment of a JPEG (before its first
//! scan), or the `eXIf` chunk of a PNG (before its first `IDAT`).
//!
//! Browsers turn a referenced image by this orientation whatever the page's
//! CSS says (Chromium ignores `image-orientation: none` for `file://` and
//! other cross-origin images), so an exhibit that draws stored-pixel boxes
//! over the image must know it to turn the image back (see `draw::svg`).
//! The walk visits each segment or chunk once, by its declared length, so it
//! is linear in the header and stops at the first scan or image data.

use image::metadata::Orientation;

/// The orientation `bytes` (a JPEG or PNG) declares, when it is one of the
/// seven that turn or mirror the image; `None` for none, 1, or an invalid one.
pub(crate) fn exif_orientation(bytes: &[u8]) -> Option<Orientation> {
    let chunk = if bytes.starts_with(&[0xFF, 0xD8]) {
        jpeg_exif(bytes)?
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        png_exif(bytes)?
    } else {
        return None;
    };
    Orientation::from_exif_chunk(chunk).filter(|o| *o != Orientation::NoTransforms)
}

/// The TIFF data of the first `Exif\0\0` APP1 segment before the first scan.
fn jpeg_exif(b: &[u8]) -> Option<&[u8]> {
    super::jpeg_segments(b)
        .filter(|(m, _)| *m == 0xE1)
        .find_map(|(_, body)| body.strip_prefix(b"Exif\0\0"))
}

/// The data of the `eXIf` chunk, when it comes before the image data.
fn png_exif(b: &[u8]) -> Option<&[u8]> {
    let mut i = 8; // after the signature
    while i + 8 <= b.len() {
        let len = usize::try_from(u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])).ok()?;
        let kind = &b[i + 4..i + 8];
        if kind == b"IDAT" || kind == b"IEND" {
            return None;
        }
        let data = b.get(i + 8..(i + 8).checked_add(len)?)?;
        if kind == b"eXIf" {
            return Some(data);
        }
        // Data, then a four-byte CRC.
        i = i.checked_add(12)?.checked_add(len)?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use eid_testkit::ImageKind;
    use image::RgbImage;

    #[test]
    fn the_orientation_is_read_as_the_decoder_reads_it() {
        let img = RgbImage::new(24, 16);
        for kind in [ImageKind::Jpeg, ImageKind::Png] {
            let plain = eid_testkit::encode(&img, kind);
            assert_eq!(exif_orientation(&plain), None);
            for o in 1..=8u8 {
                let bytes = eid_testkit::with_exif_orientation(&plain, o);
                let want = Orientation::from_exif(o).filter(|o| *o != Orientation::NoTransforms);
                assert_eq!(exif_orientation(&bytes), want, "{kind:?} {o}");
                // The decoder, which turns crops upright, agrees.
                let (_, decoded) = crate::media::decode(&bytes, &crate::Limits::default()).unwrap();
                assert_eq!(decoded, want, "{kind:?} {o}");
            }
        }
    }

    #[test]
    fn cut_or_odd_headers_give_no_orientation() {
        let plain = eid_testkit::encode(&RgbImage::new(8, 8), ImageKind::Jpeg);
        let six = eid_testkit::with_exif_orientation(&plain, 6);
        for n in 0..40 {
            // Every prefix is read without a panic; none invents an orientation.
            let o = exif_orientation(&six[..n]);
            assert!(o.is_none() || o == Some(Orientation::Rotate90), "{n}");
        }
        assert_eq!(exif_orientation(b"GIF89a"), None);
        // A segment length of 0 or 1 does not loop forever.
        assert_eq!(
            exif_orientation(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 0xFF, 0xD9]),
            None
        );
    }
}

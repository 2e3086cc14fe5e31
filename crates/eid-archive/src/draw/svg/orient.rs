//! Drawing an image that carries an EXIF orientation so that it lies on the
//! stored pixel grid anyway.
//!
//! Browsers turn an image by its EXIF orientation whatever the CSS says:
//! Chromium honours `image-orientation: none` only for same-origin images
//! (a `data:` URI), never for a `file://` one, which every file is to
//! another. Boxes name stored pixels, so the image is drawn the way every
//! browser shows it (`image-orientation: from-image`, at its turned size) in
//! a group whose transform turns it back onto the stored grid: the exhibit
//! shows the image as stored, as the provider analysed it, under boxes
//! written unchanged.

use super::text::Esc;
use std::fmt::{self, Write as _};

/// The transform that takes the image as a browser shows it under EXIF
/// orientation `o` (2..=8), drawn at `(0, 0)` with its turned size, back onto
/// the stored `w` × `h` grid; `None` for orientation 1 or an unknown value.
///
/// EXIF says where stored pixel `(x, y)` is shown, `(dx, dy)`; the
/// transform is the inverse, `(x, y) = (a·dx + c·dy + e, b·dx + d·dy + f)`.
pub(super) fn unturn(o: u8, w: i64, h: i64) -> Option<[i64; 6]> {
    Some(match o {
        // Mirrored left to right: dx = w - x.
        2 => [-1, 0, 0, 1, w, 0],
        // Turned half way: dx = w - x, dy = h - y.
        3 => [-1, 0, 0, -1, w, h],
        // Mirrored top to bottom: dy = h - y.
        4 => [1, 0, 0, -1, 0, h],
        // Transposed: dx = y, dy = x.
        5 => [0, 1, 1, 0, 0, 0],
        // Turned a quarter clockwise: dx = h - y, dy = x.
        6 => [0, -1, 1, 0, 0, h],
        // Transversed: dx = h - y, dy = w - x.
        7 => [0, -1, -1, 0, w, h],
        // Turned a quarter anticlockwise: dx = y, dy = w - x.
        8 => [0, 1, -1, 0, w, 0],
        _ => return None,
    })
}

/// Writes the image at `href` of stored size `w` × `h` with EXIF orientation
/// `o` (one `unturn` knows) and the transform `m` that turns it back.
pub(super) fn write_turned(
    out: &mut String,
    href: &str,
    o: u8,
    m: [i64; 6],
    w: i64,
    h: i64,
) -> fmt::Result {
    // Orientations 5 to 8 swap width and height on screen.
    let (sw, sh) = if o >= 5 { (h, w) } else { (w, h) };
    let [a, b, c, d, e, f] = m;
    let esc = Esc(href);
    let xlink = if href.starts_with("data:") {
        String::new()
    } else {
        format!(" xlink:href=\"{esc}\"")
    };
    writeln!(
        out,
        "<g class=\"stored-grid\" transform=\"matrix({a} {b} {c} {d} {e} {f})\">"
    )?;
    // `data-exif-orientation` also lets a host page's style sheet say
    // `from-image` for this image, where an inline style is not allowed.
    writeln!(
        out,
        "<image href=\"{esc}\"{xlink} x=\"0\" y=\"0\" width=\"{sw}\" height=\"{sh}\" \
         preserveAspectRatio=\"none\" data-exif-orientation=\"{o}\" \
         style=\"image-orientation:from-image\"/>"
    )?;
    writeln!(out, "</g>")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where EXIF orientation `o` shows stored point `(x, y)` of a `w` × `h`
    /// image, straight from the EXIF definitions of the rows and columns.
    fn shown(o: u8, (x, y): (i64, i64), w: i64, h: i64) -> (i64, i64) {
        match o {
            2 => (w - x, y),
            3 => (w - x, h - y),
            4 => (x, h - y),
            5 => (y, x),
            6 => (h - y, x),
            7 => (h - y, w - x),
            8 => (y, w - x),
            _ => (x, y),
        }
    }

    #[test]
    fn each_transform_undoes_its_orientation() {
        let (w, h) = (640, 404);
        for o in 2..=8 {
            let [a, b, c, d, e, f] = unturn(o, w, h).unwrap();
            for p in [(0, 0), (w, 0), (0, h), (w, h), (102, 238), (7, 399)] {
                let (dx, dy) = shown(o, p, w, h);
                assert_eq!((a * dx + c * dy + e, b * dx + d * dy + f), p, "{o} {p:?}");
            }
        }
        assert_eq!(unturn(1, w, h), None);
        assert_eq!(unturn(0, w, h), None);
        assert_eq!(unturn(9, w, h), None);
    }

    #[test]
    fn the_exif_definitions_agree_with_the_decoder() {
        // Pixel centres in doubled coordinates: stored pixel (x, y) is shown
        // at the pixel whose centre `shown` gives.
        let (w, h) = (5u32, 3u32);
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 0]));
        for o in 1..=8 {
            let mut d = image::DynamicImage::ImageRgb8(img.clone());
            d.apply_orientation(image::metadata::Orientation::from_exif(o).unwrap());
            let d = d.to_rgb8();
            for (x, y, p) in img.enumerate_pixels() {
                let centre = (2 * i64::from(x) + 1, 2 * i64::from(y) + 1);
                let (dx, dy) = shown(o, centre, 2 * i64::from(w), 2 * i64::from(h));
                assert_eq!(d.get_pixel((dx / 2) as u32, (dy / 2) as u32), p, "{o}");
            }
        }
    }

    #[test]
    fn a_turned_image_keeps_the_stored_grid_and_the_boxes() {
        use super::super::tests::{bx, check, exhibit, frame};
        let boxes = vec![bx("Photo", (32, 168, 141, 141), false)];
        let mut e = exhibit(640, 404, boxes, vec![]);
        let plain = super::super::render(&e);
        e.exif_orientation = 6;
        let svg = super::super::render(&e);
        let doc = check(&svg);
        frame(&doc, 640, 404);
        let image = doc.descendants().find(|n| n.has_tag_name("image")).unwrap();
        let group = image.parent_element().unwrap();
        assert_eq!(group.attribute("transform"), Some("matrix(0 -1 1 0 0 404)"));
        assert_eq!(image.attribute("width"), Some("404"));
        assert_eq!(image.attribute("height"), Some("640"));
        assert_eq!(image.attribute("data-exif-orientation"), Some("6"));
        assert_eq!(
            image.attribute("style"),
            Some("image-orientation:from-image")
        );
        // Everything after the image is the same as without an orientation.
        let tail = |s: &str| s[s.find("<g class=\"features\">").unwrap()..].to_owned();
        assert_eq!(tail(&svg), tail(&plain));
        // The transform holds only on the image's group.
        assert_eq!(svg.matches("transform=").count(), 1);
    }
}

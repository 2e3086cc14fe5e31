//! The annotated images: every box outlined on its side's decoded image
//! (solid when found, dashed when not) with its name in a bitmap font.

use crate::evidence::BBox;
use image::{Rgb, RgbImage};

/// A colour for a box outline; found boxes in their own hue, missing ones red.
pub(super) fn outline_colour(name: &str, found: bool) -> Rgb<u8> {
    if !found {
        return Rgb([220, 0, 0]);
    }
    let mut h: u32 = 0x811c_9dc5;
    for b in name.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    // Dark, saturated colours stand out on a light document.
    let palette = [
        [0, 90, 200],
        [0, 140, 60],
        [150, 0, 150],
        [200, 90, 0],
        [0, 120, 140],
        [90, 60, 0],
    ];
    Rgb(palette[(h % palette.len() as u32) as usize])
}

/// Draws a box outline (solid, or dashed where it was clipped to the image)
/// and the name where it fits.
pub(super) fn draw_box(img: &mut RgbImage, bbox: BBox, name: &str, solid: bool) {
    let Some((x, y, w, h)) = bbox.clip(img.width(), img.height()) else {
        return;
    };
    let colour = outline_colour(name, true);
    let t = 2u32.min(w).min(h).max(1);
    let dashed = |i: u32| solid || (i / 6).is_multiple_of(2);
    for i in 0..w {
        for k in 0..t {
            if dashed(i) {
                img.put_pixel(x + i, y + k, colour);
                img.put_pixel(x + i, y + h - 1 - k, colour);
            }
        }
    }
    for j in 0..h {
        for k in 0..t {
            if dashed(j) {
                img.put_pixel(x + k, y + j, colour);
                img.put_pixel(x + w - 1 - k, y + j, colour);
            }
        }
    }
    if let Some((lx, ly, lw, lh)) = label_rect(img.width(), img.height(), (x, y), name) {
        for py in ly..ly + lh {
            for px in lx..lx + lw {
                img.put_pixel(px, py, colour);
            }
        }
        super::font::render(&label_of(name), LABEL_SCALE, |px, py| {
            img.put_pixel(lx + 2 + px, ly + 2 + py, Rgb([255, 255, 255]));
        });
    }
}

/// Labels are drawn at the font's own size: they sit on the document, and a
/// larger one would hide more of it.
const LABEL_SCALE: u32 = 1;

/// The text of a box's label: its name, cut to 40 characters.
fn label_of(name: &str) -> String {
    name.chars().take(40).collect()
}

/// Where the label of a box whose clipped top-left corner is `(x, y)` goes
/// in a `width` × `height` image, as `(x, y, w, h)`: above the box where
/// there is room, else inside its top edge; `None` where it cannot fit.
pub(super) fn label_rect(
    width: u32,
    height: u32,
    (x, y): (u32, u32),
    name: &str,
) -> Option<(u32, u32, u32, u32)> {
    let label = label_of(name);
    let (lw, lh) = (
        super::font::text_width(&label, LABEL_SCALE) + 4,
        super::font::text_height(LABEL_SCALE) + 4,
    );
    if lw > width || lh > height {
        return None;
    }
    let lx = x.min(width - lw);
    let ly = if y >= lh {
        y - lh
    } else if y + lh <= height {
        y
    } else {
        return None;
    };
    Some((lx, ly, lw, lh))
}

/// The heights of the caption band above an image `width` pixels wide and
/// of the legend band below it, for that many lines each, and the font scale
/// of their text (scaled to the image so that it stays legible on large
/// scans).
pub(super) fn band_heights(width: u32, caption: usize, legend: usize) -> (u32, u32, u32) {
    let scale = (width / 400).clamp(1, 8);
    let line = super::font::text_height(scale) + 4 * scale;
    let band = |lines: usize| line * lines as u32 + 4 * scale;
    (band(caption), band(legend), scale)
}

/// The image with a caption band above it and a legend band below it, in a
/// bitmap font. The bands are added to the canvas, outside the image, whose
/// pixels are copied unchanged: no text covers the evidence.
pub(super) fn with_bands(image: RgbImage, caption: &[String], legend: &[String]) -> RgbImage {
    let (top, bottom, scale) = band_heights(image.width(), caption.len(), legend.len());
    let line = super::font::text_height(scale) + 4 * scale;
    let (w, h) = image.dimensions();
    let mut out = RgbImage::from_pixel(w, h + top + bottom, Rgb([255, 255, 255]));
    image::imageops::replace(&mut out, &image, 0, i64::from(top));
    drop(image);
    // Each band is written only inside its own rows, so a line too long or
    // a font too tall can never spill onto the image.
    let write = |lines: &[String], y0: u32, y1: u32, out: &mut RgbImage| {
        for (k, text) in lines.iter().enumerate() {
            // Keep what fits the width.
            let fits =
                (w.saturating_sub(8 * scale) / super::font::text_width("M", scale).max(1)) as usize;
            let text: String = text.chars().take(fits).collect();
            let y = y0 + 2 * scale + line * k as u32;
            super::font::render(&text, scale, |px, py| {
                let (x, y) = (4 * scale + px, y + py);
                if x < out.width() && y < y1 {
                    out.put_pixel(x, y, Rgb([20, 20, 20]));
                }
            });
        }
    };
    write(caption, 0, top, &mut out);
    write(legend, top + h, top + h + bottom, &mut out);
    out
}

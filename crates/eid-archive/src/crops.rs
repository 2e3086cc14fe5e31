//! Bounding-box crops and annotated document images.
//!
//! Boxes are pixels of the **stored** image, as the provider analysed it: no
//! EXIF rotation is applied before cutting. [`CropOptions::apply_exif_orientation`]
//! turns the finished crops upright for viewing, never the coordinates.
//! Each side's image is decoded once, however many features it has.

use crate::archive::Archive;
use crate::evidence::{BBox, Depiction, Feature, Side};
use crate::findings::{Finding, FindingCode, Severity};
use crate::media;
use image::{DynamicImage, Rgb, RgbImage};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// How crops are made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CropOptions {
    /// Turn crops and annotated images upright by the image's EXIF orientation
    /// (after cutting in stored-pixel coordinates). Off by default.
    pub apply_exif_orientation: bool,
    /// Leave out the full-size annotated images: writing them losslessly
    /// costs about as much as decoding (see BENCHMARKS.md).
    pub skip_annotated: bool,
}

/// What happened to one feature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "outcome")]
pub enum CropOutcome {
    /// Cut and ready to write.
    Cut {
        /// File name inside the process folder.
        file: String,
        /// The region cut, `(x, y, width, height)` in stored pixels.
        region: (u32, u32, u32, u32),
        /// True when the box left the image and was clipped to it.
        clipped: bool,
    },
    /// Not cut, and why.
    NotCut {
        /// The finding code that says why (`FeatureNotFound` for a missing feature).
        code: String,
        /// In words.
        reason: String,
    },
}

/// One feature entry and its crop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FeatureCrop {
    /// The feature's name as written (`?` for an unreadable entry).
    pub feature: String,
    /// The side word as written.
    pub side: Option<String>,
    /// The box as written.
    pub bbox: Option<BBox>,
    /// What happened.
    #[serde(flatten)]
    pub outcome: CropOutcome,
}

/// An annotated copy of one side's image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Annotated {
    /// Which image.
    pub side: Side,
    /// File name inside the process folder.
    pub file: String,
    /// Width of the image.
    pub width: u32,
    /// Height of the image.
    pub height: u32,
}

/// The crops of one archive, cut in memory and ready to write.
#[derive(Debug, Clone)]
pub struct Crops {
    /// The process folder's name: the process id made safe as one path component.
    pub folder: String,
    /// One entry per feature, in the order written.
    pub features: Vec<FeatureCrop>,
    /// One annotated image per side that has an image.
    pub annotated: Vec<Annotated>,
    /// Images that could not be decoded (`UndecodableMedia`).
    pub findings: Vec<Finding>,
    images: Vec<(String, RgbImage)>,
}

/// Cuts every found feature's box from the image of its side and draws the
/// annotated images. Problems become outcomes and findings, never errors: the
/// rest of the archive is still cut.
pub fn cut(archive: &mut Archive, process_id: &str, options: &CropOptions) -> Crops {
    let features: Vec<Feature> = archive
        .evidence()
        .ocr
        .as_ref()
        .map(|o| o.features.clone())
        .unwrap_or_default();
    let mut crops = Crops {
        folder: safe_component(process_id),
        features: Vec::new(),
        annotated: Vec::new(),
        findings: Vec::new(),
        images: Vec::new(),
    };

    // Decode each side that a feature needs (or that exists, for the annotated copy) once.
    let mut decoded: BTreeMap<
        Side,
        Result<(RgbImage, Option<image::metadata::Orientation>), String>,
    > = BTreeMap::new();
    for side in [Side::Front, Side::Back] {
        if archive.evidence().media_of(side.depiction()).is_none() {
            continue;
        }
        let result = decode_side(archive, side.depiction());
        if let Err(problem) = &result {
            let subject = archive
                .evidence()
                .media_of(side.depiction())
                .map_or_else(|| side.as_str().to_owned(), |m| m.source.to_string());
            crops.findings.push(Finding::new(
                Severity::Warning,
                FindingCode::UndecodableMedia,
                subject,
                problem.clone(),
            ));
        }
        decoded.insert(side, result);
    }

    let mut names = Names::default();
    for side in [Side::Front, Side::Back] {
        names.reserve(format!("{}-annotated.png", side.as_str()));
    }
    let mut boxes: BTreeMap<Side, Vec<(String, BBox, bool)>> = BTreeMap::new();
    for f in &features {
        let outcome = cut_one(f, &decoded, &mut names, &mut crops.images, options);
        if let (Some(side), Some(bbox), Some(name)) = (f.image_side(), f.bbox, &f.name) {
            boxes
                .entry(side)
                .or_default()
                .push((name.clone(), bbox, f.found == Some(true)));
        }
        crops.features.push(FeatureCrop {
            feature: f.label().to_owned(),
            side: f.side.clone(),
            bbox: f.bbox,
            outcome,
        });
    }

    if options.skip_annotated {
        return crops;
    }
    // Every crop is cut by now: the decoded images become the annotated ones
    // in place, without a copy.
    for (side, result) in decoded {
        let Ok((mut copy, orientation)) = result else {
            continue;
        };
        for (name, bbox, found) in boxes.get(&side).map(Vec::as_slice).unwrap_or(&[]) {
            draw_box(&mut copy, *bbox, name, *found);
        }
        let copy = orient(copy, orientation, options);
        let file = format!("{}-annotated.png", side.as_str());
        crops.annotated.push(Annotated {
            side,
            file: file.clone(),
            width: copy.width(),
            height: copy.height(),
        });
        crops.images.push((file, copy));
    }
    crops
}

type Decoded = BTreeMap<Side, Result<(RgbImage, Option<image::metadata::Orientation>), String>>;

fn cut_one(
    f: &Feature,
    decoded: &Decoded,
    names: &mut Names,
    images: &mut Vec<(String, RgbImage)>,
    options: &CropOptions,
) -> CropOutcome {
    let not = |code: FindingCode, reason: String| CropOutcome::NotCut {
        code: code.as_str().to_owned(),
        reason,
    };
    match f.found {
        Some(true) => {}
        Some(false) => {
            return CropOutcome::NotCut {
                code: "FeatureNotFound".into(),
                reason: "not found on the document".into(),
            };
        }
        None => {
            return not(
                FindingCode::MalformedEvidence,
                "unreadable feature entry".into(),
            );
        }
    }
    let Some(bbox) = f.bbox else {
        return not(FindingCode::BBoxMissing, "found, but without a box".into());
    };
    let Some(side) = f.image_side() else {
        return not(
            FindingCode::UnknownSide,
            format!(
                "side {:?} is neither data, front nor back",
                f.side.as_deref().unwrap_or("")
            ),
        );
    };
    if bbox.is_empty() {
        return not(FindingCode::BBoxEmpty, format!("box {bbox} has no area"));
    }
    let (image, orientation) = match decoded.get(&side) {
        None => {
            return not(
                FindingCode::MissingMedia,
                format!("no {} image", side.as_str()),
            );
        }
        Some(Err(problem)) => {
            return not(
                FindingCode::UndecodableMedia,
                format!("the {} image cannot be decoded: {problem}", side.as_str()),
            );
        }
        Some(Ok(pair)) => pair,
    };
    let Some((x, y, w, h)) = bbox.clip(image.width(), image.height()) else {
        return not(
            FindingCode::BBoxOutOfBounds,
            format!(
                "box {bbox} lies wholly outside the {}×{} {} image",
                image.width(),
                image.height(),
                side.as_str()
            ),
        );
    };
    let clipped = !bbox.fits(image.width(), image.height());
    let crop = image::imageops::crop_imm(image, x, y, w, h).to_image();
    let crop = orient(crop, *orientation, options);
    let side_word = f
        .side
        .as_deref()
        .map_or_else(|| side.as_str().to_owned(), slug);
    let side_word = if side_word.is_empty() {
        side.as_str().to_owned()
    } else {
        side_word
    };
    let file = names.claim(&side_word, &slug(f.label()));
    images.push((file.clone(), crop));
    CropOutcome::Cut {
        file,
        region: (x, y, w, h),
        clipped,
    }
}

fn decode_side(
    archive: &mut Archive,
    depiction: Depiction,
) -> Result<(RgbImage, Option<image::metadata::Orientation>), String> {
    let limits = *archive.limits();
    let bytes = archive
        .image_bytes(depiction)
        .map_err(|e| e.kind.to_string())?
        .ok_or_else(|| "no image".to_owned())?;
    let (image, orientation) = media::decode_with_orientation(&bytes, &limits)?;
    Ok((into_rgb(image), orientation))
}

fn into_rgb(image: DynamicImage) -> RgbImage {
    match image {
        DynamicImage::ImageRgb8(i) => i,
        other => other.to_rgb8(),
    }
}

fn orient(
    image: RgbImage,
    orientation: Option<image::metadata::Orientation>,
    options: &CropOptions,
) -> RgbImage {
    match orientation {
        Some(o) if options.apply_exif_orientation => {
            let mut d = DynamicImage::ImageRgb8(image);
            d.apply_orientation(o);
            into_rgb(d)
        }
        _ => image,
    }
}

/// A colour for a box outline; found boxes in their own hue, missing ones red.
fn outline_colour(name: &str, found: bool) -> Rgb<u8> {
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

/// Draws a box outline (solid when found, dashed when not) and the name where it fits.
fn draw_box(img: &mut RgbImage, bbox: BBox, name: &str, found: bool) {
    let Some((x, y, w, h)) = bbox.clip(img.width(), img.height()) else {
        return;
    };
    let colour = outline_colour(name, found);
    let t = 2u32.min(w).min(h).max(1);
    let dashed = |i: u32| found || (i / 6).is_multiple_of(2);
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
    // The label: above the box where there is room, else inside its top edge; skipped where it cannot fit.
    let label: String = name.chars().take(40).collect();
    let scale = 1;
    let (lw, lh) = (
        crate::font::text_width(&label, scale) + 4,
        crate::font::text_height(scale) + 4,
    );
    if lw > img.width() || lh > img.height() {
        return;
    }
    let lx = x.min(img.width() - lw);
    let ly = if y >= lh {
        y - lh
    } else if y + lh <= img.height() {
        y
    } else {
        return;
    };
    for py in ly..ly + lh {
        for px in lx..lx + lw {
            img.put_pixel(px, py, colour);
        }
    }
    crate::font::render(&label, scale, |px, py| {
        img.put_pixel(lx + 2 + px, ly + 2 + py, Rgb([255, 255, 255]));
    });
}

/// Turns a feature name or side word into a file-name slug: lower case, runs of
/// anything but `a-z0-9` become `-`, trimmed, at most 60 characters.
///
/// ```
/// assert_eq!(eid_archive::crops::slug("OVI 1"), "ovi-1");
/// assert_eq!(eid_archive::crops::slug("../../x"), "x");
/// ```
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
        if out.len() >= 60 {
            break;
        }
    }
    out
}

/// A process id as one safe path component: `[A-Za-z0-9_-]` kept, other runs
/// (dots and slashes included) become `-`, at most 100 characters; `unknown`
/// when nothing is left.
pub fn safe_component(s: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
        if out.len() >= 100 {
            break;
        }
    }
    let out = out.trim_matches('-').to_owned();
    if out.is_empty() {
        "unknown".to_owned()
    } else {
        out
    }
}

/// File names handed out once each: a collision gets `-2`, `-3`, ...
#[derive(Default)]
struct Names(BTreeSet<String>);

impl Names {
    fn reserve(&mut self, name: String) {
        self.0.insert(name);
    }

    fn claim(&mut self, side: &str, feature: &str) -> String {
        let feature = if feature.is_empty() {
            "feature"
        } else {
            feature
        };
        let base = format!("{side}-{feature}");
        let mut name = format!("{base}.png");
        let mut n = 2;
        while self.0.contains(&name) {
            name = format!("{base}-{n}.png");
            n += 1;
        }
        self.0.insert(name.clone());
        name
    }
}

/// A crop or annotated image could not be written.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct WriteError {
    /// The file or folder.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
}

impl Crops {
    /// The images to write: `(file name, pixels)`.
    pub fn images(&self) -> impl Iterator<Item = (&str, &RgbImage)> {
        self.images.iter().map(|(n, i)| (n.as_str(), i))
    }

    /// Writes every image as PNG under `out/<folder>/`, returning the paths written.
    ///
    /// Nothing is written outside `out`: the folder and file names are made
    /// safe, an existing symbolic link in the way is refused, and each file is
    /// written to a temporary name and renamed into place (a rename replaces a
    /// link rather than following it).
    pub fn write(&self, out: &Path) -> Result<Vec<PathBuf>, WriteError> {
        let err = |path: &Path, e: io::Error| WriteError {
            path: path.to_owned(),
            message: e.to_string(),
        };
        let dir = out.join(&self.folder);
        if let Ok(meta) = fs::symlink_metadata(&dir)
            && meta.file_type().is_symlink()
        {
            return Err(WriteError {
                path: dir,
                message: "is a symbolic link; refusing to write through it".into(),
            });
        }
        fs::create_dir_all(&dir).map_err(|e| err(&dir, e))?;
        let mut written = Vec::new();
        for (name, image) in &self.images {
            let path = dir.join(name);
            let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
            write_png(&tmp, image).map_err(|e| {
                let _ = fs::remove_file(&tmp);
                err(&path, e)
            })?;
            fs::rename(&tmp, &path).map_err(|e| err(&path, e))?;
            written.push(path);
        }
        Ok(written)
    }
}

/// Lossless PNG at a fast compression level: crops are evidence, not thumbnails.
pub fn write_png(path: &Path, image: &RgbImage) -> io::Result<()> {
    use image::ImageEncoder;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    let file = OpenOptions::new().write(true).create_new(true).open(path)?;
    let mut w = BufWriter::new(file);
    PngEncoder::new_with_quality(&mut w, CompressionType::Fast, FilterType::Sub)
        .write_image(
            image.as_raw(),
            image.width(),
            image.height(),
            image::ExtendedColorType::Rgb8,
        )
        .map_err(io::Error::other)?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("OVI 1"), "ovi-1");
        assert_eq!(slug("Header 2"), "header-2");
        assert_eq!(slug("  --Photo--  "), "photo");
        assert_eq!(slug("../../x"), "x");
        assert_eq!(slug("/abs"), "abs");
        assert_eq!(slug("a\\b"), "a-b");
        assert_eq!(slug(""), "");
        assert_eq!(slug("Ünïcödé"), "n-c-d");
        assert_eq!(slug(&"x".repeat(500)).len(), 60);
    }

    #[test]
    fn safe_components() {
        assert_eq!(
            safe_component("e0dea380-4219-4388-81bb-61a56ed73ef3"),
            "e0dea380-4219-4388-81bb-61a56ed73ef3"
        );
        assert_eq!(safe_component("../../etc"), "etc");
        assert_eq!(safe_component("../../../escape/../.."), "escape");
        assert_eq!(safe_component(".."), "unknown");
        assert_eq!(safe_component("/abs/path"), "abs-path");
        assert_eq!(safe_component("a\\b"), "a-b");
        assert_eq!(safe_component(""), "unknown");
        assert_eq!(safe_component(&"p".repeat(300)).len(), 100);
    }

    #[test]
    fn colliding_names_get_suffixes() {
        let mut n = Names::default();
        n.reserve("front-annotated.png".into());
        assert_eq!(n.claim("data", "ovi-1"), "data-ovi-1.png");
        assert_eq!(n.claim("data", "ovi-1"), "data-ovi-1-2.png");
        assert_eq!(n.claim("front", "annotated"), "front-annotated-2.png");
        assert_eq!(n.claim("data", ""), "data-feature.png");
    }
}

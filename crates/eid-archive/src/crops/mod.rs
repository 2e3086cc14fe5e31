//! Bounding-box crops and annotated document images.
//!
//! Boxes are pixels of the **stored** image, as the provider analysed it: no
//! EXIF rotation is applied before cutting. [`CropOptions::apply_exif_orientation`]
//! turns the finished crops upright for viewing, never the coordinates.
//! Each side's image is decoded once, however many features it has.

mod draw;
mod font;
mod names;

pub use names::{safe_component, slug};

use crate::archive::Archive;
use crate::error::OutputError;
use crate::evidence::{BBox, Feature, Side};
use crate::fsio;
use crate::media;
use crate::verdict::{Finding, FindingCode, Severity};
use image::metadata::Orientation;
use image::{DynamicImage, RgbImage};
use names::Names;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// How crops are made.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CropOptions {
    /// Turn crops and annotated images upright by the image's EXIF orientation
    /// (after cutting in stored-pixel coordinates). Off by default.
    pub apply_exif_orientation: bool,
    /// Leave out the full-size annotated images: writing them losslessly
    /// costs about as much as decoding (see BENCHMARKS.md).
    pub skip_annotated: bool,
}

impl CropOptions {
    /// These options, turning crops upright by EXIF orientation or not.
    pub fn with_exif_orientation(mut self, apply: bool) -> Self {
        self.apply_exif_orientation = apply;
        self
    }

    /// These options, leaving out the annotated images or not.
    pub fn with_skip_annotated(mut self, skip: bool) -> Self {
        self.skip_annotated = skip;
        self
    }
}

/// Why a feature was not cut.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotCut {
    /// `found: false`.
    NotFound,
    /// An entry whose name or `found` flag cannot be read.
    Unreadable,
    /// Found, but without a box.
    NoBox,
    /// A side word that is neither `data`, `front` nor `back`.
    UnknownSide(Option<String>),
    /// A box without area.
    EmptyBox(BBox),
    /// The archive has no image of the feature's side.
    NoImage(Side),
    /// The side's image cannot be decoded.
    Undecodable(Side, String),
    /// The box lies wholly outside the side's image.
    OutsideImage {
        /// The box.
        bbox: BBox,
        /// The side.
        side: Side,
        /// The image's width.
        width: u32,
        /// The image's height.
        height: u32,
    },
}

impl NotCut {
    /// The stable code that says why (a finding or reason code).
    pub fn code(&self) -> &'static str {
        match self {
            NotCut::NotFound => "FeatureNotFound",
            NotCut::Unreadable => FindingCode::MalformedEvidence.as_str(),
            NotCut::NoBox => FindingCode::BBoxMissing.as_str(),
            NotCut::UnknownSide(_) => FindingCode::UnknownSide.as_str(),
            NotCut::EmptyBox(_) => FindingCode::BBoxEmpty.as_str(),
            NotCut::NoImage(_) => FindingCode::MissingMedia.as_str(),
            NotCut::Undecodable(..) => FindingCode::UndecodableMedia.as_str(),
            NotCut::OutsideImage { .. } => FindingCode::BBoxOutOfBounds.as_str(),
        }
    }
}

impl fmt::Display for NotCut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotCut::NotFound => f.write_str("not found on the document"),
            NotCut::Unreadable => f.write_str("unreadable feature entry"),
            NotCut::NoBox => f.write_str("found, but without a box"),
            NotCut::UnknownSide(side) => write!(
                f,
                "side {:?} is neither data, front nor back",
                side.as_deref().unwrap_or("")
            ),
            NotCut::EmptyBox(bbox) => write!(f, "box {bbox} has no area"),
            NotCut::NoImage(side) => write!(f, "no {side} image"),
            NotCut::Undecodable(side, problem) => {
                write!(f, "the {side} image cannot be decoded: {problem}")
            }
            NotCut::OutsideImage {
                bbox,
                side,
                width,
                height,
            } => write!(
                f,
                "box {bbox} lies wholly outside the {width}×{height} {side} image"
            ),
        }
    }
}

/// What happened to one feature.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    NotCut(NotCut),
}

impl Serialize for CropOutcome {
    /// `{"outcome": "cut", "file", "region", "clipped"}` or
    /// `{"outcome": "notCut", "code", "reason"}`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        match self {
            CropOutcome::Cut {
                file,
                region,
                clipped,
            } => {
                m.serialize_entry("outcome", "cut")?;
                m.serialize_entry("file", file)?;
                m.serialize_entry("region", region)?;
                m.serialize_entry("clipped", clipped)?;
            }
            CropOutcome::NotCut(why) => {
                m.serialize_entry("outcome", "notCut")?;
                m.serialize_entry("code", why.code())?;
                m.serialize_entry("reason", &why.to_string())?;
            }
        }
        m.end()
    }
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

type Decoded = BTreeMap<Side, Result<(RgbImage, Option<Orientation>), String>>;

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
    let mut decoded = Decoded::new();
    for side in Side::ALL.iter().copied() {
        let Some(media) = archive.evidence().media_of(side.depiction()) else {
            continue;
        };
        let subject = media.source.to_string();
        let result = decode_side(archive, side);
        if let Err(problem) = &result {
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
    for side in Side::ALL {
        names.reserve(format!("{side}-annotated.png"));
    }
    let mut boxes: BTreeMap<Side, Vec<(String, BBox, bool)>> = BTreeMap::new();
    for f in &features {
        let outcome = match cut_one(f, &decoded, &mut names, &mut crops.images, options) {
            Ok(cut) => cut,
            Err(why) => CropOutcome::NotCut(why),
        };
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
            draw::draw_box(&mut copy, *bbox, name, *found);
        }
        let copy = orient(copy, orientation, options);
        let file = format!("{side}-annotated.png");
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

fn cut_one(
    f: &Feature,
    decoded: &Decoded,
    names: &mut Names,
    images: &mut Vec<(String, RgbImage)>,
    options: &CropOptions,
) -> Result<CropOutcome, NotCut> {
    match f.found {
        Some(true) => {}
        Some(false) => return Err(NotCut::NotFound),
        None => return Err(NotCut::Unreadable),
    }
    let bbox = f.bbox.ok_or(NotCut::NoBox)?;
    let side = f
        .image_side()
        .ok_or_else(|| NotCut::UnknownSide(f.side.clone()))?;
    if bbox.is_empty() {
        return Err(NotCut::EmptyBox(bbox));
    }
    let (image, orientation) = match decoded.get(&side) {
        None => return Err(NotCut::NoImage(side)),
        Some(Err(problem)) => return Err(NotCut::Undecodable(side, problem.clone())),
        Some(Ok(pair)) => pair,
    };
    let (width, height) = image.dimensions();
    let (x, y, w, h) = bbox.clip(width, height).ok_or(NotCut::OutsideImage {
        bbox,
        side,
        width,
        height,
    })?;
    let clipped = !bbox.fits(width, height);
    let crop = image::imageops::crop_imm(image, x, y, w, h).to_image();
    let crop = orient(crop, *orientation, options);
    let side_word = f.side.as_deref().map(slug).unwrap_or_default();
    let side_word = if side_word.is_empty() {
        side.as_str().to_owned()
    } else {
        side_word
    };
    let file = names.claim(&side_word, &slug(f.label()));
    images.push((file.clone(), crop));
    Ok(CropOutcome::Cut {
        file,
        region: (x, y, w, h),
        clipped,
    })
}

fn decode_side(
    archive: &mut Archive,
    side: Side,
) -> Result<(RgbImage, Option<Orientation>), String> {
    let limits = *archive.limits();
    let bytes = archive
        .image_bytes(side.depiction())
        .map_err(|e| e.kind().to_string())?
        .ok_or_else(|| "no image".to_owned())?;
    let (image, orientation) = media::decode(&bytes, &limits).map_err(|e| e.to_string())?;
    Ok((into_rgb(image), orientation))
}

fn into_rgb(image: DynamicImage) -> RgbImage {
    match image {
        DynamicImage::ImageRgb8(i) => i,
        other => other.to_rgb8(),
    }
}

fn orient(image: RgbImage, orientation: Option<Orientation>, options: &CropOptions) -> RgbImage {
    match orientation {
        Some(o) if options.apply_exif_orientation => {
            let mut d = DynamicImage::ImageRgb8(image);
            d.apply_orientation(o);
            into_rgb(d)
        }
        _ => image,
    }
}

impl Crops {
    /// The images to write: `(file name, pixels)`.
    pub fn images(&self) -> impl Iterator<Item = (&str, &RgbImage)> {
        self.images.iter().map(|(n, i)| (n.as_str(), i))
    }

    /// Writes every image as PNG under `out/<folder>/`, returning the paths written.
    ///
    /// Nothing is written outside `out`: the folder and file names are made
    /// safe, a symbolic link in place of the folder is refused, and each file
    /// is written under a temporary name and renamed into place.
    pub fn write(&self, out: &Path) -> Result<Vec<PathBuf>, OutputError> {
        let dir = out.join(&self.folder);
        fsio::ensure_dir(&dir)?;
        self.images
            .iter()
            .map(|(name, image)| fsio::write_atomic(&dir, name, |w| write_png(w, image)))
            .collect()
    }
}

/// Lossless PNG at a fast compression level: crops are evidence, not thumbnails.
/// The `Sub` filter compresses as well as adaptive filtering here, and faster.
fn write_png(w: &mut impl std::io::Write, image: &RgbImage) -> std::io::Result<()> {
    use image::ImageEncoder;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    PngEncoder::new_with_quality(w, CompressionType::Fast, FilterType::Sub)
        .write_image(
            image.as_raw(),
            image.width(),
            image.height(),
            image::ExtendedColorType::Rgb8,
        )
        .map_err(std::io::Error::other)
}

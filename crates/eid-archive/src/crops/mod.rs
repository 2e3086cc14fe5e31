//! Exhibits of one archive, written into its own folder: each side's image
//! exactly as stored (the evidence itself, never re-encoded), the annotations
//! over it (SVG by default: no pixel decoded or re-encoded), and a lossless
//! PNG crop of every found feature's box.
//!
//! Boxes are pixels of the **stored** image, as the provider analysed it: no
//! EXIF rotation is applied before cutting. [`CropOptions::apply_exif_orientation`]
//! turns the finished crops upright for viewing, never the coordinates.
//! Each side is decoded at most once, and only when a crop (or a raster
//! annotation) needs its pixels; each crop is written as soon as it is cut,
//! and the crops of an archive may not hold more pixels than twice its
//! decoded sides, however large the boxes claim to be.

mod bundle;
mod names;
mod place;
mod shelf;
mod side;

pub use names::{safe_component, slug};

use crate::archive::Archive;
use crate::audit::Audit;
use crate::error::OutputError;
use crate::evidence::{BBox, Feature, Side};
use crate::fsio;
use crate::images::{ImageCount, ImageRule};
use crate::verdict::{Finding, FindingCode};
pub(crate) use bundle::Bundle;
use names::Names;
pub use place::write_into;
use serde::Serialize;
pub use shelf::Held;
use shelf::Shelf;
use side::{Budget, SideWriter};
use std::fmt;
use std::path::Path;

/// How each side is annotated.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Annotation {
    /// An SVG drawn over the stored image: boxes and labels over it, a
    /// caption strip above it and a legend strip below it (outside the image,
    /// covering none of it), as vector text; nothing is decoded or re-encoded.
    #[default]
    Svg,
    /// A lossless PNG with the boxes drawn in and the caption and legend in
    /// bands added above and below the image (decodes and re-encodes the
    /// whole side).
    Png,
    /// No annotation.
    None,
}

/// How exhibits are made.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CropOptions {
    /// Turn crops (and PNG annotations) upright by the image's EXIF
    /// orientation, after cutting in stored-pixel coordinates. Off by default.
    pub apply_exif_orientation: bool,
    /// How each side is annotated.
    pub annotation: Annotation,
    /// Embed the side's image in its SVG as a data URI instead of linking the
    /// copy beside it, so that the SVG stands alone.
    pub embed_images: bool,
    /// Which images may be copied out, which features cut: the run's one
    /// rule for images ([`ImageRule`]).
    pub images: ImageRule,
}

impl CropOptions {
    /// These options, turning crops upright by EXIF orientation or not.
    pub fn with_exif_orientation(mut self, apply: bool) -> Self {
        self.apply_exif_orientation = apply;
        self
    }

    /// These options with another annotation.
    pub fn with_annotation(mut self, annotation: Annotation) -> Self {
        self.annotation = annotation;
        self
    }

    /// These options, embedding the images in the SVGs or not.
    pub fn with_embedded_images(mut self, embed: bool) -> Self {
        self.embed_images = embed;
        self
    }

    /// These options, leaving out these features (and the `front`/`back`
    /// sides' images).
    pub fn with_exclude(mut self, exclude: Vec<String>) -> Self {
        self.images = self.images.with_exclude(exclude);
        self
    }

    /// These options under a run's rule for images.
    pub fn with_images(mut self, images: ImageRule) -> Self {
        self.images = images;
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
    /// Left out on request (`--crops-exclude`).
    Excluded,
    /// The archive's crops already hold twice the pixels of its images.
    OverBudget {
        /// The pixels this crop would have added.
        pixels: u64,
    },
}

impl NotCut {
    /// The stable code that says why (a finding or reason code).
    pub fn code(&self) -> &'static str {
        match self {
            NotCut::NotFound => "FeatureNotFound",
            NotCut::Unreadable => "FeatureUnreadable",
            NotCut::NoBox => FindingCode::BBoxMissing.as_str(),
            NotCut::UnknownSide(_) => FindingCode::UnknownSide.as_str(),
            NotCut::EmptyBox(_) => FindingCode::BBoxEmpty.as_str(),
            NotCut::NoImage(_) => FindingCode::MissingMedia.as_str(),
            NotCut::Undecodable(..) => FindingCode::UndecodableMedia.as_str(),
            NotCut::OutsideImage { .. } => FindingCode::BBoxOutOfBounds.as_str(),
            NotCut::Excluded => "Excluded",
            NotCut::OverBudget { .. } => FindingCode::CropBudget.as_str(),
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
            NotCut::Excluded => f.write_str("left out on request"),
            NotCut::OverBudget { pixels } => write!(
                f,
                "not cut: {pixels} more pixels would exceed twice the pixels of the images"
            ),
        }
    }
}

/// What happened to one feature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CropOutcome {
    /// Cut and written.
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

/// A side's image, copied exactly as the archive holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Original {
    /// Which side.
    pub side: Side,
    /// File name inside the process folder (`front.jpeg`), or `None` when
    /// it was left out on request.
    pub file: Option<String>,
    /// SHA-256 of the image's bytes (the member, or the decoded base64 of an
    /// image embedded in native JSON): the exhibit is provably the evidence.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
}

/// An annotation of one side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Annotated {
    /// Which image.
    pub side: Side,
    /// File name inside the process folder.
    pub file: String,
    /// Width of the image, in stored pixels.
    pub width: u32,
    /// Height of the image.
    pub height: u32,
}

/// The exhibits of one archive, as written.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Crops {
    /// The process folder's name.
    pub folder: String,
    /// Each side's image, copied verbatim.
    pub originals: Vec<Original>,
    /// One entry per feature, in the order written.
    pub features: Vec<FeatureCrop>,
    /// One annotation per side that has an image.
    pub annotated: Vec<Annotated>,
    /// Images that could not be read or decoded, crops over the budget.
    pub findings: Vec<Finding>,
}

impl Crops {
    /// The image files these exhibits hold, counted as written.
    pub(crate) fn image_count(&self) -> ImageCount {
        ImageCount {
            originals: self.originals.iter().filter(|o| o.file.is_some()).count(),
            crops: self
                .features
                .iter()
                .filter(|f| matches!(f.outcome, CropOutcome::Cut { .. }))
                .count(),
            annotations: self.annotated.len(),
            page_images: 0,
        }
    }
}

/// Writes the exhibits of an audited archive into `dir` (created if needed;
/// a symbolic link there is refused). Problems with the evidence become
/// outcomes and findings, never errors: the rest is still written. Only a
/// file that cannot be written is an error.
pub fn write(
    archive: &mut Archive,
    audit: &Audit,
    dir: &Path,
    options: &CropOptions,
) -> Result<Crops, OutputError> {
    write_in_folder(archive, audit, Shelf::Folder(dir), dir, options)
}

/// As [`write`], into a folder that does not exist yet and that the caller
/// moves into place whole when the run is complete: each file is written
/// once under its own name, without a temporary name and a rename each.
pub(crate) fn write_staged(
    archive: &mut Archive,
    audit: &Audit,
    dir: &Path,
    options: &CropOptions,
) -> Result<Crops, OutputError> {
    write_in_folder(archive, audit, Shelf::Staged(dir), dir, options)
}

/// Creates `dir` and writes the exhibits there, on `shelf`, the folder named
/// after `dir`.
fn write_in_folder(
    archive: &mut Archive,
    audit: &Audit,
    shelf: Shelf<'_>,
    dir: &Path,
    options: &CropOptions,
) -> Result<Crops, OutputError> {
    fsio::ensure_dir(dir)?;
    let folder = dir
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    write_on(archive, audit, shelf, folder, options)
}

/// The exhibits of an audited archive, as [`write()`] makes them, held in
/// memory (file name and bytes) for a container such as one zip of a run.
/// `Crops::folder` is left empty for the caller to name. An archive whose
/// exhibits would pass 128 MiB keeps what fits; a `CropsNotWritten` finding
/// names each file left out.
#[doc(hidden)]
pub fn hold(
    archive: &mut Archive,
    audit: &Audit,
    options: &CropOptions,
) -> Result<(Crops, Held), OutputError> {
    let mut files = Held::new();
    let shelf = Shelf::Memory {
        files: &mut files,
        held: 0,
    };
    let crops = write_on(archive, audit, shelf, String::new(), options)?;
    Ok((crops, files))
}

fn write_on(
    archive: &mut Archive,
    audit: &Audit,
    mut shelf: Shelf<'_>,
    folder: String,
    options: &CropOptions,
) -> Result<Crops, OutputError> {
    let features: Vec<Feature> = audit.features().to_vec();
    let mut outcomes: Vec<Option<CropOutcome>> = vec![None; features.len()];
    let mut crops = Crops {
        folder,
        originals: Vec::new(),
        features: Vec::new(),
        annotated: Vec::new(),
        findings: Vec::new(),
    };
    let mut names = Names::default();
    for side in Side::ALL {
        for ext in ["svg", "png"] {
            names.reserve(format!("{side}-annotated.{ext}"));
        }
    }
    let mut budget = Budget::default();
    for side in Side::ALL.iter().copied() {
        let on_side: Vec<usize> = (0..features.len())
            .filter(|i| features[*i].image_side() == Some(side))
            .collect();
        let mut w = SideWriter {
            archive: &mut *archive,
            audit,
            shelf: &mut shelf,
            options,
            side,
            features: &features,
            on_side: &on_side,
            names: &mut names,
            budget: &mut budget,
            crops: &mut crops,
        };
        for (i, outcome) in w.write()? {
            outcomes[i] = Some(outcome);
        }
    }
    for (i, f) in features.iter().enumerate() {
        let outcome = outcomes[i]
            .take()
            .unwrap_or_else(|| CropOutcome::NotCut(without_image(f)));
        crops.features.push(FeatureCrop {
            feature: f.label().to_owned(),
            side: f.side.clone(),
            bbox: f.bbox,
            outcome,
        });
    }
    Ok(crops)
}

/// Why a feature on no known side's image was not cut.
fn without_image(f: &Feature) -> NotCut {
    match (f.found, f.unreadable()) {
        (_, true) => NotCut::Unreadable,
        (Some(false), _) => NotCut::NotFound,
        _ if f.bbox.is_none() => NotCut::NoBox,
        _ => match f.image_side() {
            Some(side) => NotCut::NoImage(side),
            None => NotCut::UnknownSide(f.side.clone()),
        },
    }
}

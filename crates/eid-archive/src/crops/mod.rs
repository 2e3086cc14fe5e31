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

mod draw;
mod exhibit;
mod font;
mod names;
mod svg;

pub use names::{safe_component, slug};

use crate::archive::Archive;
use crate::audit::Audit;
use crate::codes::hex;
use crate::error::OutputError;
use crate::evidence::{BBox, Feature, Side};
use crate::fsio;
use crate::media;
use crate::verdict::{Finding, FindingCode, Severity};
use image::metadata::Orientation;
use image::{DynamicImage, RgbImage};
use names::Names;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::fmt;
use std::path::{Path, PathBuf};

/// How each side is annotated.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Annotation {
    /// An SVG drawn over the stored image: boxes, labels, a legend and a
    /// caption as vector text; nothing is decoded or re-encoded.
    #[default]
    Svg,
    /// A lossless PNG with the boxes, legend and caption drawn in (decodes and
    /// re-encodes the whole side).
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
    /// Features (by name) not to crop, and `front` / `back` for sides whose
    /// original is not copied. Matched without regard to case.
    pub exclude: Vec<String>,
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

    /// These options, leaving out these features (and `front`/`back` originals).
    pub fn with_exclude(mut self, exclude: Vec<String>) -> Self {
        self.exclude = exclude;
        self
    }

    fn excludes(&self, name: &str) -> bool {
        self.exclude
            .iter()
            .any(|e| e.trim().eq_ignore_ascii_case(name))
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
    fsio::ensure_dir(dir)?;
    let folder = dir
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
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
            dir,
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

/// The pixels the crops of one archive may hold: twice its decoded sides.
#[derive(Default)]
struct Budget {
    allowed: u64,
    used: u64,
}

/// Writes one side's exhibits.
struct SideWriter<'a, 'b> {
    archive: &'a mut Archive,
    audit: &'a Audit,
    dir: &'a Path,
    options: &'a CropOptions,
    side: Side,
    features: &'a [Feature],
    on_side: &'a [usize],
    names: &'b mut Names,
    budget: &'b mut Budget,
    crops: &'b mut Crops,
}

type Decoded = Result<(RgbImage, Option<Orientation>), String>;

impl SideWriter<'_, '_> {
    /// The original, the crops and the annotation of the side; the outcome of
    /// each of its features by index.
    fn write(&mut self) -> Result<Vec<(usize, CropOutcome)>, OutputError> {
        let side = self.side;
        let Some(media) = self.archive.evidence().media_of(side.depiction()).cloned() else {
            return Ok(Vec::new());
        };
        let subject = media.source.to_string();
        let bytes = match self.archive.image_bytes(side.depiction()) {
            Ok(Some(b)) => b,
            Ok(None) => return Ok(Vec::new()),
            Err(e) => {
                let problem = e.kind().to_string();
                self.finding(FindingCode::UndecodableMedia, &subject, &problem);
                let outcomes = self
                    .on_side
                    .iter()
                    .map(|i| {
                        (
                            *i,
                            CropOutcome::NotCut(NotCut::Undecodable(side, problem.clone())),
                        )
                    })
                    .collect();
                return Ok(outcomes);
            }
        };
        let sha256 = hex(&Sha256::digest(&bytes));
        let original = self.write_original(&bytes, media.format.as_str(), &sha256)?;
        let needs_pixels = self.options.annotation == Annotation::Png
            || self
                .on_side
                .iter()
                .any(|i| self.wants_crop(&self.features[*i]));
        let mut decoded: Option<Decoded> = needs_pixels.then(|| decode(&bytes, self.archive));
        let embedded = (self.options.embed_images && self.options.annotation == Annotation::Svg)
            .then(|| exhibit::data_uri(media.format, &bytes));
        drop(bytes);
        if let Some(Err(problem)) = &decoded {
            self.finding(FindingCode::UndecodableMedia, &subject, problem);
        }
        if let Some(Ok((img, _))) = &decoded {
            self.budget.allowed += 2 * u64::from(img.width()) * u64::from(img.height());
        }
        let mut outcomes = Vec::new();
        for &i in self.on_side {
            let outcome = self
                .cut(i, decoded.as_ref())
                .unwrap_or_else(CropOutcome::NotCut);
            outcomes.push((i, outcome));
        }
        let dims = media
            .dimensions
            .map(|d| (d.width, d.height))
            .or_else(|| match &decoded {
                Some(Ok((img, _))) => Some(img.dimensions()),
                _ => None,
            });
        match (self.options.annotation, dims) {
            (Annotation::Svg, Some((width, height))) => {
                let sheet =
                    exhibit::Sheet::new(self.audit, side, self.features, &sha256, (width, height));
                let svg = sheet.svg(embedded.as_deref().or(original.as_deref()));
                self.annotated("svg", width, height, |w| {
                    std::io::Write::write_all(w, svg.as_bytes())
                })?;
            }
            (Annotation::Png, _) => {
                if let Some(Ok((img, orientation))) = decoded.take() {
                    let exhibit = exhibit::Sheet::new(
                        self.audit,
                        side,
                        self.features,
                        &sha256,
                        img.dimensions(),
                    );
                    let drawn = orient(exhibit.raster(img), orientation, self.options);
                    let (width, height) = drawn.dimensions();
                    self.annotated("png", width, height, |w| write_png(w, &drawn))?;
                }
            }
            _ => {}
        }
        Ok(outcomes)
    }

    /// True when a feature of this side would be cut, so its pixels are needed.
    fn wants_crop(&self, f: &Feature) -> bool {
        f.found == Some(true)
            && f.bbox.is_some_and(|b| !b.is_empty())
            && !f.name.as_deref().is_some_and(|n| self.options.excludes(n))
    }

    fn finding(&mut self, code: FindingCode, subject: &str, message: &str) {
        self.crops
            .findings
            .push(Finding::new(Severity::Warning, code, subject, message));
    }

    /// Copies the side's image verbatim, unless left out on request.
    fn write_original(
        &mut self,
        bytes: &[u8],
        ext: &str,
        sha256: &str,
    ) -> Result<Option<String>, OutputError> {
        let side = self.side;
        let file = (!self.options.excludes(side.as_str())).then(|| format!("{side}.{ext}"));
        if let Some(file) = &file {
            fsio::write_atomic(self.dir, file, |w| std::io::Write::write_all(w, bytes))?;
        }
        self.crops.originals.push(Original {
            side,
            file: file.clone(),
            sha256: sha256.to_owned(),
            bytes: bytes.len() as u64,
        });
        Ok(file)
    }

    /// Writes the annotation file of the side.
    fn annotated(
        &mut self,
        ext: &str,
        width: u32,
        height: u32,
        write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
    ) -> Result<(), OutputError> {
        let file = format!("{}-annotated.{ext}", self.side);
        fsio::write_atomic(self.dir, &file, write)?;
        self.crops.annotated.push(Annotated {
            side: self.side,
            file,
            width,
            height,
        });
        Ok(())
    }

    /// Cuts one feature and writes its PNG at once, within the budget.
    fn cut(&mut self, i: usize, decoded: Option<&Decoded>) -> Result<CropOutcome, NotCut> {
        let f = &self.features[i];
        match f.found {
            _ if f.unreadable() => return Err(NotCut::Unreadable),
            Some(false) => return Err(NotCut::NotFound),
            _ => {}
        }
        let bbox = f.bbox.ok_or(NotCut::NoBox)?;
        if bbox.is_empty() {
            return Err(NotCut::EmptyBox(bbox));
        }
        if f.name.as_deref().is_some_and(|n| self.options.excludes(n)) {
            return Err(NotCut::Excluded);
        }
        let side = self.side;
        let (image, orientation) = match decoded {
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
        let pixels = u64::from(w) * u64::from(h);
        if self.budget.used + pixels > self.budget.allowed {
            let name = f.label().to_owned();
            self.finding(
                FindingCode::CropBudget,
                &name,
                "the archive's crops already hold twice the pixels of its images; this box was not cut",
            );
            return Err(NotCut::OverBudget { pixels });
        }
        self.budget.used += pixels;
        let crop = image::imageops::crop_imm(image, x, y, w, h).to_image();
        let crop = orient(crop, *orientation, self.options);
        let side_word = f.side.as_deref().map(slug).unwrap_or_default();
        let side_word = if side_word.is_empty() {
            side.as_str().to_owned()
        } else {
            side_word
        };
        let file = self.names.claim(&side_word, &slug(f.label()), "png");
        let written = fsio::write_atomic(self.dir, &file, |w| write_png(w, &crop));
        if let Err(e) = written {
            // A crop that cannot be written is not cut; the rest go on.
            self.finding(FindingCode::CropsNotWritten, &file, &e.to_string());
            return Err(NotCut::Undecodable(side, e.to_string()));
        }
        Ok(CropOutcome::Cut {
            file,
            region: (x, y, w, h),
            clipped: !bbox.fits(width, height),
        })
    }
}

/// Decodes a side under the archive's limits, as RGB.
fn decode(bytes: &[u8], archive: &Archive) -> Decoded {
    let (image, orientation) = media::decode(bytes, archive.limits()).map_err(|e| e.to_string())?;
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

/// Where the exhibits of an archive go in a folder of exhibits: its process
/// id made safe as one path component.
pub fn folder_for(root: &Path, audit: &Audit) -> PathBuf {
    root.join(safe_component(&audit.process_id))
}

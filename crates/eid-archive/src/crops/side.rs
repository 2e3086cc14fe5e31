//! One side's exhibits: its original copied verbatim, its crops cut and
//! written one at a time within the archive's pixel budget, its annotation.

use super::shelf::Shelf;
use super::{Annotated, Annotation, CropOptions, CropOutcome, Crops, NotCut, Original, slug};
use crate::archive::Archive;
use crate::audit::Audit;
use crate::codes::hex;
use crate::draw as exhibit;
use crate::error::OutputError;
use crate::evidence::{Feature, Side};
use crate::media;
use crate::verdict::{Finding, FindingCode, Severity};
use image::metadata::Orientation;
use image::{DynamicImage, RgbImage};
use sha2::{Digest, Sha256};

use super::names::Names;

/// The pixels the crops of one archive may hold: twice its decoded sides.
#[derive(Default)]
pub(super) struct Budget {
    pub(super) allowed: u64,
    pub(super) used: u64,
}

/// Writes one side's exhibits.
pub(super) struct SideWriter<'a, 'b, 's> {
    pub(super) archive: &'a mut Archive,
    pub(super) audit: &'a Audit,
    pub(super) shelf: &'b mut Shelf<'s>,
    pub(super) options: &'a CropOptions,
    pub(super) side: Side,
    pub(super) features: &'a [Feature],
    pub(super) on_side: &'a [usize],
    pub(super) names: &'b mut Names,
    pub(super) budget: &'b mut Budget,
    pub(super) crops: &'b mut Crops,
}

type Decoded = Result<(RgbImage, Option<Orientation>), String>;

impl SideWriter<'_, '_, '_> {
    /// The original, the crops and the annotation of the side; the outcome of
    /// each of its features by index.
    pub(super) fn write(&mut self) -> Result<Vec<(usize, CropOutcome)>, OutputError> {
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
        // Read before the bytes go: the SVG must undo the turn a browser
        // gives the copy beside it.
        let exif = media::exif_orientation(&bytes).map_or(1, |o| o.to_exif());
        let original = self.write_original(&bytes, media.format.as_str(), &sha256)?;
        let needs_pixels = self.options.annotation == Annotation::Png
            || self
                .on_side
                .iter()
                .any(|i| self.wants_crop(&self.features[*i]));
        let mut decoded: Option<Decoded> = needs_pixels.then(|| decode(&bytes, self.archive));
        let embedded = (self.options.embed_images
            && self.options.annotation == Annotation::Svg
            && self.copies_image())
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
                    exhibit::Sheet::new(self.audit, side, self.features, &sha256, (width, height))
                        .with_exif_orientation(exif);
                let svg = sheet.svg(embedded.as_deref().or(original.as_deref()));
                self.annotated("svg", width, height, |w| {
                    std::io::Write::write_all(w, svg.as_bytes())
                })?;
            }
            (Annotation::Png, _) => {
                if let Some(Ok((mut img, orientation))) = decoded.take() {
                    if !self.copies_image() {
                        // A side left out leaves in no form: its boxes are
                        // drawn on an empty canvas of its size.
                        img = RgbImage::from_pixel(img.width(), img.height(), image::Rgb([255; 3]));
                    }
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
            && f.name
                .as_deref()
                .is_none_or(|n| self.options.images.cuts(n))
    }

    /// True when the run's rule lets this side's image out as an exhibit.
    fn copies_image(&self) -> bool {
        self.options.images.exhibits(self.side)
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
        let file = self.copies_image().then(|| format!("{side}.{ext}"));
        if let Some(file) = &file {
            self.shelf.put(file, |w| w.write_all(bytes))?;
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
        write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<(), OutputError> {
        let file = format!("{}-annotated.{ext}", self.side);
        self.shelf.put(&file, write)?;
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
        if f.name
            .as_deref()
            .is_some_and(|n| !self.options.images.cuts(n))
        {
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
        let crop = cut_region(image, (x, y, w, h));
        let crop = orient(crop, *orientation, self.options);
        let side_word = f.side.as_deref().map(slug).unwrap_or_default();
        let side_word = if side_word.is_empty() {
            side.as_str().to_owned()
        } else {
            side_word
        };
        let file = self.names.claim(&side_word, &slug(f.label()), "png");
        let written = self.shelf.put(&file, |w| write_png(w, &crop));
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

/// Copies a region (inside the image) row by row: whole rows are contiguous
/// in the buffer, which a pixel-by-pixel copy would not exploit.
fn cut_region(image: &RgbImage, (x, y, w, h): (u32, u32, u32, u32)) -> RgbImage {
    let stride = image.width() as usize * 3;
    let (x, w) = (x as usize * 3, w as usize * 3);
    let raw = image.as_raw();
    let mut out = Vec::with_capacity(w * h as usize);
    for row in y as usize..(y + h) as usize {
        out.extend_from_slice(&raw[row * stride + x..row * stride + x + w]);
    }
    RgbImage::from_raw(w as u32 / 3, h, out)
        .unwrap_or_else(|| unreachable!("the buffer holds exactly the region's rows"))
}

/// Lossless PNG at a fast compression level: crops are evidence, not thumbnails.
/// The `Sub` filter compresses as well as adaptive filtering here, and faster.
fn write_png(w: &mut dyn std::io::Write, image: &RgbImage) -> std::io::Result<()> {
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

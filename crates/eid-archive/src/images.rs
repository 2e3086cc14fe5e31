//! The one rule for images: which of an archive's images may leave it, and
//! in what form. Images are personal data (faces, signatures, the document
//! itself) whatever the personal-data mode says of the text, so every writer
//! that could copy pixels out of an archive (the exhibits, the HTML pages,
//! an SVG with its image embedded) asks this rule, made once per run from the
//! personal-data mode and the exclusions, and counts what it wrote.

use crate::evidence::Side;
use crate::pii::Pii;
use serde::Serialize;

/// Which images may leave an archive, and in what form.
///
/// - A side named in the exclusions (`front`, `back`) leaves in no form: no
///   copy, no embedded data URI, no annotation drawn over its pixels (its
///   boxes are drawn on an empty canvas of its size instead).
/// - A feature named in the exclusions (`Photo`) is never cut.
/// - Exhibits (`--crops`) copy the other sides whatever the personal-data
///   mode: asking for them is asking for the images.
/// - A page shows a side's image only under `--pii full`.
///
/// ```
/// use eid_archive::{ImageRule, Pii};
/// use eid_archive::evidence::Side;
/// let rule = ImageRule::new(&Pii::Full, vec!["Photo".into(), "back".into()]);
/// assert!(rule.copies(Side::Front, eid_archive::ImageUse::Page));
/// assert!(!rule.copies(Side::Back, eid_archive::ImageUse::Exhibit));
/// assert!(!rule.cuts("photo"));
/// assert!(!ImageRule::new(&Pii::Omit, vec![]).copies(Side::Front, eid_archive::ImageUse::Page));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageRule {
    full: bool,
    exclude: Vec<String>,
}

/// Where an image would go.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageUse {
    /// An exhibit: the side copied as stored, an annotation over its pixels,
    /// or its image embedded in the annotation.
    Exhibit,
    /// An HTML page showing the side under its boxes.
    Page,
}

impl ImageRule {
    /// The rule of a run under the personal-data mode `pii`, leaving out the
    /// features and sides named in `exclude` (matched without regard to case).
    pub fn new(pii: &Pii, exclude: Vec<String>) -> ImageRule {
        ImageRule {
            full: *pii == Pii::Full,
            exclude: cleaned(exclude),
        }
    }

    /// This rule, leaving out the features and sides named in `exclude`.
    pub fn with_exclude(mut self, exclude: Vec<String>) -> ImageRule {
        self.exclude = cleaned(exclude);
        self
    }

    /// The names left out, as given.
    pub fn excluded(&self) -> &[String] {
        &self.exclude
    }

    fn excludes(&self, name: &str) -> bool {
        self.exclude.iter().any(|e| e.eq_ignore_ascii_case(name))
    }

    /// True when the image of `side` may be copied out for `usage`.
    pub fn copies(&self, side: Side, usage: ImageUse) -> bool {
        !self.excludes(side.as_str())
            && match usage {
                ImageUse::Exhibit => true,
                ImageUse::Page => self.full,
            }
    }

    /// True when the feature `name` may be cut out of its side.
    pub fn cuts(&self, name: &str) -> bool {
        !self.excludes(name)
    }
}

/// Names trimmed, empty ones dropped (`--crops-exclude Photo,,front`).
fn cleaned(names: Vec<String>) -> Vec<String> {
    names
        .into_iter()
        .map(|e| e.trim().to_owned())
        .filter(|e| !e.is_empty())
        .collect()
}

/// The image files a run wrote, counted by the writers themselves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageCount {
    /// Sides copied as stored, beside their exhibits.
    pub originals: usize,
    /// Feature crops.
    pub crops: usize,
    /// Annotations (SVG or PNG), each of one side.
    pub annotations: usize,
    /// Sides copied beside their HTML page.
    pub page_images: usize,
}

impl ImageCount {
    /// Adds another count to this one.
    pub(crate) fn add(&mut self, other: ImageCount) {
        self.originals += other.originals;
        self.crops += other.crops;
        self.annotations += other.annotations;
        self.page_images += other.page_images;
    }

    /// True when no image file was written.
    pub(crate) fn is_empty(&self) -> bool {
        *self == ImageCount::default()
    }
}

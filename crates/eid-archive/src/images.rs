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
/// assert!(rule.shows(Side::Front));
/// assert!(!rule.exhibits(Side::Back));
/// assert!(!rule.cuts("photo"));
/// assert!(!ImageRule::new(&Pii::Omit, vec![]).shows(Side::Front));
/// assert!(ImageRule::new(&Pii::Omit, vec![]).exhibits(Side::Front));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageRule {
    full: bool,
    exclude: Vec<String>,
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

    /// True when the image of `side` may leave the archive as an exhibit:
    /// copied as stored, embedded in its annotation, or drawn over.
    pub fn exhibits(&self, side: Side) -> bool {
        !self.excludes(side.as_str())
    }

    /// True when the image of `side` may be shown on an HTML page (copied
    /// beside it, or embedded in it): only under `--pii full`.
    pub fn shows(&self, side: Side) -> bool {
        self.full && self.exhibits(side)
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
pub(crate) struct ImageCount {
    /// Sides copied as stored, beside their exhibits.
    pub(crate) originals: usize,
    /// Feature crops.
    pub(crate) crops: usize,
    /// Annotations (SVG or PNG), each of one side.
    pub(crate) annotations: usize,
    /// Sides copied beside their HTML page.
    pub(crate) page_images: usize,
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

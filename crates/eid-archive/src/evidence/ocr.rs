//! The OCR capture and automatic verification: security checks, the face
//! similarity, and the document features with their boxes.

use super::check::SecurityCheck;
use super::{Depiction, Dialect, DocumentFields, Source};
use crate::codes::string_enum;
use crate::dates::Date;
use serde::Serialize;
use std::fmt;

/// The OCR capture and automatic verification.
#[non_exhaustive]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ocr {
    /// Where it was read.
    pub source: Source,
    /// The JSON shape it came in.
    pub dialect: Dialect,
    /// Document fields, by their Assure names.
    pub document: DocumentFields,
    /// The face similarity, as written (`high`, `verylow`, `VeryLow`, `none`, ...):
    /// when two are written and differ, the lower (see [`Ocr::add_similarity`]).
    pub similarity: Option<SimilarityScore>,
    /// Every similarity written, with where (`similarityScore`,
    /// `biometrics.face.similarityLevel`), in the order read.
    pub similarities: Vec<(String, SimilarityScore)>,
    /// The top-level `livenessDetected` (a string `"true"`/`"false"` in the Assure dialect).
    pub liveness_detected: Option<bool>,
    /// Security checks, in the order they were written.
    pub checks: Vec<SecurityCheck>,
    /// Document features, in the order they were written.
    pub features: Vec<Feature>,
    /// Native dialect: the result's own `status`.
    pub native_status: Option<String>,
    /// Native dialect: the result's `id`.
    pub native_id: Option<String>,
    /// Native dialect: `completion.date`.
    pub completion_date: Option<Date>,
    /// Native dialect: `completion.date` as a timestamp (epoch milliseconds
    /// written as UTC text; ISO text as written), for exports that need the time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completion_time: Option<String>,
    /// An identical copy of this evidence elsewhere in the archive, not used.
    pub identical_copy: Option<Source>,
}

impl Ocr {
    /// Empty OCR evidence from `source`, in `dialect`, for readers to fill.
    pub fn new(source: Source, dialect: Dialect) -> Ocr {
        Ocr {
            source,
            dialect,
            document: DocumentFields::new(),
            similarity: None,
            similarities: Vec::new(),
            liveness_detected: None,
            checks: Vec::new(),
            features: Vec::new(),
            native_status: None,
            native_id: None,
            completion_date: None,
            completion_time: None,
            identical_copy: None,
        }
    }

    /// Adds a similarity written at `path`. When one is already there, the
    /// lower counts: a word that is not a level is lower than any level, so
    /// two values that differ never settle towards acceptance.
    pub fn add_similarity(&mut self, path: impl Into<String>, score: SimilarityScore) {
        let rank = |s: &SimilarityScore| s.level().map_or(0, |l| l as u8 + 1);
        if self
            .similarity
            .as_ref()
            .is_none_or(|s| rank(&score) < rank(s))
        {
            self.similarity = Some(score.clone());
        }
        self.similarities.push((path.into(), score));
    }

    /// The similarities written, when there are several that differ (as
    /// levels, or as words when one is not a level).
    pub fn similarity_conflict(&self) -> Option<&[(String, SimilarityScore)]> {
        let first = &self.similarities.first()?.1;
        let differ = self.similarities.iter().any(|(_, s)| !s.same_as(first));
        differ.then_some(self.similarities.as_slice())
    }

    /// The similarity word, when one was written.
    pub fn similarity_word(&self) -> Option<&str> {
        match self.similarity.as_ref()? {
            SimilarityScore::Word(w) => Some(w),
            SimilarityScore::Unreadable { .. } => None,
        }
    }

    /// True when `other` says the same in everything a rule reads: the
    /// document's compared fields and dates, the similarity, the liveness
    /// flag, the checks, the features (found, side, box), the native status
    /// and completion time (as an instant), wherever each was read from.
    pub fn same_evidence(&self, other: &Ocr) -> bool {
        let checks = |o: &Ocr| {
            let mut v: Vec<(String, Option<bool>)> = o
                .checks
                .iter()
                .map(|c| (c.canonical_name().to_owned(), c.valid))
                .collect();
            v.sort();
            v
        };
        let features = |o: &Ocr| {
            let mut v: Vec<_> = o
                .features
                .iter()
                .filter(|f| !f.blank)
                .map(|f| {
                    (
                        f.name.clone(),
                        f.also_named.clone(),
                        f.found,
                        f.image_side(),
                        f.bbox,
                    )
                })
                .collect();
            v.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
            v
        };
        let level = |o: &Ocr| {
            o.similarity.as_ref().map(|s| {
                s.level()
                    .map_or_else(|| format!("{s:?}"), |l| l.to_string())
            })
        };
        let lower = |s: &Option<String>| s.as_deref().map(|s| s.trim().to_ascii_lowercase());
        let written = |o: &Ocr| {
            // Where each was written, without the path to the object itself.
            let mut v: Vec<(bool, String)> = o
                .similarities
                .iter()
                .map(|(p, s)| (p.ends_with("similarityLevel"), s.key()))
                .collect();
            v.sort();
            v
        };
        super::decisive::same_document(&self.document, &other.document)
            && self
                .completion_time
                .as_deref()
                .map(super::decisive::instant)
                == other
                    .completion_time
                    .as_deref()
                    .map(super::decisive::instant)
            && lower(&self.native_status) == lower(&other.native_status)
            && level(self) == level(other)
            && written(self) == written(other)
            && self.liveness_detected == other.liveness_detected
            && checks(self) == checks(other)
            && features(self) == features(other)
    }
}

/// `similarityScore` (or the native `similarityLevel`) as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum SimilarityScore {
    /// A word, as written (`high`, `verylow`, `VeryLow`, `none`, even `""`).
    Word(String),
    /// A value that is not a word: what was found instead (`a number`, ...).
    Unreadable {
        /// The kind of value found.
        unreadable: String,
    },
}

impl SimilarityScore {
    /// The level, when the word is one of the four (in any case).
    pub fn level(&self) -> Option<Similarity> {
        match self {
            SimilarityScore::Word(w) => Similarity::parse_level(w),
            SimilarityScore::Unreadable { .. } => None,
        }
    }
}

impl SimilarityScore {
    /// What is compared: the level, else the trimmed, case-folded word, else
    /// what was found instead of a word.
    pub(crate) fn key(&self) -> String {
        match (self.level(), self) {
            (Some(l), _) => l.to_string(),
            (None, SimilarityScore::Word(w)) => w.trim().to_lowercase(),
            (None, SimilarityScore::Unreadable { unreadable }) => format!("({unreadable})"),
        }
    }

    /// True when both say the same (`verylow` and `veryLow` do).
    pub(crate) fn same_as(&self, other: &SimilarityScore) -> bool {
        self.key() == other.key()
    }
}

impl From<&str> for SimilarityScore {
    fn from(word: &str) -> Self {
        SimilarityScore::Word(word.to_owned())
    }
}

/// Feature names the provider is known to write: the Assure dialect's
/// display names and the native dialect's keys.
pub(crate) const KNOWN_FEATURES: &[&str] = &[
    "Header",
    "Header 1",
    "Header 2",
    "OVI 1",
    "OVI 2",
    "Signature",
    "Photo",
    "MRZ",
    "Barcode",
    "chip",
    "flag",
    "signature",
    "initials",
    "hologram",
    "photo",
    "badge1",
    "euroBadge",
];

string_enum! {
    /// A face-similarity level, ordered from worst to best.
    pub enum Similarity {
        /// `veryLow`.
        VeryLow => "veryLow",
        /// `low`.
        Low => "low",
        /// `medium`.
        Medium => "medium",
        /// `high`.
        High => "high",
    }
}

impl Similarity {
    /// Parses the four words case-insensitively, as the provider writes them
    /// in several spellings (`verylow`, `VeryLow`, `veryLow`).
    pub fn parse_level(s: &str) -> Option<Similarity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "high" => Some(Similarity::High),
            "medium" => Some(Similarity::Medium),
            "low" => Some(Similarity::Low),
            "verylow" | "very_low" | "very low" => Some(Similarity::VeryLow),
            _ => None,
        }
    }
}

/// One detected document feature.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Feature {
    /// Where the entry is in its JSON (`features[3]`, `features.hologram`).
    pub entry: String,
    /// `name` (`Header`, `OVI 1`, `Photo`, ...). `None` when it cannot be read.
    pub name: Option<String>,
    /// `found`. `None` when it cannot be read.
    pub found: Option<bool>,
    /// `side` as written (`data`, `front`, `back`).
    pub side: Option<String>,
    /// The box, in pixels of the stored image of its side.
    pub bbox: Option<BBox>,
    /// True for the empty entry `{}`, which the provider writes and which says nothing.
    pub blank: bool,
    /// The key of a keyed entry whose `name` says otherwise: the feature is
    /// judged under both names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub also_named: Option<String>,
}

impl Feature {
    /// A feature entry as written at `entry` (`features[3]`): its name,
    /// `found` and side as read (`None`: unreadable or absent) and its box.
    pub fn new(
        entry: impl Into<String>,
        name: Option<&str>,
        found: Option<bool>,
        side: Option<&str>,
        bbox: Option<BBox>,
    ) -> Feature {
        Feature {
            entry: entry.into(),
            name: name.map(str::to_owned),
            found,
            side: side.map(str::to_owned),
            bbox,
            blank: false,
            also_named: None,
        }
    }

    /// A found feature with a box on side `data`.
    pub fn found(name: &str, bbox: BBox) -> Feature {
        Feature {
            entry: format!("features.{name}"),
            name: Some(name.to_owned()),
            found: Some(true),
            side: Some("data".into()),
            bbox: Some(bbox),
            blank: false,
            also_named: None,
        }
    }

    /// True when the entry says something but its name or `found` cannot be read.
    pub fn unreadable(&self) -> bool {
        !self.blank && (self.name.is_none() || self.found.is_none())
    }

    /// The name, else where the entry is.
    pub fn subject(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.entry)
    }

    /// The side's image this feature's box refers to, if the side word is known.
    pub fn image_side(&self) -> Option<Side> {
        Side::from_feature_side(self.side.as_deref()?)
    }

    /// The name, or `?` for an unreadable entry.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or("?")
    }
}

/// A feature's bounding box, in pixels of the stored image as the provider analysed it
/// (no EXIF rotation applied). Values are kept as written, even negative ones.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BBox {
    /// Left edge.
    pub x: i64,
    /// Top edge.
    pub y: i64,
    /// Width.
    pub width: i64,
    /// Height.
    pub height: i64,
}

impl BBox {
    /// A box as written: left, top, width, height, in stored pixels.
    pub fn new(x: i64, y: i64, width: i64, height: i64) -> BBox {
        BBox {
            x,
            y,
            width,
            height,
        }
    }

    /// True when the box has no area.
    pub fn is_empty(&self) -> bool {
        self.width <= 0 || self.height <= 0
    }

    /// True when the box lies wholly inside a `width` × `height` image.
    pub fn fits(&self, width: u32, height: u32) -> bool {
        self.x >= 0
            && self.y >= 0
            && self.x.saturating_add(self.width) <= i64::from(width)
            && self.y.saturating_add(self.height) <= i64::from(height)
    }

    /// The part of the box inside a `width` × `height` image, as `(x, y, w, h)`; `None` if nothing is.
    pub fn clip(&self, width: u32, height: u32) -> Option<(u32, u32, u32, u32)> {
        let x0 = self.x.clamp(0, i64::from(width));
        let y0 = self.y.clamp(0, i64::from(height));
        let x1 = self.x.saturating_add(self.width).clamp(0, i64::from(width));
        let y1 = self
            .y
            .saturating_add(self.height)
            .clamp(0, i64::from(height));
        (x1 > x0 && y1 > y0).then(|| (x0 as u32, y0 as u32, (x1 - x0) as u32, (y1 - y0) as u32))
    }
}

impl fmt::Display for BBox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{} {}×{}", self.x, self.y, self.width, self.height)
    }
}

string_enum! {
    /// A side of the document, i.e. which image a feature's box refers to.
    pub enum Side {
        /// The front (data page); features say `data` or `front`.
        Front => "front",
        /// The back.
        Back => "back",
    }
}

impl Side {
    /// Maps a feature's `side` word: `data` and `front` are the front, `back` the back.
    pub fn from_feature_side(s: &str) -> Option<Side> {
        match s.trim().to_ascii_lowercase().as_str() {
            "data" | "front" => Some(Side::Front),
            "back" => Some(Side::Back),
            _ => None,
        }
    }

    /// The matching media depiction.
    pub fn depiction(self) -> Depiction {
        match self {
            Side::Front => Depiction::Front,
            Side::Back => Depiction::Back,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn any_box() -> impl Strategy<Value = BBox> {
        let coord = prop_oneof![-50i64..700, Just(i64::MIN), Just(i64::MAX), any::<i64>()];
        (coord.clone(), coord.clone(), coord.clone(), coord).prop_map(|(x, y, width, height)| {
            BBox {
                x,
                y,
                width,
                height,
            }
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5000))]

        /// The clipped region lies inside the image and inside the box; a box
        /// that fits is cut whole; nothing is cut from a box with no overlap.
        #[test]
        fn clipping_stays_inside_image_and_box(b in any_box(), w in 1u32..640, h in 1u32..480) {
            match b.clip(w, h) {
                Some((x, y, cw, ch)) => {
                    prop_assert!(cw > 0 && ch > 0);
                    prop_assert!(u64::from(x) + u64::from(cw) <= u64::from(w));
                    prop_assert!(u64::from(y) + u64::from(ch) <= u64::from(h));
                    prop_assert!(i64::from(x) >= b.x && i64::from(y) >= b.y);
                    prop_assert!(i64::from(x + cw) <= b.x.saturating_add(b.width));
                    prop_assert!(i64::from(y + ch) <= b.y.saturating_add(b.height));
                    if b.fits(w, h) {
                        prop_assert_eq!((i64::from(x), i64::from(y), i64::from(cw), i64::from(ch)), (b.x, b.y, b.width, b.height));
                    }
                }
                None => prop_assert!(
                    b.is_empty()
                        || b.x >= i64::from(w)
                        || b.y >= i64::from(h)
                        || b.x.saturating_add(b.width) <= 0
                        || b.y.saturating_add(b.height) <= 0
                ),
            }
        }
    }
}

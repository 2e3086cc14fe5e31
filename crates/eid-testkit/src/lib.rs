//! # eid-testkit
//!
//! Deterministic synthetic EID full-result archives: the JSON of both
//! dialects and real JPEG/PNG media in which every found feature's box is
//! painted in a colour derived from the feature's name ([`feature_colour`]),
//! so a crop can be checked by its pixels. The same [`Case`] always gives the
//! same bytes. All people and numbers are invented.

use serde_json::{Map, Value, json};

pub mod amplify;
mod archive;
mod cases;
pub mod corpus;
pub mod crafted;
pub mod hostile;
mod json;
mod media;
pub mod s3;

pub use archive::zip_members;
pub use media::{encode, feature_colour, with_exif_orientation};

/// The JSON shape the OCR evidence is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Assure (`providerSpecific.ocr` shape), as on the provider page.
    Assure,
    /// The provider's native result entity.
    Native,
}

/// Where the process record goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcessPlacement {
    /// `process.json` inside the zip.
    InZip,
    /// `<stem>.json` beside the zip, as integrators store it.
    Beside,
    /// Inside the zip, carrying the OCR (and manual approval) in `providerSpecific`
    /// instead of separate data files.
    InZipWithProviderSpecific,
    /// No process record at all.
    None,
}

/// Image encoding of the media.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    /// `.jpeg`, quality 90.
    Jpeg,
    /// `.png`, lossless.
    Png,
}

/// A feature to write into the OCR and paint onto its side's image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureSpec {
    /// `name`.
    pub name: String,
    /// `found`.
    pub found: bool,
    /// `side` word (`data`, `front`, `back`, or anything for hostile cases).
    pub side: String,
    /// `bbox` as `(x, y, width, height)`; written only when found.
    pub bbox: Option<(i64, i64, i64, i64)>,
}

impl FeatureSpec {
    /// A found feature with a box on side `data`.
    pub fn found(name: &str, x: i64, y: i64, w: i64, h: i64) -> Self {
        FeatureSpec {
            name: name.into(),
            found: true,
            side: "data".into(),
            bbox: Some((x, y, w, h)),
        }
    }

    /// A feature that was not found.
    pub fn missing(name: &str) -> Self {
        FeatureSpec {
            name: name.into(),
            found: false,
            side: "data".into(),
            bbox: None,
        }
    }

    /// The feature as both dialects write it; the box only when found.
    pub fn to_json(&self) -> Value {
        let mut o = Map::new();
        o.insert("name".into(), json!(self.name));
        o.insert("found".into(), json!(self.found));
        if let (true, Some((x, y, w, h))) = (self.found, self.bbox) {
            o.insert(
                "bbox".into(),
                json!({ "x": x, "y": y, "width": w, "height": h }),
            );
        }
        o.insert("side".into(), json!(self.side));
        Value::Object(o)
    }

    /// The same feature on another side.
    pub fn on(mut self, side: &str) -> Self {
        self.side = side.into();
        self
    }
}

/// The invented person on the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// `firstName`.
    pub first_name: String,
    /// `lastName`.
    pub last_name: String,
    /// `dateOfBirth`.
    pub date_of_birth: String,
    /// `documentNumber`.
    pub document_number: String,
    /// `dateOfExpiry`.
    pub date_of_expiry: String,
    /// `documentType`.
    pub document_type: String,
    /// `nationality`.
    pub nationality: String,
    /// `issuingCountry`.
    pub issuing_country: String,
    /// `gender`.
    pub gender: String,
    /// `personalIdentificationNumber`.
    pub personal_number: String,
}

impl Default for Person {
    fn default() -> Self {
        Person {
            first_name: "ALEX SAMPLE".into(),
            last_name: "TESTER EXAMPLE".into(),
            date_of_birth: "1990-04-29".into(),
            document_number: "X00000001".into(),
            date_of_expiry: "2030-10-05".into(),
            document_type: "passport".into(),
            nationality: "PRT".into(),
            issuing_country: "PRT".into(),
            gender: "F".into(),
            personal_number: "FAKE0000000001".into(),
        }
    }
}

/// An agent's manual approval.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Manual {
    /// `rejectionReasons` as `(type, message)`; empty means the agent accepted.
    pub rejections: Vec<(String, String)>,
    /// `verificationDate`.
    pub verification_date: String,
    /// Document fields the agent registered differently from the OCR: `(field, value)`.
    pub overrides: Vec<(String, String)>,
}

/// One synthetic verification, everything that goes into its archive.
#[derive(Debug, Clone)]
pub struct Case {
    /// File stem of the archive.
    pub stem: String,
    /// `processId` (and native `id`).
    pub process_id: String,
    /// `processType`.
    pub process_type: String,
    /// Recorded `status`.
    pub status: String,
    /// The OCR dialect.
    pub dialect: Dialect,
    /// Where the process record goes.
    pub process: ProcessPlacement,
    /// `similarityScore` as written, if any.
    pub similarity: Option<String>,
    /// Top-level `livenessDetected` string, if any.
    pub liveness: Option<String>,
    /// Security checks, `(name, valid)`.
    pub checks: Vec<(String, bool)>,
    /// Features.
    pub features: Vec<FeatureSpec>,
    /// The person on the document.
    pub person: Person,
    /// The agent's review, if any.
    pub manual: Option<Manual>,
    /// `failReason` `(type, message)`, if failed; a failed case has no OCR.
    pub fail_reason: Option<(String, String)>,
    /// Write `finalResult` into the process record.
    pub final_result: bool,
    /// `createdAt`.
    pub created_at: String,
    /// `updatedAt`.
    pub updated_at: String,
    /// A folder all members sit in, e.g. `result/raw`.
    pub folder: Option<String>,
    /// Write member names in upper case.
    pub upper_case: bool,
    /// Image encoding.
    pub image: ImageKind,
    /// Front image size; `None` for no front image.
    pub front: Option<(u32, u32)>,
    /// Back image size; `None` for no back image.
    pub back: Option<(u32, u32)>,
    /// Selfie size; `None` for no selfie.
    pub selfie: Option<(u32, u32)>,
    /// Add a `portrait` image.
    pub portrait: bool,
    /// Add a (fake, never decoded) video member.
    pub video: bool,
    /// Texture the images like photographs (for realistic sizes); flat otherwise.
    pub textured: bool,
    /// Paint the process id's hash into a corner of every flat image, so
    /// that no two processes' images are the same bytes, as no camera makes
    /// the same bytes twice (a corpus; the bundled cases share their images).
    pub marked: bool,
    /// Extra keys put into the OCR JSON (schema drift).
    pub extra_ocr: Vec<(String, Value)>,
    /// Store the image members rather than deflate them (JPEG and PNG are
    /// compressed already; many archivers store them).
    pub stored_images: bool,
}

const SEED_FEATURES: &[(&str, i64, i64, i64, i64)] = &[
    ("Header", 84, 28, 248, 32),
    ("OVI 2", 596, 44, 32, 24),
    ("Signature", 402, 273, 217, 60),
    ("Photo", 32, 168, 141, 141),
    ("OVI 1", 12, 44, 72, 80),
];

fn seed_checks(names: &[&str]) -> Vec<(String, bool)> {
    names.iter().map(|n| ((*n).to_owned(), true)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_differ_and_are_stable() {
        assert_eq!(feature_colour("OVI 1"), feature_colour("OVI 1"));
        assert_ne!(feature_colour("OVI 1"), feature_colour("OVI 2"));
    }

    #[test]
    fn same_case_same_bytes() {
        assert_eq!(Case::accepted().to_zip(), Case::accepted().to_zip());
    }

    #[test]
    fn epoch_of_seed_timestamp() {
        assert_eq!(json::epoch_millis("1970-01-02T00:00:01Z"), 86_401_000);
    }
}

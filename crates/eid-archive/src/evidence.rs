//! The evidence model: one dialect-free set of types for everything an
//! archive says. Readers fill it; the decision engine only reads it.

use crate::dates::Date;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// Everything read from one archive (and the process record beside it).
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    /// The Assure process record ("Get process" response), if one was found.
    pub process: Option<ProcessRecord>,
    /// The OCR capture and automatic verification.
    pub ocr: Option<Ocr>,
    /// The agent's manual verification.
    pub manual: Option<ManualApproval>,
    /// Media members (and images embedded in native JSON).
    pub media: Vec<Media>,
    /// What the readers did not understand: schema drift, wrong types, unknown members.
    pub drift: Vec<Drift>,
}

/// Which of the two known JSON shapes a piece of OCR evidence came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Dialect {
    /// The Assure shape (`providerSpecific.ocr`, as on the provider page).
    Assure,
    /// The provider's own result entity (keyed `features` and `securityChecks` objects).
    Native,
}

/// Where a piece of evidence came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "name")]
pub enum Source {
    /// A member of the archive.
    Member(String),
    /// Embedded in another member's JSON (e.g. `providerSpecific.ocr` of a process record).
    Embedded(String),
    /// A file given beside the archive.
    File(String),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Member(m) => write!(f, "{m}"),
            Source::Embedded(m) => write!(f, "{m} (embedded)"),
            Source::File(p) => write!(f, "{p} (beside the archive)"),
        }
    }
}

/// The Assure process record.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessRecord {
    /// Where it was read.
    pub source: Option<Source>,
    /// `processId`.
    pub process_id: Option<String>,
    /// `provider` (`eid` or `signicatvideoid`).
    pub provider: Option<String>,
    /// `processType`.
    pub process_type: Option<String>,
    /// `status`, as recorded.
    pub status: Option<String>,
    /// `failReason`, if any.
    pub fail_reason: Option<FailReason>,
    /// `depictions`.
    pub depictions: Vec<String>,
    /// `finalResult`, if present.
    pub final_result: Option<FinalResult>,
    /// `createdAt`.
    pub created_at: Option<String>,
    /// `updatedAt`.
    pub updated_at: Option<String>,
}

/// Why a process failed. Its shape varies between `{id,type,message}` and `{category,reason,message}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FailReason {
    /// `type`, else `category.reason`, else `unknown`.
    pub kind: String,
    /// `message`.
    pub message: Option<String>,
}

/// `finalResult` of an accepted process.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FinalResult {
    /// Document fields, by their Assure names.
    pub document: DocumentFields,
    /// `similarityScore`.
    pub similarity: Option<String>,
    /// `livenessDetected` (a boolean here).
    pub liveness_detected: Option<bool>,
}

/// Document fields by their Assure names (`documentNumber`, `dateOfBirth`, ...).
///
/// A map rather than a struct so that fields the reader does not know are kept.
pub type DocumentFields = BTreeMap<String, String>;

/// The OCR capture and automatic verification.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ocr {
    /// Where it was read.
    pub source: Source,
    /// The JSON shape it came in.
    pub dialect: Dialect,
    /// Document fields, by their Assure names.
    pub document: DocumentFields,
    /// The face similarity, as written (`high`, `verylow`, `VeryLow`, ...).
    pub similarity: Option<String>,
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
}

/// One security check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityCheck {
    /// The name as written (`nonExpired`, `livenessDetected`, ...).
    pub name: String,
    /// `valid` (`passed` in the native dialect); `None` when it could not be read.
    pub valid: Option<bool>,
}

impl SecurityCheck {
    /// The name under which checks are compared: `livenessDetected` and `liveness` are one check.
    pub fn canonical_name(&self) -> &str {
        canonical_check(&self.name)
    }
}

/// The name under which a check is compared and configured.
pub fn canonical_check(name: &str) -> &str {
    if name == "livenessDetected" {
        "liveness"
    } else {
        name
    }
}

/// Security checks the Assure schema knows. Others are kept and reported as schema drift.
pub const KNOWN_CHECKS: &[&str] = &[
    "nonExpired",
    "notUnderage",
    "dataIntegrity",
    "liveness",
    "livenessDetected",
    "notFaceSpoofing",
    "sidesMatch",
    "notBWCopy",
    "untamperedDocument",
    "untamperedVideo",
    "deviceSecurity",
    "reflectiveSurface",
    "documentTilt",
    "initialsMatch",
];

/// A face-similarity level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Similarity {
    /// `veryLow`.
    VeryLow,
    /// `low`.
    Low,
    /// `medium`.
    Medium,
    /// `high`.
    High,
}

impl Similarity {
    /// Parses the four words case-insensitively (`verylow`, `VeryLow`, `veryLow`).
    pub fn parse(s: &str) -> Option<Similarity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "high" => Some(Similarity::High),
            "medium" => Some(Similarity::Medium),
            "low" => Some(Similarity::Low),
            "verylow" | "very_low" | "very low" => Some(Similarity::VeryLow),
            _ => None,
        }
    }

    /// The Assure spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            Similarity::High => "high",
            Similarity::Medium => "medium",
            Similarity::Low => "low",
            Similarity::VeryLow => "veryLow",
        }
    }
}

/// One detected document feature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Feature {
    /// `name` (`Header`, `OVI 1`, `Photo`, ...). `None` for an unreadable entry.
    pub name: Option<String>,
    /// `found`. `None` for an unreadable entry (e.g. `{}`), which is not a missing feature.
    pub found: Option<bool>,
    /// `side` as written (`data`, `front`, `back`).
    pub side: Option<String>,
    /// The box, in pixels of the stored image of its side.
    pub bbox: Option<BBox>,
}

impl Feature {
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
        write!(f, "{},{} {}x{}", self.x, self.y, self.width, self.height)
    }
}

/// A side of the document, i.e. which image a feature's box refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Side {
    /// The front (data page); features say `data` or `front`.
    Front,
    /// The back.
    Back,
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

    /// `front` or `back`.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Front => "front",
            Side::Back => "back",
        }
    }
}

/// What a media member depicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Depiction {
    /// The document's front (data page).
    Front,
    /// The document's back.
    Back,
    /// The end-user's selfie.
    Selfie,
    /// The photo on the document.
    Portrait,
    /// The capture video (never decoded).
    Video,
}

impl Depiction {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Depiction::Front => "front",
            Depiction::Back => "back",
            Depiction::Selfie => "selfie",
            Depiction::Portrait => "portrait",
            Depiction::Video => "video",
        }
    }
}

/// Container format of a media member, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaFormat {
    /// `.jpeg` / `.jpg`.
    Jpeg,
    /// `.png`.
    Png,
    /// `.mp4`.
    Mp4,
    /// `.mov`.
    Mov,
    /// `.webm`.
    Webm,
}

impl MediaFormat {
    /// True for still images.
    pub fn is_image(self) -> bool {
        matches!(self, MediaFormat::Jpeg | MediaFormat::Png)
    }
}

/// One media item: a member of the archive, or an image embedded in native JSON.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Media {
    /// Where it is.
    pub source: Source,
    /// What it depicts.
    pub depiction: Depiction,
    /// Its format, from the name (embedded images: from the bytes).
    pub format: MediaFormat,
    /// Inflated size in bytes (declared size for videos, which are never inflated).
    pub bytes: u64,
    /// Pixel size from the image header, if it could be read.
    pub dimensions: Option<Dimensions>,
    /// Why the header could not be read, or why the image is refused.
    pub problem: Option<String>,
}

/// Width and height in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Dimensions {
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

/// Something a reader did not understand: kept and reported, never dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Drift {
    /// Where: a member name, optionally with a JSON path (`ocr.json: securityChecks.newCheck`).
    pub subject: String,
    /// What kind of misunderstanding.
    pub kind: DriftKind,
    /// In words.
    pub message: String,
}

/// The kinds of [`Drift`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum DriftKind {
    /// A key, check or member the reader does not know (new fields appear over time).
    Unknown,
    /// A known key whose value has the wrong type or an impossible value; it was not used.
    Malformed,
    /// A member name that would escape a folder if it were used as a path (`../`,
    /// absolute, backslashes, drive letters), or that is not valid UTF-8. Names
    /// are never used as paths; the finding says the archive was crafted or damaged.
    UnsafeName,
}

impl Evidence {
    /// The process id: the process record's, else the native `id`.
    pub fn process_id(&self) -> Option<&str> {
        self.process
            .as_ref()
            .and_then(|p| p.process_id.as_deref())
            .or_else(|| self.ocr.as_ref().and_then(|o| o.native_id.as_deref()))
    }

    /// The recorded status: the process record's `status`, else a native `status`
    /// that is one of the Assure words. Lower-cased.
    pub fn recorded_status(&self) -> Option<String> {
        const WORDS: &[&str] = &[
            "pending",
            "processing",
            "accepted",
            "rejected",
            "canceled",
            "failed",
            "inconclusive",
        ];
        if let Some(s) = self.process.as_ref().and_then(|p| p.status.as_deref()) {
            return Some(s.trim().to_ascii_lowercase());
        }
        let native = self
            .ocr
            .as_ref()?
            .native_status
            .as_deref()?
            .trim()
            .to_ascii_lowercase();
        WORDS.contains(&native.as_str()).then_some(native)
    }

    /// The process type, if recorded.
    pub fn process_type(&self) -> Option<&str> {
        self.process.as_ref()?.process_type.as_deref()
    }

    /// The first media item of a depiction.
    pub fn media_of(&self, depiction: Depiction) -> Option<&Media> {
        self.media.iter().find(|m| m.depiction == depiction)
    }

    /// The day the verification is judged on, and which field gave it:
    /// manual `verificationDate`, `updatedAt`, native `completion.date`, `createdAt`.
    pub fn verification_date(&self) -> Option<(Date, &'static str)> {
        let manual = self
            .manual
            .as_ref()
            .and_then(|m| m.verification_date.as_deref());
        let process = self.process.as_ref();
        manual
            .and_then(Date::parse)
            .map(|d| (d, "manualApproval.verificationDate"))
            .or_else(|| {
                process
                    .and_then(|p| p.updated_at.as_deref())
                    .and_then(Date::parse)
                    .map(|d| (d, "updatedAt"))
            })
            .or_else(|| {
                self.ocr
                    .as_ref()
                    .and_then(|o| o.completion_date)
                    .map(|d| (d, "completion.date"))
            })
            .or_else(|| {
                process
                    .and_then(|p| p.created_at.as_deref())
                    .and_then(Date::parse)
                    .map(|d| (d, "createdAt"))
            })
    }
}

/// The agent's manual verification.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ManualApproval {
    /// Where it was read.
    pub source: Option<Source>,
    /// Document fields as the agent registered them.
    pub document: DocumentFields,
    /// `verifierId`: the agent.
    pub verifier_id: Option<String>,
    /// `verificationId`.
    pub verification_id: Option<String>,
    /// `videoId`.
    pub video_id: Option<String>,
    /// `rAuthorityId` / `rauthorityId`.
    pub r_authority_id: Option<String>,
    /// `verificationDate`.
    pub verification_date: Option<String>,
    /// `duration`, seconds.
    pub duration: Option<String>,
    /// `rejectionReasons`; empty when the agent accepted.
    pub rejection_reasons: Vec<RejectionReason>,
}

impl ManualApproval {
    /// The agent rejected when it gave any rejection reason.
    pub fn rejected(&self) -> bool {
        !self.rejection_reasons.is_empty()
    }
}

/// One reason an agent gave for rejecting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RejectionReason {
    /// `type`, e.g. `Document.Expired`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `message`.
    pub message: Option<String>,
}

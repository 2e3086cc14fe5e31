//! The evidence model: one dialect-free set of types for everything an
//! archive says. Readers fill it; the decision engine only reads it.
//!
//! [`ocr`] holds the automatic verification (checks, similarity, features and
//! their boxes), [`media`] the images and video, this module the process
//! record, the agent's review and what the readers did not understand.

mod check;
pub(crate) mod decisive;
pub mod media;
pub mod ocr;

pub use check::{CheckResult, SecurityCheck};
pub(crate) use check::{KNOWN_CHECKS, canonical_check};
pub use media::{Depiction, Dimensions, Media, MediaFormat};
pub(crate) use ocr::KNOWN_FEATURES;
pub use ocr::{BBox, Feature, Ocr, Side, Similarity, SimilarityScore};

use crate::codes::string_enum;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// Everything read from one archive (and the process record beside it).
#[non_exhaustive]
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
    /// The process record file kept outside the archive, when one was used.
    pub outside_record: Option<OutsideFile>,
}

/// A file read beside the archive, fingerprinted like the archive itself.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutsideFile {
    /// As named (the path given or found).
    pub path: String,
    /// SHA-256 of its bytes, lower-case hex.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
}

string_enum! {
    /// Which of the two known JSON shapes a piece of OCR evidence came in.
    #[non_exhaustive]
    pub enum Dialect {
        /// The Assure shape (`providerSpecific.ocr`, as on the provider page).
        Assure => "assure",
        /// The provider's own result entity (keyed `features` and `securityChecks` objects).
        Native => "native",
    }
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

impl Source {
    /// The member, embedded path or file, without saying which.
    pub fn name(&self) -> &str {
        match self {
            Source::Member(n) | Source::Embedded(n) | Source::File(n) => n,
        }
    }
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
#[non_exhaustive]
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
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FailReason {
    /// `type`, else `category.reason`, else `unknown`.
    pub kind: String,
    /// `message`.
    pub message: Option<String>,
}

impl FailReason {
    /// A fail reason of this kind (`InactiveUser.Aborted`), with its message.
    pub fn new(kind: impl Into<String>, message: Option<&str>) -> FailReason {
        FailReason {
            kind: kind.into(),
            message: message.map(str::to_owned),
        }
    }
}

/// `finalResult` of an accepted process.
#[non_exhaustive]
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

/// The document fields of the OCR, the manual approval and `finalResult`,
/// by their Assure names (the native reader maps its own names onto them).
pub(crate) const DOCUMENT_FIELDS: &[&str] = &[
    "firstName",
    "lastName",
    "alternativeFirstName",
    "alternativeLastName",
    "dateOfBirth",
    "dateOfExpiry",
    "dateOfIssue",
    "birthPlace",
    "placeOfBirth",
    "gender",
    "nationality",
    "issuingCountry",
    "issuingAuthority",
    "address",
    "documentType",
    "documentNumber",
    "idType",
    "personalIdentificationNumber",
    "socialSecurityNumber",
    "healthNumber",
    "taxNumber",
    "predictedAge",
    "lastNameSecondLine",
];

/// Document fields by their Assure names (`documentNumber`, `dateOfBirth`, ...).
///
/// A map rather than a struct so that fields the reader does not know are kept.
pub(crate) type DocumentFields = BTreeMap<String, String>;

/// The agent's manual verification.
#[non_exhaustive]
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
    /// The native verification's `status` (`Accepted`, `Rejected`).
    pub status: Option<String>,
    /// `rejectionReasons` (native: the reasons of a `Rejected` verification).
    pub rejection_reasons: Vec<RejectionReason>,
    /// `rejectionReasons` was written but cannot be read (`null`, a string):
    /// what was found. Such a review holds no readable decision.
    pub rejection_reasons_unreadable: Option<String>,
    /// Native `acceptance.reasons` of an accepted verification: the agent's
    /// checklist of questions answered, never rejection reasons.
    pub checklist: Vec<String>,
    /// An identical copy of this review elsewhere in the archive, not used.
    pub identical_copy: Option<Source>,
}

impl ManualApproval {
    /// True when the review identifies itself: a verifier, a verification id
    /// or a verification date. A record without any of them is no decision.
    pub fn identifies_itself(&self) -> bool {
        [
            &self.verifier_id,
            &self.verification_id,
            &self.verification_date,
        ]
        .iter()
        .any(|v| v.as_deref().is_some_and(|v| !v.trim().is_empty()))
    }

    /// True when `other` records the same review in everything a rule
    /// reads: whether it identifies itself, its decision word, its reasons,
    /// its date (as an instant) and the corrected dates and compared fields.
    pub fn same_evidence(&self, other: &ManualApproval) -> bool {
        let word = |m: &ManualApproval| m.status.as_deref().map(|s| s.trim().to_ascii_lowercase());
        let date = |m: &ManualApproval| m.verification_date.as_deref().map(decisive::instant);
        decisive::same_document(&self.document, &other.document)
            && self.identifies_itself() == other.identifies_itself()
            && date(self) == date(other)
            && word(self) == word(other)
            && self.rejection_reasons == other.rejection_reasons
            && self.rejection_reasons_unreadable == other.rejection_reasons_unreadable
    }
}

/// One reason an agent gave for rejecting.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RejectionReason {
    /// `type`, e.g. `Document.Expired`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `message`.
    pub message: Option<String>,
}

impl RejectionReason {
    /// A rejection reason of this type (`Document.Expired`), with its message.
    pub fn new(kind: impl Into<String>, message: Option<&str>) -> RejectionReason {
        RejectionReason {
            kind: kind.into(),
            message: message.map(str::to_owned),
        }
    }
}

/// Something a reader did not understand: kept and reported, never dropped.
#[non_exhaustive]
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

impl Drift {
    /// Something not understood at `subject`, of this kind, in words.
    pub fn new(kind: DriftKind, subject: impl Into<String>, message: impl Into<String>) -> Drift {
        Drift {
            subject: subject.into(),
            kind,
            message: message.into(),
        }
    }
}

string_enum! {
    /// The kinds of [`Drift`].
    #[non_exhaustive]
    pub enum DriftKind {
        /// A key, check or member the reader does not know (new fields appear over time).
        Unknown => "unknown",
        /// A known key whose value has the wrong type or an impossible value; it was not used.
        Malformed => "malformed",
        /// A member name that would escape a folder if it were used as a path (`../`,
        /// absolute, backslashes, drive letters), or that is not valid UTF-8. Names
        /// are never used as paths; the finding says the archive was crafted or damaged.
        UnsafeName => "unsafeName",
        /// A data file that is an error response of the provider, not evidence.
        ProviderError => "providerError",
        /// A timestamp or date that cannot be read; checks that need it were
        /// judged on another date or not at all.
        BadDate => "badDate",
        /// Two copies of one record that differ only in fields no rule reads.
        EquivalentCopy => "equivalentCopy",
        /// A member name as old tools write it (code page 437, backslash
        /// separators): read as every reader reads it.
        LegacyName => "legacyName",
    }
}

string_enum! {
    /// The field a verification date was taken from.
    #[non_exhaustive]
    pub enum DateSource {
        /// The agent's `verificationDate`.
        ManualVerificationDate => "manualApproval.verificationDate",
        /// The process record's `updatedAt`.
        UpdatedAt => "updatedAt",
        /// The native result's `completion.date`.
        CompletionDate => "completion.date",
        /// The process record's `createdAt`.
        CreatedAt => "createdAt",
    }
}

impl Evidence {
    /// The process id: the process record's, else the native `id`.
    pub fn process_id(&self) -> Option<&str> {
        self.process
            .as_ref()
            .and_then(|p| p.process_id.as_deref())
            .or_else(|| self.ocr.as_ref().and_then(|o| o.native_id.as_deref()))
    }

    /// The status word recorded in the evidence, as written: the process
    /// record's `status`, else the native result's `status`.
    pub fn recorded_status_word(&self) -> Option<&str> {
        self.process
            .as_ref()
            .and_then(|p| p.status.as_deref())
            .or_else(|| self.ocr.as_ref()?.native_status.as_deref())
    }

    /// True when the status word came from the process record (rather than a native result).
    pub fn status_from_process_record(&self) -> bool {
        self.process.as_ref().is_some_and(|p| p.status.is_some())
    }

    /// The process type, if recorded.
    pub fn process_type(&self) -> Option<&str> {
        self.process.as_ref()?.process_type.as_deref()
    }

    /// The first media item of a depiction.
    pub fn media_of(&self, depiction: Depiction) -> Option<&Media> {
        self.media.iter().find(|m| m.depiction == depiction)
    }

    /// The pixel size of a depiction's image, when its header was read.
    pub fn dimensions(&self, depiction: Depiction) -> Option<Dimensions> {
        self.media_of(depiction).and_then(|m| m.dimensions)
    }

    /// The document's value of a field: the OCR's, else the agent's, else `finalResult`'s.
    pub fn document_value(&self, field: &str) -> Option<&str> {
        self.documents()
            .into_iter()
            .find_map(|(_, d)| d.get(field))
            .map(String::as_str)
    }

    /// The document fields of each source that has them: `ocr`, `manualApproval`, `finalResult`.
    pub fn documents(&self) -> Vec<(&'static str, &DocumentFields)> {
        [
            self.ocr.as_ref().map(|o| ("ocr", &o.document)),
            self.manual
                .as_ref()
                .map(|m| ("manualApproval", &m.document)),
            self.process
                .as_ref()
                .and_then(|p| p.final_result.as_ref())
                .map(|f| ("finalResult", &f.document)),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

//! OpenID Connect for Identity Assurance 1.0: an accepted archive as
//! `verified_claims`, the claims an OpenID provider would hand a relying
//! party, with the verification that backs them.
//!
//! Only an archive whose recomputed status is **accepted** and agrees with an
//! accepted recorded status yields verified claims ([`VerifiedClaims::from_audit`]);
//! anything else is [`NotQualified`], with one line saying why. The mapping,
//! and the reason for each choice, is in the repository's `docs/ida.md`.
//!
//! The claims are personal data (names, birth date, document number): the
//! command line writes them only under `--pii full`.
//!
//! ```
//! # let dir = tempfile::tempdir()?;
//! # let path = dir.path().join("accepted.zip");
//! # eid_archive::doc_example_archive(&path)?;
//! use eid_archive::ida::{IdaOptions, VerifiedClaims};
//! use eid_archive::{Audit, AuditOptions};
//!
//! // The attachments' digests are the members' SHA-256.
//! let audit = Audit::of_file(&path, &AuditOptions::default().with_member_hashes(true))?;
//! let claims = VerifiedClaims::from_audit(&audit, &IdaOptions::default())?;
//! let json = claims.envelope();
//! assert_eq!(json["verified_claims"]["verification"]["trust_framework"], "eidas");
//! assert_eq!(json["verified_claims"]["claims"]["family_name"], "SAMPLE");
//! println!("{}", serde_json::to_string(&json)?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod build;
mod values;

use crate::audit::Audit;
use crate::verdict::Status;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The trust framework written when none is configured (see `docs/ida.md`
/// for why a deployment should configure its own).
pub(crate) const DEFAULT_TRUST_FRAMEWORK: &str = "eidas";

/// How to export: the settings an archive cannot supply.
///
/// ```
/// use eid_archive::ida::IdaOptions;
/// let o = IdaOptions::default()
///     .with_trust_framework("de_aml")
///     .with_attachment_base_url("https://evidence.example.com/archives");
/// assert!(o.check().is_ok());
/// assert!(IdaOptions::default().with_assurance_level("ial2").check().is_err());
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdaOptions {
    /// `verification.trust_framework`; `eidas` by default.
    pub trust_framework: String,
    /// `verification.assurance_level`; when `None`, the process type's eIDAS
    /// level under the `eidas` framework, and nothing under any other.
    pub assurance_level: Option<String>,
    /// An `https://` URL under which the archives' members are served: each
    /// attachment's `url` is then `<base>/<archive sha256>/<member>`; without
    /// it, a URN naming the archive and the member.
    pub attachment_base_url: Option<String>,
    /// Export an archive where the agent accepted over automatic checks that
    /// did not pass (`--ida-allow-override`); refused by default, since the
    /// claims then rest on the agent's word alone.
    pub allow_override: bool,
}

impl Default for IdaOptions {
    fn default() -> Self {
        IdaOptions {
            trust_framework: DEFAULT_TRUST_FRAMEWORK.into(),
            assurance_level: None,
            attachment_base_url: None,
            allow_override: false,
        }
    }
}

impl IdaOptions {
    /// These options with another trust framework.
    pub fn with_trust_framework(mut self, trust_framework: impl Into<String>) -> Self {
        self.trust_framework = trust_framework.into();
        self
    }

    /// These options with a fixed assurance level.
    pub fn with_assurance_level(mut self, level: impl Into<String>) -> Self {
        self.assurance_level = Some(level.into());
        self
    }

    /// These options with attachments linked under an `https://` base URL.
    pub fn with_attachment_base_url(mut self, url: impl Into<String>) -> Self {
        self.attachment_base_url = Some(url.into());
        self
    }

    /// These options, exporting (or not) an archive where the agent accepted
    /// over automatic checks that did not pass.
    pub fn with_override_allowed(mut self, allow: bool) -> Self {
        self.allow_override = allow;
        self
    }

    /// Refuses settings that cannot be exported: an empty trust framework, an
    /// assurance level that is not one of `eidas`'s (`low`, `substantial`,
    /// `high`) under `eidas`, a base URL that is not `https://` or has a query
    /// or fragment. The message names the setting.
    pub fn check(&self) -> Result<(), String> {
        if self.trust_framework.trim().is_empty() {
            return Err("the trust framework is empty".into());
        }
        if let Some(level) = &self.assurance_level {
            let eidas = ["low", "substantial", "high"];
            if level.trim().is_empty()
                || (self.trust_framework == "eidas" && !eidas.contains(&level.as_str()))
            {
                return Err(format!(
                    "the assurance level {level:?} is not an eidas level (low, substantial, high)"
                ));
            }
        }
        if let Some(url) = &self.attachment_base_url {
            let host = url.strip_prefix("https://").unwrap_or_default();
            if host.trim_end_matches('/').is_empty()
                || host.starts_with('/')
                || url.chars().any(|c| c.is_whitespace() || c.is_control())
                || url.contains(['?', '#'])
            {
                return Err(format!(
                    "the attachment base URL {url:?} is not an https URL without query or fragment"
                ));
            }
        }
        Ok(())
    }
}

/// The `verified_claims` of one archive: what was verified, and how.
///
/// It serialises to the `verified_claims` object (one JSON line with
/// `serde_json::to_string`); [`VerifiedClaims::envelope`] wraps it as
/// `{"verified_claims": …}`, the shape of a UserInfo response.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedClaims {
    /// How the claims were verified.
    pub(crate) verification: Verification,
    /// The verified claims about the end-user.
    pub(crate) claims: Claims,
}

/// `verification`: the trust framework and the verification process.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Verification {
    /// The trust framework governing the verification.
    pub(crate) trust_framework: String,
    /// The assurance level within the trust framework.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) assurance_level: Option<String>,
    /// When the verification took place, `YYYY-MM-DDThh:mm:ssZ`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) time: Option<String>,
    /// The process id: the reference for disputes and audits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) verification_process: Option<String>,
    /// The evidence: always one identity document.
    pub(crate) evidence: Vec<DocumentEvidence>,
}

/// An `evidence` entry of type `document`.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DocumentEvidence {
    /// Always `document`.
    #[serde(rename = "type")]
    pub(crate) kind: String,
    /// The checks that passed: document validation first, then verification.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) check_details: Vec<CheckDetail>,
    /// The document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) document_details: Option<DocumentDetails>,
    /// The images and the video, by digest.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) attachments: Vec<Attachment>,
}

/// One check done on the evidence.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CheckDetail {
    /// `vri`, `bvr` or `pvr` (the WG's predefined values).
    pub(crate) check_method: String,
    /// The legal entity that performed the check, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) organization: Option<String>,
    /// The event the check was part of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) check_id: Option<String>,
    /// When the check was completed, `YYYY-MM-DDThh:mm:ssZ`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) time: Option<String>,
}

/// `document_details`.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DocumentDetails {
    /// `passport`, `idcard`, `driving_permit`, `residence_permit`, `visa`,
    /// else the provider's word.
    #[serde(rename = "type")]
    pub(crate) kind: String,
    /// The document number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) document_number: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) date_of_issuance: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) date_of_expiry: Option<String>,
    /// Who issued it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) issuer: Option<Issuer>,
}

/// `document_details.issuer`.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Issuer {
    /// The issuing authority, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<String>,
    /// The issuing state's 3-letter ICAO code (`PRT`, `DEU`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) country_code: Option<String>,
}

/// An external attachment: an archive member, by digest.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Attachment {
    /// What it depicts, and the member's name.
    pub(crate) desc: String,
    /// SHA-256 of the member's bytes.
    pub(crate) digest: Digest,
    /// Where it is: a URN naming the archive and member, or an `https://` URL.
    pub(crate) url: String,
}

/// An attachment's digest.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Digest {
    /// Always `sha-256`.
    pub(crate) alg: String,
    /// Standard, padded base64 of the 32 digest bytes.
    pub(crate) value: String,
}

/// `claims`: what was verified about the end-user.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Claims {
    /// Given names, as on the document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) given_name: Option<String>,
    /// Family name, as on the document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) family_name: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) birthdate: Option<String>,
    /// `female` or `male`; absent for any other marker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) gender: Option<String>,
    /// 3-letter ICAO codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) nationalities: Vec<String>,
    /// The place of birth, as written, as `locality`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) place_of_birth: Option<PlaceOfBirth>,
    /// The address, as written, as `formatted`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) address: Option<Address>,
}

/// `place_of_birth`.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PlaceOfBirth {
    /// The place as printed on the document.
    pub(crate) locality: String,
}

/// `address` (OpenID Connect's address claim).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Address {
    /// The address as printed on the document.
    pub(crate) formatted: String,
}

impl VerifiedClaims {
    /// The verified claims of an audited archive, or why it has none.
    ///
    /// The archive qualifies when its recomputed status is accepted, its
    /// recorded status is accepted and the two agree (by the default rules,
    /// as [`crate::Verdict::agrees`]). Its members must have been hashed
    /// ([`AuditOptions::hash_members`](crate::AuditOptions::hash_members)): the attachments carry their digests.
    pub fn from_audit(audit: &Audit, options: &IdaOptions) -> Result<VerifiedClaims, NotQualified> {
        build::verified_claims(audit, options).map_err(|why| NotQualified {
            archive: audit.archive.path.clone(),
            why,
        })
    }

    /// `{"verified_claims": …}`: the object an ID token or UserInfo response
    /// carries, and the shape the published JSON schema validates.
    pub fn envelope(&self) -> serde_json::Value {
        serde_json::json!({ "verified_claims": self })
    }
}

/// Why an archive yields no verified claims. Its `Display` is one line,
/// naming the archive.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{archive}: no verified claims: {why}")]
pub struct NotQualified {
    archive: String,
    why: Refusal,
}

impl NotQualified {
    /// The archive, as named by the caller.
    pub fn archive(&self) -> &str {
        &self.archive
    }

    /// Why.
    pub fn why(&self) -> &Refusal {
        &self.why
    }
}

/// The reasons an archive yields no verified claims.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The recorded final status differs from the recomputed one.
    Disagrees {
        /// As recorded.
        recorded: Status,
        /// As recomputed (by the default rules).
        recomputed: Status,
    },
    /// The recomputed status is not accepted.
    NotAccepted(Status),
    /// No status was recorded.
    NoRecordedStatus,
    /// The recorded status is not a final decision (`pending`, ...).
    NotFinal(String),
    /// The recorded status is a word that cannot be read.
    UnreadableStatus(String),
    /// The record and the default rules say another status; only the policy in force accepts.
    OnlyThePolicyAccepts(Status),
    /// [`AuditOptions::hash_members`](crate::AuditOptions::hash_members) was not set.
    MembersNotHashed,
    /// A media member could not be inflated whole to be hashed.
    MemberNotHashed {
        /// The member.
        member: String,
        /// Why.
        why: String,
    },
    /// The options cannot be used ([`IdaOptions::check`]).
    Options(String),
    /// The document had expired by the day of the verification or of the review.
    Expired {
        /// The document's expiry, `YYYY-MM-DD`.
        expiry: String,
        /// The latest day it was relied on, `YYYY-MM-DD`.
        day: String,
    },
    /// The agent accepted over automatic checks that gave this status, and
    /// the export was not asked to allow it ([`IdaOptions::allow_override`]).
    AgentOverride(Status),
}

impl Refusal {
    /// A short stable code for counts (`run.json`, `summary.txt`).
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Disagrees { .. } => "Disagrees",
            Refusal::NotAccepted(_) => "NotAccepted",
            Refusal::NoRecordedStatus => "NoRecordedStatus",
            Refusal::NotFinal(_) => "NotFinal",
            Refusal::UnreadableStatus(_) => "UnreadableStatus",
            Refusal::OnlyThePolicyAccepts(_) => "OnlyThePolicyAccepts",
            Refusal::MembersNotHashed => "MembersNotHashed",
            Refusal::MemberNotHashed { .. } => "MemberNotHashed",
            Refusal::Options(_) => "Options",
            Refusal::Expired { .. } => "Expired",
            Refusal::AgentOverride(_) => "AgentOverride",
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Disagrees {
                recorded,
                recomputed,
            } => write!(
                f,
                "the recorded status {recorded} disagrees with the recomputed {recomputed}"
            ),
            Refusal::NotAccepted(status) => {
                write!(f, "the recomputed status is {status}, not accepted")
            }
            Refusal::NoRecordedStatus => {
                f.write_str("no status was recorded to confirm the recomputed accepted")
            }
            Refusal::NotFinal(word) => write!(f, "the recorded status {word} is not final"),
            Refusal::UnreadableStatus(word) => {
                write!(f, "the recorded status {word:?} cannot be read")
            }
            Refusal::OnlyThePolicyAccepts(status) => write!(
                f,
                "the record and the default rules say {status}; only the policy in force accepts"
            ),
            Refusal::MembersNotHashed => {
                f.write_str("the members were not hashed, and the attachments' digests need them")
            }
            Refusal::MemberNotHashed { member, why } => {
                write!(f, "member {member} could not be hashed: {why}")
            }
            Refusal::Options(why) => f.write_str(why),
            Refusal::Expired { expiry, day } => write!(
                f,
                "the document expired on {expiry}, before it was relied on on {day}"
            ),
            Refusal::AgentOverride(status) => write!(
                f,
                "the agent accepted over automatic checks that gave {status}; --ida-allow-override exports it"
            ),
        }
    }
}

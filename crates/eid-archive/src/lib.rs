//! # eid-archive
//!
//! Reads Signicat Assure **Electronic IDentification (EID)** full-result
//! archives offline, safely, and reproduces the provider's decision from the
//! evidence they hold.
//!
//! The flow runs one way: zip bytes → [`Archive`] (member index, limits
//! enforced) → [`Evidence`] (typed, dialect-free) → [`Verdict`] (recomputed
//! status, reasons, agreement with the recorded status, findings).
//!
//! ```
//! use eid_archive::{Audit, AuditOptions, Status};
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("case.zip");
//! std::fs::write(&path, eid_testkit::Case::inconclusive().to_zip()).unwrap();
//!
//! let audit = Audit::of_file(&path, &AuditOptions::default())?;
//! assert_eq!(audit.verdict.decision.status, Status::Inconclusive);
//! assert_eq!(audit.verdict.agrees, Some(true));
//! # Ok::<(), eid_archive::Error>(())
//! ```

mod archive;
pub mod batch;
pub mod crops;
mod dates;
mod decision;
pub mod dialect;
mod error;
pub mod evidence;
mod findings;
mod font;
mod limits;
pub mod media;
mod policy;
pub mod report;

pub use archive::{Archive, Member, MemberKind, ProcessFile, sidecar_path};
pub use dates::Date;
pub use decision::{
    CannotJudge, Decision, Reason, ReasonCode, Status, Verdict, VerificationDate, automatic,
    final_decision, judge,
};
pub use error::{Error, ErrorKind};
pub use evidence::Evidence;
pub use findings::{COMPARED_FIELDS, Finding, FindingCode, Severity};
pub use limits::Limits;
pub use policy::{ManualRule, Policy, PolicyError};

use serde::Serialize;
use std::path::{Path, PathBuf};

/// Where the process record of an archive comes from.
#[derive(Debug, Clone, Default)]
pub enum ProcessSource {
    /// Inside the zip, or beside it with the same file stem and `.json`.
    #[default]
    Auto,
    /// This file (the CLI's `--process`).
    File(PathBuf),
    /// Only inside the zip.
    InsideOnly,
}

/// How to audit an archive.
#[derive(Debug, Clone, Default)]
pub struct AuditOptions {
    /// Resource limits.
    pub limits: Limits,
    /// The decision policy.
    pub policy: Policy,
    /// Where the process record comes from.
    pub process: ProcessSource,
}

/// One audited archive: what it is, what it holds, and the verdict.
///
/// It serialises to the JSON of `eid-audit inspect --format json`: the
/// verdict's keys (`recordedStatus`, `decision`, `agrees`, `findings`, ...) at
/// the top, beside `processId`, `checks`, `features` and `media`.
#[derive(Debug, Clone)]
pub struct Audit {
    /// The archive file.
    pub archive: ArchiveInfo,
    /// The process record's id, else the native `id`, else the archive's file stem.
    pub process_id: String,
    /// The recomputed decision and findings.
    pub verdict: Verdict,
    /// The evidence it was computed from.
    pub evidence: Evidence,
    /// The member index.
    pub members: Vec<Member>,
    /// The policy in force.
    pub policy: Policy,
}

/// The serialised shape of an [`Audit`]: the CLI contract's keys first.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AuditView<'a> {
    process_id: &'a str,
    archive: &'a ArchiveInfo,
    provider: Option<&'a str>,
    process_type: Option<&'a str>,
    #[serde(flatten)]
    verdict: &'a Verdict,
    checks: &'a [evidence::SecurityCheck],
    features: &'a [evidence::Feature],
    media: &'a [evidence::Media],
    similarity: Option<&'a str>,
    liveness_detected: Option<bool>,
    document: Option<&'a evidence::DocumentFields>,
    process: Option<&'a evidence::ProcessRecord>,
    ocr_source: Option<&'a evidence::Source>,
    ocr_dialect: Option<evidence::Dialect>,
    manual_approval: Option<&'a evidence::ManualApproval>,
    members: &'a [Member],
    policy: &'a Policy,
}

impl Serialize for Audit {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let ocr = self.evidence.ocr.as_ref();
        AuditView {
            process_id: &self.process_id,
            archive: &self.archive,
            provider: self
                .evidence
                .process
                .as_ref()
                .and_then(|p| p.provider.as_deref()),
            process_type: self.evidence.process_type(),
            verdict: &self.verdict,
            checks: self.checks(),
            features: self.features(),
            media: &self.evidence.media,
            similarity: ocr.and_then(|o| o.similarity.as_deref()),
            liveness_detected: ocr.and_then(|o| o.liveness_detected),
            document: ocr.map(|o| &o.document),
            process: self.evidence.process.as_ref(),
            ocr_source: ocr.map(|o| &o.source),
            ocr_dialect: ocr.map(|o| o.dialect),
            manual_approval: self.evidence.manual.as_ref(),
            members: &self.members,
            policy: &self.policy,
        }
        .serialize(s)
    }
}

/// The archive file itself, so that any copy can be proven identical.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchiveInfo {
    /// As named by the caller.
    pub path: String,
    /// SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
}

impl Audit {
    /// Opens, reads and judges one archive file.
    pub fn of_file(path: &Path, options: &AuditOptions) -> Result<Audit, Error> {
        let archive = open_archive(path, options)?;
        Audit::of_archive(&archive, &options.policy)
    }

    /// Judges an opened archive.
    pub fn of_archive(archive: &Archive, policy: &Policy) -> Result<Audit, Error> {
        let evidence = archive.evidence();
        let verdict = judge(evidence, policy).map_err(|e| {
            Error::new(archive.label(), None, ErrorKind::NoEvidence(e.0))
                .with_digest(archive.sha256(), archive.size())
        })?;
        let process_id = evidence
            .process_id()
            .map(str::to_owned)
            .unwrap_or_else(|| file_stem(archive.label()));
        Ok(Audit {
            archive: ArchiveInfo {
                path: archive.label().to_owned(),
                sha256: archive.sha256().to_owned(),
                bytes: archive.size(),
            },
            process_id,
            verdict,
            evidence: evidence.clone(),
            members: archive.members().to_vec(),
            policy: policy.clone(),
        })
    }

    /// The security checks, in the order written.
    pub fn checks(&self) -> &[evidence::SecurityCheck] {
        self.evidence.ocr.as_ref().map_or(&[], |o| &o.checks)
    }

    /// The features, in the order written.
    pub fn features(&self) -> &[evidence::Feature] {
        self.evidence.ocr.as_ref().map_or(&[], |o| &o.features)
    }
}

/// Opens an archive file with the process record the options say (inside,
/// beside with the same stem, or a given file).
pub fn open_archive(path: &Path, options: &AuditOptions) -> Result<Archive, Error> {
    let process = match &options.process {
        ProcessSource::File(p) => Some(ProcessFile::read(p, &options.limits)?),
        ProcessSource::Auto => match sidecar_path(path) {
            Some(p) => Some(ProcessFile::read(&p, &options.limits)?),
            None => None,
        },
        ProcessSource::InsideOnly => None,
    };
    Archive::open(path, process, &options.limits)
}

/// The file stem of a path given as text: the process id of last resort.
pub(crate) fn file_stem(label: &str) -> String {
    Path::new(label)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| label.to_owned())
}

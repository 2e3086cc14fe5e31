//! One archive through a run: the event every output consumes. An
//! [`Audited`] archive is its audit, its exhibits (when they were asked for)
//! and its final findings, made once; an [`Event`] is that (or the error
//! that kept the archive from being audited) at its place in the inputs.
//! The CSV files, `audits.jsonl`, `verified_claims.jsonl`, the HTML pages,
//! the tally behind `summary.txt` and `run.json` are each a sink of events,
//! side by side: none reads another's output.

use crate::archive::MemberKind;
use crate::audit::{Audit, MemberHash};
use crate::crops::{CropOutcome, Crops};
use crate::error::{Error, OutputError};
use crate::evidence::{Side, Source};
use crate::verdict::{Finding, FindingCode, Severity};
use std::path::Path;

/// An audited archive, with its exhibits and its final findings.
#[non_exhaustive]
#[derive(Debug)]
pub struct Audited {
    /// The audit.
    pub audit: Audit,
    /// The exhibits, when they were asked for: as written, or why they could
    /// not be.
    pub exhibits: Option<Result<Crops, OutputError>>,
    findings: Vec<Finding>,
}

impl Audited {
    /// An audit with its exhibits; the findings are made final here.
    pub fn new(audit: Audit, exhibits: Option<Result<Crops, OutputError>>) -> Audited {
        let findings = final_findings(&audit, exhibits.as_ref());
        Audited {
            audit,
            exhibits,
            findings,
        }
    }

    /// The verdict's findings and the exhibits', each once (a broken image
    /// is found by `--verify-media` and by the crops alike), and a
    /// `CropsNotWritten` error finding when the exhibits could not be written.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// Replaces the exhibits (once they are moved to their folder, or found
    /// unwritable there), and the findings with them.
    pub(crate) fn set_exhibits(&mut self, exhibits: Option<Result<Crops, OutputError>>) {
        self.findings = final_findings(&self.audit, exhibits.as_ref());
        self.exhibits = exhibits;
    }

    /// The exhibits, when they were written.
    pub(crate) fn written_exhibits(&self) -> Option<&Crops> {
        self.exhibits.as_ref().and_then(|e| e.as_ref().ok())
    }

    /// The crop of the feature at `index`, as `<folder>/<file>` under the
    /// exhibits' root, when it was cut.
    pub(crate) fn crop_file(&self, index: usize) -> Option<String> {
        let crops = self.written_exhibits()?;
        match &crops.features.get(index)?.outcome {
            CropOutcome::Cut { file, .. } => Some(format!("{}/{file}", crops.folder)),
            CropOutcome::NotCut(_) => None,
        }
    }

    /// SHA-256 of a side's image: from the exhibits' copy, else from the
    /// member hashes.
    pub(crate) fn side_sha256(&self, side: Side) -> Option<String> {
        if let Some(o) = self
            .written_exhibits()
            .and_then(|c| c.originals.iter().find(|o| o.side == side))
        {
            return Some(o.sha256.clone());
        }
        let a = &self.audit;
        let media = a.evidence.media_of(side.depiction())?;
        let Source::Member(name) = &media.source else {
            return None;
        };
        let index = a.members.iter().position(|m| &m.name == name)?;
        match a.member_hashes.as_ref()?.get(index)? {
            MemberHash::Sha256(h) => Some(h.clone()),
            MemberHash::Failed(_) => None,
        }
    }

    /// The member at `index`'s SHA-256 and why it failed, as the manifest
    /// shows them: the member hashes when they were computed, else the
    /// exhibits' hash of an image member they copied.
    pub(crate) fn member_sha256(&self, index: usize) -> (String, String) {
        let a = &self.audit;
        match a.member_hashes.as_ref().and_then(|h| h.get(index)) {
            Some(MemberHash::Sha256(h)) => (h.clone(), String::new()),
            Some(MemberHash::Failed(e)) => (String::new(), e.clone()),
            None => {
                let sha = match (
                    self.written_exhibits(),
                    a.members.get(index).map(|m| m.kind),
                ) {
                    (Some(c), Some(MemberKind::Image(d))) => c
                        .originals
                        .iter()
                        .find(|o| o.side.depiction() == d)
                        .map(|o| o.sha256.clone())
                        .unwrap_or_default(),
                    _ => String::new(),
                };
                (sha, String::new())
            }
        }
    }

    /// True when a member, or the whole archive, fails its integrity check.
    pub(crate) fn fails_integrity(&self) -> bool {
        self.findings.iter().any(|f| is_integrity(f.code))
    }
}

/// True for the codes of a member that fails its integrity check (its
/// bytes are not those the archive or the store declares): a run counts
/// the archives that have one, and names the first of them.
pub(crate) fn is_integrity(code: FindingCode) -> bool {
    matches!(
        code,
        FindingCode::MemberCorrupt | FindingCode::StoredChecksumMismatch
    )
}

/// One input at its place in the run: audited, or the error that kept it
/// from being audited.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    /// Position in the inputs, 0-based.
    pub index: usize,
    /// The input's path, as given or found.
    pub path: &'a Path,
    /// The audited archive, or the one-line error.
    pub outcome: Result<&'a Audited, &'a Error>,
}

/// The verdict's findings, then the exhibits' that the verdict does not
/// already hold, then `CropsNotWritten` when the exhibits failed.
fn final_findings(a: &Audit, exhibits: Option<&Result<Crops, OutputError>>) -> Vec<Finding> {
    let mut out = a.verdict.findings.clone();
    match exhibits {
        Some(Ok(c)) => {
            for f in &c.findings {
                if !a
                    .verdict
                    .findings
                    .iter()
                    .any(|v| v.code == f.code && v.subject == f.subject)
                {
                    out.push(f.clone());
                }
            }
        }
        Some(Err(why)) => out.push(Finding::new(
            Severity::Error,
            FindingCode::CropsNotWritten,
            "crops",
            why.to_string(),
        )),
        None => {}
    }
    out
}

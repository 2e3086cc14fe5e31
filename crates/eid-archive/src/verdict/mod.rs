//! The verdict: the decision reproduced from the evidence, compared with the
//! recorded status, and the audit findings. A pure function of the evidence
//! and the policy: this module and its children import nothing that reads
//! files or archives, and no clock (the day a verification is judged on comes
//! from the evidence). `docs/decision.md` states every rule in the order
//! [`decision`] applies them.

mod dates;
pub(crate) mod decision;
pub(crate) mod findings;
pub(crate) mod policy;
mod review;

pub use decision::{Decision, Reason, ReasonCode, Status};
pub use findings::{Finding, FindingCode, Severity};
pub use policy::{LeapDayBirthday, ManualRule, Policy};
pub use review::{Review, ReviewDecision};

pub(crate) use dates::document_date;

use crate::dates::Date;
pub(crate) use crate::error::CannotJudge;
use crate::evidence::{DateSource, Evidence};
use serde::{Serialize, Serializer};
use std::fmt;

/// The status recorded in the evidence, parsed once.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RecordedStatus {
    /// One of the four final result statuses.
    Final(Status),
    /// A documented word that is not a final decision (`pending`,
    /// `processing`, `canceled`, or the native result's own `completed`),
    /// lower-cased.
    Other(String),
    /// Any other word, an empty string or a typo included, lower-cased: the
    /// recorded status cannot be read. It is never taken for "not final":
    /// finding `UnreadableStatus`, and a run counts it like a disagreement.
    Unreadable(String),
}

/// The words the provider documents for a process that is not final.
const NOT_FINAL: &[&str] = &["pending", "processing", "canceled"];

impl RecordedStatus {
    /// The recorded status: the process record's `status`, else the native
    /// result's `status` (whose own `Completed` is not a decision). Case is ignored.
    pub fn of(evidence: &Evidence) -> Option<RecordedStatus> {
        let word = evidence.recorded_status_word()?.trim().to_ascii_lowercase();
        // `completed` is the native result's own word, never the record's.
        let native_done = word == "completed" && !evidence.status_from_process_record();
        // Only the four final statuses are final: `notfinal` is no word a
        // record writes (and the parse is exact, so it never matches).
        Some(
            match Status::parse(&word).filter(|s| Status::FINAL.contains(s)) {
                Some(s) => RecordedStatus::Final(s),
                None if NOT_FINAL.contains(&word.as_str()) || native_done => {
                    RecordedStatus::Other(word)
                }
                None => RecordedStatus::Unreadable(word),
            },
        )
    }

    /// The word, lower-cased.
    pub fn as_str(&self) -> &str {
        match self {
            RecordedStatus::Final(s) => s.as_str(),
            RecordedStatus::Other(w) | RecordedStatus::Unreadable(w) => w,
        }
    }
}

/// The native result's status and the process record's, when both are
/// written and differ. Assure "simply maps" the provider's value to the
/// process' status, so they must be one; the native `completed` says only
/// that the result is complete, and is compared with nothing.
pub(crate) fn provider_status_differs(evidence: &Evidence) -> Option<(String, String)> {
    let record = evidence.process.as_ref()?.status.as_deref()?;
    let native = evidence.ocr.as_ref()?.native_status.as_deref()?;
    let (record, native) = (
        record.trim().to_ascii_lowercase(),
        native.trim().to_ascii_lowercase(),
    );
    (native != "completed" && native != record).then_some((native, record))
}

impl fmt::Display for RecordedStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for RecordedStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The day a verification is judged on, and the field it came from.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct VerificationDate {
    /// The day.
    pub date: Date,
    /// The field it was taken from.
    pub source: DateSource,
}

/// The recomputed decision for one archive, compared with the recorded one.
#[non_exhaustive]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    /// The status recorded in the evidence, if any.
    pub recorded_status: Option<RecordedStatus>,
    /// The final recomputed decision under the policy in force (the agent's,
    /// when there is a review that decides).
    pub decision: Decision,
    /// The automatic decision from the OCR evidence alone.
    pub automatic: Decision,
    /// The final status under the default rules, when another policy is in
    /// force: the status the record is compared with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_status: Option<Status>,
    /// The recorded status equals the recomputed one (by the default rules);
    /// `None` when nothing was recorded or the recorded status is not final.
    pub agrees: Option<bool>,
    /// The agent's review as judged, when the archive holds one.
    pub review: Option<Review>,
    /// The day the automatic verification is judged on.
    pub verification_date: Option<VerificationDate>,
    /// Audit findings beyond the status.
    pub findings: Vec<Finding>,
}

impl Verdict {
    /// The automatic status as `inspect` and the archive pages say it:
    /// `rejected (before the agent's decision)` when an agent decided.
    pub fn automatic_summary(&self) -> String {
        let note = if self.automatic == self.decision {
            ""
        } else {
            " (before the agent's decision)"
        };
        format!("{}{note}", self.automatic.status)
    }

    /// The default rules' status, said, when the policy in force gives another.
    pub fn default_summary(&self) -> Option<String> {
        self.default_status
            .filter(|d| *d != self.decision.status)
            .map(|d| format!("{d} under the default rules (the record is compared with this)"))
    }

    /// The most severe finding's severity, if there is any finding.
    pub fn max_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// The status the recorded one is compared with: the default rules' when
    /// another policy is in force, else the decision's.
    pub fn reference_status(&self) -> Status {
        self.default_status.unwrap_or(self.decision.status)
    }
}

/// Reproduces the decision and raises the findings.
///
/// Under a policy other than the default one, the archive is judged twice:
/// the record is compared with the default rules' status (a record the
/// default rules confirm is not contradicted), and a difference the policy
/// alone makes is a `PolicyChange` finding.
///
/// ```
/// # let dir = tempfile::tempdir()?;
/// # let path = dir.path().join("accepted.zip");
/// # eid_archive::doc_example_archive(&path)?;
/// use eid_archive::{Archive, Policy, ReadOptions, Status, judge};
///
/// let archive = Archive::open(&path, &ReadOptions::default())?;
/// let verdict = judge(archive.evidence(), &Policy::default())?;
/// assert_eq!(verdict.decision.status, Status::Accepted);
/// assert_eq!(verdict.agrees, Some(true));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn judge(evidence: &Evidence, policy: &Policy) -> Result<Verdict, CannotJudge> {
    let recorded_status = RecordedStatus::of(evidence);
    let days = dates::days(evidence);
    let review = evidence.manual.as_ref().map(review::judge);
    let decide = |policy: &Policy| -> Result<(Decision, Decision), CannotJudge> {
        let on = days.automatic.map(|d| d.date);
        let automatic = match decision::automatic(evidence, policy, recorded_status.as_ref(), on) {
            // No OCR, but the agent rejected and said why: rejected, explained
            // by the review (finding `MissingOcr`). Nothing else stands in
            // for the missing capture.
            Err(cannot) => match review.as_ref().filter(|r| {
                r.decision == ReviewDecision::Rejected
                    && !r.rejection_types.is_empty()
                    && policy.manual_approval != ManualRule::Ignore
            }) {
                Some(r) => decision::manual_rejection(r),
                None => return Err(cannot),
            },
            Ok(automatic) => automatic,
        };
        let decision = decision::final_decision(policy, &automatic, review.as_ref());
        Ok((automatic, decision))
    };
    let (automatic, decision) = decide(policy)?;
    let default = if policy.decides_like_default() {
        None
    } else {
        Some(decide(&Policy::default())?.1)
    };
    let reference = default.as_ref().unwrap_or(&decision).status;
    let agrees = match &recorded_status {
        // Two records of the provider's status that differ: the archive does not agree.
        Some(_) if provider_status_differs(evidence).is_some() => Some(false),
        Some(RecordedStatus::Final(s)) => Some(*s == reference),
        Some(RecordedStatus::Other(_) | RecordedStatus::Unreadable(_)) | None => None,
    };
    let findings = findings::collect(
        &findings::Context {
            evidence,
            policy,
            recorded: recorded_status.as_ref(),
            automatic: &automatic,
            decision: &decision,
            default: default.as_ref(),
            date: days.automatic,
            review: review.as_ref(),
            review_date: days.review,
        },
        days.problems,
    );
    Ok(Verdict {
        recorded_status,
        decision,
        automatic,
        default_status: default.map(|d| d.status),
        agrees,
        review,
        verification_date: days.automatic,
        findings,
    })
}

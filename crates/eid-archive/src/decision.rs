//! The decision engine: a pure function of the evidence and the policy.
//! No I/O and no clock; the day a verification is judged on comes from the evidence.

use crate::evidence::{Evidence, Similarity};
use crate::findings::{self, Finding};
use crate::policy::{ManualRule, Policy};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// A final result status, as the provider page names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Every check valid, similarity high, every feature found (or an agent accepted).
    Accepted,
    /// A security check not valid (or an agent rejected).
    Rejected,
    /// Similarity not high, or a feature not found.
    Inconclusive,
    /// An error prevented the verification from completing.
    Failed,
}

impl Status {
    /// The Assure word.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Accepted => "accepted",
            Status::Rejected => "rejected",
            Status::Inconclusive => "inconclusive",
            Status::Failed => "failed",
        }
    }

    /// All four, in the provider page's order.
    pub const ALL: [Status; 4] = [
        Status::Accepted,
        Status::Rejected,
        Status::Inconclusive,
        Status::Failed,
    ];
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Stable, machine-readable reason codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum ReasonCode {
    /// A fail reason (or a recorded `failed` status).
    ProcessFailed,
    /// A security check is not valid.
    SecurityCheckFailed,
    /// A security check's result could not be read; it cannot count as valid.
    SecurityCheckUnreadable,
    /// A check the policy requires is absent.
    SecurityCheckMissing,
    /// Similarity below the policy's minimum, or absent.
    SimilarityNotHigh,
    /// A feature with `found: false`.
    FeatureNotFound,
    /// The agent rejected, for this reason type.
    ManualRejection,
}

impl ReasonCode {
    /// The code as written in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonCode::ProcessFailed => "ProcessFailed",
            ReasonCode::SecurityCheckFailed => "SecurityCheckFailed",
            ReasonCode::SecurityCheckUnreadable => "SecurityCheckUnreadable",
            ReasonCode::SecurityCheckMissing => "SecurityCheckMissing",
            ReasonCode::SimilarityNotHigh => "SimilarityNotHigh",
            ReasonCode::FeatureNotFound => "FeatureNotFound",
            ReasonCode::ManualRejection => "ManualRejection",
        }
    }
}

/// Why a status was reached: `code/subject`, e.g. `SecurityCheckFailed/nonExpired`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// The stable code.
    pub code: ReasonCode,
    /// What it is about: a check, a level, a feature, a rejection or fail type.
    pub subject: String,
    /// In words.
    pub message: String,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.code.as_str(), self.subject)
    }
}

/// A status with every reason that led to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// The status.
    pub status: Status,
    /// Every reason of every rule that holds, in rule order.
    pub reasons: Vec<Reason>,
}

/// The day a verification is judged on, and the field it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct VerificationDate {
    /// The day.
    pub date: crate::Date,
    /// `manualApproval.verificationDate`, `updatedAt`, `completion.date` or `createdAt`.
    pub source: &'static str,
}

/// The recomputed decision for one archive, compared with the recorded one.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    /// The status recorded in the evidence, lower-cased, if any.
    pub recorded_status: Option<String>,
    /// The final recomputed decision (the agent's, when there is one).
    pub decision: Decision,
    /// The automatic decision from the OCR evidence alone.
    pub automatic: Decision,
    /// Recorded equals recomputed; `None` when nothing was recorded.
    pub agrees: Option<bool>,
    /// The day the verification is judged on.
    pub verification_date: Option<VerificationDate>,
    /// Audit findings beyond the status.
    pub findings: Vec<Finding>,
}

/// The archive cannot be judged (no OCR evidence and no fail reason).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CannotJudge(pub String);

/// Reproduces the decision and raises the findings.
///
/// ```
/// let zip = eid_testkit::Case::rejected_expired().to_zip();
/// let archive = eid_archive::Archive::from_bytes("r.zip", zip, None, &Default::default())?;
/// let verdict = eid_archive::judge(archive.evidence(), &eid_archive::Policy::default()).unwrap();
/// assert_eq!(verdict.decision.status, eid_archive::Status::Rejected);
/// assert_eq!(verdict.decision.reasons[0].to_string(), "SecurityCheckFailed/nonExpired");
/// # Ok::<(), eid_archive::Error>(())
/// ```
pub fn judge(evidence: &Evidence, policy: &Policy) -> Result<Verdict, CannotJudge> {
    let automatic = automatic(evidence, policy)?;
    let decision = final_decision(evidence, policy, &automatic);
    let recorded_status = evidence.recorded_status();
    let agrees = recorded_status
        .as_deref()
        .map(|r| r == decision.status.as_str());
    let verification_date = evidence
        .verification_date()
        .map(|(date, source)| VerificationDate { date, source });
    let findings = findings::collect(
        evidence,
        policy,
        &automatic,
        &decision,
        agrees,
        verification_date,
    );
    Ok(Verdict {
        recorded_status,
        decision,
        automatic,
        agrees,
        verification_date,
        findings,
    })
}

/// The automatic status from the OCR evidence (DECISION.md rules 1 to 4).
pub fn automatic(evidence: &Evidence, policy: &Policy) -> Result<Decision, CannotJudge> {
    let mut failed = Vec::new();
    if let Some(fr) = evidence
        .process
        .as_ref()
        .and_then(|p| p.fail_reason.as_ref())
    {
        failed.push(Reason {
            code: ReasonCode::ProcessFailed,
            subject: fr.kind.clone(),
            message: fr
                .message
                .clone()
                .unwrap_or_else(|| "the process failed".into()),
        });
    } else if evidence.recorded_status().as_deref() == Some("failed") {
        failed.push(Reason {
            code: ReasonCode::ProcessFailed,
            subject: "unknown".into(),
            message: "the recorded status is failed and no failReason says why".into(),
        });
    }

    let Some(ocr) = &evidence.ocr else {
        if failed.is_empty() {
            return Err(CannotJudge(
                "no OCR evidence (security checks, similarity, features) and no fail reason".into(),
            ));
        }
        return Ok(Decision {
            status: Status::Failed,
            reasons: failed,
        });
    };

    // Rule 2. One entry per check name: `liveness` and `livenessDetected` are one check,
    // and if any of its entries is not valid, the check is not.
    // The subject is the smallest name written for the check, so the verdict
    // does not depend on the order the provider wrote its checks in.
    let mut checks: BTreeMap<&str, (&str, Option<bool>)> = BTreeMap::new();
    let mut order = Vec::new();
    for c in &ocr.checks {
        if !policy.counts_check(&c.name) {
            continue;
        }
        let key = c.canonical_name();
        match checks.get_mut(key) {
            None => {
                order.push(key);
                checks.insert(key, (c.name.as_str(), c.valid));
            }
            Some((name, v)) => {
                *name = (*name).min(c.name.as_str());
                *v = match (*v, c.valid) {
                    (Some(false), _) | (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                }
            }
        }
    }
    let mut rejected = Vec::new();
    for key in order {
        let (name, valid) = checks[key];
        match valid {
            Some(true) => {}
            Some(false) => rejected.push(Reason {
                code: ReasonCode::SecurityCheckFailed,
                subject: name.to_owned(),
                message: format!("security check {name} is not valid"),
            }),
            None => rejected.push(Reason {
                code: ReasonCode::SecurityCheckUnreadable,
                subject: name.to_owned(),
                message: format!(
                    "security check {name} has no readable result, so it cannot count as valid"
                ),
            }),
        }
    }
    for required in &policy.require_checks {
        let c = crate::evidence::canonical_check(required);
        if !ocr.checks.iter().any(|k| k.canonical_name() == c) {
            rejected.push(Reason {
                code: ReasonCode::SecurityCheckMissing,
                subject: required.clone(),
                message: format!("the policy requires security check {required}, which is absent"),
            });
        }
    }

    // Rule 3.
    let mut inconclusive = Vec::new();
    let level = ocr.similarity.as_deref().and_then(Similarity::parse);
    if level.is_none_or(|l| l < policy.min_similarity) {
        let subject = match (&ocr.similarity, level) {
            (_, Some(l)) => l.as_str().to_owned(),
            (Some(raw), None) => raw.clone(),
            (None, None) => "missing".to_owned(),
        };
        let message = match &ocr.similarity {
            Some(raw) => format!(
                "similarity is {raw:?}; the policy needs {} or better",
                policy.min_similarity.as_str()
            ),
            None => format!(
                "no similarity; the policy needs {}",
                policy.min_similarity.as_str()
            ),
        };
        inconclusive.push(Reason {
            code: ReasonCode::SimilarityNotHigh,
            subject,
            message,
        });
    }
    for f in &ocr.features {
        if let (Some(name), Some(false)) = (&f.name, f.found)
            && policy.counts_feature(name)
        {
            inconclusive.push(Reason {
                code: ReasonCode::FeatureNotFound,
                subject: name.clone(),
                message: format!("feature {name:?} was not found on the document"),
            });
        }
    }

    let status = if !failed.is_empty() {
        Status::Failed
    } else if !rejected.is_empty() {
        Status::Rejected
    } else if !inconclusive.is_empty() {
        if policy.is_fully_automatic(evidence.process_type()) {
            Status::Rejected
        } else {
            Status::Inconclusive
        }
    } else {
        Status::Accepted
    };
    let mut reasons = failed;
    reasons.extend(rejected);
    reasons.extend(inconclusive);
    Ok(Decision { status, reasons })
}

/// The final status: the agent decides where there is a manual approval.
pub fn final_decision(evidence: &Evidence, policy: &Policy, automatic: &Decision) -> Decision {
    let Some(manual) = &evidence.manual else {
        return automatic.clone();
    };
    if policy.manual_approval == ManualRule::Ignore {
        return automatic.clone();
    }
    if manual.rejected() {
        let reasons = manual
            .rejection_reasons
            .iter()
            .map(|r| Reason {
                code: ReasonCode::ManualRejection,
                subject: r.kind.clone(),
                message: r
                    .message
                    .clone()
                    .unwrap_or_else(|| "the agent rejected the verification".into()),
            })
            .collect();
        return Decision {
            status: Status::Rejected,
            reasons,
        };
    }
    match policy.manual_approval {
        ManualRule::AgentDecides => Decision {
            status: Status::Accepted,
            reasons: Vec::new(),
        },
        _ => automatic.clone(),
    }
}

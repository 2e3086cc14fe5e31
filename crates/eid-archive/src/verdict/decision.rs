//! The decision rules, one function per rule of `docs/decision.md`, applied in
//! its order: [`failed`] (rule 1), [`security_checks`] (rule 2), [`similarity`]
//! and [`features`] (rule 3), accepted otherwise (rule 4); then
//! [`final_decision`], where the agent decides.

use super::RecordedStatus;
use super::policy::{ManualRule, Policy};
use super::review::{Review, ReviewDecision};
use crate::codes::string_enum;
use crate::dates::Date;
use crate::evidence::{Evidence, Ocr, SimilarityScore, canonical_check};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

string_enum! {
    /// A final result status, as the provider page names them.
    pub enum Status {
        /// Every check valid, similarity high, every feature found (or an agent accepted).
        Accepted => "accepted",
        /// A security check not valid (or an agent rejected).
        Rejected => "rejected",
        /// Similarity not high, or a feature not found.
        Inconclusive => "inconclusive",
        /// An error prevented the verification from completing.
        Failed => "failed",
        /// No recomputed status: the record says the process is not final
        /// (`pending`, `processing`, `canceled`) and it holds no OCR
        /// evidence, so nothing was verified, and nothing failed either.
        NotFinal => "notFinal",
    }
}

impl Status {
    /// The four final result statuses the provider page names, in its order.
    pub const FINAL: [Status; 4] = [
        Status::Accepted,
        Status::Rejected,
        Status::Inconclusive,
        Status::Failed,
    ];
}

string_enum! {
    /// Stable, machine-readable reason codes.
    #[non_exhaustive]
    pub enum ReasonCode {
        /// A fail reason: the verification never completed.
        ProcessFailed => "ProcessFailed",
        /// The process is not final (pending, processing, canceled) and holds
        /// no OCR evidence: no verification completed.
        ProcessNotFinal => "ProcessNotFinal",
        /// A security check is not valid.
        SecurityCheckFailed => "SecurityCheckFailed",
        /// A security check's result could not be read; it cannot count as valid.
        SecurityCheckUnreadable => "SecurityCheckUnreadable",
        /// A check the policy requires is absent.
        SecurityCheckMissing => "SecurityCheckMissing",
        /// Similarity below the policy's minimum, or absent.
        SimilarityNotHigh => "SimilarityNotHigh",
        /// A feature with `found: false`.
        FeatureNotFound => "FeatureNotFound",
        /// A feature entry (other than `{}`) whose name or `found` cannot be read.
        FeatureUnreadable => "FeatureUnreadable",
        /// The agent rejected, for this reason type.
        ManualRejection => "ManualRejection",
        /// Under a policy whose age rules are not the default ones: the holder
        /// is under the policy's minimum age on the day of the verification.
        BelowMinimumAge => "BelowMinimumAge",
    }
}

/// Why a status was reached: `code/subject`, e.g. `SecurityCheckFailed/nonExpired`.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// The stable code.
    pub code: ReasonCode,
    /// What it is about: a check, a level, a feature, a rejection or fail type.
    pub subject: String,
    /// In words.
    pub message: String,
}

impl Reason {
    fn new(code: ReasonCode, subject: impl Into<String>, message: impl Into<String>) -> Reason {
        Reason {
            code,
            subject: subject.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.code, self.subject)
    }
}

/// A status with every reason that led to it.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// The status.
    pub status: Status,
    /// Every reason of every rule that holds, in rule order.
    pub reasons: Vec<Reason>,
}

impl Decision {
    /// The reasons on one line, `code/subject; code/subject`, as the CSV
    /// files and the pages write them (a `;` or `%` in a subject written
    /// `%3B` or `%25`, so the line splits back exactly).
    pub(crate) fn reasons_line(&self) -> String {
        crate::codes::join_values(self.reasons.iter().map(ToString::to_string))
    }

    /// The subjects of the reasons with one of these codes, in order (the
    /// checks that failed, the features not found).
    pub(crate) fn subjects<'a>(
        &'a self,
        codes: &'a [ReasonCode],
    ) -> impl Iterator<Item = &'a str> + 'a {
        self.reasons
            .iter()
            .filter(move |r| codes.contains(&r.code))
            .map(|r| r.subject.as_str())
    }
}

/// The codes of a security check that does not count as valid: what
/// `checks_failed` lists and the monitoring counts by check.
pub(crate) const CHECK_FAILURES: &[ReasonCode] = &[
    ReasonCode::SecurityCheckFailed,
    ReasonCode::SecurityCheckUnreadable,
];

/// The automatic status from the OCR evidence: the first rule that holds
/// gives the status, and the reasons of every rule that holds are kept.
pub(crate) fn automatic(
    evidence: &Evidence,
    policy: &Policy,
    recorded: Option<&RecordedStatus>,
    on: Option<Date>,
) -> Result<Decision, super::CannotJudge> {
    let failed = failed(evidence);
    let Some(ocr) = &evidence.ocr else {
        if !failed.is_empty() {
            return Ok(Decision {
                status: Status::Failed,
                reasons: failed,
            });
        }
        return match recorded {
            // A process that never reached a decision and holds no capture.
            Some(RecordedStatus::Other(word)) => Ok(Decision {
                status: Status::NotFinal,
                reasons: vec![Reason::new(
                    ReasonCode::ProcessNotFinal,
                    word.as_str(),
                    format!("the process is {word} and holds no OCR evidence: no verification completed"),
                )],
            }),
            Some(RecordedStatus::Final(Status::Failed)) => Err(super::CannotJudge(
                "no OCR evidence and no fail reason (the record says failed but gives no failReason)"
                    .into(),
            )),
            _ => Err(super::CannotJudge(
                "no OCR evidence (security checks, similarity, features) and no fail reason".into(),
            )),
        };
    };
    let mut rejected = security_checks(ocr, policy);
    rejected.extend(policy_age(evidence, policy, on));
    let mut inconclusive = similarity(ocr, policy);
    inconclusive.extend(features(ocr, policy));

    let status = if !failed.is_empty() {
        Status::Failed
    } else if !rejected.is_empty() {
        Status::Rejected
    } else if !inconclusive.is_empty() {
        // A fully automatic process type never ends inconclusive.
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

/// Rule 1: **failed** when the process record gives a fail reason. A recorded
/// `failed` status alone is not evidence: it is what is being checked.
fn failed(evidence: &Evidence) -> Vec<Reason> {
    let Some(fr) = evidence
        .process
        .as_ref()
        .and_then(|p| p.fail_reason.as_ref())
    else {
        return Vec::new();
    };
    let message = fr.message.as_deref().unwrap_or("the process failed");
    vec![Reason::new(ReasonCode::ProcessFailed, &fr.kind, message)]
}

/// Rule 2: **rejected** when a security check is not valid or cannot be read,
/// or a check the policy requires is absent; one reason per check.
///
/// `liveness` and `livenessDetected` are one check: if any of its entries is
/// not valid, the check is not. Its subject is the smallest name written for
/// it, so the verdict does not depend on the order the provider wrote them in.
fn security_checks(ocr: &Ocr, policy: &Policy) -> Vec<Reason> {
    let mut checks: BTreeMap<&str, (&str, Option<bool>)> = BTreeMap::new();
    let mut order = Vec::new();
    for c in ocr.checks.iter().filter(|c| policy.counts_check(&c.name)) {
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
    let mut reasons = Vec::new();
    for key in order {
        let (name, valid) = checks[key];
        match valid {
            Some(true) => {}
            Some(false) => reasons.push(Reason::new(
                ReasonCode::SecurityCheckFailed,
                name,
                format!("security check {name} is not valid"),
            )),
            None => reasons.push(Reason::new(
                ReasonCode::SecurityCheckUnreadable,
                name,
                format!(
                    "security check {name} has no readable result, so it cannot count as valid"
                ),
            )),
        }
    }
    for required in &policy.require_checks {
        let c = canonical_check(required);
        if !ocr.checks.iter().any(|k| k.canonical_name() == c) {
            reasons.push(Reason::new(
                ReasonCode::SecurityCheckMissing,
                required,
                format!("the policy requires security check {required}, which is absent"),
            ));
        }
    }
    reasons
}

/// Rule 2 under a what-if policy whose age rules are not the default ones
/// (`minimum_age`, `leap_day_birthday`): **rejected** when the holder is
/// under the policy's minimum age on the day of the verification. The
/// default rules leave age to the provider's `notUnderage` check.
fn policy_age(evidence: &Evidence, policy: &Policy, on: Option<Date>) -> Vec<Reason> {
    let default = Policy::default();
    if (policy.minimum_age, policy.leap_day_birthday)
        == (default.minimum_age, default.leap_day_birthday)
    {
        return Vec::new();
    }
    let Some(on) = on else { return Vec::new() };
    let Some(birth) = evidence
        .document_value("dateOfBirth")
        .and_then(|raw| super::document_date(raw, Some(on), "dateOfBirth"))
    else {
        return Vec::new();
    };
    let age = super::findings::age_on(birth, on, policy.leap_day_birthday);
    let minimum = policy.minimum_age;
    if i64::from(age) >= i64::from(minimum) {
        return Vec::new();
    }
    vec![Reason::new(
        ReasonCode::BelowMinimumAge,
        "notUnderage",
        format!(
            "the holder is {age} on the day of the verification, under the policy's minimum age {minimum}"
        ),
    )]
}

/// Rule 3, first half: **inconclusive** when the similarity is below the
/// policy's minimum (`high` by default), absent, or not one of the four words.
/// The subject names what was seen: the level, `none`, `empty`, the word
/// written, `unreadable` (not a word) or `missing`.
fn similarity(ocr: &Ocr, policy: &Policy) -> Vec<Reason> {
    let level = ocr.similarity.as_ref().and_then(|s| s.level());
    if level.is_some_and(|l| l >= policy.min_similarity) {
        return Vec::new();
    }
    let need = policy.min_similarity;
    let (subject, message) = match (&ocr.similarity, level) {
        (_, Some(l)) => (
            l.as_str().to_owned(),
            format!(
                "similarity is {:?}; the policy needs {need} or better",
                ocr.similarity_word().unwrap_or(l.as_str())
            ),
        ),
        (Some(SimilarityScore::Word(w)), None) if w.trim().is_empty() => (
            "empty".to_owned(),
            format!("similarity is an empty string; the policy needs {need}"),
        ),
        (Some(SimilarityScore::Word(w)), None) if w.trim().eq_ignore_ascii_case("none") => (
            "none".to_owned(),
            format!("no face similarity was established (none); the policy needs {need}"),
        ),
        (Some(SimilarityScore::Word(w)), None) => {
            let word: String = w.trim().chars().take(40).collect();
            (
                word.clone(),
                format!("similarity {word:?} is not a level; the policy needs {need}"),
            )
        }
        (Some(SimilarityScore::Unreadable { unreadable }), None) => (
            "unreadable".to_owned(),
            format!("similarity is {unreadable}, not a level; the policy needs {need}"),
        ),
        (None, _) => (
            "missing".to_owned(),
            format!("no similarity; the policy needs {need}"),
        ),
    };
    vec![Reason::new(ReasonCode::SimilarityNotHigh, subject, message)]
}

/// Rule 3, second half: **inconclusive** for every feature with `found: false`
/// that the policy counts, and every entry (other than `{}`) that cannot be
/// read as found: unreadable evidence cannot count as found.
fn features(ocr: &Ocr, policy: &Policy) -> Vec<Reason> {
    ocr.features
        .iter()
        .filter_map(|f| match (&f.name, f.found) {
            // Under both names when the key says another: either counts.
            (Some(name), _)
                if !policy.counts_feature(name)
                    && f.also_named
                        .as_deref()
                        .is_none_or(|k| !policy.counts_feature(k)) =>
            {
                None
            }
            (Some(name), Some(false)) => Some(Reason::new(
                ReasonCode::FeatureNotFound,
                name,
                format!("feature {name:?} was not found on the document"),
            )),
            _ if f.unreadable() => Some(Reason::new(
                ReasonCode::FeatureUnreadable,
                f.subject(),
                format!(
                    "feature entry {} cannot be read as found or not found",
                    f.entry
                ),
            )),
            _ => None,
        })
        .collect()
}

/// The final status. No agent overrides `failed` (the verification never
/// completed); otherwise, where the agent's review holds a decision, the agent
/// decides as far as the policy lets it.
pub(crate) fn final_decision(
    policy: &Policy,
    automatic: &Decision,
    review: Option<&Review>,
) -> Decision {
    let Some(review) = review else {
        return automatic.clone();
    };
    if automatic.status == Status::Failed || policy.manual_approval == ManualRule::Ignore {
        return automatic.clone();
    }
    match review.decision {
        ReviewDecision::NoDecision => automatic.clone(),
        ReviewDecision::Rejected => manual_rejection(review),
        ReviewDecision::Accepted => match policy.manual_approval {
            ManualRule::AgentDecides => Decision {
                status: Status::Accepted,
                reasons: Vec::new(),
            },
            _ => automatic.clone(),
        },
    }
}

/// The agent's rejection: one reason per rejection reason, or
/// `ManualRejection/unspecified` when none can be read.
pub(crate) fn manual_rejection(review: &Review) -> Decision {
    let mut reasons: Vec<Reason> = review
        .rejection_types
        .iter()
        .zip(&review.rejection_messages)
        .map(|(kind, message)| {
            let message = message
                .as_deref()
                .unwrap_or("the agent rejected the verification");
            Reason::new(ReasonCode::ManualRejection, kind, message)
        })
        .collect();
    if reasons.is_empty() {
        reasons.push(Reason::new(
            ReasonCode::ManualRejection,
            "unspecified",
            "the agent rejected the verification without giving a reason",
        ));
    }
    Decision {
        status: Status::Rejected,
        reasons,
    }
}

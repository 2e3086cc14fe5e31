//! The one tally of a run, fed by its events: `summary.txt`, the terminal
//! summary, `run.json` and the HTML index all read these counts, so they can
//! never disagree, and none of them parses another output's text.
//!
//! Memory stays flat whatever the number of archives: besides the counts
//! (each kind of text key capped at [`DISTINCT`] distinct values), only the
//! first [`LISTED`] disagreements and errors are kept, to be named.

pub(crate) mod monitoring;

use crate::event::{Event, is_integrity};
use crate::images::ImageCount;
use crate::verdict::{FindingCode, RecordedStatus, Severity, Status};
use serde::Serialize;
use std::collections::BTreeMap;

/// How many disagreements and how many errors are kept to be named.
pub(crate) const LISTED: usize = 1_000;
/// How many distinct values (reasons, months, similarity words, recorded
/// words) are counted one by one; the rest are counted together.
pub(crate) const DISTINCT: usize = 1_000;

/// The counts of a run.
#[non_exhaustive]
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Archives (inputs, errors included).
    pub archives: usize,
    /// Bytes of the archives read.
    pub bytes: u64,
    /// Archives by recomputed status.
    pub by_status: BTreeMap<Status, usize>,
    /// Recomputed status differs from the recorded one.
    pub disagreements: usize,
    /// No final status recorded to compare with.
    pub unrecorded: usize,
    /// Of those, the archives whose recorded status cannot be read (a word
    /// that is neither a final status nor a documented non-final one): a
    /// run counts them like disagreements.
    pub unreadable_status: usize,
    /// Findings by severity.
    pub findings: BTreeMap<Severity, usize>,
    /// Archives that could not be read or judged.
    pub errors: usize,
    /// Of those, the archives object storage failed to give after its
    /// retries: a later run may read them (exit code 75).
    pub storage_failures: usize,
    /// Archives with a member that fails its integrity check.
    pub integrity_failures: usize,
    /// Archives whose status the policy in force changes, by transition
    /// (default rules' status, policy's status).
    pub policy_changes: BTreeMap<(Status, Status), usize>,
    /// Verified claims written and archives that did not qualify, when they
    /// are written (`--ida`).
    pub(crate) verified_claims: Option<ClaimsCount>,
    /// The image files written, as the writers counted them.
    pub(crate) images: ImageCount,
    /// Findings by code.
    pub(crate) codes: BTreeMap<&'static str, usize>,
    /// Recorded status words (`(nothing recorded)` when none).
    pub(crate) recorded: Counts,
    /// Reasons of the final status, `code/subject`.
    pub(crate) reasons: Counts,
    /// Similarity levels or words (`(none)`).
    pub(crate) similarity: Counts,
    /// Months of the day judged on (`(unknown)`).
    pub(crate) months: Counts,
    /// The first disagreements, in input order.
    pub(crate) listed_disagreements: Vec<Listed>,
    /// The first errors, in input order.
    pub(crate) listed_errors: Vec<Listed>,
    /// The first archives with a member that fails its integrity check,
    /// in input order.
    pub(crate) listed_integrity: Vec<Listed>,
    /// Archives whose agent decided against the automatic status
    /// (an `AgentOverride` finding).
    pub agent_overrides: usize,
    /// The first of them, in input order.
    pub(crate) listed_overrides: Vec<Listed>,
    /// Archives with at least one finding of severity error.
    pub error_finding_archives: usize,
    /// The first of them, in input order, each by its first such finding.
    pub(crate) listed_error_findings: Vec<Listed>,
    /// The policy's warnings (names it uses that the tool has never seen),
    /// for `summary.txt`.
    pub(crate) policy_warnings: Vec<String>,
    /// Duplicates, the sample and retention, when the run is complete.
    pub(crate) population: Option<Box<crate::population::Sections>>,
    /// The monitoring figures (`run.json` `monitoring`).
    pub(crate) monitoring: crate::tally::monitoring::Monitoring,
}

/// The counts as `run.json` records them (`summary`): statuses, severities
/// and transitions by name, in the order of their names.
impl Serialize for Tally {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Record<'a> {
            archives: usize,
            by_status: BTreeMap<String, usize>,
            disagreements: usize,
            unrecorded: usize,
            unreadable_status: usize,
            findings: BTreeMap<String, usize>,
            errors: usize,
            #[serde(skip_serializing_if = "is_zero")]
            storage_failures: usize,
            integrity_failures: usize,
            agent_overrides: usize,
            error_finding_archives: usize,
            policy_changes: BTreeMap<String, usize>,
            bytes: u64,
            #[serde(skip_serializing_if = "Option::is_none")]
            verified_claims: Option<&'a ClaimsCount>,
            #[serde(skip_serializing_if = "Option::is_none")]
            duplicates: Option<&'a crate::population::DuplicateCounts>,
        }
        Record {
            archives: self.archives,
            by_status: named(&self.by_status, |s| s.to_string()),
            disagreements: self.disagreements,
            unrecorded: self.unrecorded,
            unreadable_status: self.unreadable_status,
            findings: named(&self.findings, |s| s.to_string()),
            errors: self.errors,
            storage_failures: self.storage_failures,
            integrity_failures: self.integrity_failures,
            agent_overrides: self.agent_overrides,
            error_finding_archives: self.error_finding_archives,
            policy_changes: named(&self.policy_changes, |(a, b)| format!("{a} → {b}")),
            bytes: self.bytes,
            verified_claims: self.verified_claims.as_ref(),
            duplicates: self
                .population
                .as_ref()
                .and_then(|p| p.duplicates.as_ref())
                .map(|d| &d.counts),
        }
        .serialize(s)
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Counts keyed by name.
fn named<K>(m: &BTreeMap<K, usize>, name: impl Fn(&K) -> String) -> BTreeMap<String, usize> {
    m.iter().map(|(k, n)| (name(k), *n)).collect()
}

/// How many archives yielded verified claims, and why the others did not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ClaimsCount {
    /// Lines written to `verified_claims.jsonl`.
    pub(crate) written: usize,
    /// Archives that did not qualify, by reason code (`NotAccepted`,
    /// `Disagrees`, ..., `Unreadable` for an archive that could not be read).
    pub(crate) not_qualified: BTreeMap<String, usize>,
}

/// Counts by a text key, at most [`DISTINCT`] keys; others are counted together.
#[derive(Debug, Clone, Default)]
pub(crate) struct Counts {
    pub(crate) counts: BTreeMap<String, usize>,
    pub(crate) others: usize,
}

impl Counts {
    pub(crate) fn add(&mut self, key: &str) {
        if let Some(n) = self.counts.get_mut(key) {
            *n += 1;
        } else if self.counts.len() < DISTINCT {
            self.counts.insert(key.to_owned(), 1);
        } else {
            self.others += 1;
        }
    }
}

/// How a finding names its archive in a list (an integrity failure, an
/// error): its code, its subject and what is wrong (a merge makes the same
/// line from the row of `findings.csv`).
pub(crate) fn finding_line(code: &str, subject: &str, message: &str) -> String {
    format!("{code} {subject}: {message}")
}

/// A disagreement, an error or an integrity failure, kept to be named.
#[derive(Debug, Clone)]
pub(crate) struct Listed {
    /// Position in the inputs.
    pub(crate) index: usize,
    /// The archive's path.
    pub(crate) archive: String,
    /// Its process id (empty for an error).
    pub(crate) process_id: String,
    /// The recorded status (empty for an error).
    pub(crate) recorded: String,
    /// The status compared with the record (empty for an error).
    pub(crate) status: String,
    /// The reasons of a disagreement, or what is wrong.
    pub(crate) what: String,
}

impl Tally {
    /// Counts one event.
    pub fn add(&mut self, event: &Event<'_>) {
        self.archives += 1;
        let path = event.path.display().to_string();
        let audited = match event.outcome {
            Ok(a) => a,
            Err(e) => {
                self.bytes += e.fingerprint().map_or(0, |f| f.bytes);
                self.errors += 1;
                if matches!(e.kind(), crate::error::ErrorKind::Storage(_)) {
                    self.storage_failures += 1;
                }
                if self.listed_errors.len() < LISTED {
                    self.listed_errors.push(Listed {
                        index: event.index,
                        archive: path,
                        process_id: String::new(),
                        recorded: String::new(),
                        status: String::new(),
                        what: e.detail(),
                    });
                }
                return;
            }
        };
        let a = &audited.audit;
        let v = &a.verdict;
        self.bytes += a.archive.fingerprint.bytes;
        let status = v.decision.status;
        *self.by_status.entry(status).or_default() += 1;
        if v.reference_status() != status {
            *self
                .policy_changes
                .entry((v.reference_status(), status))
                .or_default() += 1;
        }
        let recorded = v
            .recorded_status
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        // How this archive is named in a list, with what puts it there.
        let listed = |what: String| Listed {
            index: event.index,
            archive: path.clone(),
            process_id: a.process_id.clone(),
            recorded: recorded.clone(),
            status: v.reference_status().to_string(),
            what,
        };
        match v.agrees {
            Some(false) => {
                self.disagreements += 1;
                if self.listed_disagreements.len() < LISTED {
                    self.listed_disagreements
                        .push(listed(v.decision.reasons_line()));
                }
            }
            None => {
                self.unrecorded += 1;
                if matches!(v.recorded_status, Some(RecordedStatus::Unreadable(_))) {
                    self.unreadable_status += 1;
                }
            }
            Some(true) => {}
        }
        for f in audited.findings() {
            *self.findings.entry(f.severity).or_default() += 1;
            *self.codes.entry(f.code.as_str()).or_default() += 1;
        }
        let findings = audited.findings();
        if let Some(f) = findings
            .iter()
            .find(|f| f.code == FindingCode::AgentOverride)
        {
            self.agent_overrides += 1;
            if self.listed_overrides.len() < LISTED {
                self.listed_overrides.push(listed(f.message.clone()));
            }
        }
        if let Some(f) = findings.iter().find(|f| f.severity == Severity::Error) {
            self.error_finding_archives += 1;
            if self.listed_error_findings.len() < LISTED {
                let line = finding_line(f.code.as_str(), &f.subject, &f.message);
                self.listed_error_findings.push(listed(line));
            }
        }
        if audited.fails_integrity() {
            self.integrity_failures += 1;
            let first = audited.findings().iter().find(|f| is_integrity(f.code));
            if let Some(f) = first
                && self.listed_integrity.len() < LISTED
            {
                let line = finding_line(f.code.as_str(), &f.subject, &f.message);
                self.listed_integrity.push(listed(line));
            }
        }
        self.recorded.add(if recorded.is_empty() {
            "(nothing recorded)"
        } else {
            &recorded
        });
        for r in &v.decision.reasons {
            self.reasons.add(&r.to_string());
        }
        let similarity = a.similarity_text();
        self.similarity.add(if similarity.is_empty() {
            "(none)"
        } else {
            &similarity
        });
        let day = v
            .verification_date
            .map(|d| d.date.to_string())
            .unwrap_or_default();
        self.months.add(
            day.get(..7)
                .unwrap_or(crate::tally::monitoring::UNKNOWN_MONTH),
        );
        // The cells `archives.csv` writes, as a merge reads them back.
        let status = status.to_string();
        let reviewer = v
            .review
            .as_ref()
            .and_then(|r| r.verifier.clone())
            .unwrap_or_default();
        let judged = crate::tally::monitoring::Judged {
            index: event.index,
            day: &day,
            status: &status,
            similarity: &similarity,
            reviewer: &reviewer,
        };
        let failed: Vec<&str> = v
            .automatic
            .subjects(crate::verdict::decision::CHECK_FAILURES)
            .collect();
        self.monitoring.add_archive(&judged, &failed);
        for f in findings {
            self.monitoring.add_finding(&judged, f.code);
        }
    }

    /// Counts one archive's verified claims: written, or why not (a reason code).
    pub(crate) fn add_claims(&mut self, outcome: Result<(), &str>) {
        let count = self
            .verified_claims
            .get_or_insert_with(ClaimsCount::default);
        match outcome {
            Ok(()) => count.written += 1,
            Err(code) => *count.not_qualified.entry(code.to_owned()).or_default() += 1,
        }
    }

    /// The archives that agree with their record.
    pub fn agreeing(&self) -> usize {
        self.archives
            .saturating_sub(self.errors + self.disagreements + self.unrecorded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_counts_are_capped() {
        let mut t = Counts::default();
        for i in 0..(DISTINCT + 500) {
            t.add(&format!("k{i}"));
        }
        t.add("k0");
        assert_eq!(t.counts.len(), DISTINCT);
        assert_eq!(t.others, 500);
        assert_eq!(t.counts["k0"], 2);
    }

    #[test]
    fn only_the_first_thousand_are_named() {
        use crate::error::{Error, ErrorKind};
        let mut tally = Tally::default();
        for i in 0..3000 {
            let e = Error::new(format!("{i}.zip"), None, ErrorKind::NoCentralDirectory);
            tally.add(&Event {
                index: i,
                path: std::path::Path::new("x.zip"),
                outcome: Err(&e),
            });
        }
        assert_eq!((tally.errors, tally.archives), (3000, 3000));
        assert_eq!(tally.listed_errors.len(), LISTED);
        assert_eq!(tally.listed_errors[999].index, 999);
    }
}

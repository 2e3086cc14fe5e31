//! The end-of-run summary, counted from the rows written, so that the
//! summary and the report can never disagree.

use super::rows::Rows;
use super::run::SummaryRecord;
use crate::verdict::{FindingCode, Severity, Status};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// How many disagreements and errors `summary.txt` names one by one.
const NAMED: usize = 20;

/// Counts for the end-of-run summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Rows written.
    pub archives: usize,
    /// Archives by recomputed status.
    pub by_status: BTreeMap<Status, usize>,
    /// Recomputed status differs from the recorded one.
    pub disagreements: usize,
    /// No final status recorded to compare with.
    pub unrecorded: usize,
    /// Findings by severity.
    pub findings: BTreeMap<Severity, usize>,
    /// Archives that could not be read or judged.
    pub errors: usize,
    /// Archives with a member that fails its integrity check.
    pub integrity_failures: usize,
    /// Bytes of the archives read.
    pub bytes: u64,
    /// Archives whose status the policy in force changes, by transition
    /// (default rules' status, policy's status).
    pub policy_changes: BTreeMap<(Status, Status), usize>,
    /// The first disagreements: archive, recorded, recomputed.
    pub first_disagreements: Vec<(String, String, String)>,
    /// The first errors: archive and what is wrong.
    pub first_errors: Vec<(String, String)>,
    /// Verified claims, when they are written (`report --ida`).
    pub verified_claims: Option<ClaimsCount>,
}

/// How many archives yielded verified claims, and why the others did not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimsCount {
    /// Lines written to `verified_claims.jsonl`.
    pub written: usize,
    /// Archives that did not qualify, by reason code (`NotAccepted`,
    /// `Disagrees`, ..., `Unreadable` for an archive that could not be read).
    pub not_qualified: BTreeMap<String, usize>,
}

impl Summary {
    /// Counts one archive's verified claims: written, or why not (a reason code).
    pub fn add_claims(&mut self, outcome: Result<(), &str>) {
        let count = self
            .verified_claims
            .get_or_insert_with(ClaimsCount::default);
        match outcome {
            Ok(()) => count.written += 1,
            Err(code) => *count.not_qualified.entry(code.to_owned()).or_default() += 1,
        }
    }

    /// Counts one archive's rows.
    pub fn add(&mut self, rows: &Rows) {
        let row = &rows.archive;
        self.archives += 1;
        self.bytes += row.bytes.unwrap_or(0);
        if !row.error_code.is_empty() {
            self.errors += 1;
            if self.first_errors.len() < NAMED {
                self.first_errors
                    .push((row.archive.clone(), row.error.clone()));
            }
            return;
        }
        if let Some(status) = Status::parse(&row.status) {
            *self.by_status.entry(status).or_default() += 1;
            if let Some(default) = Status::parse(&row.default_status)
                && default != status
            {
                *self.policy_changes.entry((default, status)).or_default() += 1;
            }
        }
        match row.agrees {
            Some(false) => {
                self.disagreements += 1;
                if self.first_disagreements.len() < NAMED {
                    self.first_disagreements.push((
                        row.archive.clone(),
                        row.recorded_status.clone(),
                        row.default_status.clone(),
                    ));
                }
            }
            None => self.unrecorded += 1,
            Some(true) => {}
        }
        for f in &rows.findings {
            *self.findings.entry(f.severity).or_default() += 1;
        }
        if rows
            .findings
            .iter()
            .any(|f| f.code == FindingCode::MemberCorrupt.as_str())
        {
            self.integrity_failures += 1;
        }
    }

    /// The summary as a terminal shows it; `seconds` is the elapsed wall time.
    pub fn render(&self, seconds: f64) -> String {
        let status: Vec<String> = Status::ALL
            .iter()
            .map(|s| format!("{} {}", self.by_status.get(s).copied().unwrap_or(0), s))
            .collect();
        let findings: Vec<String> = [Severity::Error, Severity::Warning, Severity::Info]
            .iter()
            .map(|s| format!("{} {}", self.findings.get(s).copied().unwrap_or(0), s))
            .collect();
        let rate = if seconds > 0.0 {
            self.archives as f64 / seconds
        } else {
            0.0
        };
        let mb = self.bytes as f64 / 1e6;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "archives     {} ({})",
            self.archives,
            status.join(", ")
        );
        let _ = writeln!(
            out,
            "disagree     {} with the recorded status ({} had no final status recorded)",
            self.disagreements, self.unrecorded
        );
        if !self.policy_changes.is_empty() {
            let changes: Vec<String> = self
                .policy_changes
                .iter()
                .map(|((from, to), n)| format!("{from} → {to}: {n}"))
                .collect();
            let _ = writeln!(out, "policy       changes {}", changes.join(", "));
        }
        let _ = writeln!(out, "findings     {}", findings.join(", "));
        if self.integrity_failures > 0 {
            let _ = writeln!(
                out,
                "integrity    {} archives with a member that fails its check",
                self.integrity_failures
            );
        }
        if let Some(claims) = &self.verified_claims {
            let not: usize = claims.not_qualified.values().sum();
            let why: Vec<String> = claims
                .not_qualified
                .iter()
                .map(|(code, n)| format!("{code} {n}"))
                .collect();
            let _ = write!(
                out,
                "claims       {} verified claims written",
                claims.written
            );
            if not > 0 {
                let _ = write!(out, "; {not} archives did not qualify ({})", why.join(", "));
            }
            let _ = writeln!(out);
        }
        let _ = writeln!(out, "errors       {}", self.errors);
        let _ = writeln!(
            out,
            "elapsed      {seconds:.2} s, {rate:.0} archives/s, {:.1} MB/s",
            if seconds > 0.0 { mb / seconds } else { 0.0 },
        );
        out
    }

    /// `summary.txt`: the summary, then the archives that disagree and those
    /// that could not be read, named (the first 20 of each, then a count), so
    /// that it can be pasted into an audit memo.
    pub fn render_named(&self, seconds: f64) -> String {
        let mut out = self.render(seconds);
        if self.disagreements > 0 {
            let _ = writeln!(out, "\ndisagreements");
            for (archive, recorded, recomputed) in &self.first_disagreements {
                let _ = writeln!(
                    out,
                    "  {archive}  recorded {recorded}, recomputed {recomputed}"
                );
            }
            if self.disagreements > self.first_disagreements.len() {
                let more = self.disagreements - self.first_disagreements.len();
                let _ = writeln!(out, "  ... and {more} more (archives.csv, agrees = false)");
            }
        }
        if self.errors > 0 {
            let _ = writeln!(out, "\nerrors");
            for (archive, error) in &self.first_errors {
                let _ = writeln!(out, "  {archive}: {error}");
            }
            if self.errors > self.first_errors.len() {
                let more = self.errors - self.first_errors.len();
                let _ = writeln!(
                    out,
                    "  ... and {more} more (archives.csv, error_code not empty)"
                );
            }
        }
        out
    }

    /// The counts, for `run.json`.
    pub fn record(&self) -> SummaryRecord {
        SummaryRecord {
            archives: self.archives,
            by_status: self
                .by_status
                .iter()
                .map(|(s, n)| (s.to_string(), *n))
                .collect(),
            disagreements: self.disagreements,
            unrecorded: self.unrecorded,
            findings: self
                .findings
                .iter()
                .map(|(s, n)| (s.to_string(), *n))
                .collect(),
            errors: self.errors,
            integrity_failures: self.integrity_failures,
            policy_changes: self
                .policy_changes
                .iter()
                .map(|((a, b), n)| (format!("{a} → {b}"), *n))
                .collect(),
            bytes: self.bytes,
            verified_claims: self.verified_claims.clone(),
        }
    }
}

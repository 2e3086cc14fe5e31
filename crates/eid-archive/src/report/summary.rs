//! The end-of-run summary, counted from the rows written.

use super::rows::Rows;
use crate::verdict::{Severity, Status};
use std::collections::BTreeMap;

/// Counts for the end-of-run summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Rows written.
    pub archives: usize,
    /// Archives by recomputed status.
    pub by_status: BTreeMap<Status, usize>,
    /// Recomputed status differs from the recorded one.
    pub disagreements: usize,
    /// No recorded status to compare with.
    pub unrecorded: usize,
    /// Findings by severity.
    pub findings: BTreeMap<Severity, usize>,
    /// Archives that could not be read or judged.
    pub errors: usize,
    /// Bytes of the archives read.
    pub bytes: u64,
    /// Archives whose status the policy in force changes, by transition
    /// (default rules' status, policy's status).
    pub policy_changes: BTreeMap<(Status, Status), usize>,
}

impl Summary {
    /// Counts one archive's rows: the summary is derived from what the
    /// report says, so the two can never disagree.
    pub fn add(&mut self, rows: &Rows) {
        let row = &rows.archive;
        self.archives += 1;
        self.bytes += row.bytes.unwrap_or(0);
        if !row.error_code.is_empty() {
            self.errors += 1;
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
            Some(false) => self.disagreements += 1,
            None => self.unrecorded += 1,
            Some(true) => {}
        }
        for f in &rows.findings {
            *self.findings.entry(f.severity).or_default() += 1;
        }
    }

    /// The summary in words; `seconds` is the elapsed wall time.
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
        let mut out = format!(
            "archives     {} ({})\ndisagree     {} with the recorded status ({} had no final status recorded)\n",
            self.archives,
            status.join(", "),
            self.disagreements,
            self.unrecorded,
        );
        if !self.policy_changes.is_empty() {
            let changes: Vec<String> = self
                .policy_changes
                .iter()
                .map(|((from, to), n)| format!("{from} → {to}: {n}"))
                .collect();
            out.push_str(&format!("policy       changes {}\n", changes.join(", ")));
        }
        out.push_str(&format!(
            "findings     {}\nerrors       {}\nelapsed      {seconds:.2} s, {rate:.1} archives/s, {:.1} MB/s\n",
            findings.join(", "),
            self.errors,
            if seconds > 0.0 { mb / seconds } else { 0.0 },
        ));
        out
    }
}

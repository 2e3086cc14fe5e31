//! The end-of-run summary, read from the run's one tally, so that the
//! summary, `run.json` and the HTML index can never disagree.

use crate::tally::{Listed, Tally};
use crate::verdict::{Severity, Status};
use crate::visible::visible;
use std::fmt::Write as _;

/// How many disagreements and errors `summary.txt` names one by one.
const NAMED: usize = 20;

/// `archive` or `archives`, as `n` needs.
fn archives(n: usize) -> &'static str {
    if n == 1 { "archive" } else { "archives" }
}

/// The summary of a run's tally, for a terminal and for `summary.txt`.
pub(crate) struct Summary<'a>(pub(crate) &'a Tally);

impl Summary<'_> {
    /// The summary as a terminal shows it; `seconds` is the elapsed wall time.
    pub(crate) fn render(&self, seconds: f64) -> String {
        let mut status: Vec<String> = Status::FINAL
            .iter()
            .map(|s| format!("{} {}", self.0.by_status.get(s).copied().unwrap_or(0), s))
            .collect();
        // Archives given no status (not final, no OCR): said only when there are some.
        if let Some(n) = self.0.by_status.get(&Status::NotFinal) {
            status.push(format!("{n} not final"));
        }
        let findings: Vec<String> = [Severity::Error, Severity::Warning, Severity::Info]
            .iter()
            .map(|s| {
                let n = self.0.findings.get(s).copied().unwrap_or(0);
                // "info" has no plural.
                let plural = if n != 1 && *s != Severity::Info {
                    "s"
                } else {
                    ""
                };
                format!("{n} {s}{plural}")
            })
            .collect();
        let rate = if seconds > 0.0 {
            self.0.archives as f64 / seconds
        } else {
            0.0
        };
        let mb = self.0.bytes as f64 / 1e6;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "archives     {} ({})",
            self.0.archives,
            status.join(", ")
        );
        let _ = writeln!(
            out,
            "disagree     {} with the recorded status ({} had no final status recorded)",
            self.0.disagreements, self.0.unrecorded
        );
        if self.0.unreadable_status > 0 {
            let _ = writeln!(
                out,
                "unreadable   {} {} whose recorded status cannot be read (UnreadableStatus; counted like a disagreement)",
                self.0.unreadable_status,
                archives(self.0.unreadable_status)
            );
        }
        if !self.0.policy_changes.is_empty() {
            let changes: Vec<String> = self
                .0
                .policy_changes
                .iter()
                .map(|((from, to), n)| format!("{from} → {to}: {n}"))
                .collect();
            let _ = writeln!(out, "policy       changes {}", changes.join(", "));
        }
        let _ = writeln!(out, "findings     {}", findings.join(", "));
        if self.0.integrity_failures > 0 {
            let _ = writeln!(
                out,
                "integrity    {} {} with a member that fails its check",
                self.0.integrity_failures,
                archives(self.0.integrity_failures)
            );
        }
        if let Some(claims) = &self.0.verified_claims {
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
        if let Some(p) = &self.0.population {
            out.push_str(&crate::population::summary_lines(p));
        }
        let _ = writeln!(out, "errors       {}", self.0.errors);
        let _ = writeln!(
            out,
            "elapsed      {seconds:.2} s, {rate:.0} archives/s, {:.1} MB/s",
            if seconds > 0.0 { mb / seconds } else { 0.0 },
        );
        out
    }

    /// `summary.txt`: the summary, then the archives that disagree, those
    /// with a member that fails its integrity check and those that could not
    /// be read, named (the first 20 of each, then a count), so that it can
    /// be pasted into an audit memo.
    pub(crate) fn render_named(&self, seconds: f64) -> String {
        let mut out = self.render(seconds);
        if !self.0.policy_warnings.is_empty() {
            // Most likely typos, which would otherwise silently do nothing.
            let _ = writeln!(out, "\npolicy warnings");
            for w in &self.0.policy_warnings {
                let _ = writeln!(out, "  {}", visible(w, None));
            }
        }
        if self.0.disagreements > 0 {
            let _ = writeln!(out, "\ndisagreements");
            let named =
                &self.0.listed_disagreements[..self.0.listed_disagreements.len().min(NAMED)];
            for d in named {
                let _ = writeln!(
                    out,
                    "  {}  recorded {}, recomputed {}",
                    visible(&d.archive, None),
                    visible(&d.recorded, None),
                    d.status
                );
            }
            if self.0.disagreements > named.len() {
                let more = self.0.disagreements - named.len();
                let _ = writeln!(out, "  ... and {more} more (archives.csv, agrees = false)");
            }
        }
        named(
            &mut out,
            "integrity failures",
            &self.0.listed_integrity,
            self.0.integrity_failures,
            "findings.csv, code MemberCorrupt or StoredChecksumMismatch",
        );
        named(
            &mut out,
            "errors",
            &self.0.listed_errors,
            self.0.errors,
            "archives.csv, error_code not empty",
        );
        out
    }
}

/// A section of `summary.txt` naming the first [`NAMED`] of `total`
/// archives, each with what is wrong, then where the rest are (`more`).
fn named(out: &mut String, title: &str, listed: &[Listed], total: usize, more: &str) {
    if total == 0 {
        return;
    }
    let _ = writeln!(out, "\n{title}");
    let shown = &listed[..listed.len().min(NAMED)];
    for l in shown {
        let _ = writeln!(
            out,
            "  {}: {}",
            visible(&l.archive, None),
            visible(&l.what, None)
        );
    }
    if total > shown.len() {
        let _ = writeln!(out, "  ... and {} more ({more})", total - shown.len());
    }
}

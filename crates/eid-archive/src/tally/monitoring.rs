//! Monitoring figures: what a supervisor asks of a run as a whole — how
//! often a result is inconclusive, who overrides the automatic verification,
//! how many expired documents were accepted, how the face similarity is
//! spread, which checks fail — for the run and for each month of the day
//! judged on. `run.json` (`monitoring`) and the HTML index show them, each
//! with its definition.
//!
//! The figures read only what `archives.csv` and `findings.csv` hold of an
//! archive (its status, month, similarity, failed checks and reviewer; its
//! finding codes), so a merge counts them again from the merged rows and
//! gets the figures one run over the whole store would give.

use super::Counts;
use crate::evidence::canonical_check;
use crate::verdict::FindingCode;
use serde::Serialize;
use serde::ser::SerializeMap;
use std::collections::BTreeMap;

/// Each figure's key in `run.json`, with its definition.
pub(crate) const DEFINITIONS: &[(&str, &str)] = &[
    (
        "archivesJudged",
        "archives audited (archives that could not be read are not judged, and not counted here)",
    ),
    (
        "inconclusiveRate",
        "archives whose final status (under the policy in force) is inconclusive, divided by the archives judged, to four decimals",
    ),
    (
        "agentOverridesByReviewer",
        "archives with an AgentOverride finding (the agent accepted what the automatic verification did not), by the reviewer's verifierId; (none) when the review names none",
    ),
    (
        "acceptedExpired",
        "archives whose final status is accepted although the document had expired on the day judged: a failed nonExpired check, or an UncheckedExpiry or ExpiredAtReview finding; each archive counts once",
    ),
    (
        "similarity",
        "archives by face-similarity level as archives.csv writes it (high, medium, low, veryLow, another word as written); (none) when none is written",
    ),
    (
        "failuresByCheck",
        "archives by security check that failed or could not be read, among the checks the policy counts (an archive counts once per check)",
    ),
    (
        "byMonth",
        "the same figures for each month of the day the automatic verification is judged on (verification_date); (unknown) when there is none",
    ),
];

/// A name for an empty key (no reviewer, no similarity, no month).
const NONE: &str = "(none)";
/// The month of an archive with no day to judge on.
pub(crate) const UNKNOWN_MONTH: &str = "(unknown)";

/// The figures of one period.
#[derive(Debug, Clone, Default)]
pub(crate) struct Figures {
    pub(crate) judged: usize,
    pub(crate) inconclusive: usize,
    pub(crate) overrides: Counts,
    pub(crate) accepted_expired: usize,
    pub(crate) similarity: Counts,
    pub(crate) failures: Counts,
}

impl Figures {
    /// Inconclusive over judged, to four decimals; none when nothing was judged.
    pub(crate) fn inconclusive_rate(&self) -> Option<f64> {
        (self.judged > 0)
            .then(|| (self.inconclusive as f64 / self.judged as f64 * 10_000.0).round() / 10_000.0)
    }

    /// All the agent overrides, whoever made them.
    pub(crate) fn overrides_total(&self) -> usize {
        self.overrides.counts.values().sum::<usize>() + self.overrides.others
    }
}

/// The figures of a run: the whole, and each month.
#[derive(Debug, Clone, Default)]
pub(crate) struct Monitoring {
    pub(crate) run: Figures,
    pub(crate) by_month: BTreeMap<String, Figures>,
    /// The last archive counted as accepted although expired, so that an
    /// archive with both a failed check and a finding counts once.
    last_expired: Option<usize>,
}

/// What the figures read of one judged archive: the cells of its
/// `archives.csv` row.
pub(crate) struct Judged<'a> {
    /// Its position in the inputs.
    pub(crate) index: usize,
    /// `verification_date` (`YYYY-MM-DD`, or empty).
    pub(crate) day: &'a str,
    /// `status`.
    pub(crate) status: &'a str,
    /// `similarity`.
    pub(crate) similarity: &'a str,
    /// `reviewer`.
    pub(crate) reviewer: &'a str,
}

impl Judged<'_> {
    fn month(&self) -> &str {
        self.day.get(..7).unwrap_or(UNKNOWN_MONTH)
    }
}

impl Monitoring {
    /// Counts an archive that was judged, with its failed checks
    /// (`checks_failed`).
    pub(crate) fn add_archive<S: AsRef<str>>(&mut self, a: &Judged<'_>, failed: &[S]) {
        let expired = a.status == "accepted"
            && failed
                .iter()
                .any(|c| canonical_check(c.as_ref()) == "nonExpired");
        for f in self.periods(a) {
            f.judged += 1;
            f.inconclusive += usize::from(a.status == "inconclusive");
            f.similarity.add(or_none(a.similarity));
            for check in failed {
                f.failures.add(check.as_ref());
            }
        }
        if expired {
            self.expired(a);
        }
    }

    /// True when a finding of this code counts in the figures: a merge reads
    /// an archive's cells for none of the others.
    pub(crate) fn reads(code: FindingCode) -> bool {
        matches!(
            code,
            FindingCode::AgentOverride
                | FindingCode::UncheckedExpiry
                | FindingCode::ExpiredAtReview
        )
    }

    /// Counts one of a judged archive's findings (after its row).
    pub(crate) fn add_finding(&mut self, a: &Judged<'_>, code: FindingCode) {
        match code {
            FindingCode::AgentOverride => {
                for f in self.periods(a) {
                    f.overrides.add(or_none(a.reviewer));
                }
            }
            FindingCode::UncheckedExpiry | FindingCode::ExpiredAtReview
                if a.status == "accepted" =>
            {
                self.expired(a);
            }
            _ => {}
        }
    }

    fn expired(&mut self, a: &Judged<'_>) {
        if self.last_expired == Some(a.index) {
            return;
        }
        self.last_expired = Some(a.index);
        for f in self.periods(a) {
            f.accepted_expired += 1;
        }
    }

    /// The run's figures and the archive's month's. Months are few (a
    /// century is 1,200); past [`super::DISTINCT`] of them, the rest
    /// are counted under `(others)`, as the other text counts are.
    fn periods(&mut self, a: &Judged<'_>) -> [&mut Figures; 2] {
        let month = a.month();
        let key = if self.by_month.contains_key(month) || self.by_month.len() < super::DISTINCT {
            month
        } else {
            "(others)"
        };
        let by_month = self.by_month.entry(key.to_owned()).or_default();
        [&mut self.run, by_month]
    }
}

fn or_none(s: &str) -> &str {
    if s.is_empty() { NONE } else { s }
}

impl Serialize for Monitoring {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        let definitions: BTreeMap<&str, &str> = DEFINITIONS.iter().copied().collect();
        m.serialize_entry("definitions", &definitions)?;
        m.serialize_entry("run", &self.run)?;
        m.serialize_entry("byMonth", &self.by_month)?;
        m.end()
    }
}

impl Serialize for Figures {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(6))?;
        m.serialize_entry("archivesJudged", &self.judged)?;
        m.serialize_entry("inconclusive", &self.inconclusive)?;
        m.serialize_entry("inconclusiveRate", &self.inconclusive_rate())?;
        m.serialize_entry("agentOverridesByReviewer", &with_others(&self.overrides))?;
        m.serialize_entry("acceptedExpired", &self.accepted_expired)?;
        m.serialize_entry("similarity", &with_others(&self.similarity))?;
        m.serialize_entry("failuresByCheck", &with_others(&self.failures))?;
        m.end()
    }
}

/// Counts by name, the ones past the cap under `(others)`.
pub(crate) fn with_others(c: &Counts) -> BTreeMap<&str, usize> {
    let mut out: BTreeMap<&str, usize> = c.counts.iter().map(|(k, n)| (k.as_str(), *n)).collect();
    if c.others > 0 {
        out.insert("(others)", c.others);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged<'a>(index: usize, day: &'a str, status: &'a str, reviewer: &'a str) -> Judged<'a> {
        Judged {
            index,
            day,
            status,
            similarity: "high",
            reviewer,
        }
    }

    #[test]
    fn figures_count_by_run_and_by_month() {
        let mut m = Monitoring::default();
        let a = judged(0, "2021-06-09", "accepted", "agent-1");
        m.add_archive(&a, &["nonExpired"]);
        m.add_finding(&a, FindingCode::AgentOverride);
        m.add_finding(&a, FindingCode::ExpiredAtReview);
        let b = judged(1, "2021-07-01", "inconclusive", "");
        m.add_archive(&b, &["nonExpired", "notBWCopy"]);
        m.add_finding(&b, FindingCode::UncheckedExpiry);
        let c = judged(2, "", "rejected", "");
        m.add_archive(&c, &[] as &[&str]);
        m.add_finding(&c, FindingCode::AgentOverride);

        assert_eq!(m.run.judged, 3);
        assert_eq!(m.run.inconclusive, 1);
        assert_eq!(m.run.inconclusive_rate(), Some(0.3333));
        assert_eq!(
            m.run.accepted_expired, 1,
            "once for archive 0, never for the inconclusive one"
        );
        assert_eq!(
            with_others(&m.run.overrides),
            [("(none)", 1), ("agent-1", 1)].into()
        );
        assert_eq!(
            with_others(&m.run.failures),
            [("nonExpired", 2), ("notBWCopy", 1)].into()
        );
        let months: Vec<&str> = m.by_month.keys().map(String::as_str).collect();
        assert_eq!(months, ["(unknown)", "2021-06", "2021-07"]);
        assert_eq!(m.by_month["2021-07"].inconclusive_rate(), Some(1.0));
        assert_eq!(m.by_month["2021-06"].accepted_expired, 1);
        assert_eq!(m.by_month["(unknown)"].overrides_total(), 1);
        assert_eq!(Figures::default().inconclusive_rate(), None);

        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["run"]["inconclusiveRate"], 0.3333);
        assert_eq!(
            json["byMonth"]["2021-06"]["agentOverridesByReviewer"]["agent-1"],
            1
        );
        assert_eq!(json["run"]["similarity"]["high"], 3);
        for (key, _) in DEFINITIONS {
            assert!(json["definitions"][key].is_string(), "{key}");
            if *key != "byMonth" {
                assert!(
                    !json["run"][key].is_null() || *key == "inconclusiveRate",
                    "{key}"
                );
            }
        }
    }

    #[test]
    fn every_code_and_figure_the_control_map_names_exists() {
        use crate::verdict::ReasonCode;
        let doc = include_str!("../../../../docs/controls.md");
        // Codes spelled elsewhere than in an enum with `parse`: the kinds of
        // duplicates and the reasons an archive yields no verified claims.
        let spelled = [
            include_str!("../population/index.rs"),
            include_str!("../ida.rs"),
        ];
        let mut seen = 0;
        for token in doc.split('`').skip(1).step_by(2) {
            let code = token.split('/').next().unwrap_or_default();
            let is_code = code.starts_with(|c: char| c.is_ascii_uppercase())
                && code.chars().all(|c| c.is_ascii_alphanumeric());
            if !is_code {
                continue;
            }
            seen += 1;
            let known = FindingCode::parse(code).is_some()
                || ReasonCode::parse(code).is_some()
                || spelled
                    .iter()
                    .any(|s| s.contains(&format!("=> \"{code}\"")));
            assert!(
                known,
                "docs/controls.md names {code}, which eid-audit never writes"
            );
        }
        assert!(seen > 40, "{seen}");
        for rest in doc.split("monitoring.").skip(1) {
            let key: String = rest
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            assert!(
                DEFINITIONS.iter().any(|(k, _)| *k == key),
                "docs/controls.md names monitoring.{key}"
            );
        }
    }
}

//! `duplicates.csv`: the groups of the index, one row per archive in a
//! group, and their counts. Duplicates are entries for review, never a
//! change of status (NIST SP 800-63A-4: a duplicate does not decline an
//! enrolment without a manual review).

use super::csv_out::CsvOut;
use super::details;
use super::index::{Group, Kind};
use crate::error::OutputError;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The columns of `duplicates.csv`.
pub(crate) const COLUMNS: [&str; 7] = [
    "group",
    "kind",
    "archive",
    "sha256",
    "process_id",
    "status",
    "verification_date",
];

/// The counts of the groups, for the summary, `run.json` and the index.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DuplicateCounts {
    /// Groups by kind (every kind, zeros included).
    pub(crate) groups: BTreeMap<&'static str, usize>,
    /// Archives in at least one group.
    pub(crate) archives_in_groups: usize,
    /// Archives that are byte-for-byte copies of an earlier one (each
    /// `SameArchive` group's archives but its first).
    pub(crate) copies: usize,
}

impl DuplicateCounts {
    /// All groups, whatever their kind.
    pub(crate) fn total(&self) -> usize {
        self.groups.values().sum()
    }
}

/// Writes `duplicates.csv` into `dir` from `groups` (numbered 1, 2, ... in
/// their order), completing each row from the report's `archives.csv`.
pub(crate) fn write(
    dir: &Path,
    excel: bool,
    groups: &[Group],
) -> Result<DuplicateCounts, OutputError> {
    let mut wanted: Vec<u32> = groups.iter().flat_map(|g| g.members.clone()).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let found = details::read(&dir.join("archives.csv"), &wanted)?;
    let mut counts = DuplicateCounts {
        groups: Kind::ALL.iter().map(|k| (k.as_str(), 0)).collect(),
        archives_in_groups: wanted.len(),
        copies: 0,
    };
    let mut out = CsvOut::create(&dir.join("duplicates.csv"), &COLUMNS, excel)?;
    let none = details::Detail::default();
    for (i, g) in groups.iter().enumerate() {
        *counts.groups.entry(g.kind.as_str()).or_default() += 1;
        if g.kind == Kind::SameArchive {
            counts.copies += g.members.len() - 1;
        }
        let id = (i + 1).to_string();
        for m in &g.members {
            let d = wanted
                .binary_search(m)
                .ok()
                .and_then(|at| found.get(at))
                .unwrap_or(&none);
            out.row(&[
                &id,
                g.kind.as_str(),
                &d.archive,
                &d.sha256,
                &d.process_id,
                &d.status,
                &d.verification_date,
            ])?;
        }
    }
    out.close()?;
    Ok(counts)
}

//! `run.json`: the run described by itself. Years later, "which tool, which
//! rules, which inputs, which outputs" is answered by this one file.

use crate::dates::Date;
use crate::images::ImageCount;
use crate::limits::Limits;
use crate::tally::Tally;
use serde::Serialize;
use std::time::SystemTime;

/// Everything `run.json` records. The caller fills in what it knows; the
/// writer adds the SHA-256 of every file the run wrote.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunRecord {
    /// The tool: name, version and, when built from a checkout, the commit.
    pub tool: Tool,
    /// The command line, as given.
    pub command_line: Vec<String>,
    /// When the run started, UTC.
    pub started: String,
    /// When it ended, UTC.
    pub ended: String,
    /// The host's cores and the threads used.
    pub host: Host,
    /// The policy: its name, digest, rules, and the text of its file.
    pub policy: PolicyRecord,
    /// The limits in force.
    pub limits: Limits,
    /// The personal-data mode.
    pub pii: String,
    /// What was written of the images (personal data whatever `pii` says).
    pub images: Images,
    /// The counts of the summary.
    pub summary: Tally,
    /// The monitoring figures, each with its definition (`docs/controls.md`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) monitoring: Option<crate::tally::monitoring::Monitoring>,
    /// The shard this run audited, when it is one of several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard: Option<crate::batch::ShardRecord>,
    /// Duplicates, the sample and the retention worklist: how they were
    /// made (`duplicates`, `sample`, `retention` at the top level).
    #[serde(flatten)]
    pub(crate) population: crate::population::Sections,
    /// Every file the run wrote, with its SHA-256 (run.json itself excepted).
    pub outputs: Vec<FileRecord>,
}

/// The tool that wrote the report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Tool {
    /// `eid-audit`.
    pub name: String,
    /// Its version.
    pub version: String,
    /// The git commit it was built from, when known.
    pub commit: Option<String>,
}

impl Tool {
    /// The tool of this name and version, built from `commit` when known.
    pub fn new(name: &str, version: &str, commit: Option<&str>) -> Tool {
        Tool {
            name: name.to_owned(),
            version: version.to_owned(),
            commit: commit.map(str::to_owned),
        }
    }

    /// The tool as a page names it: `eid-audit 0.1.0 (commit 4b9e…)`.
    pub(crate) fn describe(&self) -> String {
        match &self.commit {
            Some(c) => format!("{} {} (commit {c})", self.name, self.version),
            None => format!("{} {}", self.name, self.version),
        }
    }
}

/// The machine the run ran on.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Host {
    /// Cores available.
    pub cores: usize,
    /// Worker threads used.
    pub jobs: usize,
}

/// The policy in force.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PolicyRecord {
    /// Its name.
    pub name: String,
    /// Its digest ([`Policy::digest`](crate::Policy::digest)).
    pub digest: String,
    /// Its rules, every key (the defaults included).
    pub rules: serde_json::Value,
    /// The text of the policy file, when one was given.
    pub text: Option<String>,
    /// Names it uses that the tool has never seen.
    pub warnings: Vec<String>,
}

/// What was written of the images, from the writers' own accounting.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Images {
    /// Some image file was written (an exhibit, or an image beside a page).
    pub written: bool,
    /// Where: `folder` (`crops/`) or `zip` (`crops.zip`, holding `crops/`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub into: Option<String>,
    /// The annotation kind (`svg`, `png`, `none`).
    pub annotation: Option<String>,
    /// Features and sides left out on request.
    pub excluded: Vec<String>,
    /// A reminder that images are personal data.
    pub note: Option<String>,
    /// The image files written, by kind, as the writers counted them.
    pub files: ImageCount,
}

/// A file the run wrote.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FileRecord {
    /// Its path relative to the report folder, with `/`.
    pub path: String,
    /// Its SHA-256.
    pub sha256: String,
    /// Its size.
    pub bytes: u64,
}

/// A moment as `YYYY-MM-DDThh:mm:ssZ`.
pub fn utc_timestamp(t: SystemTime) -> String {
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let day = Date::from_epoch_millis(secs * 1000);
    let s = secs.rem_euclid(86_400);
    format!("{day}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn timestamps_are_utc_with_seconds() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_623_233_082);
        assert_eq!(utc_timestamp(t), "2021-06-09T10:04:42Z");
    }
}

//! A pack's `run.json` and `policy.toml`: the pack run described by itself,
//! in the style of a report's `run.json` (tool, command line, start, policy,
//! limits, personal-data mode, images), with the selection given and each
//! case packed: its archive's path and SHA-256, what selected it, and why a
//! file a case could hold is not there.

use super::{PackOptions, Selection};
use crate::limits::Limits;
use crate::report::{PolicyRecord, Tool, utc_timestamp};
use serde::Serialize;

/// Everything a pack's `run.json` records.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct PackRecord {
    /// `pack`: what kind of run this was.
    kind: &'static str,
    tool: Tool,
    command_line: Vec<String>,
    /// When the run started, UTC (`SOURCE_DATE_EPOCH` when set).
    started: String,
    policy: PackPolicy,
    limits: Limits,
    pii: String,
    images: PackImages,
    selection: SelectionRecord,
    /// Inputs looked at (the pack holds those selected).
    inputs: usize,
    /// One line per input that could not be read.
    pub(super) errors: Vec<String>,
    pub(super) cases: Vec<CaseRecord>,
}

/// The policy, as a report's `run.json` has it, and where its text is.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct PackPolicy {
    #[serde(flatten)]
    record: PolicyRecord,
    /// `policy.toml`.
    file: &'static str,
    /// `given` (the file's text, as read) or `default` (rendered by the tool).
    source: &'static str,
}

/// What leaves the archives as images, outside the archives themselves.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct PackImages {
    /// What the exhibits hold: by the one rule for images, whatever `--pii`
    /// says, less what `--crops-exclude` names.
    exhibits: &'static str,
    /// `--crops-exclude`, as given.
    excluded: Vec<String>,
    note: &'static str,
}

/// The values that selected the archives.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct SelectionRecord {
    process_ids: Vec<String>,
    sha256: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    from_sample: Option<SampleRecord>,
}

/// Where a sample's file, and its report's `run.json`, are in a pack.
pub(super) const SAMPLE: &str = "selection/sample.csv";
pub(super) const REPORT_RUN: &str = "selection/report-run.json";

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct SampleRecord {
    /// As given.
    file: String,
    rows: usize,
    /// The file, verbatim, in the pack.
    member: &'static str,
    /// The `run.json` of the report that drew it, verbatim, when it was beside it.
    #[serde(skip_serializing_if = "Option::is_none")]
    report_run: Option<&'static str>,
}

/// One case packed.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CaseRecord {
    /// Its folder in the pack.
    pub(super) folder: String,
    pub(super) archive: ArchiveRecord,
    /// What selected it: `processId`, `sha256`, `sample`.
    pub(super) selected_by: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) process_id: Option<String>,
    /// The recomputed status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) status: Option<String>,
    /// Whether it agrees with the recorded one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) agrees: Option<bool>,
    /// The process record kept outside the archive that the audit read,
    /// packed verbatim beside it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) process_record: Option<ArchiveRecord>,
    /// Why the archive could not be read (it is packed all the same).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) error: Option<String>,
    /// The case's files besides its archive.
    pub(super) files: Vec<String>,
    /// `verified-claims.json`, or why there is none.
    pub(super) verified_claims: Written,
    /// The exhibits' findings (images that could not be read or cut).
    pub(super) exhibit_findings: Vec<String>,
}

/// An archive (or a process record beside it) packed verbatim.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ArchiveRecord {
    /// Its path, as given or found.
    pub(super) path: String,
    /// Its member in the pack.
    pub(super) member: String,
    pub(super) sha256: String,
    pub(super) bytes: u64,
    /// Other paths holding the same bytes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) also_at: Vec<String>,
}

/// A file a case may hold: written, or why not.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Written {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) why_not: Option<String>,
}

impl PackRecord {
    /// The record of a pack run, before its cases.
    pub(super) fn new(o: &PackOptions, selection: &Selection, inputs: usize) -> PackRecord {
        let policy = &o.audit.policy;
        PackRecord {
            kind: "pack",
            tool: o.tool.clone(),
            command_line: o.command_line.clone(),
            started: utc_timestamp(o.started),
            policy: PackPolicy {
                record: PolicyRecord {
                    name: policy.name.clone(),
                    digest: policy.digest(),
                    rules: policy.to_json(),
                    text: Some(policy_text(o)),
                    warnings: policy.warnings(),
                },
                file: "policy.toml",
                source: if o.policy_text.is_some() {
                    "given"
                } else {
                    "default"
                },
            },
            limits: o.audit.read.limits,
            pii: o.pii.name().into(),
            images: PackImages {
                exhibits: "sides as stored, feature crops and annotations, as report --crops writes them, less what --crops-exclude names",
                excluded: o.crops.images.excluded().to_vec(),
                note: "the archives are packed verbatim: their images are in them whatever --pii says",
            },
            selection: SelectionRecord {
                process_ids: selection.process_ids.clone(),
                sha256: selection.sha256.clone(),
                from_sample: selection.sample.as_ref().map(|s| SampleRecord {
                    file: s.file.display().to_string(),
                    rows: s.rows.len(),
                    member: SAMPLE,
                    report_run: s.report_run.as_ref().map(|_| REPORT_RUN),
                }),
            },
            inputs,
            errors: Vec::new(),
            cases: Vec::new(),
        }
    }

    /// `policy.toml` and `run.json`, as written into the pack.
    pub(super) fn finish(&self, o: &PackOptions) -> (String, String) {
        let mut json = serde_json::to_string_pretty(self).unwrap_or_default();
        json.push('\n');
        (policy_text(o), json)
    }
}

/// The policy's text: the file as given, else the policy in force rendered
/// as TOML (which reads back as the same rules, the same digest).
pub(super) fn policy_text(o: &PackOptions) -> String {
    match &o.policy_text {
        Some(text) => text.clone(),
        None => format!(
            "# No --policy was given: the rules in force, rendered by {} {}.\n{}",
            o.tool.name,
            o.tool.version,
            toml::to_string(&o.audit.policy).unwrap_or_default()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rendered_default_policy_reads_back_as_the_same_rules() {
        let text = policy_text(&PackOptions::default());
        let back = crate::Policy::from_toml(&text).unwrap();
        assert_eq!(back, crate::Policy::default());
        assert_eq!(back.digest(), crate::Policy::default().digest());
    }
}

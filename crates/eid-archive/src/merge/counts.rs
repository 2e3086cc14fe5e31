//! The merged run's [`Tally`]. The counts add: each shard's `run.json`
//! `summary` is read back and summed. What a summary does not hold — the
//! disagreements and errors to name, the text counts the HTML charts draw
//! (recorded words, reasons, similarity, months, finding codes) — is
//! counted again from the merged rows, in the merged order, so the capped
//! lists and capped counts come out as one run over the whole store would
//! make them.

use super::records::{cell, unexcel};
use super::streams::Pick;
use crate::codes::{SEPARATOR, split_values};
use crate::images::ImageCount;
use crate::tally::monitoring::{Judged, Monitoring, UNKNOWN_MONTH};
use crate::tally::{ClaimsCount, LISTED, Listed, Tally};
use crate::verdict::{FindingCode, Severity, Status};
use serde_json::Value;
use std::collections::BTreeMap;

/// A shard's summary counts read back from its `run.json`, or what in it
/// cannot be read.
pub(super) fn read_summary(run: &Value) -> Result<Tally, String> {
    let s = &run["summary"];
    let n = |k: &str| {
        s[k].as_u64()
            .and_then(|v| usize::try_from(v).ok())
            .ok_or_else(|| format!("run.json: summary.{k} is not a count"))
    };
    let map = |k: &str| -> Result<Vec<(String, usize)>, String> {
        let mut out = Vec::new();
        for (name, v) in s[k].as_object().into_iter().flatten() {
            let v = v
                .as_u64()
                .and_then(|v| usize::try_from(v).ok())
                .ok_or_else(|| format!("run.json: summary.{k}.{name} is not a count"))?;
            out.push((name.clone(), v));
        }
        Ok(out)
    };
    let status = |name: &str| {
        Status::parse(name).ok_or_else(|| format!("run.json: unknown status {name:?}"))
    };
    let mut t = Tally {
        archives: n("archives")?,
        bytes: s["bytes"]
            .as_u64()
            .ok_or("run.json: summary.bytes is not a count")?,
        disagreements: n("disagreements")?,
        unrecorded: n("unrecorded")?,
        unreadable_status: n("unreadableStatus")?,
        errors: n("errors")?,
        // Written only when there are some (object storage failing).
        storage_failures: s
            .get("storageFailures")
            .and_then(serde_json::Value::as_u64)
            .map_or(0, |v| v as usize),
        integrity_failures: n("integrityFailures")?,
        agent_overrides: n("agentOverrides")?,
        error_finding_archives: n("errorFindingArchives")?,
        ..Tally::default()
    };
    for (name, v) in map("byStatus")? {
        t.by_status.insert(status(&name)?, v);
    }
    for (name, v) in map("findings")? {
        let sev =
            Severity::parse(&name).ok_or_else(|| format!("run.json: unknown severity {name:?}"))?;
        t.findings.insert(sev, v);
    }
    for (name, v) in map("policyChanges")? {
        let (a, b) = name
            .split_once(" → ")
            .ok_or_else(|| format!("run.json: unknown policy change {name:?}"))?;
        t.policy_changes.insert((status(a)?, status(b)?), v);
    }
    if let Some(c) = s.get("verifiedClaims") {
        let mut claims = ClaimsCount {
            written: c["written"].as_u64().unwrap_or(0) as usize,
            ..ClaimsCount::default()
        };
        for (code, v) in c["notQualified"].as_object().into_iter().flatten() {
            claims
                .not_qualified
                .insert(code.clone(), v.as_u64().unwrap_or(0) as usize);
        }
        t.verified_claims = Some(claims);
    }
    let f = &run["images"]["files"];
    let k = |key: &str| f[key].as_u64().unwrap_or(0) as usize;
    t.images = ImageCount {
        originals: k("originals"),
        crops: k("crops"),
        annotations: k("annotations"),
        page_images: k("pageImages"),
    };
    Ok(t)
}

/// Adds a shard's counts into the merged ones.
pub(super) fn add(into: &mut Tally, t: &Tally) {
    into.archives += t.archives;
    into.bytes += t.bytes;
    into.disagreements += t.disagreements;
    into.unrecorded += t.unrecorded;
    into.unreadable_status += t.unreadable_status;
    into.errors += t.errors;
    into.storage_failures += t.storage_failures;
    into.integrity_failures += t.integrity_failures;
    into.agent_overrides += t.agent_overrides;
    into.error_finding_archives += t.error_finding_archives;
    sum(&mut into.by_status, &t.by_status);
    sum(&mut into.findings, &t.findings);
    sum(&mut into.policy_changes, &t.policy_changes);
    if let Some(c) = &t.verified_claims {
        let mine = into
            .verified_claims
            .get_or_insert_with(ClaimsCount::default);
        mine.written += c.written;
        sum(&mut mine.not_qualified, &c.not_qualified);
    }
    into.images.add(t.images);
}

fn sum<K: Ord + Clone>(into: &mut BTreeMap<K, usize>, from: &BTreeMap<K, usize>) {
    for (k, n) in from {
        *into.entry(k.clone()).or_default() += n;
    }
}

/// The columns of `archives.csv` the counts read, by position.
#[derive(Debug, Clone)]
pub(super) struct Columns {
    archive: usize,
    process_id: usize,
    recorded: usize,
    default_status: usize,
    agrees: usize,
    reasons: usize,
    status: usize,
    checks_failed: usize,
    reviewer: usize,
    similarity: usize,
    verification_date: usize,
    error_code: usize,
    error: usize,
    excel: bool,
}

impl Columns {
    /// The positions in `header`, or the first column missing.
    pub(super) fn of(header: &[String], excel: bool) -> Result<Columns, String> {
        let at = |name: &str| {
            header
                .iter()
                .position(|h| h.trim_start_matches('\u{feff}') == name)
                .ok_or_else(|| format!("archives.csv has no column {name}"))
        };
        Ok(Columns {
            archive: at("archive")?,
            process_id: at("process_id")?,
            recorded: at("recorded_status")?,
            default_status: at("default_status")?,
            agrees: at("agrees")?,
            reasons: at("reasons")?,
            status: at("status")?,
            checks_failed: at("checks_failed")?,
            reviewer: at("reviewer")?,
            similarity: at("similarity")?,
            verification_date: at("verification_date")?,
            error_code: at("error_code")?,
            error: at("error")?,
            excel,
        })
    }

    /// A cell of a raw record, as the report had it before `--excel`.
    pub(super) fn get(&self, record: &[u8], column: usize) -> String {
        let v = cell(record, column);
        if self.excel { unexcel(v) } else { v }
    }

    /// The archive a raw record is of.
    pub(super) fn archive(&self, record: &[u8]) -> String {
        self.get(record, self.archive)
    }

    /// The error of a raw record (empty for an archive that was audited).
    pub(super) fn error(&self, record: &[u8]) -> String {
        self.get(record, self.error)
    }

    /// True when the record is an error row.
    pub(super) fn is_error(&self, record: &[u8]) -> bool {
        !cell(record, self.error_code).is_empty()
    }

    /// `agrees`, as written.
    pub(super) fn agrees(&self, record: &[u8]) -> String {
        cell(record, self.agrees)
    }

    /// The process id.
    pub(super) fn process_id(&self, record: &[u8]) -> String {
        self.get(record, self.process_id)
    }
}

/// Counts one merged `archives.csv` row at position `index`, as a run's
/// tally counts its event: named when it disagrees or is an error (the
/// first [`LISTED`] of each), and its words counted for the charts.
pub(super) fn count_row(t: &mut Tally, c: &Columns, record: &[u8], index: usize) {
    let archive = c.archive(record);
    if c.is_error(record) {
        if t.listed_errors.len() < LISTED {
            t.listed_errors.push(Listed {
                index,
                archive,
                process_id: String::new(),
                recorded: String::new(),
                status: String::new(),
                what: c.error(record),
            });
        }
        return;
    }
    let recorded = c.get(record, c.recorded);
    if c.agrees(record) == "false" && t.listed_disagreements.len() < LISTED {
        t.listed_disagreements.push(Listed {
            index,
            archive,
            process_id: c.process_id(record),
            recorded: recorded.clone(),
            status: c.get(record, c.default_status),
            what: c.get(record, c.reasons),
        });
    }
    t.recorded.add(if recorded.is_empty() {
        "(nothing recorded)"
    } else {
        &recorded
    });
    let reasons = c.get(record, c.reasons);
    if !reasons.is_empty() {
        for r in reasons.split(SEPARATOR) {
            t.reasons.add(&r.replace("%3B", ";").replace("%25", "%"));
        }
    }
    let similarity = c.get(record, c.similarity);
    t.similarity.add(if similarity.is_empty() {
        "(none)"
    } else {
        &similarity
    });
    let day = c.get(record, c.verification_date);
    t.months.add(day.get(..7).unwrap_or(UNKNOWN_MONTH));
    let failed: Vec<String> = split_values(&c.get(record, c.checks_failed)).collect();
    let (status, reviewer) = (c.get(record, c.status), c.get(record, c.reviewer));
    t.monitoring.add_archive(
        &Judged {
            index,
            day: &day,
            status: &status,
            similarity: &similarity,
            reviewer: &reviewer,
        },
        &failed,
    );
}

/// Names the archive of `pick` in the lists a finding puts it in, from its
/// `findings.csv` rows (severity, code, subject, message), as a run names
/// it: among the integrity failures and the archives with an error finding
/// by the first such finding, among the agent overrides by the message of
/// its `AgentOverride` finding. An archive is named once in each list.
pub(super) fn count_finding(t: &mut Tally, pick: &Pick<'_>, cells: [&str; 4]) {
    let [severity, code, subject, message] = cells;
    let Some(code) = FindingCode::parse(code) else {
        return;
    };
    let c = pick.columns;
    if Monitoring::reads(code) {
        let cell = |column: usize| c.get(pick.record, column);
        let (day, status) = (cell(c.verification_date), cell(c.status));
        let (similarity, reviewer) = (cell(c.similarity), cell(c.reviewer));
        t.monitoring.add_finding(
            &Judged {
                index: pick.global,
                day: &day,
                status: &status,
                similarity: &similarity,
                reviewer: &reviewer,
            },
            code,
        );
    }
    let listed = |what: String| Listed {
        index: pick.global,
        archive: pick.archive.to_owned(),
        process_id: c.process_id(pick.record),
        recorded: c.get(pick.record, c.recorded),
        status: c.get(pick.record, c.default_status),
        what,
    };
    let line = || crate::tally::finding_line(code.as_str(), subject, message);
    let lists = [
        (
            crate::event::is_integrity(code),
            &mut t.listed_integrity,
            true,
        ),
        (
            code == FindingCode::AgentOverride,
            &mut t.listed_overrides,
            false,
        ),
        (severity == "error", &mut t.listed_error_findings, true),
    ];
    for (is, list, as_line) in lists {
        let named = list.last().map(|l| l.index) == Some(pick.global);
        if is && !named && list.len() < LISTED {
            list.push(listed(if as_line { line() } else { message.to_owned() }));
        }
    }
}

/// Counts a finding's code (a `findings.csv` row's `code`).
pub(super) fn count_code(t: &mut Tally, code: &str) {
    if let Some(code) = FindingCode::parse(code) {
        *t.codes.entry(code.as_str()).or_default() += 1;
    }
}

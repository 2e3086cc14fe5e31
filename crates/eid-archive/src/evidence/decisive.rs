//! What decides: two copies of one record (a member and its copy embedded in
//! the process record, or the process record inside the zip and beside it)
//! are compared on what a rule reads, never byte for byte. Copies that differ
//! only elsewhere (an address, extra document fields, the same instant with
//! or without milliseconds) are one record; the archive says so, and is read.

use super::{DocumentFields, FinalResult, ProcessRecord};
use crate::dates::Date;

/// Document fields a rule reads: the dates the checks are judged against,
/// and the fields compared across sources (`FieldMismatch`).
const DECISIVE_FIELDS: &[&str] = &[
    "dateOfBirth",
    "dateOfExpiry",
    "documentNumber",
    "firstName",
    "lastName",
    "nationality",
    "issuingCountry",
    "gender",
];

/// A timestamp as an instant (UTC, to the second), else as the day it names,
/// else as written: `10:05:41Z` and `10:05:41.000Z` are one instant.
pub(crate) fn instant(text: &str) -> String {
    Date::utc_timestamp(text)
        .or_else(|| Date::parse(text).map(|d| d.to_string()))
        .unwrap_or_else(|| text.trim().to_owned())
}

/// The decisive fields of a document, as compared: dates as days (six
/// digits as written), other text trimmed and case-folded.
fn decisive(document: &DocumentFields) -> Vec<(&'static str, String)> {
    DECISIVE_FIELDS
        .iter()
        .filter_map(|f| {
            let v = document.get(*f)?;
            let v = match Date::parse(v) {
                Some(d) if f.starts_with("dateOf") => d.to_string(),
                _ => v.trim().to_lowercase(),
            };
            Some((*f, v))
        })
        .collect()
}

/// True when two documents agree in every field a rule reads.
pub(crate) fn same_document(a: &DocumentFields, b: &DocumentFields) -> bool {
    decisive(a) == decisive(b)
}

fn same_final_result(a: &FinalResult, b: &FinalResult) -> bool {
    let level = |f: &FinalResult| {
        f.similarity
            .as_deref()
            .map(|s| super::SimilarityScore::from(s).key())
    };
    same_document(&a.document, &b.document)
        && level(a) == level(b)
        && a.liveness_detected == b.liveness_detected
}

impl ProcessRecord {
    /// True when `other` is the same record in everything a rule reads: the
    /// status, the process type, the provider, the fail reason, the
    /// depictions, `finalResult`, and `createdAt` and `updatedAt` as instants.
    pub(crate) fn same_decision(&self, other: &ProcessRecord) -> bool {
        let lower = |s: &Option<String>| s.as_deref().map(|s| s.trim().to_ascii_lowercase());
        let time = |s: &Option<String>| s.as_deref().map(instant);
        let depictions = |p: &ProcessRecord| {
            let mut d: Vec<String> = p
                .depictions
                .iter()
                .map(|d| d.trim().to_lowercase())
                .collect();
            d.sort();
            d
        };
        let final_result = match (&self.final_result, &other.final_result) {
            (Some(a), Some(b)) => same_final_result(a, b),
            (a, b) => a.is_none() && b.is_none(),
        };
        self.process_id == other.process_id
            && lower(&self.status) == lower(&other.status)
            && lower(&self.process_type) == lower(&other.process_type)
            && lower(&self.provider) == lower(&other.provider)
            && self.fail_reason == other.fail_reason
            && depictions(self) == depictions(other)
            && time(&self.created_at) == time(&other.created_at)
            && time(&self.updated_at) == time(&other.updated_at)
            && final_result
    }
}

/// Where two JSON objects differ, as paths (keys only: values may be
/// personal data), at most `limit` of them. Nothing is copied.
pub(crate) fn differing_paths(
    a: &serde_json::Map<String, serde_json::Value>,
    b: &serde_json::Map<String, serde_json::Value>,
    limit: usize,
) -> Vec<String> {
    use serde_json::{Map, Value};
    fn maps(x: &Map<String, Value>, y: &Map<String, Value>, path: &str, out: &mut Vec<String>) {
        let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            let p = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            match (x.get(k), y.get(k)) {
                (Some(Value::Object(u)), Some(Value::Object(v))) => maps(u, v, &p, out),
                (Some(u), Some(v)) if u == v => {}
                _ => out.push(p),
            }
        }
    }
    let mut out = Vec::new();
    maps(a, b, "", &mut out);
    if out.len() > limit {
        let more = out.len() - limit;
        out.truncate(limit);
        out.push(format!("and {more} more"));
    }
    out
}

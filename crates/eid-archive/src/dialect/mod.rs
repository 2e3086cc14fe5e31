//! JSON → evidence. Data files are classified by content, never by name
//! (the provider's file names are not public), then read by the reader of
//! their dialect. Every key a reader does not take is reported as drift.

pub(crate) mod assure;
mod common;
mod json;
pub(crate) mod manual;
pub(crate) mod native;

pub(crate) use crate::base64::{continues_after_padding, decode_base64, decoded_len};
pub(crate) use json::parse_json;

use crate::codes::string_enum;
use crate::evidence::{Drift, DriftKind};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

string_enum! {
    /// What a JSON data member is, judged by its keys.
    #[non_exhaustive]
    pub enum JsonKind {
        /// OCR evidence in the Assure dialect.
        OcrAssure => "ocrAssure",
        /// OCR evidence in the provider's native dialect.
        OcrNative => "ocrNative",
        /// An agent's manual approval.
        ManualApproval => "manualApproval",
        /// An Assure process record.
        ProcessRecord => "processRecord",
        /// An error response of the provider (`{"error": ..., "message": ...}`).
        ProviderError => "providerError",
        /// JSON that fits none of the above.
        Unknown => "unknown",
    }
}

const OCR_KEYS: &[&str] = &[
    "securityChecks",
    "features",
    "similarityScore",
    "biometrics",
    "document",
];
const MANUAL_KEYS: &[&str] = &[
    "verifierId",
    "verificationId",
    "rAuthorityId",
    "rauthorityId",
    "rejectionReasons",
    "acceptance",
];
/// Keys that, beside `processId`, make an object a process record (its
/// `status` may be missing: the record is kept all the same).
const PROCESS_KEYS: &[&str] = &[
    "status",
    "processType",
    "provider",
    "providerSpecific",
    "createdAt",
    "updatedAt",
    "failReason",
    "finalResult",
    "depictions",
];

/// Classifies a parsed JSON document by its keys.
pub(crate) fn classify(value: &Value) -> JsonKind {
    let Some(map) = value.as_object() else {
        return JsonKind::Unknown;
    };
    let has_any = |keys: &[&str]| keys.iter().any(|k| map.contains_key(*k));
    if map.contains_key("processId") && has_any(PROCESS_KEYS) {
        JsonKind::ProcessRecord
    } else if has_any(OCR_KEYS) {
        if is_native(map) {
            JsonKind::OcrNative
        } else {
            JsonKind::OcrAssure
        }
    } else if has_any(MANUAL_KEYS) {
        JsonKind::ManualApproval
    } else if map.contains_key("error") && map.len() <= 6 {
        JsonKind::ProviderError
    } else {
        JsonKind::Unknown
    }
}

/// The dialect of an OCR object, from its whole shape: each key that only one
/// dialect writes counts for it, and the native reading needs more of its own
/// marks than the Assure one. One native-style check (`passed`) among Assure
/// fields does not switch the dialect: both readers read `valid` and `passed`.
pub(crate) fn is_native(map: &Map<String, Value>) -> bool {
    const NATIVE_ONLY: &[&str] = &[
        "id",
        "tenantId",
        "process",
        "request",
        "completion",
        "biometrics",
        "other",
    ];
    const ASSURE_ONLY: &[&str] = &["similarityScore", "livenessDetected", "statusReasons"];
    let mut native = NATIVE_ONLY.iter().filter(|k| map.contains_key(**k)).count();
    let mut assure = ASSURE_ONLY.iter().filter(|k| map.contains_key(**k)).count();
    // Flat document fields are Assure; a nested document object is native.
    assure += crate::evidence::DOCUMENT_FIELDS
        .iter()
        .filter(|k| map.contains_key(**k))
        .count();
    match map.get("document") {
        Some(Value::Object(_)) => native += 2,
        Some(_) => assure += 1,
        None => {}
    }
    match map.get("features") {
        Some(Value::Object(_)) => native += 1,
        Some(Value::Array(_)) => assure += 1,
        _ => {}
    }
    if let Some(Value::Object(checks)) = map.get("securityChecks") {
        let passed = checks
            .values()
            .filter(|c| c.get("passed").is_some())
            .count();
        let valid = checks.values().filter(|c| c.get("valid").is_some()).count();
        if passed > valid {
            native += 1;
        } else if valid > passed {
            assure += 1;
        }
    }
    native > assure
}

/// Reads OCR evidence in the dialect its shape says; native results may hand
/// back embedded images.
pub(crate) fn read_ocr(
    o: &mut Obj<'_>,
    source: crate::evidence::Source,
    cx: &mut Cx<'_>,
) -> (crate::evidence::Ocr, Vec<native::EmbeddedImage>) {
    if is_native(o.map) {
        native::read_ocr(o, source, cx)
    } else {
        (assure::read_ocr(o, source, cx), Vec::new())
    }
}

/// At most this many drift records of one kind are kept per member; the
/// rest are counted, so that a small member cannot make millions of findings.
const MAX_DRIFT_PER_KIND: u64 = 100;

/// Collects drift for one member while its readers walk it. When it goes out
/// of scope, each kind that was cut short gets one record with the exact count.
pub(crate) struct Cx<'d> {
    member: String,
    drift: &'d mut Vec<Drift>,
    seen: BTreeMap<DriftKind, u64>,
}

impl<'d> Cx<'d> {
    /// Drift of `member`, into `drift`.
    pub(crate) fn new(member: impl Into<String>, drift: &'d mut Vec<Drift>) -> Self {
        Cx {
            member: member.into(),
            drift,
            seen: BTreeMap::new(),
        }
    }
}

impl Drop for Cx<'_> {
    fn drop(&mut self) {
        for (kind, n) in &self.seen {
            if *n > MAX_DRIFT_PER_KIND {
                self.drift.push(Drift {
                    subject: self.member.clone(),
                    kind: *kind,
                    message: format!(
                        "and {} more like the above in this member ({n} in all), not listed one by one",
                        n - MAX_DRIFT_PER_KIND
                    ),
                });
            }
        }
    }
}

impl Cx<'_> {
    pub(crate) fn note(&mut self, kind: DriftKind, path: &str, message: impl Into<String>) {
        let seen = self.seen.entry(kind).or_default();
        *seen += 1;
        if *seen > MAX_DRIFT_PER_KIND {
            return;
        }
        self.drift.push(Drift {
            subject: format!("{}: {}", self.member, path),
            kind,
            message: message.into(),
        });
    }

    /// A record that sums up entries not read one by one: always kept and
    /// never counted against the cap, so the count it carries is never hidden.
    pub(crate) fn note_summary(&mut self, kind: DriftKind, path: &str, message: String) {
        self.drift.push(Drift {
            subject: format!("{}: {}", self.member, path),
            kind,
            message,
        });
    }

    pub(crate) fn malformed(&mut self, path: &str, expected: &str, found: &Value) {
        self.note(
            DriftKind::Malformed,
            path,
            format!("expected {expected}, found {}; not used", type_name(found)),
        );
    }
}

pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// A JSON object being read: remembers which keys were taken so that the
/// rest can be reported as unknown.
pub(crate) struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: String,
    taken: BTreeSet<&'a str>,
}

impl<'a> Obj<'a> {
    pub(crate) fn new(map: &'a Map<String, Value>, path: impl Into<String>) -> Self {
        Obj {
            map,
            path: path.into(),
            taken: BTreeSet::new(),
        }
    }

    /// Wraps `value` if it is an object; otherwise notes it as malformed.
    pub(crate) fn of(value: &'a Value, path: String, cx: &mut Cx<'_>) -> Option<Self> {
        match value {
            Value::Object(map) => Some(Obj::new(map, path)),
            Value::Null => None,
            other => {
                cx.malformed(&path, "an object", other);
                None
            }
        }
    }

    pub(crate) fn path(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// The object as written.
    pub(crate) fn map(&self) -> &'a Map<String, Value> {
        self.map
    }

    /// True when `key` is present (even as `null`).
    pub(crate) fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    /// The value at `key`, marking it as understood. `null` counts as absent.
    pub(crate) fn take(&mut self, key: &str) -> Option<&'a Value> {
        let (k, v) = self.map.get_key_value(key)?;
        self.taken.insert(k.as_str());
        (!v.is_null()).then_some(v)
    }

    /// The value at `key` even when it is `null`, marking it as understood.
    pub(crate) fn take_raw(&mut self, key: &str) -> Option<&'a Value> {
        let (k, v) = self.map.get_key_value(key)?;
        self.taken.insert(k.as_str());
        Some(v)
    }

    /// A string at `key` with something in it: an empty or blank string counts
    /// as absent (the native dialect writes `""` for what it does not know).
    pub(crate) fn text(&mut self, key: &str, cx: &mut Cx<'_>) -> Option<String> {
        self.string(key, cx).filter(|s| !s.trim().is_empty())
    }

    /// A string at `key`; another type is noted as malformed and not used.
    pub(crate) fn string(&mut self, key: &str, cx: &mut Cx<'_>) -> Option<String> {
        match self.take(key)? {
            Value::String(s) => Some(s.clone()),
            other => {
                cx.malformed(&self.path(key), "a string", other);
                None
            }
        }
    }

    /// A boolean at `key`; another type is noted as malformed and not used.
    pub(crate) fn boolean(&mut self, key: &str, cx: &mut Cx<'_>) -> Option<bool> {
        match self.take(key)? {
            Value::Bool(b) => Some(*b),
            other => {
                cx.malformed(&self.path(key), "true or false", other);
                None
            }
        }
    }

    /// A nested object at `key`.
    pub(crate) fn object(&mut self, key: &str, cx: &mut Cx<'_>) -> Option<Obj<'a>> {
        let path = self.path(key);
        Obj::of(self.take(key)?, path, cx)
    }

    /// Keys not taken yet, in order.
    pub(crate) fn rest(&self) -> impl Iterator<Item = (&'a String, &'a Value)> + '_ {
        self.map
            .iter()
            .filter(|(k, _)| !self.taken.contains(k.as_str()))
    }

    /// Reports every key not taken as unknown.
    pub(crate) fn finish(self, cx: &mut Cx<'_>) {
        for (k, v) in self.rest() {
            cx.note(
                DriftKind::Unknown,
                &join(&self.path, k),
                format!("unknown key ({}) kept out of the decision", type_name(v)),
            );
        }
    }
}

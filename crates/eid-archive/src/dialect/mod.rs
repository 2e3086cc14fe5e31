//! JSON → evidence. Data files are classified by content, never by name
//! (the provider's file names are not public), then read by the reader of
//! their dialect. Every key a reader does not take is reported as drift.

pub(crate) mod assure;
mod base64;
mod json;
pub(crate) mod native;

pub(crate) use base64::{decode_base64, decoded_len};
pub(crate) use json::parse_json;

use crate::codes::string_enum;
use crate::evidence::{BBox, Drift, DriftKind};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

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
];

/// Classifies a parsed JSON document by its keys.
pub(crate) fn classify(value: &Value) -> JsonKind {
    let Some(map) = value.as_object() else {
        return JsonKind::Unknown;
    };
    if map.contains_key("processId") && map.contains_key("status") {
        JsonKind::ProcessRecord
    } else if OCR_KEYS.iter().any(|k| map.contains_key(*k)) {
        if is_native(map) {
            JsonKind::OcrNative
        } else {
            JsonKind::OcrAssure
        }
    } else if MANUAL_KEYS.iter().any(|k| map.contains_key(*k)) {
        JsonKind::ManualApproval
    } else {
        JsonKind::Unknown
    }
}

/// The native entity keys its features by name, nests the document and the
/// face, and says `passed` where Assure says `valid`.
fn is_native(map: &Map<String, Value>) -> bool {
    map.get("features").is_some_and(Value::is_object)
        || map.get("document").is_some_and(Value::is_object)
        || map.contains_key("biometrics")
        || map
            .get("securityChecks")
            .and_then(Value::as_object)
            .is_some_and(|checks| {
                checks
                    .values()
                    .any(|c| c.get("passed").is_some() && c.get("valid").is_none())
            })
}

/// Collects drift for one member while its readers walk it.
pub(crate) struct Cx<'d> {
    pub(crate) member: String,
    pub(crate) drift: &'d mut Vec<Drift>,
}

impl Cx<'_> {
    pub(crate) fn note(&mut self, kind: DriftKind, path: &str, message: impl Into<String>) {
        self.drift.push(Drift {
            subject: format!("{}: {}", self.member, path),
            kind,
            message: message.into(),
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

/// Reads a liveness flag that comes as `"true"`, `true` or `{"valid": true}`.
pub(crate) fn liveness_flag(v: &Value, path: &str, cx: &mut Cx<'_>) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Some(false),
        Value::Object(m) if m.get("valid").is_some_and(Value::is_boolean) => {
            m.get("valid").and_then(Value::as_bool)
        }
        other => {
            cx.malformed(path, "\"true\" or \"false\"", other);
            None
        }
    }
}

/// Reads a box. Every coordinate must be an integer that fits in 32 bits, as
/// the schema says; otherwise the box is not used.
pub(crate) fn bbox(v: &Value, path: &str, cx: &mut Cx<'_>) -> Option<BBox> {
    let mut o = Obj::of(v, path.to_owned(), cx)?;
    let coord = |key: &str, o: &mut Obj<'_>, cx: &mut Cx<'_>| -> Option<i64> {
        let p = o.path(key);
        match o.take(key) {
            None => {
                cx.note(
                    DriftKind::Malformed,
                    &p,
                    "box coordinate missing; box not used",
                );
                None
            }
            Some(Value::Number(n)) => match n.as_i64().filter(|n| i32::try_from(*n).is_ok()) {
                Some(n) => Some(n),
                None => {
                    cx.note(
                        DriftKind::Malformed,
                        &p,
                        format!("box coordinate {n} is not a 32-bit integer; box not used"),
                    );
                    None
                }
            },
            Some(other) => {
                cx.malformed(&p, "an integer", other);
                None
            }
        }
    };
    let x = coord("x", &mut o, cx);
    let y = coord("y", &mut o, cx);
    let width = coord("width", &mut o, cx);
    let height = coord("height", &mut o, cx);
    o.finish(cx);
    Some(BBox {
        x: x?,
        y: y?,
        width: width?,
        height: height?,
    })
}

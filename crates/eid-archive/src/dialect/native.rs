//! The provider's native result entity, as inferred from public SDK code:
//! every part is optional, and what is not understood is reported as drift.

use super::assure::{read_check, read_feature};
use super::{Cx, Obj, liveness_flag};
use crate::dates::Date;
use crate::evidence::{Depiction, Dialect, DocumentFields, DriftKind, Ocr, Source};
use serde_json::Value;

/// An image carried inside the JSON as base64.
pub(crate) struct EmbeddedImage {
    pub(crate) depiction: Depiction,
    pub(crate) path: String,
    pub(crate) base64: String,
}

/// Reads a native result entity. Embedded images are handed back undecoded:
/// they are used only when the archive has no media member of that depiction.
pub(crate) fn read_ocr(
    o: &mut Obj<'_>,
    source: Source,
    cx: &mut Cx<'_>,
) -> (Ocr, Vec<EmbeddedImage>) {
    let mut images = Vec::new();
    let mut document = DocumentFields::new();
    let native_id = o.string("id", cx);
    let native_status = o.string("status", cx);
    for key in ["process", "tenantId", "type", "metadata", "other"] {
        o.take(key);
    }
    if let Some(mut r) = o.object("request", cx) {
        r.take("date");
        r.take("minSimilarityLevel");
        r.finish(cx);
    }
    let mut completion_date = None;
    if let Some(mut c) = o.object("completion", cx) {
        completion_date = c
            .take("date")
            .and_then(|v| date_value(v, &c.path("date"), cx));
        c.finish(cx);
    }

    if let Some(mut d) = o.object("document", cx) {
        let put = |doc: &mut DocumentFields, name: &str, value: Option<String>| {
            if let Some(v) = value {
                doc.insert(name.to_owned(), v);
            }
        };
        let t = d.string("type", cx);
        put(&mut document, "documentType", t);
        let issuer = d.string("issuer", cx);
        put(&mut document, "issuingCountry", issuer);
        let number = d.string("documentNumber", cx);
        put(&mut document, "documentNumber", number);
        let expiry = d
            .take("expiryDate")
            .and_then(|v| date_text(v, &d.path("expiryDate"), cx));
        put(&mut document, "dateOfExpiry", expiry);
        for (key, depiction) in [("front", Depiction::Front), ("back", Depiction::Back)] {
            if let Some(img) = d.string(key, cx) {
                images.push(EmbeddedImage {
                    depiction,
                    path: d.path(key),
                    base64: img,
                });
            }
        }
        if let Some(mut s) = d.object("subject", cx) {
            for (native, assure) in [
                ("primaryName", "lastName"),
                ("secondaryName", "firstName"),
                ("sex", "gender"),
                ("nationality", "nationality"),
                ("personalNumber", "personalIdentificationNumber"),
                ("address", "address"),
            ] {
                let v = s.string(native, cx);
                put(&mut document, assure, v);
            }
            let dob = s
                .take("birthDate")
                .and_then(|v| date_text(v, &s.path("birthDate"), cx));
            put(&mut document, "dateOfBirth", dob);
            if let Some(img) = s.string("photo", cx) {
                images.push(EmbeddedImage {
                    depiction: Depiction::Portrait,
                    path: s.path("photo"),
                    base64: img,
                });
            }
            s.finish(cx);
        }
        d.finish(cx);
    }

    let mut similarity = None;
    if let Some(mut b) = o.object("biometrics", cx) {
        if let Some(mut f) = b.object("face", cx) {
            similarity = f.string("similarityLevel", cx);
            if let Some(img) = f.string("image", cx) {
                images.push(EmbeddedImage {
                    depiction: Depiction::Selfie,
                    path: f.path("image"),
                    base64: img,
                });
            }
            f.finish(cx);
        }
        b.finish(cx);
    }
    // Some exports also carry the Assure-style flat fields; take them when present.
    if similarity.is_none() {
        similarity = o.string("similarityScore", cx);
    }
    let liveness_detected = o
        .take("livenessDetected")
        .and_then(|v| liveness_flag(v, &o.path("livenessDetected"), cx));

    let mut checks = Vec::new();
    if let Some(v) = o.take("securityChecks") {
        let path = o.path("securityChecks");
        match v {
            Value::Object(map) => {
                for (key, c) in map {
                    // The entry's own `name` wins over the key when both exist.
                    let name = c.get("name").and_then(Value::as_str).unwrap_or(key);
                    checks.push(read_check(name, c, &format!("{path}.{key}"), cx));
                }
            }
            Value::Array(items) => {
                for (i, c) in items.iter().enumerate() {
                    let p = format!("{path}[{i}]");
                    match c.get("name").and_then(Value::as_str) {
                        Some(name) => checks.push(read_check(name, c, &p, cx)),
                        None => cx.note(
                            DriftKind::Malformed,
                            &p,
                            "check without a name; not counted",
                        ),
                    }
                }
            }
            other => cx.malformed(&path, "an object of checks", other),
        }
    }

    let mut features = Vec::new();
    if let Some(v) = o.take("features") {
        let path = o.path("features");
        match v {
            Value::Object(map) => {
                for (key, f) in map {
                    features.push(read_feature_keyed(f, key, &format!("{path}.{key}"), cx));
                }
            }
            Value::Array(items) => {
                for (i, f) in items.iter().enumerate() {
                    features.push(read_feature(f, &format!("{path}[{i}]"), cx));
                }
            }
            other => cx.malformed(&path, "an object of features", other),
        }
    }

    let ocr = Ocr {
        source,
        dialect: Dialect::Native,
        document,
        similarity,
        liveness_detected,
        checks,
        features,
        native_status,
        native_id,
        completion_date,
    };
    (ocr, images)
}

/// A keyed feature may leave out its `name`: the key names it then.
fn read_feature_keyed(
    v: &Value,
    key: &str,
    path: &str,
    cx: &mut Cx<'_>,
) -> crate::evidence::Feature {
    match v {
        Value::Object(map) if !map.contains_key("name") && !map.is_empty() => {
            let mut with_name = map.clone();
            with_name.insert("name".to_owned(), Value::String(key.to_owned()));
            read_feature(&Value::Object(with_name), path, cx)
        }
        _ => read_feature(v, path, cx),
    }
}

/// Native dates are epoch milliseconds or ISO strings.
fn date_value(v: &Value, path: &str, cx: &mut Cx<'_>) -> Option<Date> {
    match v {
        Value::Number(n) => match n.as_i64() {
            Some(ms) => Some(Date::from_epoch_millis(ms)),
            None => {
                cx.malformed(path, "epoch milliseconds", v);
                None
            }
        },
        Value::String(s) => match Date::parse(s) {
            Some(d) => Some(d),
            None => {
                cx.note(DriftKind::Malformed, path, "not a date; not used");
                None
            }
        },
        other => {
            cx.malformed(path, "a date", other);
            None
        }
    }
}

/// A date as `YYYY-MM-DD` text for the document fields.
fn date_text(v: &Value, path: &str, cx: &mut Cx<'_>) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        _ => date_value(v, path, cx).map(|d| d.to_string()),
    }
}

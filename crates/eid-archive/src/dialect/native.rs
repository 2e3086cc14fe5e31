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

/// The base64 alphabet's values (standard and URL-safe); 64 marks white space
/// (skipped), 65 padding (the end), 255 anything else.
const BASE64: [u8; 256] = {
    let mut t = [255u8; 256];
    let mut i = 0;
    while i < 26 {
        t[b'A' as usize + i] = i as u8;
        t[b'a' as usize + i] = 26 + i as u8;
        i += 1;
    }
    let mut d = 0;
    while d < 10 {
        t[b'0' as usize + d] = 52 + d as u8;
        d += 1;
    }
    t[b'+' as usize] = 62;
    t[b'-' as usize] = 62;
    t[b'/' as usize] = 63;
    t[b'_' as usize] = 63;
    t[b' ' as usize] = 64;
    t[b'\n' as usize] = 64;
    t[b'\r' as usize] = 64;
    t[b'\t' as usize] = 64;
    t[b'=' as usize] = 65;
    t
};

fn strip_data_url(text: &str) -> &str {
    // Only a data URL has a prefix; its header is short, so search only there.
    if !text.starts_with("data:") {
        return text;
    }
    let head = &text.as_bytes()[..text.len().min(256)];
    match head.windows(8).position(|w| w == b";base64,") {
        Some(i) => &text[i + 8..],
        None => text,
    }
}

/// Decodes standard or URL-safe base64, with or without padding, ignoring
/// white space and a `data:...;base64,` prefix. `None` on anything else.
pub(crate) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let text = strip_data_url(text);
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 3);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for &c in text.as_bytes() {
        let v = BASE64[usize::from(c)];
        match v {
            0..=63 => {
                acc = (acc << 6) | u32::from(v);
                bits += 6;
                if bits >= 8 {
                    bits -= 8;
                    out.push((acc >> bits) as u8);
                    acc &= (1 << bits) - 1;
                }
            }
            64 => {}
            65 => break,
            _ => return None,
        }
    }
    Some(out)
}

/// The decoded size of base64 text, without decoding it.
pub(crate) fn decoded_len(text: &str) -> u64 {
    let text = strip_data_url(text);
    let symbols = text
        .bytes()
        .filter(|c| BASE64[usize::from(*c)] < 64)
        .count() as u64;
    symbols * 6 / 8
}

#[cfg(test)]
mod tests {
    use super::{decode_base64, decoded_len};

    #[test]
    fn base64_variants() {
        assert_eq!(decode_base64("aGVsbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(decode_base64("aGVsbG8").as_deref(), Some(&b"hello"[..]));
        assert_eq!(
            decode_base64("data:image/png;base64,aGk=").as_deref(),
            Some(&b"hi"[..])
        );
        assert_eq!(decode_base64("a?b"), None);
        assert_eq!(decoded_len("aGVsbG8="), 5);
        assert_eq!(decode_base64("aGVs\nbG8=").as_deref(), Some(&b"hello"[..]));
    }
}

//! Readers both dialects share: security checks (`valid` or `passed`, keyed
//! or listed), features (listed or keyed), the similarity, the liveness flag,
//! boxes, and dates in every form the provider writes them.

use super::{Cx, Obj, type_name};
use crate::dates::Date;
use crate::evidence::{
    BBox, DriftKind, Feature, KNOWN_CHECKS, Ocr, SecurityCheck, SimilarityScore, canonical_check,
};
use serde_json::Value;

/// Reads what both dialects write the same way at the top of an OCR object:
/// `similarityScore` (beside any similarity the dialect found: the lower
/// counts), `livenessDetected`, `securityChecks` and `features`.
pub(crate) fn read_verification(o: &mut Obj<'_>, ocr: &mut Ocr, cx: &mut Cx<'_>) {
    if let Some(v) = o.take("similarityScore") {
        let path = o.path("similarityScore");
        ocr.add_similarity(path.clone(), similarity(v, &path, cx));
    }
    ocr.liveness_detected = o
        .take("livenessDetected")
        .and_then(|v| liveness_flag(v, &o.path("livenessDetected"), cx));
    if let Some(v) = o.take("securityChecks") {
        ocr.checks = security_checks(v, &o.path("securityChecks"), cx);
    }
    if let Some(v) = o.take("features") {
        ocr.features = features(v, &o.path("features"), cx);
    }
}

/// At most this many checks, and this many features, are read from one
/// object: real results have about a dozen. Beyond it, what is left is not
/// read one by one and counts as unreadable, so that it fails closed.
const MAX_ENTRIES: usize = 1_000;

/// Keeps at most [`MAX_ENTRIES`] of `items` (made by `read`); the rest become
/// one unreadable entry made by `rest`, with a drift note counting them.
/// Entries `skip` says nothing about (the provider's empty `{}`) are never
/// counted as the rest, but when there are more of them than the cap, a note
/// counts them too: thousands of empty entries are not what the provider writes.
fn bounded<I, T>(
    items: impl Iterator<Item = I>,
    path: &str,
    what: &str,
    cx: &mut Cx<'_>,
    mut read: impl FnMut(I, &mut Cx<'_>) -> T,
    skip: impl Fn(&I) -> bool,
    rest: impl FnOnce() -> T,
) -> Vec<T> {
    let mut out = Vec::new();
    let (mut left, mut skipped) = (0usize, 0usize);
    for item in items {
        if out.len() < MAX_ENTRIES {
            out.push(read(item, cx));
        } else if skip(&item) {
            skipped += 1;
        } else {
            left += 1;
        }
    }
    if skipped > 0 {
        cx.note_summary(
            DriftKind::Malformed,
            path,
            format!(
                "more than {MAX_ENTRIES} {what}; the other {skipped} are empty entries, skipped"
            ),
        );
    }
    if left > 0 {
        cx.note_summary(
            DriftKind::Malformed,
            path,
            format!("more than {MAX_ENTRIES} {what}; the other {left} were not read one by one and cannot count"),
        );
        out.push(rest());
    }
    out
}

/// Reads `securityChecks` in any shape: an object keyed by check (each
/// `{"valid": bool}` or `{"name", "passed"}`), or an array of `{name, valid|passed}`.
/// Anything that cannot be read as checks becomes a check without a result,
/// named after where it is, so that it rejects rather than vanishes.
pub(crate) fn security_checks(v: &Value, path: &str, cx: &mut Cx<'_>) -> Vec<SecurityCheck> {
    match v {
        Value::Object(map) => bounded(
            map.iter(),
            path,
            "checks",
            cx,
            |(key, c), cx| {
                let p = format!("{path}.{key}");
                let read = check(key, c, &p, cx);
                match c.get("name").and_then(Value::as_str) {
                    // A key and a name that disagree count under both: a
                    // renamed entry must not slip past an ignore-policy.
                    Some(name) if canonical_check(name) != canonical_check(key) => {
                        cx.note(
                            DriftKind::Malformed,
                            &p,
                            format!("the check's name {name:?} differs from its key; it is judged under both"),
                        );
                        let mut renamed = read.clone();
                        renamed.name = name.to_owned();
                        vec![read, renamed]
                    }
                    _ => vec![read],
                }
            },
            |_| false,
            || vec![unreadable_check(path)],
        )
        .into_iter()
        .flatten()
        .collect(),
        Value::Array(items) => bounded(
            items.iter().enumerate(),
            path,
            "checks",
            cx,
            |(i, c), cx| {
                let p = format!("{path}[{i}]");
                match c.get("name").and_then(Value::as_str) {
                    Some(name) => check(name, c, &p, cx),
                    None => {
                        cx.note(
                            DriftKind::Malformed,
                            &p,
                            "check without a name; it cannot count as valid",
                        );
                        SecurityCheck {
                            name: p,
                            valid: None,
                        }
                    }
                }
            },
            |_| false,
            || unreadable_check(path),
        ),
        other => {
            cx.malformed(path, "an object or array of checks", other);
            vec![unreadable_check(path)]
        }
    }
}

/// A check standing for checks that cannot be read, named after where they are.
fn unreadable_check(path: &str) -> SecurityCheck {
    SecurityCheck {
        name: path
            .rsplit(['.', ':'])
            .next()
            .unwrap_or(path)
            .trim()
            .to_owned(),
        valid: None,
    }
}

/// One check: `{"valid": bool}` (Assure) or `{"name", "passed"}` (native).
/// Both words are read in both dialects; if both are written and disagree,
/// the result cannot be read.
fn check(name: &str, v: &Value, path: &str, cx: &mut Cx<'_>) -> SecurityCheck {
    if !KNOWN_CHECKS.contains(&name) && !KNOWN_CHECKS.contains(&canonical_check(name)) {
        cx.note(
            DriftKind::Unknown,
            path,
            "security check not in the Assure schema; kept and counted",
        );
    }
    let valid = Obj::of(v, path.to_owned(), cx).and_then(|mut c| {
        let valid = c.has("valid").then(|| c.boolean("valid", cx));
        let passed = c.has("passed").then(|| c.boolean("passed", cx));
        c.take("name");
        c.finish(cx);
        match (valid, passed) {
            (Some(a), Some(b)) if a != b => {
                cx.note(
                    DriftKind::Malformed,
                    path,
                    "valid and passed disagree; the check has no readable result",
                );
                None
            }
            (Some(a), _) => a,
            (None, Some(b)) => b,
            (None, None) => None,
        }
    });
    if valid.is_none() {
        cx.note(DriftKind::Malformed, path, "check has no readable result");
    }
    SecurityCheck {
        name: name.to_owned(),
        valid,
    }
}

/// Reads `features` in any shape: an array of entries, or an object keyed by
/// feature whose entries may leave out their `name`. Anything else becomes
/// one unreadable entry.
pub(crate) fn features(v: &Value, path: &str, cx: &mut Cx<'_>) -> Vec<Feature> {
    // The empty entry `{}` says nothing: beyond the cap it is not counted.
    let blank = |v: &&Value| v.as_object().is_some_and(|m| m.is_empty());
    match v {
        Value::Array(items) => bounded(
            items.iter().enumerate(),
            path,
            "features",
            cx,
            |(i, f), cx| feature(f, None, &format!("{path}[{i}]"), cx),
            |(_, f)| blank(f),
            || unreadable_feature(path),
        ),
        Value::Object(map) => bounded(
            map.iter(),
            path,
            "features",
            cx,
            |(key, f), cx| feature(f, Some(key), &format!("{path}.{key}"), cx),
            |(_, f)| blank(f),
            || unreadable_feature(path),
        ),
        other => {
            cx.malformed(path, "an array or object of features", other);
            vec![unreadable_feature(path)]
        }
    }
}

/// An entry standing for features that cannot be read, named after where they are.
fn unreadable_feature(path: &str) -> Feature {
    Feature {
        entry: path.to_owned(),
        name: None,
        found: None,
        side: None,
        bbox: None,
        blank: false,
        also_named: None,
    }
}

/// One feature entry. The empty entry `{}` (the provider writes it) is kept
/// as blank; any other entry whose name or `found` cannot be read is kept as
/// unreadable, never dropped.
fn feature(v: &Value, key: Option<&str>, path: &str, cx: &mut Cx<'_>) -> Feature {
    let mut feature = Feature {
        entry: path.to_owned(),
        name: None,
        found: None,
        side: None,
        bbox: None,
        blank: v.as_object().is_some_and(|m| m.is_empty()),
        also_named: None,
    };
    if feature.blank {
        return feature;
    }
    let Some(mut f) = Obj::of(v, path.to_owned(), cx) else {
        return feature;
    };
    // A keyed entry may leave out its name: the key names it then. A name
    // that is not the key (beyond case and spacing) counts under both.
    let name = f.text("name", cx);
    let fold = |s: &str| s.to_lowercase().replace([' ', '_', '-'], "");
    if let (Some(name), Some(key)) = (&name, key)
        && fold(name) != fold(key)
    {
        cx.note(
            DriftKind::Malformed,
            path,
            format!("the feature's name {name:?} differs from its key; it is judged under both"),
        );
        feature.also_named = Some(key.to_owned());
    }
    feature.name = name.or_else(|| key.map(str::to_owned));
    feature.found = match f.take_raw("found") {
        Some(Value::Bool(b)) => Some(*b),
        Some(other) => {
            cx.malformed(&f.path("found"), "true or false", other);
            None
        }
        None => None,
    };
    feature.side = f.string("side", cx);
    feature.bbox = f.take("bbox").and_then(|b| bbox(b, &f.path("bbox"), cx));
    f.finish(cx);
    if feature.name.is_none() || feature.found.is_none() {
        cx.note(
            DriftKind::Malformed,
            path,
            "feature entry without a readable name and found flag; it cannot count as found",
        );
    }
    feature
}

/// Reads `biometrics.face`: its `similarityLevel` into `ocr` (either dialect
/// may write it), and hands back its `image` (base64) with where it was.
pub(crate) fn biometrics(
    o: &mut Obj<'_>,
    ocr: &mut Ocr,
    cx: &mut Cx<'_>,
) -> Option<(String, String)> {
    let mut b = o.object("biometrics", cx)?;
    let mut image = None;
    if let Some(mut f) = b.object("face", cx) {
        if let Some(v) = f.take("similarityLevel") {
            let path = f.path("similarityLevel");
            ocr.add_similarity(path.clone(), similarity(v, &path, cx));
        }
        image = f.text("image", cx).map(|img| (f.path("image"), img));
        f.finish(cx);
    }
    b.finish(cx);
    image
}

/// The similarity as written: a word, or what was found instead.
pub(crate) fn similarity(v: &Value, path: &str, cx: &mut Cx<'_>) -> SimilarityScore {
    match v {
        Value::String(s) => SimilarityScore::Word(s.clone()),
        other => {
            cx.malformed(path, "a similarity word", other);
            SimilarityScore::Unreadable {
                unreadable: type_name(other).to_owned(),
            }
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

/// A date written as epoch milliseconds, an ISO date or timestamp, or six
/// digits `YYMMDD`, as `YYYY-MM-DD` text (six digits are kept as written: their
/// century is chosen when the day of the verification is known).
pub(crate) fn date_text(v: &Value, path: &str, cx: &mut Cx<'_>) -> Option<String> {
    match v {
        Value::Number(n) => match n.as_i64() {
            Some(ms) => Some(Date::from_epoch_millis(ms).to_string()),
            None => {
                cx.malformed(path, "epoch milliseconds", v);
                None
            }
        },
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => {
            let t = s.trim();
            if t.len() == 6 && t.bytes().all(|b| b.is_ascii_digit()) {
                Some(t.to_owned())
            } else if let Some(d) = Date::parse(t) {
                Some(d.to_string())
            } else {
                cx.note(DriftKind::BadDate, path, "not a date; not used");
                None
            }
        }
        other => {
            cx.malformed(path, "a date", other);
            None
        }
    }
}

/// A timestamp written as epoch milliseconds or ISO text, as ISO text in UTC.
pub(crate) fn timestamp_text(v: &Value, path: &str, cx: &mut Cx<'_>) -> Option<String> {
    match v {
        Value::Number(n) => match n.as_i64() {
            Some(ms) => Some(epoch_millis_text(ms)),
            None => {
                cx.malformed(path, "epoch milliseconds", v);
                None
            }
        },
        Value::String(s) if s.trim().is_empty() => None,
        // Kept as written: the verdict parses it and says so if it cannot.
        Value::String(s) => Some(s.clone()),
        other => {
            cx.malformed(path, "a timestamp", other);
            None
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` of a Unix time in milliseconds.
fn epoch_millis_text(ms: i64) -> String {
    let day = Date::from_epoch_millis(ms);
    let secs = ms.div_euclid(1000).rem_euclid(86_400);
    format!(
        "{day}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
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
            // `12.0` is the integer 12 (some writers emit every number as a
            // float); a fractional coordinate is malformed.
            Some(Value::Number(n)) => match n
                .as_i64()
                .or_else(|| {
                    n.as_f64()
                        .filter(|f| f.fract() == 0.0 && f.abs() < 1e10)
                        .map(|f| f as i64)
                })
                .filter(|n| i32::try_from(*n).is_ok())
            {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_millis_become_utc_timestamps() {
        assert_eq!(epoch_millis_text(1_623_233_082_000), "2021-06-09T10:04:42Z");
        assert_eq!(epoch_millis_text(-1), "1969-12-31T23:59:59Z");
    }
}

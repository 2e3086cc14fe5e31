//! Parsing a JSON member, after a linear check of its nesting: `serde_json`
//! recurses, so a document nested 200,000 levels deep is refused before it is
//! parsed rather than allowed to exhaust the stack.

use crate::error::{Ambiguity, ErrorKind};
use crate::limits::Limits;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// The deepest nesting `serde_json` itself accepts; a larger limit acts as this.
const SERDE_JSON_DEPTH: usize = 128;

/// The deepest nesting of arrays and objects in `bytes`, counted without
/// recursion and ignoring brackets inside strings, stopping as soon as it
/// exceeds `limit`. Returns `Err(limit)` in that case.
pub(crate) fn check_depth(bytes: &[u8], limit: usize) -> Result<usize, usize> {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        i += 1;
        match b {
            // A string: only an unescaped quote ends it. Strings are most
            // of the bytes (a native result's selfie is 290 KB of base64),
            // so they are passed over a search for the next quote or
            // backslash at a time, not byte by byte.
            b'"' => loop {
                let Some(j) = bytes
                    .get(i..)
                    .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
                else {
                    return Ok(deepest); // the string runs to the end
                };
                i += j + 1;
                if bytes[i - 1] == b'"' {
                    break;
                }
                i += 1; // the escaped byte, whatever it is
            },
            b'{' | b'[' => {
                depth += 1;
                if depth > limit {
                    return Err(limit);
                }
                deepest = deepest.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(deepest)
}

/// Parses a JSON document (a UTF-8 byte-order mark is allowed) within the
/// nesting limit, refusing an object that repeats a key at any depth: a
/// parser keeps one of the two values (`{"valid": false, "valid": true}`
/// passes a check with `serde_json`), another parser the other, so such a
/// document can be read two ways.
pub(crate) fn parse_json(bytes: &[u8], limits: &Limits) -> Result<Value, ErrorKind> {
    let limit = limits.max_json_depth.min(SERDE_JSON_DEPTH);
    check_depth(bytes, limit).map_err(|limit| ErrorKind::JsonTooDeep { limit })?;
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = Unique::deserialize(&mut de).and_then(|u| de.end().map(|()| u.0));
    value.map_err(|e| match e.to_string() {
        m if m.starts_with(DUPLICATE) => {
            let (key, path) = duplicate_parts(&m);
            ErrorKind::Ambiguous(Ambiguity::DuplicateKey {
                key: key.chars().take(80).collect(),
                path: path.chars().take(200).collect(),
            })
        }
        m => ErrorKind::Json(m),
    })
}

/// The start of the parser's message for a repeated key; the message goes on
/// with the quoted key, [`SEP`], and the path to the object, which each
/// enclosing level completes on the way out.
const DUPLICATE: &str = "duplicate key ";
/// Between the key (quoted, so it never holds this character raw) and the path.
const SEP: char = '\u{1f}';

/// `(quoted key, path)` of a repeated-key message, without the position the
/// parser appends.
fn duplicate_parts(message: &str) -> (&str, &str) {
    let rest = &message[DUPLICATE.len()..];
    let rest = rest.rsplit_once(" at line ").map_or(rest, |(r, _)| r);
    rest.split_once(SEP).unwrap_or((rest, ""))
}

/// Puts `segment` (a key or `[i]`) in front of the path of a repeated-key
/// error coming out of a nested value; any other error passes unchanged.
fn within<E: serde::de::Error>(e: E, segment: fmt::Arguments<'_>) -> E {
    let m = e.to_string();
    if !m.starts_with(DUPLICATE) {
        return e;
    }
    let (key, path) = duplicate_parts(&m);
    let joined = match path {
        "" => segment.to_string(),
        p if p.starts_with('[') => format!("{segment}{p}"),
        p => format!("{segment}.{p}"),
    };
    E::custom(format_args!("{DUPLICATE}{key}{SEP}{joined}"))
}

/// A JSON value whose objects never repeat a key.
struct Unique(Value);

impl<'de> Deserialize<'de> for Unique {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        de.deserialize_any(UniqueVisitor).map(Unique)
    }
}

struct UniqueVisitor;

impl<'de> Visitor<'de> for UniqueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(Unique(v)) = seq
            .next_element()
            .map_err(|e| within(e, format_args!("[{}]", out.len())))?
        {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(serde::de::Error::custom(format_args!(
                    "{DUPLICATE}{key:?}{SEP}"
                )));
            }
            let Unique(v) = map
                .next_value()
                .map_err(|e| within(e, format_args!("{key}")))?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The byte-at-a-time scan the string search replaced: the reference.
    fn depth_bytewise(bytes: &[u8], limit: usize) -> Result<usize, usize> {
        let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
        for &b in bytes {
            if in_string {
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == b'"' {
                    in_string = false;
                }
                continue;
            }
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => {
                    depth += 1;
                    if depth > limit {
                        return Err(limit);
                    }
                    deepest = deepest.max(depth);
                }
                b'}' | b']' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        Ok(deepest)
    }

    proptest! {
        /// Over any bytes thick with quotes, backslashes and brackets (and
        /// a string or a backslash cut at the end), the depth is the
        /// byte-at-a-time scan's.
        #[test]
        fn the_depth_is_the_bytewise_scans(
            bytes in proptest::collection::vec(
                prop_oneof![Just(b'"'), Just(b'\\'), Just(b'{'), Just(b'['), Just(b'}'), Just(b']'), Just(b'a')],
                0..200,
            ),
            limit in 0usize..8,
        ) {
            prop_assert_eq!(check_depth(&bytes, limit), depth_bytewise(&bytes, limit));
        }
    }

    #[test]
    fn a_repeated_key_at_any_depth_is_ambiguous() {
        let ok = br#"{"a": {"valid": true}, "b": [{"valid": false}, {"valid": true}]}"#;
        assert!(parse_json(ok, &Limits::default()).is_ok());
        for (text, key, at) in [
            (
                r#"{"nonExpired": {"valid": false, "valid": true}}"#,
                "\"valid\"",
                "nonExpired",
            ),
            (
                r#"{"x": [1, {"y": {"status": 1, "status": 2}}]}"#,
                "\"status\"",
                "x[1].y",
            ),
            (
                r#"{"rejectionReasons": [1], "rejectionReasons": []}"#,
                "\"rejectionReasons\"",
                "",
            ),
            (
                r#"[[{}, {"a\u001fb": 1, "a\u001fb": 2}]]"#,
                "\"a\\u{1f}b\"",
                "[0][1]",
            ),
        ] {
            match parse_json(text.as_bytes(), &Limits::default()) {
                Err(ErrorKind::Ambiguous(Ambiguity::DuplicateKey { key: k, path })) => {
                    assert_eq!((k.as_str(), path.as_str()), (key, at), "{text}");
                }
                other => panic!("{text}: {other:?}"),
            }
        }
        // Order, numbers and trailing garbage as serde_json reads them.
        let v = parse_json(
            br#"{"b": 1.5, "a": -2, "c": 18446744073709551615}"#,
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(
            v.to_string(),
            r#"{"b":1.5,"a":-2,"c":18446744073709551615}"#
        );
        assert!(matches!(
            parse_json(b"{} x", &Limits::default()),
            Err(ErrorKind::Json(_))
        ));
    }

    #[test]
    fn deep_json_is_refused_before_parsing() {
        let deep = "[".repeat(200_000);
        assert!(matches!(
            parse_json(deep.as_bytes(), &Limits::default()),
            Err(ErrorKind::JsonTooDeep { limit: 128 })
        ));
        let ok = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(parse_json(ok.as_bytes(), &Limits::default()).is_ok());
        // brackets inside strings do not count
        let s = format!("{{\"a\": \"{}\"}}", "[".repeat(500));
        assert!(parse_json(s.as_bytes(), &Limits::default()).is_ok());
    }

    /// A random JSON value of bounded size, nested at most `depth` levels.
    fn json_value(depth: u32) -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i32>().prop_map(serde_json::Value::from),
            "[\\[\\]{}\"\\\\a-z ]{0,8}".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(depth, 64, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
                prop::collection::btree_map("[a-z\\[{\"]{1,4}", inner, 0..4)
                    .prop_map(|m| { serde_json::Value::Object(m.into_iter().collect()) }),
            ]
        })
    }

    /// Nesting as `serde_json` sees it: the reference the scan must agree with.
    fn nesting(v: &serde_json::Value) -> usize {
        match v {
            serde_json::Value::Array(a) => 1 + a.iter().map(nesting).max().unwrap_or(0),
            serde_json::Value::Object(o) => 1 + o.values().map(nesting).max().unwrap_or(0),
            _ => 0,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The linear scan measures exactly the nesting of the parsed value,
        /// whatever brackets and escapes the strings hold.
        #[test]
        fn the_depth_scan_agrees_with_the_parser(v in json_value(8)) {
            let text = serde_json::to_vec(&v).unwrap();
            prop_assert_eq!(check_depth(&text, 1000), Ok(nesting(&v)));
            let limit = nesting(&v);
            if limit > 0 {
                prop_assert_eq!(check_depth(&text, limit - 1), Err(limit - 1));
            }
        }
    }
}

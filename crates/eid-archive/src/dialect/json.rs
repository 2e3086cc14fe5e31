//! Parsing a JSON member, after a linear check of its nesting: `serde_json`
//! recurses, so a document nested 200,000 levels deep is refused before it is
//! parsed rather than allowed to exhaust the stack.

use crate::error::ErrorKind;
use crate::limits::Limits;

/// The deepest nesting `serde_json` itself accepts; a larger limit acts as this.
const SERDE_JSON_DEPTH: usize = 128;

/// The deepest nesting of arrays and objects in `bytes`, counted without
/// recursion and ignoring brackets inside strings, stopping as soon as it
/// exceeds `limit`. Returns `Err(limit)` in that case.
pub(crate) fn check_depth(bytes: &[u8], limit: usize) -> Result<usize, usize> {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut in_string = false;
    let mut escaped = false;
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

/// Parses a JSON document (a UTF-8 byte-order mark is allowed) within the
/// nesting limit.
pub(crate) fn parse_json(bytes: &[u8], limits: &Limits) -> Result<serde_json::Value, ErrorKind> {
    let limit = limits.max_json_depth.min(SERDE_JSON_DEPTH);
    check_depth(bytes, limit).map_err(|limit| ErrorKind::JsonTooDeep { limit })?;
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    serde_json::from_slice(bytes).map_err(|e| ErrorKind::Json(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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

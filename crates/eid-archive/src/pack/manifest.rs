//! `manifest.sha256`: the SHA-256 of every other member of a pack, in the
//! format `sha256sum` writes and `sha256sum -c` checks (`<hex>  <path>`, one
//! a line, sorted by path), and the one rule for a member's name: a safe
//! relative path, which no unzip tool can turn into a path outside the folder
//! it unpacks into.

use std::collections::BTreeMap;

/// The manifest's own name in a pack.
pub const MANIFEST: &str = "manifest.sha256";

/// The longest member name a pack holds (a path, in bytes).
const NAME_MAX: usize = 1024;

/// The longest component of a member name, in bytes (most file systems' limit).
const COMPONENT_MAX: usize = 255;

/// True when `name` is a safe relative path: components of ASCII letters,
/// digits, `.`, `_` and `-` joined by `/`, none empty, none `.` or `..`, at
/// most 1,024 bytes. Nothing else is ever written into a pack, and a pack
/// holding anything else is refused: an absolute path, a `..`, a backslash,
/// a drive letter or a control character could write outside the folder it
/// is unpacked into, or mislead `sha256sum -c`.
///
/// ```
/// use eid_archive::pack::is_safe_name;
/// assert!(is_safe_name("cases/abc-0123/archive/accepted.zip"));
/// assert!(!is_safe_name("../etc/passwd"));
/// assert!(!is_safe_name("/abs"));
/// assert!(!is_safe_name("a\\b"));
/// ```
pub fn is_safe_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= NAME_MAX
        && name.split('/').all(|c| {
            !c.is_empty()
                && c != "."
                && c != ".."
                && c.len() <= COMPONENT_MAX
                && c.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        })
}

/// A file name from outside (an archive's own name) made one safe component:
/// characters other than ASCII letters, digits, `.`, `_` and `-` become `_`,
/// a leading dot too (no hidden file, no `..`), at most 200 bytes; `archive.zip`
/// when nothing is left.
pub(crate) fn safe_file_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.starts_with('.') {
        out.replace_range(..1, "_");
    }
    // Every character is ASCII now, so any byte is a character boundary.
    out.truncate(200);
    if out.trim_matches('_').is_empty() {
        "archive.zip".to_owned()
    } else {
        out
    }
}

/// The manifest's text: `<hex>  <path>\n` for each file, sorted by path.
pub fn format(hashes: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    for (path, hex) in hashes {
        out.push_str(hex);
        out.push_str("  ");
        out.push_str(path);
        out.push('\n');
    }
    out
}

/// Reads a manifest: path to hex SHA-256. Each line must be 64 lower-case
/// hex digits, two spaces (or a space and `*`, as `sha256sum --binary`
/// writes) and a safe name; a name listed twice is refused. The error names
/// the line.
pub fn parse(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let (hex, rest) = line
            .split_at_checked(64)
            .ok_or_else(|| format!("line {n}: not `<sha256>  <path>`"))?;
        if !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(format!("line {n}: not a lower-case hex SHA-256"));
        }
        let path = rest
            .strip_prefix("  ")
            .or_else(|| rest.strip_prefix(" *"))
            .ok_or_else(|| format!("line {n}: not `<sha256>  <path>`"))?;
        if !is_safe_name(path) {
            return Err(format!("line {n}: {path:?} is not a safe relative path"));
        }
        if out.insert(path.to_owned(), hex.to_owned()).is_some() {
            return Err(format!("line {n}: {path} is listed twice"));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_reads_back_as_written_and_sorted() {
        let mut hashes = BTreeMap::new();
        hashes.insert("run.json".to_owned(), "a".repeat(64));
        hashes.insert("cases/x/inspect.json".to_owned(), "0".repeat(64));
        let text = format(&hashes);
        assert_eq!(
            text,
            format!(
                "{}  cases/x/inspect.json\n{}  run.json\n",
                "0".repeat(64),
                "a".repeat(64)
            )
        );
        assert_eq!(parse(&text).unwrap(), hashes);
        // sha256sum --binary marks each line with `*`.
        let binary = format!("{} *run.json\n", "b".repeat(64));
        assert_eq!(parse(&binary).unwrap()["run.json"], "b".repeat(64));
    }

    #[test]
    fn bad_manifest_lines_are_refused_by_line() {
        let h = "c".repeat(64);
        for (text, says) in [
            (format!("{h} run.json\n"), "line 1: not"),
            (format!("{}  run.json\n", "C".repeat(64)), "lower-case"),
            ("short\n".to_owned(), "line 1"),
            (format!("{h}  a\n{h}  ../a\n"), "line 2: \"../a\""),
            (format!("{h}  a\n{h}  a\n"), "line 2: a is listed twice"),
        ] {
            let e = parse(&text).unwrap_err();
            assert!(e.contains(says), "{text:?}: {e}");
        }
    }

    #[test]
    fn only_safe_relative_names_pass() {
        for ok in ["run.json", "cases/a-1/exhibits/front.jpeg", "a_b.c"] {
            assert!(is_safe_name(ok), "{ok}");
        }
        let long = "a".repeat(256);
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../b",
            "a/./b",
            "a//b",
            "a/",
            "C:x",
            "a\\b",
            "a b",
            "a\nb",
            "é",
            &long,
        ] {
            assert!(!is_safe_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn outside_file_names_become_one_safe_component() {
        assert_eq!(safe_file_name("accepted.zip"), "accepted.zip");
        assert_eq!(safe_file_name("../x y.zip"), "_._x_y.zip");
        assert_eq!(safe_file_name(".."), "_.");
        assert_eq!(safe_file_name("ÅÄÖ"), "archive.zip");
        assert!(is_safe_name(&safe_file_name("..")));
        assert_eq!(safe_file_name(&"a".repeat(300)).len(), 200);
    }
}

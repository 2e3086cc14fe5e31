//! Names from the archive made safe as file names: slugs for features and
//! sides, one safe path component for a process id, and collision suffixes.

use std::collections::BTreeSet;

/// Turns a feature name or side word into a file-name slug: lower case, runs of
/// anything but `a-z0-9` become `-`, trimmed, at most 60 characters.
///
/// ```
/// assert_eq!(eid_archive::crops::slug("OVI 1"), "ovi-1");
/// assert_eq!(eid_archive::crops::slug("../../x"), "x");
/// ```
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
        if out.len() >= 60 {
            break;
        }
    }
    out
}

/// A process id as one safe path component: `[A-Za-z0-9_-]` kept, other runs
/// (dots and slashes included) become `-`, at most 100 characters; `unknown`
/// when nothing is left.
pub fn safe_component(s: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
        if out.len() >= 100 {
            break;
        }
    }
    let out = out.trim_matches('-').to_owned();
    if out.is_empty() {
        "unknown".to_owned()
    } else {
        out
    }
}

/// File names handed out once each: a collision gets `-2`, `-3`, ...
#[derive(Default)]
pub(crate) struct Names(BTreeSet<String>);

impl Names {
    pub(crate) fn reserve(&mut self, name: String) {
        self.0.insert(name);
    }

    pub(crate) fn claim(&mut self, side: &str, feature: &str) -> String {
        let feature = if feature.is_empty() {
            "feature"
        } else {
            feature
        };
        let base = format!("{side}-{feature}");
        let mut name = format!("{base}.png");
        let mut n = 2;
        while self.0.contains(&name) {
            name = format!("{base}-{n}.png");
            n += 1;
        }
        self.0.insert(name.clone());
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("OVI 1"), "ovi-1");
        assert_eq!(slug("Header 2"), "header-2");
        assert_eq!(slug("  --Photo--  "), "photo");
        assert_eq!(slug("../../x"), "x");
        assert_eq!(slug("/abs"), "abs");
        assert_eq!(slug("a\\b"), "a-b");
        assert_eq!(slug(""), "");
        assert_eq!(slug("Ünïcödé"), "n-c-d");
        assert_eq!(slug(&"x".repeat(500)).len(), 60);
    }

    #[test]
    fn safe_components() {
        assert_eq!(
            safe_component("e0dea380-4219-4388-81bb-61a56ed73ef3"),
            "e0dea380-4219-4388-81bb-61a56ed73ef3"
        );
        assert_eq!(safe_component("../../etc"), "etc");
        assert_eq!(safe_component("../../../escape/../.."), "escape");
        assert_eq!(safe_component(".."), "unknown");
        assert_eq!(safe_component("/abs/path"), "abs-path");
        assert_eq!(safe_component("a\\b"), "a-b");
        assert_eq!(safe_component(""), "unknown");
        assert_eq!(safe_component(&"p".repeat(300)).len(), 100);
    }

    #[test]
    fn colliding_names_get_suffixes() {
        let mut n = Names::default();
        n.reserve("front-annotated.png".into());
        assert_eq!(n.claim("data", "ovi-1"), "data-ovi-1.png");
        assert_eq!(n.claim("data", "ovi-1"), "data-ovi-1-2.png");
        assert_eq!(n.claim("front", "annotated"), "front-annotated-2.png");
        assert_eq!(n.claim("data", ""), "data-feature.png");
    }
}

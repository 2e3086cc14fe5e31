//! Names from the archive made safe as file names: slugs for features and
//! sides, one safe path component for a process id, and collision suffixes.

use std::collections::{HashMap, HashSet};

/// Turns a feature name or side word into a file-name slug: lower case, runs of
/// anything but `a-z0-9` become `-`, trimmed, at most 60 characters.
///
/// ```
/// assert_eq!(eid_archive::crops::slug("OVI 1"), "ovi-1");
/// assert_eq!(eid_archive::crops::slug("../../x"), "x");
/// ```
#[doc(hidden)]
pub fn slug(s: &str) -> String {
    let lower = s.chars().flat_map(char::to_lowercase);
    squeeze(lower, |c| c.is_ascii_lowercase() || c.is_ascii_digit(), 60)
}

/// A process id as one safe path component: `[A-Za-z0-9_-]` kept, other runs
/// (dots and slashes included) become `-`, at most 100 characters; `unknown`
/// when nothing is left.
#[doc(hidden)]
pub fn safe_component(s: &str) -> String {
    let out = squeeze(
        s.chars(),
        |c| c.is_ascii_alphanumeric() || c == '-' || c == '_',
        100,
    );
    if out.is_empty() {
        "unknown".to_owned()
    } else {
        out
    }
}

/// Keeps the characters `keep` accepts, turns each run of others into one
/// `-`, and trims dashes from both ends, within `max` bytes (all kept
/// characters are ASCII, so bytes are characters).
fn squeeze(chars: impl Iterator<Item = char>, keep: impl Fn(char) -> bool, max: usize) -> String {
    let mut out = String::new();
    let mut gap = false;
    for c in chars {
        if !keep(c) {
            gap = true;
            continue;
        }
        if gap && !out.is_empty() {
            out.push('-');
        }
        gap = false;
        out.push(c);
        if out.len() >= max {
            break;
        }
    }
    out.truncate(max);
    out.trim_matches('-').to_owned()
}

/// File names handed out once each: a collision gets `-2`, `-3`, ... Each
/// base remembers the next suffix to try, so 60,000 features of one name
/// take linear time, not quadratic.
#[derive(Default)]
pub(crate) struct Names {
    taken: HashSet<String>,
    next: HashMap<String, u64>,
}

impl Names {
    /// Marks a name as taken (the annotated images' names).
    pub(crate) fn reserve(&mut self, name: String) {
        self.taken.insert(name);
    }

    /// The file name for a feature on a side, unique among those handed out.
    pub(crate) fn claim(&mut self, side: &str, feature: &str, ext: &str) -> String {
        let feature = if feature.is_empty() {
            "feature"
        } else {
            feature
        };
        let base = format!("{side}-{feature}");
        let first = format!("{base}.{ext}");
        if self.taken.insert(first.clone()) {
            return first;
        }
        let n = self.next.entry(base.clone()).or_insert(2);
        loop {
            let name = format!("{base}-{n}.{ext}");
            *n += 1;
            // A suffixed name may itself be a feature's plain name ("a-2"): skip it.
            if self.taken.insert(name.clone()) {
                return name;
            }
        }
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
        assert_eq!(n.claim("data", "ovi-1", "png"), "data-ovi-1.png");
        assert_eq!(n.claim("data", "ovi-1", "png"), "data-ovi-1-2.png");
        assert_eq!(
            n.claim("front", "annotated", "png"),
            "front-annotated-2.png"
        );
        assert_eq!(n.claim("data", "", "png"), "data-feature.png");
        assert_eq!(n.claim("data", "ovi-1-2", "png"), "data-ovi-1-2-2.png");
        assert_eq!(n.claim("data", "ovi-1", "png"), "data-ovi-1-3.png");
    }

    #[test]
    fn sixty_thousand_features_of_one_name_are_named_in_linear_time() {
        let mut n = Names::default();
        let started = std::time::Instant::now();
        let last = (0..60_000).map(|_| n.claim("data", "ovi-1", "png")).last();
        assert_eq!(last.as_deref(), Some("data-ovi-1-60000.png"));
        // Not a timing assertion: a quadratic claim would take minutes, not this.
        let _ = started;
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// A slug is lower-case ASCII letters, digits and single inner dashes, at most 60.
        #[test]
        fn slugs_are_safe_file_name_parts(s in "\\PC{0,200}") {
            let out = slug(&s);
            prop_assert!(out.len() <= 60);
            prop_assert!(out.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
            prop_assert!(!out.starts_with('-') && !out.ends_with('-') && !out.contains("--"), "{}", out);
        }

        /// A safe component is one non-empty path component that cannot climb.
        #[test]
        fn safe_components_stay_in_their_folder(s in "\\PC{0,300}") {
            let out = safe_component(&s);
            prop_assert!(!out.is_empty() && out.len() <= 100);
            prop_assert!(out.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
            prop_assert!(out != "." && out != "..");
        }

        /// Claimed names are unique, whatever collides.
        #[test]
        fn claimed_names_never_repeat(features in prop::collection::vec("[a-c]{0,2}", 1..60)) {
            let mut names = Names::default();
            names.reserve("front-annotated.png".into());
            let mut seen = std::collections::HashSet::new();
            for f in &features {
                let name = names.claim("data", f, "png");
                prop_assert!(seen.insert(name.clone()), "{} twice", name);
                prop_assert!(name != "front-annotated.png");
            }
        }
    }
}

//! The one escaping function of the HTML pages. Everything that comes from
//! an archive (process ids, feature and member names, subjects, messages,
//! paths) reaches a page through [`escape`] and nothing else, in text and in
//! quoted attribute values alike.

use crate::visible::is_hidden;
use std::borrow::Cow;
use std::fmt;

/// `text` made safe for HTML text and for a quoted attribute value: `&`,
/// `<`, `>`, `"` and `'` become character references, and every control
/// character and bidirectional control becomes a visible `\u{..}` escape
/// (as the terminal output shows them).
///
/// ```
/// use eid_archive::html::escape;
/// assert_eq!(escape("<b>&\"x\"</b>"), "&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;");
/// assert_eq!(escape("a\u{1b}[31m"), "a\\u{1b}[31m");
/// assert_eq!(escape("plain"), "plain");
/// ```
#[doc(hidden)]
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| matches!(c, '&' | '<' | '>' | '"' | '\'') || is_hidden(c))
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if is_hidden(c) => {
                use fmt::Write as _;
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// [`escape`] as a `Display` value, for `write!` without an allocation
/// when nothing needs escaping.
pub(crate) struct Esc<'a>(pub(crate) &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_becomes_text() {
        let hostile = "</text><script>alert(1)</script><img src=x onerror=alert(2)>";
        let e = escape(hostile);
        assert!(!e.contains('<') && !e.contains('>'), "{e}");
        assert_eq!(
            e,
            "&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"
        );
    }

    #[test]
    fn attribute_values_cannot_be_closed() {
        assert_eq!(escape("a\" onclick=\"x"), "a&quot; onclick=&quot;x");
        assert_eq!(escape("a' onclick='x"), "a&#39; onclick=&#39;x");
        assert_eq!(escape("&amp;"), "&amp;amp;");
    }

    #[test]
    fn controls_and_bidi_are_shown_not_run() {
        assert_eq!(escape("a\u{1b}[31mOK"), "a\\u{1b}[31mOK");
        assert_eq!(escape("abc\u{202E}fed"), "abc\\u{202e}fed");
        assert_eq!(escape("x\u{0}y\nz"), "x\\u{0}y\\u{a}z");
        assert_eq!(escape("\u{9b}31m"), "\\u{9b}31m");
    }

    #[test]
    fn other_text_is_kept_and_not_copied() {
        assert!(matches!(escape("plain ünïcode 🙂 حسن"), Cow::Borrowed(_)));
        assert_eq!(Esc("<").to_string(), "&lt;");
    }
}

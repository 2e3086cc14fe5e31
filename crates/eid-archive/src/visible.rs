//! Text from archives made visible. A name, path or message from an archive
//! reaches a person (a terminal, `summary.txt`, an HTML page) with every
//! character that could hide or disguise text shown as a visible `\u{..}`
//! escape instead: controls (an escape sequence could recolour a terminal or
//! rewrite a line), the `Bidi_Control` characters (they reorder text, so
//! `nonExpired` could be made to read as another name), the zero-width
//! characters (two names that differ only by one look alike) and the
//! noncharacters. One definition, for every output a person reads.

use std::borrow::Cow;
use std::fmt::Write as _;

/// True for characters that are shown as an escape, never as themselves.
pub(crate) fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            // Bidi_Control: ALM, LRM, RLM, the embeddings and overrides, the isolates.
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
            // Zero-width space, non-joiner, joiner; word joiner and the
            // invisible operators; the byte-order mark.
            | '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
            | '\u{FFFE}' | '\u{FFFF}'
        )
}

/// `text` with every hidden character (but `keep`) written `\u{..}`.
///
/// ```
/// use eid_archive::internals::visible;
/// assert_eq!(visible("a\u{1b}[31m", None), "a\\u{1b}[31m");
/// assert_eq!(visible("non\u{200b}Expired", None), "non\\u{200b}Expired");
/// assert_eq!(visible("x\u{61c}y\nz", Some('\n')), "x\\u{61c}y\nz");
/// assert_eq!(visible("plain", None), "plain");
/// ```
pub fn visible(text: &str, keep: Option<char>) -> Cow<'_, str> {
    if !text.chars().any(|c| is_hidden(c) && Some(c) != keep) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_hidden(c) && Some(c) != keep {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

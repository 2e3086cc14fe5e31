//! Text for the exhibit: which characters may appear, escaping for XML text
//! and attributes, cutting long names, the href check, estimated text widths
//! for layout, and label colours.

use super::*;
use std::fmt;

pub(super) fn keep_char(c: char) -> bool {
    match c {
        '\t' | '\n' => true,
        '\u{061C}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FFFE}'
        | '\u{FFFF}' => false,
        c => !c.is_control(),
    }
}

/// Removes the characters `keep_char` rejects.
pub(super) fn clean(s: &str) -> String {
    s.chars().filter(|&c| keep_char(c)).collect()
}

/// Replaces tab and newline by spaces, for one-line labels.
pub(super) fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c == '\t' || c == '\n' { ' ' } else { c })
        .collect()
}

/// Cuts `s` to at most `max` characters, ending with `…` when cut.
///
/// A trailing zero-width joiner or variation selector is dropped so a cut
/// emoji sequence does not glue itself to the ellipsis.
pub(super) fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
    while t.ends_with(['\u{200D}', '\u{FE0E}', '\u{FE0F}']) {
        t.pop();
    }
    t.push('…');
    t
}

/// Full form of an untrusted name for titles and `data-*` attributes.
pub(super) fn attr_text(s: &str) -> String {
    cut(&clean(s), ATTR_CHARS)
}

/// Short one-line form of an untrusted string for visible text.
pub(super) fn label_text(s: &str, max: usize) -> String {
    cut(&one_line(&clean(s)), max)
}

/// Escapes text for XML character data and attribute values alike.
///
/// Quotes are escaped everywhere so the same helper is safe in both
/// places; tab and newline become character references because attribute
/// normalisation would otherwise turn them into spaces. Forbidden
/// characters are filtered here too, as a second line of defence for
/// strings that did not go through `clean`.
pub(super) struct Esc<'a>(pub(super) &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&#39;")?,
                '\t' => f.write_str("&#9;")?,
                '\n' => f.write_str("&#10;")?,
                c if keep_char(c) => f.write_char(c)?,
                _ => {}
            }
        }
        Ok(())
    }
}

/// Returns the href to link, or `None` when it must not be linked.
///
/// Accepted: a relative path of `[A-Za-z0-9._/-]` that does not start with
/// `/`, has no empty or `..` segment; or a base64 JPEG/PNG data URI. Every
/// other scheme (`http:`, `javascript:`, `data:text/html`, …) is refused
/// because the exhibit must not fetch or run anything.
pub(super) fn checked_href(href: &str) -> Option<&str> {
    for prefix in ["data:image/jpeg;base64,", "data:image/png;base64,"] {
        if let Some(payload) = href.strip_prefix(prefix) {
            let ok = !payload.is_empty()
                && payload
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
            return ok.then_some(href);
        }
    }
    let ok = !href.is_empty()
        && href.len() <= MAX_PATH_LEN
        && href
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'/' | b'-'))
        && href.split('/').all(|seg| !seg.is_empty() && seg != "..");
    ok.then_some(href)
}

/// Sanitises the id prefix to `[A-Za-z0-9_-]`, at most 64 characters.
///
/// It is made to start with a letter or `_` because XML ids and CSS `#id`
/// selectors cannot start with a digit or `-`.
pub(super) fn sanitise_prefix(p: &str) -> String {
    let mut s: String = p
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .take(64)
        .collect();
    if s.is_empty() {
        s.push_str("exhibit");
    } else if !s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        s.insert(0, 'x');
    }
    s
}

/// Approximate advance of `c` in twentieths of an em for a generic
/// sans-serif (DejaVu Sans / Arial), rounded up so that layout errs on the
/// side of staying inside the image.
pub(super) fn advance20(c: char) -> u64 {
    let u = u32::from(c);
    match c {
        'i' | 'j' | 'l' | 'I' | '.' | ',' | ':' | ';' | '!' | '|' | '\'' | '`' => 7,
        ' ' | 'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '-' | '/' => 8,
        'm' | 'w' | 'M' | 'W' | '@' | '%' | '…' | '—' => 20,
        'A'..='Z' => 16,
        c if c.is_ascii() => 13,
        // Combining marks, zero-width spaces/joiners, variation selectors.
        _ if (0x0300..=0x036F).contains(&u)
            || (0x200B..=0x200F).contains(&u)
            || (0xFE00..=0xFE0F).contains(&u) =>
        {
            0
        }
        // East Asian wide/fullwidth and emoji blocks.
        _ if (0x1100..=0x115F).contains(&u)
            || (0x2E80..=0xA4CF).contains(&u)
            || (0xAC00..=0xD7A3).contains(&u)
            || (0xF900..=0xFAFF).contains(&u)
            || (0xFF00..=0xFF60).contains(&u)
            || (0x1F000..=0x1FAFF).contains(&u)
            || (0x20000..=0x3FFFD).contains(&u) =>
        {
            20
        }
        _ => 15,
    }
}

/// Estimated width of `s` at font size `fs`, in user units.
pub(super) fn text_width(s: &str, fs: i64) -> i64 {
    let ems: u64 = s.chars().map(advance20).sum();
    let fs = u64::try_from(fs).unwrap_or(0);
    i64::try_from(ems.saturating_mul(fs).div_ceil(20)).unwrap_or(i64::MAX)
}

/// ` textLength=… lengthAdjust=…` when `width` exceeds `avail`, so text
/// that would not fit is squeezed instead of leaving the viewBox.
pub(super) fn squeeze(width: i64, avail: i64) -> String {
    if width > avail {
        format!(
            " textLength=\"{}\" lengthAdjust=\"spacingAndGlyphs\"",
            avail.max(1)
        )
    } else {
        String::new()
    }
}

/// `#rrggbb`.
pub(super) fn hex(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// Darkens light colours so label text stays readable on its white halo
/// (a yellow outline would otherwise give yellow-on-white text).
pub(super) fn ink(c: [u8; 3]) -> [u8; 3] {
    const MAX_LUMA: u32 = 110;
    let [r, g, b] = c.map(u32::from);
    let luma = (299 * r + 587 * g + 114 * b) / 1000;
    if luma <= MAX_LUMA {
        return c;
    }
    c.map(|v| u8::try_from(u32::from(v) * MAX_LUMA / luma).unwrap_or(0))
}

/// Text metrics derived from the font size, all in integer user units.
#[derive(Debug, Clone, Copy)]
pub(super) struct Metrics {
    /// Font size.
    pub(super) fs: i64,
    /// Line height.
    pub(super) lh: i64,
    /// Panel padding.
    pub(super) pad: i64,
    /// Height above the baseline reserved for glyphs and halo.
    pub(super) asc: i64,
    /// Depth below the baseline reserved for glyphs and halo.
    pub(super) desc: i64,
    /// Halo stroke width.
    pub(super) halo: i64,
}

impl Metrics {
    pub(super) fn new(fs: i64) -> Self {
        let fs = fs.max(1);
        Metrics {
            fs,
            lh: fs + (fs * 3 / 10).max(1),
            pad: (fs / 2).max(1),
            asc: fs,
            desc: fs / 4 + 1,
            halo: (fs / 5).max(1),
        }
    }

    /// Height of a panel holding `lines` lines of text.
    pub(super) fn panel(&self, lines: i64) -> i64 {
        2 * self.pad + lines * self.lh
    }

    /// Baseline of line `i` in a panel whose top is at `top`.
    pub(super) fn baseline(&self, top: i64, i: i64) -> i64 {
        top + self.pad + i * self.lh + self.fs - self.fs / 5
    }
}

/// One legend entry: full name for `data-feature`, visible line.
pub(super) struct LegendLine {
    pub(super) name: String,
    pub(super) text: String,
}

pub(super) fn legend_line(name: &str, why: &str) -> LegendLine {
    LegendLine {
        name: attr_text(name),
        text: format!(
            "{}: {}",
            label_text(name, LABEL_CHARS),
            label_text(why, WHY_CHARS)
        ),
    }
}

/// Lines in the legend panel: header, shown notes, "… and N more".
pub(super) fn legend_lines(shown: usize, total: usize) -> i64 {
    let more = usize::from(total > shown);
    i64::try_from(1 + shown + more).unwrap_or(i64::MAX)
}

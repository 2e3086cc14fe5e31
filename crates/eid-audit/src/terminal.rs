//! Text from archives on a terminal. Member names, feature names and process
//! ids come from untrusted archives: an escape sequence in one could recolour
//! the terminal or rewrite a line ("OK: all evidence verified"). Every control
//! character, every character that reorders text (`Bidi_Control`) and every
//! zero-width one is shown as a visible `\u{..}` escape instead. The progress
//! bar of a run lives here too: it is what else a terminal shows.

use indicatif::{ProgressBar, ProgressState, ProgressStyle};
use std::borrow::Cow;
use std::io::{self, IsTerminal};

/// One value made safe to print: every control, bidirectional and
/// zero-width character escaped (the library's one definition), line
/// breaks included.
pub fn escape(text: &str) -> Cow<'_, str> {
    eid_archive::internals::visible(text, None)
}

/// Whole output made safe to print: the same, except the line breaks the
/// program wrote itself.
pub fn clean(text: &str) -> Cow<'_, str> {
    eid_archive::internals::visible(text, Some('\n'))
}

/// Cuts a value to at most `max` characters, ending in `…` when cut. Tables
/// stay readable (and small) whatever an archive holds; `--format json`
/// carries the full value.
pub fn cut(text: &str, max: usize) -> Cow<'_, str> {
    if text.chars().count() <= max {
        return Cow::Borrowed(text);
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    Cow::Owned(out)
}

/// Prints one line on standard error, made safe.
#[macro_export]
macro_rules! warn_line {
    ($($arg:tt)*) => {
        eprintln!("{}", $crate::terminal::escape(&format!($($arg)*)))
    };
}

/// The progress bar on a terminal: archives done, the rate, and what was
/// found so far; hidden with `--quiet` or when standard error is not a terminal.
pub fn progress(len: usize, quiet: bool) -> ProgressBar {
    if quiet || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    let style = ProgressStyle::with_template(
        "{elapsed_precise} [{bar:30}] {pos}/{len} archives, {rate} ({eta} left), {msg}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .with_key("rate", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
        let _ = write!(w, "{:.0}/s", s.per_sec());
    })
    .progress_chars("=> ");
    bar.set_style(style);
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_shown_never_run() {
        assert_eq!(escape("plain ünïcode"), "plain ünïcode");
        assert_eq!(
            escape("a\u{1b}[32mOK\u{1b}[0m\nb"),
            "a\\u{1b}[32mOK\\u{1b}[0m\\u{a}b"
        );
        assert_eq!(clean("row 1\nrow\u{7} 2\n"), "row 1\nrow\\u{7} 2\n");
        assert_eq!(escape("abc\u{202E}fed"), "abc\\u{202e}fed");
        assert_eq!(escape("\u{9b}31m"), "\\u{9b}31m");
    }

    #[test]
    fn long_values_are_cut() {
        assert_eq!(cut("short", 10), "short");
        assert_eq!(cut(&"x".repeat(300), 10), format!("{}…", "x".repeat(9)));
        assert_eq!(cut("ééééé", 3).chars().count(), 3);
    }
}

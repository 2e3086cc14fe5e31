//! Colour on a terminal, as ripgrep does it: `--color auto|always|never`,
//! `NO_COLOR` honoured, never in a file eid-audit writes. Only words the
//! program wrote itself are painted (status words, severities, check
//! results), after the text from archives has been made safe, so a value
//! from an archive can neither bring its own colour nor take ours.

use std::io::IsTerminal;
use std::sync::OnceLock;

/// When to colour standard output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum When {
    /// On a terminal, unless `NO_COLOR` is set (to anything but "") or
    /// `TERM` is `dumb`.
    #[default]
    Auto,
    /// Always, even into a pipe or a file.
    Always,
    /// Never.
    Never,
}

static ON: OnceLock<bool> = OnceLock::new();

/// Decides once, for the whole run.
pub fn init(when: When) {
    let on = match when {
        When::Always => true,
        When::Never => false,
        When::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
        }
    };
    let _ = ON.set(on);
}

fn on() -> bool {
    ON.get().copied().unwrap_or(false)
}

const RESET: &str = "\x1b[0m";

/// The colour of a word the program writes, if it has one.
fn colour_of(word: &str) -> Option<&'static str> {
    Some(match word {
        "ACCEPTED" | "accepted" => "\x1b[32m",
        "REJECTED" | "rejected" | "NOT VALID" | "UNREADABLE" | "error" => "\x1b[31m",
        "INCONCLUSIVE" | "inconclusive" | "warning" => "\x1b[33m",
        "FAILED" | "failed" => "\x1b[35m",
        "info" => "\x1b[36m",
        _ => return None,
    })
}

fn paint(word: &str) -> String {
    match colour_of(word) {
        Some(c) => format!("{c}{word}{RESET}"),
        None => word.to_owned(),
    }
}

/// `inspect`'s text, painted: the status word of the first line, the
/// results in the checks table and the severities in the findings table.
/// Cells are matched by position, never by searching the text, so a
/// member or feature named `error` stays plain.
pub fn inspect(text: &str, status_word: &str) -> String {
    if !on() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 256);
    let mut section = "";
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let body = line.trim_end_matches('\n');
        if i == 0 {
            // `<process id>  <STATUS>  (...)`: the status follows the id.
            let needle = format!("  {status_word}  ");
            match body.find(&needle) {
                Some(at) => {
                    out.push_str(&body[..at + 2]);
                    out.push_str(&paint(status_word));
                    out.push_str(&line[at + 2 + status_word.len()..]);
                }
                None => out.push_str(line),
            }
            continue;
        }
        if !body.starts_with(' ') && !body.is_empty() {
            section = if body == "findings" || body == "security checks" {
                body
            } else {
                ""
            };
        }
        match section {
            "findings" => {
                let word = body.trim_start().split(' ').next().unwrap_or("");
                if body.starts_with("  ") && matches!(word, "error" | "warning" | "info") {
                    out.push_str("  ");
                    out.push_str(&paint(word));
                    out.push_str(&line[2 + word.len()..]);
                    continue;
                }
                out.push_str(line);
            }
            "security checks" => {
                // `  <check>  <RESULT>`: the result is the last cell.
                let result = ["NOT VALID", "UNREADABLE"]
                    .into_iter()
                    .find(|r| body.ends_with(&format!("  {r}")));
                match result {
                    Some(r) => {
                        out.push_str(&body[..body.len() - r.len()]);
                        out.push_str(&paint(r));
                        out.push_str(&line[body.len()..]);
                    }
                    None => out.push_str(line),
                }
            }
            _ => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_programs_own_words_are_painted() {
        let _ = ON.set(true);
        let text = "p-1  REJECTED  (recorded accepted: DISAGREES)\n\
                    \nsecurity checks\n  CHECK       RESULT\n  notBWCopy   NOT VALID\n  error       valid\n\
                    \nfindings\n  SEVERITY  CODE  SUBJECT  MESSAGE\n  error     X     error    error\n  info      Y     s        m\n";
        let painted = inspect(text, "REJECTED");
        assert!(painted.starts_with("p-1  \x1b[31mREJECTED\x1b[0m  (recorded"));
        assert!(painted.contains("  notBWCopy   \x1b[31mNOT VALID\x1b[0m\n"));
        // A check named `error` is the archive's word: plain.
        assert!(painted.contains("\n  error       valid\n"));
        assert!(painted.contains("\n  \x1b[31merror\x1b[0m     X     error    error\n"));
        assert!(painted.contains("\n  \x1b[36minfo\x1b[0m      Y"));
        assert_eq!(painted.matches('\x1b').count(), 8);
    }
}

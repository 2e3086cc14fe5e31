//! The glossary of the index: every reason code and finding code with what
//! it means, taken from the tables of `docs/decision.md` when the program is
//! built, so that the page and the rules' own account can never say two
//! things. A test checks that every code the program can write is there.

use super::escape::Esc;
use super::layout;
use std::fmt::Write as _;

/// The rules' account, as the program was built with it.
const DECISION_MD: &str = include_str!("../../../../docs/decision.md");

/// One code: its name, its status or severity, and when it is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) code: &'static str,
    pub(crate) gives: &'static str,
    pub(crate) meaning: &'static str,
}

/// The rows of the Markdown tables under `heading` (up to the next heading
/// of that level or above) whose first cell is a code in backticks.
fn table(heading: &str) -> Vec<Entry> {
    let Some(start) = DECISION_MD.find(heading) else {
        return Vec::new();
    };
    let body = &DECISION_MD[start + heading.len()..];
    let end = body.find("\n## ").unwrap_or(body.len());
    body[..end]
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.strip_prefix("| `")?.splitn(3, " | ").collect();
            let [code, gives, meaning] = cells[..] else {
                return None;
            };
            Some(Entry {
                code: code.strip_suffix('`')?,
                gives,
                meaning: meaning.strip_suffix(" |").unwrap_or(meaning),
            })
        })
        .collect()
}

/// The reason codes, in the order of `docs/decision.md`.
pub(crate) fn reasons() -> Vec<Entry> {
    table("### The reason codes")
}

/// The finding codes, in the order of `docs/decision.md`.
pub(crate) fn findings() -> Vec<Entry> {
    table("## 7. Findings")
}

/// A cell of the Markdown as HTML: escaped, with `code` spans kept.
fn inline(text: &str) -> String {
    let mut out = String::new();
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{}</code>", Esc(part));
        } else {
            let _ = write!(out, "{}", Esc(part));
        }
    }
    out
}

/// The glossary section, folded: one table of reasons, one of findings.
pub(crate) fn section(out: &mut String) {
    layout::heading(out, "glossary", "Glossary of the codes");
    out.push_str(
        "<details class=\"glossary\"><summary>Every reason and finding code, and when it is given \
         (from the rules, docs/decision.md)</summary>\n",
    );
    for (id, caption, gives, entries) in [
        ("glossary-reasons", "Reason codes", "Status", reasons()),
        ("glossary-findings", "Finding codes", "Severity", findings()),
    ] {
        layout::open_table(out, id, "list", caption, &["Code", gives, "Given when"]);
        for e in entries {
            let _ = writeln!(
                out,
                "<tr id=\"code-{}\"><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                Esc(e.code),
                Esc(e.code),
                inline(e.gives),
                inline(e.meaning)
            );
        }
        layout::close_table(out);
    }
    out.push_str("</details>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::{FindingCode, ReasonCode};

    #[test]
    fn every_code_the_program_writes_is_in_the_glossary_once() {
        let reasons = reasons();
        for code in ReasonCode::ALL {
            let n = reasons.iter().filter(|e| e.code == code.as_str()).count();
            assert_eq!(n, 1, "reason {code} in docs/decision.md");
        }
        let findings = findings();
        for code in FindingCode::ALL {
            let n = findings.iter().filter(|e| e.code == code.as_str()).count();
            assert_eq!(n, 1, "finding {code} in docs/decision.md");
        }
        assert!(reasons.iter().all(|e| !e.meaning.is_empty()));
        assert!(findings.iter().all(|e| !e.meaning.ends_with('|')));
    }

    #[test]
    fn markdown_code_spans_become_code_and_the_rest_is_escaped() {
        assert_eq!(
            inline("`nonExpired` is <valid>"),
            "<code>nonExpired</code> is &lt;valid&gt;"
        );
    }
}

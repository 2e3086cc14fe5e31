//! Previous and next within each list of the index: an archive's page that
//! is in a list (a disagreement, an agent override, an integrity failure,
//! an error finding, an error) gets a line leading to the archive before
//! and after it in that list, so that a reviewer works down a list without
//! going back to the index.
//!
//! The lists are known only once every archive is read, and the pages are
//! written before that (by the workers, or copied by a merge), so the lines
//! are put into the pages at the end: right after the page's heading, one
//! line a list, each marked so that a merge takes a shard's lines out
//! before it puts in its own.

use super::escape::Esc;
use crate::error::OutputError;
use crate::tally::{Listed, Tally};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// What starts every line this module writes (and a merge removes).
pub(crate) const MARK: &str = "<nav class=\"list-nav\"";

/// The lists, as the index shows them: anchor, title, entries, total.
fn lists(t: &Tally) -> [(&'static str, &'static str, &[Listed], usize); 5] {
    [
        (
            "disagreements",
            "Disagreements",
            &t.listed_disagreements,
            t.disagreements,
        ),
        (
            "overrides",
            "Agent overrides",
            &t.listed_overrides,
            t.agent_overrides,
        ),
        (
            "integrity",
            "Integrity failures",
            &t.listed_integrity,
            t.integrity_failures,
        ),
        (
            "error-findings",
            "Archives with an error finding",
            &t.listed_error_findings,
            t.error_finding_archives,
        ),
        ("errors", "Errors", &t.listed_errors, t.errors),
    ]
}

/// The page of the archive at `index`, relative to another archive's page.
fn sibling(index: usize) -> String {
    format!("{index:06}.html")
}

/// Puts the previous/next lines into the pages of `dir` (the `html/`
/// folder) of every archive the tally's lists name.
pub(crate) fn link(dir: &Path, t: &Tally) -> Result<(), OutputError> {
    let mut lines: BTreeMap<usize, String> = BTreeMap::new();
    for (id, title, entries, total) in lists(t) {
        for (k, e) in entries.iter().enumerate() {
            let line = lines.entry(e.index).or_default();
            let _ = write!(
                line,
                "{MARK} aria-label=\"{title}\"><a href=\"../index.html#{id}\">{title}</a> {} of {total}",
                k + 1
            );
            if let Some(p) = k.checked_sub(1).and_then(|p| entries.get(p)) {
                let _ = write!(
                    line,
                    " · <a rel=\"prev\" href=\"{}\">previous: {}</a>",
                    sibling(p.index),
                    Esc(&p.archive)
                );
            }
            if let Some(n) = entries.get(k + 1) {
                let _ = write!(
                    line,
                    " · <a rel=\"next\" href=\"{}\">next: {}</a>",
                    sibling(n.index),
                    Esc(&n.archive)
                );
            }
            line.push_str("</nav>\n");
        }
    }
    for (index, nav) in lines {
        let path = dir.join(super::archive_page_name(index));
        let page = std::fs::read_to_string(&path).map_err(OutputError::io(&path))?;
        // After the page's heading: the first `</h1>` is the page's own.
        let Some(at) = page.find("</h1>\n").map(|i| i + "</h1>\n".len()) else {
            continue;
        };
        let mut out = String::with_capacity(page.len() + nav.len());
        out.push_str(&page[..at]);
        out.push_str(&nav);
        out.push_str(&page[at..]);
        std::fs::write(&path, out).map_err(OutputError::io(&path))?;
    }
    Ok(())
}

/// A shard's page without the lines [`link`] put in it.
pub(crate) fn unlink(page: &str) -> String {
    page.lines()
        .filter(|l| !l.starts_with(MARK))
        .flat_map(|l| [l, "\n"])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_gets_its_place_in_each_list_and_loses_it_again() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a")).unwrap();
        let page = "<html>\n<h1>Archive <span>x</span></h1>\n<p>body</p>\n";
        for i in 0..3 {
            std::fs::write(dir.path().join(super::super::archive_page_name(i)), page).unwrap();
        }
        let entry = |index: usize, archive: &str| Listed {
            index,
            archive: archive.into(),
            process_id: String::new(),
            recorded: String::new(),
            status: String::new(),
            what: String::new(),
        };
        let t = Tally {
            disagreements: 3,
            listed_disagreements: vec![entry(0, "a.zip"), entry(1, "<b>.zip"), entry(2, "c.zip")],
            errors: 1,
            listed_errors: vec![entry(1, "<b>.zip")],
            ..Tally::default()
        };
        link(dir.path(), &t).unwrap();
        let middle = std::fs::read_to_string(dir.path().join("a/000001.html")).unwrap();
        assert_eq!(
            middle,
            "<html>\n<h1>Archive <span>x</span></h1>\n\
             <nav class=\"list-nav\" aria-label=\"Disagreements\"><a href=\"../index.html#disagreements\">Disagreements</a> 2 of 3 \
             · <a rel=\"prev\" href=\"000000.html\">previous: a.zip</a> · <a rel=\"next\" href=\"000002.html\">next: c.zip</a></nav>\n\
             <nav class=\"list-nav\" aria-label=\"Errors\"><a href=\"../index.html#errors\">Errors</a> 1 of 1</nav>\n\
             <p>body</p>\n"
        );
        let first = std::fs::read_to_string(dir.path().join("a/000000.html")).unwrap();
        assert!(first.contains(
            "1 of 3 · <a rel=\"next\" href=\"000001.html\">next: &lt;b&gt;.zip</a></nav>"
        ));
        assert!(!first.contains("rel=\"prev\""));
        assert_eq!(unlink(&middle), page);
    }
}

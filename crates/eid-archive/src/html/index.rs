//! The report's `html/` folder, written as the events arrive in input order:
//! each archive's row goes straight into the current `archives-K.html` (a
//! new one every [`PAGE_ROWS`] rows), an archive that could not be read gets
//! its page, and `index.html` is written last, from the run's tally. Memory
//! stays flat: this writer keeps no counts of its own.

use super::charts::Bar;
use super::index_page::{archives_table_head, pager, table_row};
use super::layout::{self, Assets};
use crate::error::OutputError;
use crate::event::Event;
use crate::pii::Pii;
use crate::tally::{Counts, Listed, Tally};
use crate::verdict::{Severity, Status};
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// The most rows one `archives-K.html` holds.
pub(crate) const PAGE_ROWS: usize = 1_000;
/// How many bars a chart of reasons or codes shows.
const TOP: usize = 15;

/// The page of all archives that holds the row at `index`, 1-based.
pub(crate) fn page_of(index: usize) -> usize {
    index / PAGE_ROWS + 1
}

/// How many pages `rows` rows fill.
pub(crate) fn pages_for(rows: usize) -> usize {
    rows.div_ceil(PAGE_ROWS)
}

/// The navigation of an archive page in a report folder.
pub(crate) fn archive_nav(index: usize) -> String {
    format!(
        "<nav><a href=\"../index.html\">The run at a glance</a> · \
         <a href=\"../archives-{p}.html#a{index:06}\">All archives, page {p}</a></nav>\n",
        p = page_of(index)
    )
}

/// The most frequent first (ties by key), at most `top`, plus "others".
fn top(counts: &Counts, top: usize, class: &'static str) -> Vec<Bar> {
    let mut v: Vec<(&String, &usize)> = counts.counts.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let rest: usize = v.iter().skip(top).map(|(_, n)| **n).sum::<usize>() + counts.others;
    let mut bars: Vec<Bar> = v
        .into_iter()
        .take(top)
        .map(|(k, n)| Bar::new(k.clone(), *n, class))
        .collect();
    if rest > 0 {
        bars.push(Bar::new("(all others)", rest, "other"));
    }
    bars
}

/// Writes a report's `html/` folder.
#[derive(Debug)]
pub(crate) struct IndexWriter {
    dir: PathBuf,
    pii: Pii,
    policy: String,
    expected: usize,
    page: Option<(usize, BufWriter<File>, PathBuf)>,
    rows: usize,
    /// The finder's data file, `archives.js`, while it is written (none
    /// for a run of more than [`FINDER_MAX`] archives).
    data: Option<(BufWriter<File>, PathBuf)>,
}

/// The most archives the index's finder searches in the browser: its data
/// file holds a line of about 200 bytes an archive, 40 MB at this many. A
/// larger store is searched with the queries over `archives.csv`.
pub(crate) const FINDER_MAX: usize = 200_000;

impl IndexWriter {
    /// Starts the folder `dir` (created), for a run of `expected` archives
    /// (the number of pages is known from the start), judged by `policy`
    /// (its name and digest, as pages show it), under the mode `pii`.
    pub(crate) fn create(
        dir: &Path,
        expected: usize,
        policy: &str,
        pii: &Pii,
    ) -> Result<IndexWriter, OutputError> {
        crate::fsio::ensure_dir(&dir.join(super::ARCHIVE_DIR))?;
        let data = if expected <= FINDER_MAX {
            let path = dir.join("archives.js");
            let file = File::create(&path).map_err(OutputError::io(&path))?;
            let mut w = BufWriter::with_capacity(256 << 10, file);
            // Each row: index, archive, process id, status, agrees,
            // recorded, automatic, reviewer, reasons, worst, error.
            w.write_all(b"window.EID_ARCHIVES = [\n")
                .map_err(OutputError::io(&path))?;
            Some((w, path))
        } else {
            None
        };
        Ok(IndexWriter {
            dir: dir.to_owned(),
            pii: pii.clone(),
            policy: policy.to_owned(),
            expected,
            page: None,
            rows: 0,
            data,
        })
    }

    /// Appends a row to the finder's data file.
    fn add_data(&mut self, row: &str) -> Result<(), OutputError> {
        if let Some((w, path)) = self.data.as_mut() {
            w.write_all(row.as_bytes())
                .and_then(|()| w.write_all(b",\n"))
                .map_err(OutputError::io(path))?;
        }
        Ok(())
    }

    /// The number of pages of all archives.
    fn pages(&self) -> usize {
        pages_for(self.expected.max(self.rows))
    }

    /// Adds one event: its row goes into its page of all archives (by its
    /// position in the inputs). An archive that could not be read gets its
    /// page here (the workers write the others').
    pub(crate) fn add(&mut self, event: &Event<'_>) -> Result<(), OutputError> {
        if let Err(e) = event.outcome {
            let html = super::page::render_error(
                event.index,
                event.path,
                e,
                &self.policy,
                &self.pii,
                &archive_nav(event.index),
            );
            let path = self.dir.join(super::archive_page_name(event.index));
            super::write_new(&path, html.as_bytes())?;
        }
        let mut html = String::with_capacity(1024);
        let data = table_row(&mut html, event);
        self.add_row(event.index, &html, &data)
    }

    /// Adds the row at `index`, made by `table_row` or `table_row_of`, to
    /// its page of all archives.
    pub(crate) fn add_row(
        &mut self,
        index: usize,
        html: &str,
        data: &str,
    ) -> Result<(), OutputError> {
        self.add_data(data)?;
        let page = page_of(index);
        if self.page.as_ref().is_none_or(|(p, ..)| *p != page) {
            self.close_page()?;
            self.open_page(page)?;
        }
        if let Some((_, w, path)) = self.page.as_mut() {
            w.write_all(html.as_bytes())
                .map_err(OutputError::io(path))?;
        }
        self.rows += 1;
        Ok(())
    }

    fn open_page(&mut self, page: usize) -> Result<(), OutputError> {
        let path = self.dir.join(format!("archives-{page}.html"));
        let file = File::create(&path).map_err(OutputError::io(&path))?;
        let mut w = BufWriter::with_capacity(256 << 10, file);
        let mut html = String::new();
        let pages = self.pages();
        let nav = format!(
            "<nav><a href=\"index.html\">The run at a glance</a></nav>\n{}",
            pager(page, pages)
        );
        layout::open(
            &mut html,
            &format!("All archives, page {page} of {pages} · eid-audit"),
            Assets::Linked { up: "" },
            &self.pii,
            &nav,
        );
        let first = (page - 1) * PAGE_ROWS + 1;
        let _ = write!(
            html,
            "<h1>All archives, page {page} of {pages}</h1>\n<p>Rows {first} to {} of {}, in input order; \
             each links to its archive's page. Sorting and filtering apply to this page.</p>\n",
            (page * PAGE_ROWS).min(self.expected.max(first)),
            self.expected,
        );
        archives_table_head(&mut html, "archives", "Every archive");
        w.write_all(html.as_bytes())
            .map_err(OutputError::io(&path))?;
        self.page = Some((page, w, path));
        Ok(())
    }

    fn close_page(&mut self) -> Result<(), OutputError> {
        let Some((page, mut w, path)) = self.page.take() else {
            return Ok(());
        };
        let mut html = String::new();
        layout::close_table(&mut html);
        html.push_str(&pager(page, self.pages()));
        layout::close(&mut html, Assets::Linked { up: "" }, &self.pii);
        w.write_all(html.as_bytes())
            .and_then(|()| w.flush())
            .map_err(OutputError::io(&path))
    }

    /// Closes the last page, writes `index.html` (its footer says `about`:
    /// the tool, its commit and when the run began), `report.css` and
    /// `report.js`.
    pub(crate) fn finish(mut self, tally: &Tally, about: &str) -> Result<(), OutputError> {
        self.close_page()?;
        if let Some((mut w, path)) = self.data.take() {
            w.write_all(b"];\n")
                .and_then(|()| w.flush())
                .map_err(OutputError::io(&path))?;
        }
        super::list_nav::link(&self.dir, tally)?;
        let mut html = String::with_capacity(64 << 10);
        super::index_page::render(&mut html, &self.view(tally), about);
        super::write_new(&self.dir.join("index.html"), html.as_bytes())?;
        super::write_new(&self.dir.join("report.css"), layout::CSS.as_bytes())?;
        super::write_new(&self.dir.join("report.js"), layout::JS.as_bytes())
    }

    fn view<'a>(&'a self, t: &'a Tally) -> super::index_page::View<'a> {
        let status_bars = |f: &dyn Fn(Status) -> usize| -> Vec<Bar> {
            Status::FINAL
                .iter()
                .map(|s| Bar::new(s.as_str(), f(*s), s.as_str()))
                .collect()
        };
        let mut recorded =
            status_bars(&|s| t.recorded.counts.get(s.as_str()).copied().unwrap_or(0));
        let other_recorded: usize = t
            .recorded
            .counts
            .iter()
            .filter(|(k, _)| Status::parse(k).is_none())
            .map(|(_, n)| n)
            .sum::<usize>()
            + t.recorded.others;
        recorded.push(Bar::new("not final or none", other_recorded, "other"));
        let mut recomputed = status_bars(&|s| t.by_status.get(&s).copied().unwrap_or(0));
        let not_final = t.by_status.get(&Status::NotFinal).copied().unwrap_or(0);
        recomputed.push(Bar::new("not final or none", not_final, "other"));
        let severity = [Severity::Error, Severity::Warning, Severity::Info]
            .iter()
            .map(|s| {
                Bar::new(
                    s.as_str(),
                    t.findings.get(s).copied().unwrap_or(0),
                    s.as_str(),
                )
            })
            .collect();
        let mut codes: Vec<(&&str, &usize)> = t.codes.iter().collect();
        codes.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let codes = codes
            .into_iter()
            .map(|(c, n)| Bar::new(*c, *n, "other"))
            .collect();
        let mut months: Vec<Bar> = t
            .months
            .counts
            .iter()
            .map(|(k, n)| Bar::new(k.clone(), *n, "other"))
            .collect();
        if t.months.others > 0 {
            months.push(Bar::new("(others)", t.months.others, "other"));
        }
        super::index_page::View {
            finder: self.expected <= FINDER_MAX,
            pii: &self.pii,
            policy: &self.policy,
            archives: t.archives,
            pages: self.pages(),
            errors: t.errors,
            disagreements: t.disagreements,
            unrecorded: t.unrecorded,
            recorded,
            recomputed,
            severity,
            codes,
            reasons: top(&t.reasons, TOP, "other"),
            similarity: top(&t.similarity, TOP, "other"),
            months,
            listed_disagreements: t.listed_disagreements.iter().map(cells).collect(),
            listed_errors: t.listed_errors.iter().map(cells).collect(),
            integrity_failures: t.integrity_failures,
            listed_integrity: t.listed_integrity.iter().map(cells).collect(),
            agent_overrides: t.agent_overrides,
            listed_overrides: t.listed_overrides.iter().map(cells).collect(),
            error_finding_archives: t.error_finding_archives,
            listed_error_findings: t.listed_error_findings.iter().map(cells).collect(),
            population: t
                .population
                .as_deref()
                .map(super::index_section)
                .unwrap_or_default(),
            monitoring: &t.monitoring,
        }
    }
}

fn cells(l: &Listed) -> super::index_page::ListedRow<'_> {
    super::index_page::ListedRow {
        index: l.index,
        archive: &l.archive,
        process_id: &l.process_id,
        recorded: &l.recorded,
        status: &l.status,
        what: &l.what,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Error, ErrorKind};
    use std::path::Path;

    #[test]
    fn pages_hold_at_most_a_thousand_rows() {
        assert_eq!(pages_for(0), 0);
        assert_eq!(pages_for(1), 1);
        assert_eq!(pages_for(1000), 1);
        assert_eq!(pages_for(1001), 2);
        assert_eq!((page_of(0), page_of(999), page_of(1000)), (1, 1, 2));
        let dir = tempfile::tempdir().unwrap();
        let html = dir.path().join("html");
        let mut w = IndexWriter::create(&html, 2500, "default (x)", &Pii::Omit).unwrap();
        let mut tally = Tally::default();
        for i in 0..2500 {
            let path = format!("store/{i}.zip");
            let e = Error::new(&path, None, ErrorKind::NoCentralDirectory);
            let event = Event {
                index: i,
                path: Path::new(&path),
                outcome: Err(&e),
            };
            w.add(&event).unwrap();
            tally.add(&event);
        }
        w.finish(&tally, "eid-audit test").unwrap();
        let rows_of = |p: usize| {
            let text = std::fs::read_to_string(html.join(format!("archives-{p}.html"))).unwrap();
            assert!(text.ends_with("</html>\n"), "page {p} is closed");
            text.matches("<tr id=\"a").count()
        };
        assert_eq!((rows_of(1), rows_of(2), rows_of(3)), (1000, 1000, 500));
        assert!(!html.join("archives-4.html").exists());
        let p2 = std::fs::read_to_string(html.join("archives-2.html")).unwrap();
        assert!(p2.contains("<tr id=\"a001000\"") && p2.contains("<tr id=\"a001999\""));
        assert!(
            p2.contains("href=\"archives-1.html\">previous")
                && p2.contains("href=\"archives-3.html\">next")
        );
        assert!(p2.contains("Page 2 of 3"));
        assert!(
            html.join("a/002499.html").exists(),
            "each error has its page"
        );
        let index = std::fs::read_to_string(html.join("index.html")).unwrap();
        for p in 1..=3 {
            assert!(
                index.contains(&format!("href=\"archives-{p}.html\"")),
                "{p}"
            );
        }
        // 2,500 errors, the first thousand listed by name.
        assert!(index.contains("data-count=\"errors\">2500<"), "{index}");
        assert_eq!(index.matches("<tr class=\"listed\"").count(), 1000);
        assert!(html.join("report.js").exists() && html.join("report.css").exists());
    }

    #[test]
    fn the_most_common_first_and_the_rest_together() {
        let mut t = Counts::default();
        for i in 0..(crate::tally::DISTINCT + 500) {
            t.add(&format!("k{i}"));
        }
        t.add("k0");
        let top = top(&t, 3, "other");
        assert_eq!(top[0], Bar::new("k0", 2, "other"));
        assert_eq!(top.len(), 4);
        assert_eq!(top[3].value, crate::tally::DISTINCT + 500 - 3);
    }
}

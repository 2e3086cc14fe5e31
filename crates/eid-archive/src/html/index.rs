//! The report's `html/` folder, written as the rows arrive in input order:
//! each row goes straight into the current `archives-K.html` (a new one
//! every [`PAGE_ROWS`] rows), the counts behind the charts are kept, and
//! `index.html` is written last. Memory stays flat: besides the counts
//! (each kind capped at [`DISTINCT`] distinct values), only the first
//! [`LISTED`] disagreements and errors are held, to be listed first.

use super::charts::Bar;
use super::index_page::{archives_table_head, pager, table_row};
use super::layout::{self, Assets};
use crate::error::OutputError;
use crate::pii::Pii;
use crate::report::{ArchiveRow, Rows, SEPARATOR};
use crate::verdict::{Severity, Status};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// The most rows one `archives-K.html` holds.
pub const PAGE_ROWS: usize = 1_000;
/// How many disagreements and how many errors `index.html` lists by name.
pub(crate) const LISTED: usize = 1_000;
/// How many distinct values (reasons, months, similarity words, recorded
/// words) are counted one by one; the rest are counted together.
pub(crate) const DISTINCT: usize = 1_000;
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

/// Counts by a text key, at most [`DISTINCT`] keys; others are counted together.
#[derive(Debug, Default)]
struct Tally {
    counts: BTreeMap<String, usize>,
    others: usize,
}

impl Tally {
    fn add(&mut self, key: &str) {
        if let Some(n) = self.counts.get_mut(key) {
            *n += 1;
        } else if self.counts.len() < DISTINCT {
            self.counts.insert(key.to_owned(), 1);
        } else {
            self.others += 1;
        }
    }

    /// The most frequent first (ties by key), at most `top`, plus "others".
    fn top(&self, top: usize, class: &'static str) -> Vec<Bar> {
        let mut v: Vec<(&String, &usize)> = self.counts.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let rest: usize = v.iter().skip(top).map(|(_, n)| **n).sum::<usize>() + self.others;
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
}

/// A disagreement or an error, as `index.html` lists it.
#[derive(Debug)]
struct Listed {
    index: usize,
    archive: String,
    process_id: String,
    recorded: String,
    status: String,
    what: String,
}

/// Writes a report's `html/` folder.
#[derive(Debug)]
pub struct IndexWriter {
    dir: PathBuf,
    pii: Pii,
    policy: String,
    expected: usize,
    page: Option<(usize, BufWriter<File>, PathBuf)>,
    rows: usize,
    recorded: Tally,
    status: BTreeMap<Status, usize>,
    disagreements: usize,
    unrecorded: usize,
    errors: usize,
    severity: BTreeMap<Severity, usize>,
    codes: BTreeMap<&'static str, usize>,
    reasons: Tally,
    similarity: Tally,
    months: Tally,
    listed_disagreements: Vec<Listed>,
    listed_errors: Vec<Listed>,
}

impl IndexWriter {
    /// Starts the folder `dir` (created), for a run of `expected` archives
    /// (the number of pages is known from the start), judged by `policy`
    /// (its name and digest, as pages show it), under the mode `pii`.
    pub fn create(
        dir: &Path,
        expected: usize,
        policy: &str,
        pii: &Pii,
    ) -> Result<IndexWriter, OutputError> {
        crate::fsio::ensure_dir(&dir.join(super::ARCHIVE_DIR))?;
        Ok(IndexWriter {
            dir: dir.to_owned(),
            pii: pii.clone(),
            policy: policy.to_owned(),
            expected,
            page: None,
            rows: 0,
            recorded: Tally::default(),
            status: BTreeMap::new(),
            disagreements: 0,
            unrecorded: 0,
            errors: 0,
            severity: BTreeMap::new(),
            codes: BTreeMap::new(),
            reasons: Tally::default(),
            similarity: Tally::default(),
            months: Tally::default(),
            listed_disagreements: Vec::new(),
            listed_errors: Vec::new(),
        })
    }

    /// The number of pages of all archives.
    fn pages(&self) -> usize {
        pages_for(self.expected.max(self.rows))
    }

    /// Adds the archive at `index` (its position in the inputs, which names
    /// its page): its row goes into its page of all archives, its numbers
    /// into the counts. An archive that could not be read gets its page
    /// here (the workers write the others').
    pub fn add(&mut self, index: usize, rows: &Rows) -> Result<(), OutputError> {
        let row = &rows.archive;
        self.count(index, rows);
        if !row.error_code.is_empty() {
            self.error_page(index, row)?;
        }
        let page = page_of(index);
        if self.page.as_ref().is_none_or(|(p, ..)| *p != page) {
            self.close_page()?;
            self.open_page(page)?;
        }
        let mut html = String::with_capacity(1024);
        table_row(&mut html, index, row);
        if let Some((_, w, path)) = self.page.as_mut() {
            w.write_all(html.as_bytes())
                .map_err(OutputError::io(path))?;
        }
        self.rows += 1;
        Ok(())
    }

    fn count(&mut self, index: usize, rows: &Rows) {
        let row = &rows.archive;
        if !row.error_code.is_empty() {
            self.errors += 1;
            if self.listed_errors.len() < LISTED {
                self.listed_errors.push(Listed::of(index, row, &row.error));
            }
            return;
        }
        self.recorded.add(if row.recorded_status.is_empty() {
            "(nothing recorded)"
        } else {
            &row.recorded_status
        });
        if let Some(s) = Status::parse(&row.status) {
            *self.status.entry(s).or_default() += 1;
        }
        match row.agrees {
            Some(false) => {
                self.disagreements += 1;
                if self.listed_disagreements.len() < LISTED {
                    self.listed_disagreements
                        .push(Listed::of(index, row, &row.reasons));
                }
            }
            None => self.unrecorded += 1,
            Some(true) => {}
        }
        for f in &rows.findings {
            *self.severity.entry(f.severity).or_default() += 1;
            *self.codes.entry(f.code).or_default() += 1;
        }
        for r in row.reasons.split(SEPARATOR).filter(|r| !r.is_empty()) {
            self.reasons.add(r);
        }
        self.similarity.add(if row.similarity.is_empty() {
            "(none)"
        } else {
            &row.similarity
        });
        if row.verification_date.len() >= 7 {
            self.months.add(&row.verification_date[..7]);
        } else {
            self.months.add("(unknown)");
        }
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

    fn error_page(&self, index: usize, row: &ArchiveRow) -> Result<(), OutputError> {
        let html = super::page::render_error(index, row, &self.pii, &archive_nav(index));
        let path = self
            .dir
            .join(super::ARCHIVE_DIR)
            .join(format!("{index:06}.html"));
        super::write_new(&path, html.as_bytes())
    }

    /// Closes the last page, writes `index.html`, `report.css` and
    /// `report.js`.
    pub fn finish(mut self) -> Result<(), OutputError> {
        self.close_page()?;
        let mut html = String::with_capacity(64 << 10);
        super::index_page::render(&mut html, &self.view());
        super::write_new(&self.dir.join("index.html"), html.as_bytes())?;
        super::write_new(&self.dir.join("report.css"), layout::CSS.as_bytes())?;
        super::write_new(&self.dir.join("report.js"), layout::JS.as_bytes())
    }

    fn view(&self) -> super::index_page::View<'_> {
        let status_bars = |f: &dyn Fn(Status) -> usize| -> Vec<Bar> {
            Status::ALL
                .iter()
                .map(|s| Bar::new(s.as_str(), f(*s), s.as_str()))
                .collect()
        };
        let mut recorded =
            status_bars(&|s| self.recorded.counts.get(s.as_str()).copied().unwrap_or(0));
        let other_recorded: usize = self
            .recorded
            .counts
            .iter()
            .filter(|(k, _)| Status::parse(k).is_none())
            .map(|(_, n)| n)
            .sum::<usize>()
            + self.recorded.others;
        recorded.push(Bar::new("not final or none", other_recorded, "other"));
        let mut recomputed = status_bars(&|s| self.status.get(&s).copied().unwrap_or(0));
        recomputed.push(Bar::new("not final or none", 0, "other"));
        let severity = [Severity::Error, Severity::Warning, Severity::Info]
            .iter()
            .map(|s| {
                Bar::new(
                    s.as_str(),
                    self.severity.get(s).copied().unwrap_or(0),
                    s.as_str(),
                )
            })
            .collect();
        let mut codes: Vec<(&&str, &usize)> = self.codes.iter().collect();
        codes.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let codes = codes
            .into_iter()
            .map(|(c, n)| Bar::new(*c, *n, "other"))
            .collect();
        let mut months: Vec<Bar> = self
            .months
            .counts
            .iter()
            .map(|(k, n)| Bar::new(k.clone(), *n, "other"))
            .collect();
        if self.months.others > 0 {
            months.push(Bar::new("(others)", self.months.others, "other"));
        }
        super::index_page::View {
            pii: &self.pii,
            policy: &self.policy,
            archives: self.rows,
            pages: self.pages(),
            errors: self.errors,
            disagreements: self.disagreements,
            unrecorded: self.unrecorded,
            recorded,
            recomputed,
            severity,
            codes,
            reasons: self.reasons.top(TOP, "other"),
            similarity: self.similarity.top(TOP, "other"),
            months,
            listed_disagreements: self
                .listed_disagreements
                .iter()
                .map(Listed::cells)
                .collect(),
            listed_errors: self.listed_errors.iter().map(Listed::cells).collect(),
        }
    }
}

impl Listed {
    fn of(index: usize, row: &ArchiveRow, what: &str) -> Listed {
        Listed {
            index,
            archive: row.archive.clone(),
            process_id: row.process_id.clone(),
            recorded: row.recorded_status.clone(),
            status: row.default_status.clone(),
            what: what.to_owned(),
        }
    }

    fn cells(&self) -> super::index_page::ListedRow<'_> {
        super::index_page::ListedRow {
            index: self.index,
            archive: &self.archive,
            process_id: &self.process_id,
            recorded: &self.recorded,
            status: &self.status,
            what: &self.what,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(i: usize) -> Rows {
        let mut rows = Rows::default();
        rows.archive.archive = format!("store/{i}.zip");
        rows.archive.process_id = format!("p-{i}");
        rows.archive.status = if i.is_multiple_of(3) {
            "rejected"
        } else {
            "accepted"
        }
        .into();
        rows.archive.recorded_status = "accepted".into();
        rows.archive.agrees = Some(!i.is_multiple_of(3));
        rows.archive.verification_date = format!("2021-{:02}-09", i % 12 + 1);
        rows.archive.reasons = if i.is_multiple_of(3) {
            "SecurityCheckFailed/nonExpired".into()
        } else {
            String::new()
        };
        rows
    }

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
        for i in 0..2500 {
            w.add(i, &row(i)).unwrap();
        }
        w.finish().unwrap();
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
        let index = std::fs::read_to_string(html.join("index.html")).unwrap();
        for p in 1..=3 {
            assert!(
                index.contains(&format!("href=\"archives-{p}.html\"")),
                "{p}"
            );
        }
        // 834 disagreements (every third row), the first thousand listed.
        assert!(
            index.contains("data-count=\"disagreements\">834<"),
            "{index}"
        );
        assert_eq!(index.matches("<tr class=\"listed\"").count(), 834);
        assert!(html.join("report.js").exists() && html.join("report.css").exists());
    }

    #[test]
    fn lists_and_tallies_are_capped() {
        let mut t = Tally::default();
        for i in 0..(DISTINCT + 500) {
            t.add(&format!("k{i}"));
        }
        t.add("k0");
        assert_eq!(t.counts.len(), DISTINCT);
        assert_eq!(t.others, 500);
        let top = t.top(3, "other");
        assert_eq!(top[0], Bar::new("k0", 2, "other"));
        assert_eq!(top.len(), 4);
        assert_eq!(top[3].value, DISTINCT + 500 - 3);

        let dir = tempfile::tempdir().unwrap();
        let mut w = IndexWriter::create(dir.path(), 3000, "default (x)", &Pii::Omit).unwrap();
        for i in 0..3000 {
            let mut r = row(i);
            r.archive.agrees = Some(false);
            w.add(i, &r).unwrap();
        }
        assert_eq!(w.listed_disagreements.len(), LISTED);
        assert_eq!(w.disagreements, 3000);
    }
}

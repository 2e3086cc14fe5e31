//! `index.html`: the run at a glance. The counts first, then the charts,
//! then the disagreements and the errors by name, then the pages of all
//! archives.

use super::charts::{self, Bar};
use super::escape::Esc;
use super::layout::{self, Assets};
use crate::event::Event;
use crate::pii::Pii;
use std::fmt::Write as _;

/// A disagreement or an error as the index lists it.
pub(crate) struct ListedRow<'a> {
    pub(crate) index: usize,
    pub(crate) archive: &'a str,
    pub(crate) process_id: &'a str,
    pub(crate) recorded: &'a str,
    pub(crate) status: &'a str,
    pub(crate) what: &'a str,
}

/// What the index shows.
pub(crate) struct View<'a> {
    /// The finder's data file was written (`archives.js`).
    pub(crate) finder: bool,
    pub(crate) pii: &'a Pii,
    pub(crate) policy: &'a str,
    pub(crate) archives: usize,
    pub(crate) pages: usize,
    pub(crate) errors: usize,
    pub(crate) disagreements: usize,
    pub(crate) unrecorded: usize,
    pub(crate) recorded: Vec<Bar>,
    pub(crate) recomputed: Vec<Bar>,
    pub(crate) severity: Vec<Bar>,
    pub(crate) codes: Vec<Bar>,
    pub(crate) reasons: Vec<Bar>,
    pub(crate) similarity: Vec<Bar>,
    pub(crate) months: Vec<Bar>,
    pub(crate) listed_disagreements: Vec<ListedRow<'a>>,
    pub(crate) listed_errors: Vec<ListedRow<'a>>,
    pub(crate) integrity_failures: usize,
    pub(crate) listed_integrity: Vec<ListedRow<'a>>,
    pub(crate) agent_overrides: usize,
    pub(crate) listed_overrides: Vec<ListedRow<'a>>,
    pub(crate) error_finding_archives: usize,
    pub(crate) listed_error_findings: Vec<ListedRow<'a>>,
    /// The section of duplicates, sample and retention (already HTML).
    pub(crate) population: String,
    /// The monitoring figures.
    pub(crate) monitoring: &'a crate::tally::monitoring::Monitoring,
}

pub(crate) fn render(out: &mut String, v: &View<'_>, about: &str) {
    let assets = Assets::Linked { up: "" };
    let nav = if v.pages > 0 {
        "<nav><a href=\"#disagreements\">Disagreements</a> · \
         <a href=\"#overrides\">Agent overrides</a> · \
         <a href=\"#integrity\">Integrity failures</a> · \
         <a href=\"#error-findings\">Error findings</a> · <a href=\"#errors\">Errors</a> · \
         <a href=\"#monitoring\">Monitoring</a> · \
         <a href=\"#find\">Find</a> · <a href=\"#all\">All archives</a> · \
         <a href=\"#glossary\">Glossary</a></nav>\n"
    } else {
        ""
    };
    layout::open(out, "The run at a glance · eid-audit", assets, v.pii, nav);
    out.push_str("<h1>The run at a glance</h1>\n");
    let agree = v
        .archives
        .saturating_sub(v.errors + v.disagreements + v.unrecorded);
    let _ = write!(
        out,
        "<div class=\"table-wrap\"><table id=\"counts\" class=\"kv\">\n<caption>Counts</caption>\n<tbody>\n\
         <tr><th scope=\"row\">archives</th><td data-count=\"archives\">{}</td></tr>\n\
         <tr><th scope=\"row\">agree with the recorded status</th><td data-count=\"agree\">{agree}</td></tr>\n\
         <tr><th scope=\"row\">disagree with the recorded status</th><td data-count=\"disagreements\">{}</td></tr>\n\
         <tr><th scope=\"row\">no final status recorded</th><td data-count=\"unrecorded\">{}</td></tr>\n\
         <tr><th scope=\"row\">could not be read</th><td data-count=\"errors\">{}</td></tr>\n\
         <tr><th scope=\"row\">policy</th><td>{}</td></tr>\n",
        v.archives,
        v.disagreements,
        v.unrecorded,
        v.errors,
        Esc(v.policy),
    );
    for b in &v.recomputed {
        if b.class != "other" {
            let _ = writeln!(
                out,
                "<tr><th scope=\"row\">recomputed {}</th><td data-count=\"status-{}\">{}</td></tr>",
                Esc(&b.label),
                Esc(&b.label),
                b.value
            );
        }
    }
    layout::close_table(out);
    out.push_str(&v.population);

    out.push_str("<div class=\"charts\">\n");
    charts::pairs(
        out,
        "status",
        "Archives by status: recorded beside recomputed",
        [("recorded", &v.recorded), ("recomputed", &v.recomputed)],
    );
    charts::bars(
        out,
        "agreement",
        "Agreement with the recorded status",
        &[
            Bar::new("agrees", agree, "accepted"),
            Bar::new("DISAGREES", v.disagreements, "rejected"),
            Bar::new("nothing final recorded", v.unrecorded, "other"),
            Bar::new("could not be read", v.errors, "failed"),
        ],
    );
    charts::bars(out, "severity", "Findings by severity", &v.severity);
    charts::bars(out, "codes", "Findings by code", &v.codes);
    charts::bars(out, "reasons", "The most common reasons", &v.reasons);
    charts::bars(out, "similarity", "Similarity levels", &v.similarity);
    charts::columns(
        out,
        "months",
        "Verifications per month (the day judged on)",
        &v.months,
    );
    out.push_str("</div>\n");

    listed(
        out,
        "disagreements",
        "Disagreements",
        "Reasons",
        &v.listed_disagreements,
        v.disagreements,
        "no recomputed status disagrees with the recorded one",
        "Agrees = NO",
    );
    listed(
        out,
        "overrides",
        "Agent overrides",
        "What the agent decided against",
        &v.listed_overrides,
        v.agent_overrides,
        "no agent decided against the automatic status",
        "a finding is AgentOverride",
    );
    listed(
        out,
        "integrity",
        "Integrity failures",
        "Member and check",
        &v.listed_integrity,
        v.integrity_failures,
        "every member checked matches what its archive declares",
        "a finding is MemberCorrupt or StoredChecksumMismatch",
    );
    listed(
        out,
        "error-findings",
        "Archives with an error finding",
        "The first error finding",
        &v.listed_error_findings,
        v.error_finding_archives,
        "no finding of severity error",
        "Worst = error",
    );
    listed(
        out,
        "errors",
        "Errors",
        "Error",
        &v.listed_errors,
        v.errors,
        "every archive was read",
        "Recomputed = error",
    );
    super::monitoring::section(out, v.monitoring);

    finder(out, v);
    layout::heading(out, "all", "All archives");
    if v.pages == 0 {
        out.push_str("<p>(no archive in this run)</p>\n");
    } else {
        let _ = write!(
            out,
            "<p>{} archives in input order, at most {} to a page:</p>\n<ol class=\"pages\">\n",
            v.archives,
            super::index::PAGE_ROWS
        );
        for p in 1..=v.pages {
            let first = (p - 1) * super::index::PAGE_ROWS + 1;
            let last = (p * super::index::PAGE_ROWS).min(v.archives.max(first));
            let _ = writeln!(
                out,
                "<li><a href=\"archives-{p}.html\">archives {first} to {last}</a></li>"
            );
        }
        out.push_str("</ol>\n");
    }
    super::glossary::section(out);
    // What made this report, and where the rest of the record is.
    let _ = writeln!(
        out,
        "<p class=\"run-record\" id=\"run-record\">This report: {}. What ran, by which rules, on \
         what, and the SHA-256 of every file written: <code>run.json</code>, in the report folder beside \
         this <code>html/</code> folder (not linked: these pages never lead out of their folder).</p>",
        Esc(about)
    );
    layout::close(out, assets, v.pii);
}

/// The finder: a search over every archive of the run, from the data file
/// `archives.js`, by the page's script. Without scripts the section says
/// so, and the pages of all archives below hold every row.
fn finder(out: &mut String, v: &View<'_>) {
    layout::heading(out, "find", "Find an archive");
    if !v.finder {
        let _ = writeln!(
            out,
            "<p>{} archives are more than a page can search (at most {}): query <code>archives.csv</code> \
             or <code>archives.parquet</code> (the README's queries).</p>",
            v.archives,
            super::index::FINDER_MAX
        );
        return;
    }
    let _ = writeln!(
        out,
        "<p class=\"finder-note\">Search all {} archives by any part of their path, process id, statuses, \
         reviewer or reasons, and sort what is found. This needs scripts; without them, the pages of all \
         archives below hold every row.</p>\n<div id=\"finder\" data-archives=\"{}\"></div>\n\
         <script src=\"archives.js\" defer></script>",
        v.archives, v.archives
    );
}

#[allow(clippy::too_many_arguments)]
fn listed(
    out: &mut String,
    id: &str,
    title: &str,
    what: &str,
    rows: &[ListedRow<'_>],
    total: usize,
    none: &str,
    filter: &str,
) {
    layout::heading(out, id, &format!("{title} ({total})"));
    if total == 0 {
        let _ = writeln!(out, "<p>None: {none}.</p>");
        return;
    }
    layout::open_table(
        out,
        &format!("{id}-table"),
        "list sortable",
        title,
        &["#", "Archive", "Process id", "Recorded", "Recomputed", what],
    );
    for r in rows {
        let _ = write!(
            out,
            "<tr class=\"listed\"><td>{}</td><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td><td>",
            r.index + 1,
            super::archive_page_name(r.index),
            Esc(r.archive),
            Esc(r.process_id),
            Esc(r.recorded),
        );
        if !r.status.is_empty() {
            layout::status_badge(out, r.status);
        }
        let _ = writeln!(out, "</td><td>{}</td></tr>", Esc(r.what));
    }
    layout::close_table(out);
    if total > rows.len() {
        let _ = writeln!(
            out,
            "<p>… and {} more: in the pages of all archives, where {filter}.</p>",
            total - rows.len()
        );
    }
}

/// Links to the first, previous, next and last page of all archives.
pub(crate) fn pager(page: usize, pages: usize) -> String {
    let mut s =
        format!("<nav class=\"pager\" aria-label=\"Pages of all archives\">Page {page} of {pages}");
    let link = |s: &mut String, p: usize, word: &str| {
        let _ = write!(s, " · <a href=\"archives-{p}.html\">{word}</a>");
    };
    if page > 1 {
        link(&mut s, 1, "first");
        link(&mut s, page - 1, "previous");
    }
    if page < pages {
        link(&mut s, page + 1, "next");
        link(&mut s, pages, "last");
    }
    s.push_str("</nav>\n");
    s
}

/// The header of a table of archives.
pub(crate) fn archives_table_head(out: &mut String, id: &str, caption: &str) {
    layout::open_table(
        out,
        id,
        "list sortable archives",
        caption,
        &[
            "#",
            "Archive",
            "Process id",
            "Recorded",
            "Recomputed",
            "Automatic",
            "Agrees",
            "Reasons",
            "Reviewer",
            "Similarity",
            "Judged on",
            "Findings",
            "Worst",
            "Error",
        ],
    );
}

/// One row of a table of archives, linking to the archive's page; returns
/// the row of the finder's data file ([`data_row`]).
pub(crate) fn table_row(out: &mut String, event: &Event<'_>) -> String {
    let index = event.index;
    let archive = event.path.display().to_string();
    let (status, agrees, process_id, recorded, reasons, similarity, day, findings, worst, error) =
        match event.outcome {
            Ok(audited) => {
                let a = &audited.audit;
                let v = &a.verdict;
                let agrees = match v.agrees {
                    Some(true) => "yes",
                    Some(false) => "NO",
                    None => "-",
                };
                (
                    v.decision.status.as_str(),
                    agrees,
                    a.process_id.as_str(),
                    v.recorded_status
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                    v.decision.reasons_line(),
                    a.similarity_text(),
                    v.verification_date
                        .map(|d| d.date.to_string())
                        .unwrap_or_default(),
                    audited.findings().len().to_string(),
                    audited
                        .findings()
                        .iter()
                        .map(|f| f.severity)
                        .max()
                        .map_or("", |s| s.as_str()),
                    String::new(),
                )
            }
            Err(e) => (
                "error",
                "-",
                "",
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                "",
                e.detail(),
            ),
        };
    let (automatic, reviewer) = match event.outcome {
        Ok(audited) => {
            let v = &audited.audit.verdict;
            let reviewer = v.review.as_ref().and_then(|r| r.verifier.clone());
            (v.automatic.status.to_string(), reviewer.unwrap_or_default())
        }
        Err(_) => (String::new(), String::new()),
    };
    table_row_of(
        out,
        index,
        &RowCells {
            archive: &archive,
            status,
            agrees,
            process_id,
            recorded: &recorded,
            reasons: &reasons,
            automatic: &automatic,
            reviewer: &reviewer,
            similarity: &similarity,
            day: &day,
            findings: &findings,
            worst,
            error: &error,
        },
    )
}

/// The cells of a row of a table of archives, as `archives.csv` has them
/// (`status` is `error` for an archive that could not be read, `agrees` is
/// `yes`, `NO` or `-`).
pub(crate) struct RowCells<'a> {
    pub(crate) archive: &'a str,
    pub(crate) status: &'a str,
    pub(crate) agrees: &'a str,
    pub(crate) process_id: &'a str,
    pub(crate) recorded: &'a str,
    pub(crate) reasons: &'a str,
    /// The status before any agent's decision.
    pub(crate) automatic: &'a str,
    /// The agent who reviewed it (`verifierId`).
    pub(crate) reviewer: &'a str,
    pub(crate) similarity: &'a str,
    pub(crate) day: &'a str,
    pub(crate) findings: &'a str,
    pub(crate) worst: &'a str,
    pub(crate) error: &'a str,
}

/// One row of the finder's data file (`archives.js`): the cells of a table
/// row as a JSON array, which is JavaScript too.
pub(crate) fn data_row(index: usize, c: &RowCells<'_>) -> String {
    let cells = [
        c.archive,
        c.process_id,
        c.status,
        c.agrees,
        c.recorded,
        c.automatic,
        c.reviewer,
        c.reasons,
        c.worst,
        c.error,
    ];
    let mut row = format!("[{index}");
    for cell in cells {
        row.push(',');
        row.push_str(&serde_json::Value::from(cell).to_string());
    }
    row.push(']');
    row
}

/// One row of a table of archives from its cells (a merge has the rows,
/// not the events), linking to the page of the archive at `index`; returns
/// its row of the finder's data file.
pub(crate) fn table_row_of(out: &mut String, index: usize, c: &RowCells<'_>) -> String {
    let _ = write!(
        out,
        "<tr id=\"a{index:06}\" data-status=\"{}\" data-agrees=\"{}\"><td>{}</td>\
         <td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td><td>",
        Esc(c.status),
        c.agrees,
        index + 1,
        super::archive_page_name(index),
        Esc(c.archive),
        Esc(c.process_id),
        Esc(c.recorded),
    );
    layout::status_badge(out, c.status);
    let _ = writeln!(
        out,
        "</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        Esc(c.automatic),
        c.agrees,
        Esc(c.reasons),
        Esc(c.reviewer),
        Esc(c.similarity),
        Esc(c.day),
        c.findings,
        Esc(c.worst),
        Esc(c.error),
    );
    data_row(index, c)
}

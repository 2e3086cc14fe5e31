//! The population in `html/`: a section of `index.html` (the duplicate
//! groups by kind, the sample, the retention counts) and `sample.html`,
//! the sampled archives, each linking to its archive's page.

use super::escape;
use super::layout::{self, Assets};
use crate::error::OutputError;
use crate::pii::Pii;
use crate::population::{Candidate, SampleRecord, Sections};
use std::fmt::Write as _;
use std::path::Path;

/// The page of the sample, inside `html/`.
const SAMPLE_PAGE: &str = "sample.html";

/// The section of `index.html`: what the population files hold, counted.
pub(crate) fn index_section(s: &Sections) -> String {
    let mut out = String::new();
    layout::heading(&mut out, "population", "Duplicates, sample, retention");
    if let Some(d) = &s.duplicates {
        let c = &d.counts;
        let _ = writeln!(
            out,
            "<p>Duplicates are listed for review in <code>duplicates.csv</code>; they change no status. \
             {} archives are in a group; {} are copies of another.</p>",
            c.archives_in_groups, c.copies
        );
        layout::open_table(
            &mut out,
            "duplicates",
            "kv",
            "Duplicate groups by kind",
            &["kind", "groups"],
        );
        for (kind, n) in &c.groups {
            let _ = writeln!(
                out,
                "<tr><th scope=\"row\">{kind}</th><td data-count=\"dup-{kind}\">{n}</td></tr>"
            );
        }
        layout::close_table(&mut out);
    }
    if let Some(r) = &s.sample {
        let drawn: usize = r.drawn.values().sum();
        let _ = writeln!(
            out,
            "<p><a href=\"{SAMPLE_PAGE}\">The sample for review</a>: <span data-count=\"sampled\">{drawn}</span> archives, \
             {} a stratum by {}, seed <code>{}</code>.</p>",
            r.size,
            escape(&r.strata),
            escape(&r.seed)
        );
    }
    if let Some(r) = &s.retention {
        let _ = writeln!(
            out,
            "<p>Retention ({} years, as of {}): <span data-count=\"eligible\">{}</span> archives eligible for deletion, \
             {} to keep, {} with no date, {} in an ongoing relationship (<code>retention.csv</code>; eid-audit deletes nothing).</p>",
            r.years,
            escape(&r.as_of),
            r.eligible,
            r.retained,
            r.undated,
            r.ongoing
        );
    }
    out
}

/// Writes `html/sample.html`: the sampled archives by stratum and rank,
/// each linking to its page (when its position is known).
pub(crate) fn write_sample_page(
    html: &Path,
    rows: &[(usize, Candidate)],
    record: &SampleRecord,
    pii: &Pii,
) -> Result<(), OutputError> {
    let mut out = String::with_capacity(16 << 10);
    let nav = "<nav><a href=\"index.html\">The run at a glance</a></nav>\n";
    layout::open(
        &mut out,
        "The sample for review · eid-audit",
        Assets::Linked { up: "" },
        pii,
        nav,
    );
    let drawn: usize = record.drawn.values().sum();
    let _ = writeln!(
        out,
        "<h1>The sample for review</h1>\n<p>{drawn} archives: the {} with the least draw keys in each stratum \
         (by {}), where an archive's draw key is the SHA-256 of <code>{}:&lt;its SHA-256&gt;</code>. \
         The same store and seed draw the same sample anywhere.</p>",
        record.size,
        escape(&record.strata),
        escape(&record.seed)
    );
    layout::open_table(
        &mut out,
        "sample",
        "sortable",
        "Sampled archives",
        &[
            "stratum",
            "rank",
            "archive",
            "process id",
            "status",
            "draw key",
        ],
    );
    for (rank, c) in rows {
        let archive = match c.position {
            Some(p) => format!(
                "<a href=\"{}\">{}</a>",
                super::archive_page_name(p),
                escape(&c.archive)
            ),
            None => escape(&c.archive).to_string(),
        };
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{rank}</td><td>{archive}</td><td>{}</td><td>",
            escape(&c.stratum),
            escape(&c.process_id),
        );
        layout::status_badge(&mut out, &c.status);
        let _ = writeln!(out, "</td><td><code>{}</code></td></tr>", &c.draw_key);
    }
    layout::close_table(&mut out);
    layout::close(&mut out, Assets::Linked { up: "" }, pii);
    let path = html.join(SAMPLE_PAGE);
    std::fs::write(&path, out).map_err(OutputError::io(&path))
}

//! The monitoring section of `index.html`: the run's figures, each with its
//! definition, then the same figures month by month. The numbers are the
//! ones `run.json` records under `monitoring`.

use super::escape::Esc;
use super::layout;
use crate::tally::Counts;
use crate::tally::monitoring::{DEFINITIONS, Figures, Monitoring, with_others};
use std::fmt::Write as _;

/// A figure's definition, as `run.json` writes it.
fn definition(key: &str) -> &'static str {
    DEFINITIONS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("", |(_, d)| d)
}

/// The rate as a percentage with two decimals, `—` when nothing was judged.
fn rate(f: &Figures) -> String {
    f.inconclusive_rate()
        .map_or_else(|| "—".to_owned(), |r| format!("{:.2} %", r * 100.0))
}

/// Counts by name, the largest first (then by name).
fn largest_first(c: &Counts) -> Vec<(&str, usize)> {
    let mut items: Vec<(&str, usize)> = with_others(c).into_iter().collect();
    items.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    items
}

/// Counts by name on one line, the largest first: `agent-1 3 · agent-2 1`.
fn compact(c: &Counts) -> String {
    largest_first(c)
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The section.
pub(crate) fn section(out: &mut String, m: &Monitoring) {
    layout::heading(out, "monitoring", "Monitoring figures");
    out.push_str(
        "<p>What ongoing monitoring asks of the run as a whole. The same figures are in \
         <code>run.json</code> under <code>monitoring</code>, each with this definition.</p>\n",
    );
    let r = &m.run;
    layout::open_table(
        out,
        "monitoring-run",
        "kv",
        "The run",
        &["figure", "value", "definition"],
    );
    let rows: [(&str, &str, String); 6] = [
        ("archivesJudged", "archives judged", r.judged.to_string()),
        (
            "inconclusiveRate",
            "inconclusive",
            format!("{} ({})", r.inconclusive, rate(r)),
        ),
        (
            "agentOverridesByReviewer",
            "agent overrides",
            r.overrides_total().to_string(),
        ),
        (
            "acceptedExpired",
            "accepted although expired",
            r.accepted_expired.to_string(),
        ),
        ("similarity", "similarity", compact(&r.similarity)),
        ("failuresByCheck", "failures by check", compact(&r.failures)),
    ];
    for (key, name, value) in rows {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{name}</th><td data-monitoring=\"{key}\">{}</td><td>{}</td></tr>",
            Esc(&value),
            Esc(definition(key))
        );
    }
    layout::close_table(out);
    counts_table(
        out,
        "monitoring-reviewers",
        "Agent overrides by reviewer",
        "reviewer",
        &r.overrides,
    );
    counts_table(
        out,
        "monitoring-checks",
        "Failures by check",
        "check",
        &r.failures,
    );

    let _ = writeln!(out, "<p>By month: {}</p>", Esc(definition("byMonth")));
    layout::open_table(
        out,
        "monitoring-months",
        "sortable",
        "Monitoring figures by month",
        &[
            "month",
            "judged",
            "inconclusive",
            "rate",
            "agent overrides",
            "by reviewer",
            "accepted although expired",
            "similarity",
            "failures by check",
        ],
    );
    for (month, f) in &m.by_month {
        layout::text_row(
            out,
            &[
                month.clone(),
                f.judged.to_string(),
                f.inconclusive.to_string(),
                rate(f),
                f.overrides_total().to_string(),
                compact(&f.overrides),
                f.accepted_expired.to_string(),
                compact(&f.similarity),
                compact(&f.failures),
            ],
        );
    }
    layout::close_table(out);
}

/// A table of counts by name, the largest first; a line when there are none.
fn counts_table(out: &mut String, id: &str, caption: &str, what: &str, c: &Counts) {
    if c.counts.is_empty() && c.others == 0 {
        let _ = writeln!(out, "<p id=\"{id}\">{}: none.</p>", Esc(caption));
        return;
    }
    layout::open_table(out, id, "sortable", caption, &[what, "archives"]);
    for (k, n) in largest_first(c) {
        layout::text_row(out, &[k.to_owned(), n.to_string()]);
    }
    layout::close_table(out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tally::monitoring::Judged;
    use crate::verdict::FindingCode;

    #[test]
    fn the_section_shows_every_figure_with_its_definition_and_escapes_names() {
        let mut m = Monitoring::default();
        let a = Judged {
            index: 0,
            day: "2021-06-09",
            status: "accepted",
            similarity: "high",
            reviewer: "<b>agent</b>",
        };
        m.add_archive(&a, &["nonExpired"]);
        m.add_finding(&a, FindingCode::AgentOverride);
        let mut out = String::new();
        section(&mut out, &m);
        for (key, text) in DEFINITIONS {
            assert!(out.contains(&Esc(text).to_string()), "{key}");
        }
        assert!(out.contains("&lt;b&gt;agent&lt;/b&gt; 1"), "{out}");
        assert!(!out.contains("<b>agent"));
        assert!(out.contains("<td data-monitoring=\"acceptedExpired\">1</td>"));
        assert!(out.contains("<td data-monitoring=\"inconclusiveRate\">0 (0.00 %)</td>"));
        assert!(out.contains("<tr><td>2021-06</td><td>1</td>"), "{out}");
    }
}

//! Charts drawn by the program as inline SVG: horizontal bars, bars in
//! pairs (recorded beside recomputed), and columns (months). No chart
//! library, no script: each chart is a `<figure>` whose SVG is an image for
//! the eye and whose table beside it holds the same numbers as text, for a
//! screen reader, a copy and paste, or a test.

use super::escape::Esc;
use std::fmt::Write as _;

/// Width of every chart, in SVG units (it scales down with the page).
const WIDTH: u32 = 640;
/// Height of one bar row.
const ROW: u32 = 22;
/// Longest label shown in full (the table and the bar's tooltip have the
/// whole text): as many characters as fit in half the chart's width.
const LABEL_CHARS: usize = 36;

/// The fill of a class of bar: status, severity, or a neutral default. The
/// class is also written, and the word is always beside the colour.
pub(crate) fn colour(class: &str) -> &'static str {
    match class {
        "accepted" => "#2e7d32",
        "rejected" | "error" => "#c62828",
        "inconclusive" | "warning" => "#e65100",
        "failed" => "#6a1b9a",
        "info" => "#1565c0",
        "recorded" => "#90a4ae",
        _ => "#455a64",
    }
}

/// One bar: its label, its value, and its colour class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Bar {
    pub(crate) label: String,
    pub(crate) value: usize,
    pub(crate) class: &'static str,
}

impl Bar {
    pub(crate) fn new(label: impl Into<String>, value: usize, class: &'static str) -> Bar {
        Bar {
            label: label.into(),
            value,
            class,
        }
    }
}

/// About how wide a text of `chars` characters is at `size`, in SVG units:
/// 0.65 em a character, the width of an average sans-serif letter with
/// room to spare, so that a label is never cut by the chart's edge.
fn text_width(chars: usize, size: u32) -> u32 {
    u32::try_from(chars)
        .unwrap_or(u32::MAX / 100)
        .saturating_mul(size * 65)
        / 100
}

/// The room left of the bars for the longest of `labels` (as shown), so
/// that none starts before the chart's left edge.
fn label_room<'a>(labels: impl Iterator<Item = &'a str>) -> u32 {
    let longest = labels.map(|l| short(l).chars().count()).max().unwrap_or(0);
    (text_width(longest, 13) + 12).clamp(60, WIDTH / 2)
}

/// The room right of the longest bar for the longest text written after a
/// bar, so that none ends past the chart's right edge.
fn value_room(texts: impl Iterator<Item = String>, size: u32) -> u32 {
    let longest = texts.map(|t| t.chars().count()).max().unwrap_or(0);
    text_width(longest, size) + 12
}

fn short(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        return label.to_owned();
    }
    let mut s: String = label.chars().take(LABEL_CHARS - 1).collect();
    s.push('…');
    s
}

/// The length of a bar of `value` on a scale whose longest bar is `max`.
fn length(value: usize, max: usize, room: u32) -> u32 {
    if max == 0 {
        return 0;
    }
    let l = (value as u64 * u64::from(room)) / max as u64;
    // A non-zero value always shows.
    (l as u32).max(u32::from(value > 0))
}

fn open_figure(out: &mut String, id: &str, title: &str, height: u32) {
    let _ = write!(
        out,
        "<figure class=\"chart\" id=\"{id}\">\n<figcaption>{t}</figcaption>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" \
         role=\"img\" aria-labelledby=\"{id}-t\" font-family=\"sans-serif\" font-size=\"13\">\n<title id=\"{id}-t\">{t}</title>\n",
        t = Esc(title)
    );
}

/// Horizontal bars, one per item, with the value written after each.
pub(crate) fn bars(out: &mut String, id: &str, title: &str, items: &[Bar]) {
    let height = ROW * (items.len() as u32).max(1) + 8;
    open_figure(out, id, title, height);
    let max = items.iter().map(|b| b.value).max().unwrap_or(0);
    let label = label_room(items.iter().map(|b| b.label.as_str()));
    let values = value_room(items.iter().map(|b| b.value.to_string()), 13);
    let room = WIDTH.saturating_sub(label + values).max(20);
    for (i, b) in items.iter().enumerate() {
        let y = 4 + ROW * i as u32;
        let w = length(b.value, max, room);
        let _ = writeln!(
            out,
            "<g class=\"bar c-{class}\"><title>{full}: {value}</title><text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\" fill=\"#222\">{text}</text>\
             <rect x=\"{label}\" y=\"{y}\" width=\"{w}\" height=\"{bh}\" fill=\"{fill}\"/>\
             <text x=\"{vx}\" y=\"{ty}\" fill=\"#222\">{value}</text></g>",
            class = b.class,
            full = Esc(&b.label),
            lx = label - 6,
            ty = y + 15,
            text = Esc(&short(&b.label)),
            bh = ROW - 6,
            fill = colour(b.class),
            vx = label + w + 6,
            value = b.value,
        );
    }
    if items.is_empty() {
        let _ = writeln!(out, "<text x=\"8\" y=\"18\" fill=\"#555\">(none)</text>");
    }
    out.push_str("</svg>\n");
    numbers(out, id, &[("", items)]);
    out.push_str("</figure>\n");
}

/// Bars in pairs: for each label, one bar per series (e.g. the recorded
/// status beside the recomputed one), with a legend.
pub(crate) fn pairs(out: &mut String, id: &str, title: &str, series: [(&str, &[Bar]); 2]) {
    let n = series[0].1.len().max(series[1].1.len());
    let group = 2 * (ROW - 4) + 8;
    let height = group * (n as u32).max(1) + 30;
    open_figure(out, id, title, height);
    let max = series
        .iter()
        .flat_map(|(_, bars)| bars.iter().map(|b| b.value))
        .max()
        .unwrap_or(0);
    let label = label_room(
        series
            .iter()
            .flat_map(|(_, bars)| bars.iter().map(|b| b.label.as_str())),
    );
    let values = value_room(
        series
            .iter()
            .flat_map(|(name, bars)| bars.iter().map(move |b| format!("{} {name}", b.value))),
        12,
    );
    let room = WIDTH.saturating_sub(label + values).max(20);
    for i in 0..n {
        let top = 4 + group * i as u32;
        let first = series[0].1.get(i).or(series[1].1.get(i));
        if let Some(b) = first {
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#222\">{}</text>",
                label - 6,
                top + ROW - 2,
                Esc(&short(&b.label))
            );
        }
        for (s, (name, bars)) in series.iter().enumerate() {
            let Some(b) = bars.get(i) else { continue };
            let y = top + s as u32 * (ROW - 4);
            let w = length(b.value, max, room);
            let fill = if s == 0 {
                colour("recorded")
            } else {
                colour(b.class)
            };
            let _ = writeln!(
                out,
                "<g class=\"bar s-{s}\"><rect x=\"{label}\" y=\"{y}\" width=\"{w}\" height=\"{}\" fill=\"{fill}\"/>\
                 <text x=\"{}\" y=\"{}\" fill=\"#222\" font-size=\"12\">{} {}</text></g>",
                ROW - 6,
                label + w + 6,
                y + 13,
                b.value,
                Esc(name),
            );
        }
    }
    let ly = height - 10;
    // The legend from the left edge, its second key after the first's text.
    let legend = 8;
    let second = legend + 16 + text_width(series[0].0.chars().count(), 13) + 24;
    let _ = writeln!(
        out,
        "<rect x=\"{legend}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"{ly}\" fill=\"#222\">{}</text>\
         <rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"{ly}\" fill=\"#222\">{} (colour of the status)</text>",
        ly - 10,
        colour("recorded"),
        legend + 16,
        Esc(series[0].0),
        second,
        ly - 10,
        colour("accepted"),
        second + 16,
        Esc(series[1].0),
    );
    out.push_str("</svg>\n");
    numbers(out, id, &series);
    out.push_str("</figure>\n");
}

/// Columns along a time axis (months), labelled every few columns.
pub(crate) fn columns(out: &mut String, id: &str, title: &str, items: &[Bar]) {
    let height = 180;
    open_figure(out, id, title, height);
    let max = items.iter().map(|b| b.value).max().unwrap_or(0);
    let n = items.len().max(1) as u32;
    let step = ((WIDTH - 20) / n).clamp(1, 48);
    let every = (48 / step).max(1) as usize;
    let base = height - 30;
    for (i, b) in items.iter().enumerate() {
        let h = length(b.value, max, base - 20);
        let x = 10 + step * i as u32;
        let _ = writeln!(
            out,
            "<g class=\"bar c-{}\"><title>{}: {}</title><rect x=\"{x}\" y=\"{}\" width=\"{}\" height=\"{h}\" fill=\"{}\"/></g>",
            b.class,
            Esc(&b.label),
            b.value,
            base - h,
            (step * 4 / 5).max(1),
            colour(b.class)
        );
        if i % every == 0 {
            let _ = writeln!(
                out,
                "<text x=\"{x}\" y=\"{}\" font-size=\"11\" fill=\"#222\">{}</text>",
                base + 16,
                Esc(&short(&b.label))
            );
        }
    }
    if items.is_empty() {
        let _ = writeln!(out, "<text x=\"8\" y=\"18\" fill=\"#555\">(none)</text>");
    }
    let _ = write!(
        out,
        "<line x1=\"8\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\" stroke=\"#999\"/>\n<text x=\"{}\" y=\"14\" text-anchor=\"end\" font-size=\"11\" fill=\"#222\">max {max}</text>\n",
        WIDTH - 8,
        WIDTH - 8
    );
    out.push_str("</svg>\n");
    numbers(out, id, &[("", items)]);
    out.push_str("</figure>\n");
}

/// The numbers of a chart as a table: one row per label, one column per
/// series; each count cell is `data-count="<chart>-<series>-<label>"`.
fn numbers(out: &mut String, id: &str, series: &[(&str, &[Bar])]) {
    let _ = write!(
        out,
        "<details class=\"numbers\"><summary>The numbers</summary>\n<table class=\"numbers\">\n<thead><tr><th scope=\"col\">Label</th>"
    );
    for (name, _) in series {
        let _ = write!(
            out,
            "<th scope=\"col\">{}</th>",
            if name.is_empty() { "Count" } else { name }
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let n = series.iter().map(|(_, b)| b.len()).max().unwrap_or(0);
    for i in 0..n {
        let label = series
            .iter()
            .find_map(|(_, b)| b.get(i))
            .map_or("", |b| b.label.as_str());
        let _ = write!(out, "<tr><th scope=\"row\">{}</th>", Esc(label));
        for (name, bars) in series {
            let key = if name.is_empty() {
                format!("{id}-{label}")
            } else {
                format!("{id}-{name}-{label}")
            };
            match bars.get(i) {
                Some(b) => {
                    let _ = write!(out, "<td data-count=\"{}\">{}</td>", Esc(&key), b.value);
                }
                None => out.push_str("<td></td>"),
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</details>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(svg: &str, what: &str) -> usize {
        svg.matches(what).count()
    }

    #[test]
    fn bars_are_proportional_and_never_hide_a_small_value() {
        assert_eq!(length(10, 10, 300), 300);
        assert_eq!(length(5, 10, 300), 150);
        assert_eq!(length(1, 1_000_000, 300), 1);
        assert_eq!(length(0, 10, 300), 0);
        assert_eq!(length(0, 0, 300), 0);
    }

    #[test]
    fn a_bar_chart_has_a_bar_and_a_number_per_item() {
        let mut out = String::new();
        let items = [
            Bar::new("accepted", 7, "accepted"),
            Bar::new("rejected", 4, "rejected"),
            Bar::new("<b>x</b>", 1, "other"),
        ];
        bars(&mut out, "status", "By status", &items);
        assert_eq!(count(&out, "<rect "), 3);
        assert!(out.contains("data-count=\"status-accepted\">7<"));
        assert!(out.contains("data-count=\"status-rejected\">4<"));
        assert!(out.contains("&lt;b&gt;x&lt;/b&gt;") && !out.contains("<b>"));
        // The longest bar takes the whole room: the labels' (the longest,
        // "accepted" and "rejected", 8 characters) and the values' aside.
        let room = WIDTH - (text_width(8, 13) + 12) - (text_width(1, 13) + 12);
        assert!(out.contains(&format!("width=\"{room}\"")), "{out}");
    }

    /// The x, anchor (1 for the end), font size and text of every
    /// `<text>` of a chart.
    fn texts(svg: &str) -> Vec<(u32, u32, u32, String)> {
        svg.split("<text x=\"")
            .skip(1)
            .map(|t| {
                let x: u32 = t.split('"').next().unwrap().parse().unwrap();
                let tag = t.split('>').next().unwrap();
                let end = tag.contains("text-anchor=\"end\"");
                let size = if tag.contains("font-size=\"12\"") {
                    12
                } else {
                    13
                };
                let body = t.split('>').nth(1).unwrap().split('<').next().unwrap();
                (x, u32::from(end), size, body.replace("&amp;", "&"))
            })
            .collect()
    }

    #[test]
    fn long_labels_and_large_values_stay_inside_the_chart() {
        // As a large store has them: a long reason, a count in thousands.
        let recorded = [
            Bar::new("ManualRejection/Document.NotLegible", 1368, "rejected"),
            Bar::new("accepted", 98_765, "accepted"),
        ];
        let mut out = String::new();
        bars(&mut out, "reasons", "Reasons", &recorded);
        pairs(
            &mut out,
            "st",
            "Status",
            [("recorded", &recorded), ("recomputed", &recorded)],
        );
        for (x, end, size, text) in texts(&out) {
            let w = text_width(text.chars().count(), size);
            if end == 1 {
                assert!(x >= w, "{text:?} starts left of the chart ({x} < {w})");
            } else {
                assert!(
                    x + w <= WIDTH,
                    "{text:?} ends right of the chart ({x} + {w})"
                );
            }
        }
        // Shown whole up to 36 characters; a longer one cut at its end
        // only, with the whole label in the bar's tooltip.
        assert!(
            out.contains(">ManualRejection/Document.NotLegible<"),
            "{out}"
        );
        let mut out = String::new();
        let long = "ManualRejection/Environment.CaptchaNotRead";
        bars(&mut out, "r", "R", &[Bar::new(long, 3, "other")]);
        assert!(
            out.contains(">ManualRejection/Environment.Captcha…<"),
            "{out}"
        );
        assert!(out.contains(&format!("<title>{long}: 3</title>")));
        for (x, end, size, text) in texts(&out) {
            let w = text_width(text.chars().count(), size);
            assert!(if end == 1 { x >= w } else { x + w <= WIDTH }, "{text}");
        }
    }

    #[test]
    fn pairs_put_both_series_side_by_side() {
        let mut out = String::new();
        let recorded = [
            Bar::new("accepted", 8, "accepted"),
            Bar::new("rejected", 3, "rejected"),
        ];
        let recomputed = [
            Bar::new("accepted", 7, "accepted"),
            Bar::new("rejected", 4, "rejected"),
        ];
        pairs(
            &mut out,
            "st",
            "Status",
            [("recorded", &recorded), ("recomputed", &recomputed)],
        );
        assert_eq!(count(&out, "class=\"bar s-0\""), 2);
        assert_eq!(count(&out, "class=\"bar s-1\""), 2);
        assert!(out.contains("data-count=\"st-recorded-accepted\">8<"));
        assert!(out.contains("data-count=\"st-recomputed-rejected\">4<"));
    }

    #[test]
    fn columns_label_only_some_months_when_there_are_many() {
        let months: Vec<Bar> = (0..120)
            .map(|i| {
                Bar::new(
                    format!("{}-{:02}", 2016 + i / 12, i % 12 + 1),
                    i + 1,
                    "other",
                )
            })
            .collect();
        let mut out = String::new();
        columns(&mut out, "m", "By month", &months);
        assert_eq!(count(&out, "<rect "), 120);
        let labels = count(&out, "font-size=\"11\" fill=\"#222\">20");
        assert!(labels > 5 && labels < 40, "{labels}");
        assert!(out.contains("max 120"));
    }

    #[test]
    fn empty_charts_say_so() {
        let mut out = String::new();
        bars(&mut out, "e", "Empty", &[]);
        assert!(out.contains("(none)"));
        let mut out = String::new();
        columns(&mut out, "e", "Empty", &[]);
        assert!(out.contains("(none)"));
    }
}

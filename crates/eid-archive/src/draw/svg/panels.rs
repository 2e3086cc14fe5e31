//! The caption strip and the legend strip of an exhibit: packed into lines
//! that fit the image's width, in strips of their own above and below the
//! image (never over it), so that they hide none of the evidence.

use super::text::*;
use super::{CAPTION_FIELD_CHARS, Caption};
use std::fmt::{self, Write as _};

/// Caption fields in reading order: identity, status, image hash, policy,
/// then notes on what is (not) shown.
pub(super) fn caption_fields(c: &Caption, linked: bool, rejected: bool) -> Vec<String> {
    let f = |s: &str| label_text(s, CAPTION_FIELD_CHARS);
    let sha = match &c.image_sha256 {
        // The first 12 digits, without an ellipsis: a hash prefix is a
        // convention, not a truncated value.
        Some(s) => one_line(&clean(s)).chars().take(12).collect::<String>(),
        None => "none".to_owned(),
    };
    let mut fields = vec![
        format!("process {}", f(&c.process_id)),
        format!("side {}", f(&c.side)),
        format!("status {}", f(&c.status)),
        format!("sha256 {sha}"),
        format!("policy {}", f(&c.policy)),
    ];
    if let Some(pii) = &c.pii {
        fields.push(f(pii));
    }
    if rejected {
        fields.push("image not linked".to_owned());
    } else if !linked && c.pii.is_none() {
        // Say so explicitly so a grey canvas is not mistaken for a failure.
        fields.push("image not shown".to_owned());
    }
    fields
}

/// Separator between caption fields on one line.
const SEP: &str = " · ";

/// Packs caption fields greedily into lines no wider than `avail`, so a
/// long process id wraps instead of being squeezed; a single field wider
/// than the image gets a line of its own (and is squeezed when written).
pub(super) fn pack(fields: &[String], fs: i64, avail: i64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for field in fields {
        match lines.last_mut() {
            Some(line)
                if text_width(line, fs) + text_width(SEP, fs) + text_width(field, fs) <= avail =>
            {
                line.push_str(SEP);
                line.push_str(field);
            }
            _ => lines.push(field.clone()),
        }
    }
    lines
}

/// Writes the caption strip in the rows above the image (negative `y`, where
/// the viewBox starts), as tall as its lines.
pub(super) fn write_caption(
    out: &mut String,
    p: &str,
    lines: &[String],
    m: Metrics,
    w: i64,
) -> fmt::Result {
    let n = i64::try_from(lines.len()).unwrap_or(0);
    let band = m.panel(n);
    let top = -band;
    writeln!(out, "<g id=\"{p}-caption\" class=\"caption\">")?;
    writeln!(
        out,
        "<rect x=\"0\" y=\"{top}\" width=\"{w}\" height=\"{band}\" fill=\"{STRIP}\" pointer-events=\"none\"/>"
    )?;
    let avail = w - 2 * m.pad;
    for (i, line) in (0i64..).zip(lines) {
        writeln!(
            out,
            "<text class=\"line\" x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"#ffffff\"{}>{}</text>",
            m.pad.min(w),
            m.baseline(top, i),
            m.fs,
            squeeze(text_width(line, m.fs), avail),
            Esc(line)
        )?;
    }
    writeln!(out, "</g>")
}

/// The strips' ground: opaque, as they cover nothing.
const STRIP: &str = "#262626";

/// Writes the legend strip in the rows below the image (from `y = h`).
#[allow(clippy::too_many_arguments)]
pub(super) fn write_legend(
    out: &mut String,
    p: &str,
    notes: &[LegendLine],
    shown: usize,
    drawn: usize,
    m: Metrics,
    w: i64,
    h: i64,
) -> fmt::Result {
    let header = format!("Features: {drawn} drawn, {} not drawn", notes.len());
    let more = notes.len().saturating_sub(shown);
    let more_line = format!("… and {more} more");
    // The whole width of the image, under it: a strip of the canvas, like
    // the caption's, that hides nothing whatever the text's width.
    let panel_w = w;
    let panel_h = m.panel(legend_lines(shown, notes.len()));
    let top = h;
    let avail = w - 2 * m.pad;
    let x = m.pad.min(w);
    writeln!(out, "<g id=\"{p}-legend\" class=\"legend\">")?;
    writeln!(
        out,
        "<rect x=\"0\" y=\"{top}\" width=\"{panel_w}\" height=\"{panel_h}\" fill=\"{STRIP}\" pointer-events=\"none\"/>"
    )?;
    writeln!(
        out,
        "<text class=\"count\" x=\"{x}\" y=\"{}\" font-size=\"{}\" font-weight=\"bold\" fill=\"#ffffff\"{}>{}</text>",
        m.baseline(top, 0),
        m.fs,
        squeeze(text_width(&header, m.fs) * 11 / 10, avail),
        Esc(&header)
    )?;
    let mut row = 1i64;
    for n in notes.iter().take(shown) {
        writeln!(
            out,
            "<text class=\"note\" x=\"{x}\" y=\"{}\" font-size=\"{}\" fill=\"#ffffff\" data-feature=\"{}\"{}>{}</text>",
            m.baseline(top, row),
            m.fs,
            Esc(&n.name),
            squeeze(text_width(&n.text, m.fs), avail),
            Esc(&n.text)
        )?;
        row += 1;
    }
    if more > 0 {
        writeln!(
            out,
            "<text class=\"more\" x=\"{x}\" y=\"{}\" font-size=\"{}\" fill=\"#ffffff\" font-style=\"italic\"{}>{}</text>",
            m.baseline(top, row),
            m.fs,
            squeeze(text_width(&more_line, m.fs), avail),
            Esc(&more_line)
        )?;
    }
    writeln!(out, "</g>")
}

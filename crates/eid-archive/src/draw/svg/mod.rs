//! SVG "exhibits": a document image with its detected-feature boxes drawn
//! over it, plus a caption strip above it and a legend strip below it, for
//! audit reports.
//!
//! The output is a standalone SVG document whose user space is exactly the
//! stored image's pixel grid: the image lies at `(0, 0)`, `width` × `height`,
//! so box coordinates from the evidence are written unchanged and an auditor
//! can compare them with the archive by eye. The caption and the legend are
//! strips outside the image, so that no text covers the evidence: the
//! viewBox starts above the image (`viewBox="0 -{caption} {width} {caption +
//! height + legend}"`), the caption fills the rows of negative `y`, the
//! legend those from `height` down. The image is shown as stored, as
//! the provider analysed it: one that carries an EXIF orientation (which
//! every browser applies to it, whatever the CSS says) is drawn turned and
//! put back onto the stored grid by a transform on its group alone (see
//! `orient`), so it may look sideways; nothing else is transformed.
//!
//! Everything that reaches this module from an evidence archive is
//! untrusted: feature names, caption fields and the image reference. The
//! rules that keep the document inert are:
//!
//! * every caller string goes through `clean` (drops characters XML 1.0
//!   forbids, C0/C1 controls and bidi overrides) and then through `Esc`
//!   (escapes `& < > " '`, writes tab/newline as character references so
//!   they survive attribute-value normalisation);
//! * styling uses presentation attributes only: no `<style>` element (it
//!   would leak into a host HTML page that inlines several exhibits), no
//!   `<script>`, no event attributes, no `<foreignObject>`;
//! * the only external reference is the image `href`, and only after
//!   `checked_href` accepted it.
//!
//! The module depends on `std` only and never panics on caller input: all
//! box arithmetic is done in `i128`, so `i64::MAX`-sized boxes are fine.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod orient;
mod panels;
#[cfg(test)]
mod tests;
mod text;

use panels::{caption_fields, pack, write_caption, write_legend};
use text::*;

use std::fmt::{self, Write as _};

/// One feature drawn on the exhibit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExhibitBox {
    /// Feature name as found in the (untrusted) archive. It may contain
    /// markup, quotes, control characters, right-to-left text, emoji or be
    /// very long; it is always rendered as text.
    pub name: String,
    /// `x, y, width, height` in stored-image pixels, exactly as written in
    /// the evidence. May be negative or huge.
    pub bbox: (i64, i64, i64, i64),
    /// True when the box leaves the image. The part inside the image is
    /// drawn dashed with a "clipped" marker. A box that leaves the image is
    /// treated as clipped even when this flag is false, so the drawing never
    /// silently differs from `data-bbox`.
    pub clipped: bool,
    /// Outline colour (RGB).
    pub colour: [u8; 3],
}

/// A feature listed in the legend without a box, e.g. `("OVI 1", "not
/// found")` or `("Stamp", "no box")`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExhibitNote {
    /// Feature name (untrusted).
    pub name: String,
    /// Why it is not drawn (untrusted).
    pub why: String,
}

/// The facts shown in the caption band at the top of the exhibit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caption {
    /// Identifier of the verification process.
    pub process_id: String,
    /// Document side, e.g. "front".
    pub side: String,
    /// Status as recomputed by the audit tool.
    pub status: String,
    /// SHA-256 of the stored image in hex; the caption shows the first 12
    /// characters.
    pub image_sha256: Option<String>,
    /// Policy description, e.g. `default (3f2a9c0d1e2b4a5c)`.
    pub policy: String,
    /// Personal-data note, e.g. `pii omit: no image` when no image is shown.
    pub pii: Option<String>,
}

/// What is drawn under the boxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Background<'a> {
    /// The stored image: a relative path (`front.jpeg`,
    /// `crops/p1/front.jpeg`) or a `data:image/jpeg;base64,` /
    /// `data:image/png;base64,` URI. Anything else is refused, the exhibit
    /// falls back to [`Background::Blank`] and the caption says
    /// "image not linked".
    Href(&'a str),
    /// An empty light-grey canvas with a subtle grid, of the image's size;
    /// used when images may not be shown.
    Blank,
}

/// Everything needed to render one exhibit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exhibit<'a> {
    /// Stored image width in pixels (1..=12000; other values are clamped).
    pub width: u32,
    /// Stored image height in pixels (1..=12000; other values are clamped).
    pub height: u32,
    /// Image or blank canvas.
    pub background: Background<'a>,
    /// The EXIF orientation (2..=8) the image of a [`Background::Href`]
    /// carries, which browsers apply to it; 1, or any other value, for none.
    pub exif_orientation: u8,
    /// Caption band contents.
    pub caption: Caption,
    /// Features with a box.
    pub boxes: Vec<ExhibitBox>,
    /// Features not drawn: missing ones and ones without a usable box.
    pub notes: Vec<ExhibitNote>,
    /// Prefix for element ids so several exhibits can share one HTML page.
    /// Sanitised to `[A-Za-z0-9_-]` (at most 64 characters, starting with a
    /// letter or `_`; `exhibit` when nothing is left).
    pub id_prefix: String,
}

/// Largest accepted image side; larger values are clamped to it.
const MAX_SIDE: u32 = 12_000;
/// Label text is cut to this many characters (with an ellipsis).
const LABEL_CHARS: usize = 80;
/// Reasons in the legend are cut to this many characters.
const WHY_CHARS: usize = 120;
/// Caption field values are cut to this many characters.
const CAPTION_FIELD_CHARS: usize = 80;
/// Titles and `data-*` attributes keep at most this many characters.
const ATTR_CHARS: usize = 1000;
/// At most this many notes are listed before "… and N more".
const LEGEND_MAX: usize = 12;
/// Longest accepted relative image path, in bytes.
const MAX_PATH_LEN: usize = 1024;

/// Renders `e` as a standalone SVG document (UTF-8, one element per line).
///
/// The output is deterministic: the same input gives the same bytes.
#[must_use]
pub fn render(e: &Exhibit<'_>) -> String {
    let mut out = String::new();
    // Writing into a String cannot fail; fmt::Result only exists because
    // the formatting machinery is generic over writers.
    let _ = render_into(e, &mut out);
    out
}

/// Why a box from the evidence has no rectangle on the exhibit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Undrawable {
    /// Zero or negative width or height.
    Empty,
    /// No pixel of the box lies inside the image.
    Outside,
}

/// The part of a box that lies inside the image, with the sides that were
/// cut off (left, top, right, bottom).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Placed {
    x: i64,
    y: i64,
    w: i64,
    h: i64,
    cut: [bool; 4],
}

/// Intersects a box with the image `[0, w) x [0, h)`.
///
/// `i128` holds `x + width` for any `i64` pair, so nothing can overflow.
fn place(b: (i64, i64, i64, i64), w: u32, h: u32) -> Result<Placed, Undrawable> {
    let (x, y, bw, bh) = (
        i128::from(b.0),
        i128::from(b.1),
        i128::from(b.2),
        i128::from(b.3),
    );
    if bw <= 0 || bh <= 0 {
        return Err(Undrawable::Empty);
    }
    let (iw, ih) = (i128::from(w), i128::from(h));
    let (x1, y1) = (x + bw, y + bh);
    let (cx0, cy0) = (x.clamp(0, iw), y.clamp(0, ih));
    let (cx1, cy1) = (x1.clamp(0, iw), y1.clamp(0, ih));
    if cx1 <= cx0 || cy1 <= cy0 {
        return Err(Undrawable::Outside);
    }
    // The clamped values lie in 0..=12000, so the narrowing cannot fail;
    // the fallback only keeps the code free of panics.
    let n = |v: i128| i64::try_from(v).unwrap_or(0);
    Ok(Placed {
        x: n(cx0),
        y: n(cy0),
        w: n(cx1 - cx0),
        h: n(cy1 - cy0),
        cut: [x < 0, y < 0, x1 > iw, y1 > ih],
    })
}

/// Returns `true` for characters that may appear in the output.
///
/// XML 1.0 forbids C0 controls other than tab/newline/CR and U+FFFE/FFFF.
/// CR is dropped too (parsers turn it into LF anyway), as are C1 controls
/// (allowed but "discouraged" by XML 1.0, and invisible). Bidi embeddings,
/// overrides and isolates are dropped because an unbalanced one can make a
/// label, tooltip, or a host page showing a `data-*` value read differently
/// from the evidence; right-to-left text itself is kept.
fn render_into(e: &Exhibit<'_>, out: &mut String) -> fmt::Result {
    let w = e.width.clamp(1, MAX_SIDE);
    let h = e.height.clamp(1, MAX_SIDE);
    let (wi, hi) = (i64::from(w), i64::from(h));
    let p = sanitise_prefix(&e.id_prefix);

    let (href, rejected) = match e.background {
        Background::Href(s) => match checked_href(s) {
            Some(s) => (Some(s), false),
            None => (None, true),
        },
        Background::Blank => (None, false),
    };

    // Decide what is drawn and what goes to the legend before layout, as
    // the legend's height depends on it.
    let mut drawn: Vec<(usize, &ExhibitBox, Placed)> = Vec::new();
    let mut legend: Vec<LegendLine> = e
        .notes
        .iter()
        .map(|n| legend_line(&n.name, &n.why))
        .collect();
    for (i, b) in e.boxes.iter().enumerate() {
        match place(b.bbox, w, h) {
            Ok(pl) => drawn.push((i, b, pl)),
            Err(Undrawable::Outside) => legend.push(legend_line(&b.name, "box outside the image")),
            Err(Undrawable::Empty) => legend.push(legend_line(&b.name, "empty box")),
        }
    }

    let fields = caption_fields(&e.caption, href.is_some(), rejected);

    // Font size proportional to the image so labels read the same at 640 px
    // and 4000 px. The caption and the legend are strips added above and
    // below the image, so they need not fit in it: nothing is shrunk or
    // left out to spare the evidence.
    let m = Metrics::new((hi / 40).min(wi / 50).max(12));
    let shown = legend.len().min(LEGEND_MAX);
    let cap = pack(&fields, m.fs, wi - 2 * m.pad);
    let cap_h = m.panel(i64::try_from(cap.len()).unwrap_or(i64::MAX));
    let leg_h = m.panel(legend_lines(shown, legend.len()));
    let total = cap_h + hi + leg_h;

    // Root. No XML entities or DOCTYPE: nothing to expand, nothing to fetch.
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" \
         version=\"1.1\" id=\"{p}\" class=\"exhibit\" width=\"{w}\" height=\"{total}\" \
         viewBox=\"0 -{cap_h} {w} {total}\" font-family=\"sans-serif\" role=\"img\" aria-labelledby=\"{p}-title\">"
    )?;
    writeln!(
        out,
        "<title id=\"{p}-title\">Exhibit: process {} · side {}</title>",
        Esc(&label_text(&e.caption.process_id, CAPTION_FIELD_CHARS)),
        Esc(&label_text(&e.caption.side, CAPTION_FIELD_CHARS)),
    )?;

    write_background(out, &p, href, e.exif_orientation, wi, hi)?;
    writeln!(out, "<g class=\"features\">")?;
    for (i, b, pl) in &drawn {
        write_feature(out, &p, *i, b, *pl, m, wi, hi)?;
    }
    writeln!(out, "</g>")?;
    write_caption(out, &p, &cap, m, wi)?;
    write_legend(out, &p, &legend, shown, drawn.len(), m, wi, hi)?;
    writeln!(out, "</svg>")
}

fn write_background(
    out: &mut String,
    p: &str,
    href: Option<&str>,
    exif: u8,
    w: i64,
    h: i64,
) -> fmt::Result {
    if let Some(href) = href {
        if let Some(m) = orient::unturn(exif, w, h) {
            return orient::write_turned(out, href, exif, m, w, h);
        }
        // Both spellings for a path: SVG 2 viewers read `href`, older ones
        // `xlink:href`. An embedded image is written once (it can weigh
        // megabytes); every viewer that reads data URIs reads `href`.
        // An image without an EXIF orientation: `image-orientation: none`
        // changes nothing in a browser that reads the same header, and keeps
        // a `data:` image on its stored pixels in one that would see one.
        let style = "style=\"image-orientation:none\"";
        let esc = Esc(href);
        if href.starts_with("data:") {
            return writeln!(
                out,
                "<image href=\"{esc}\" x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" \
                 preserveAspectRatio=\"none\" {style}/>"
            );
        }
        return writeln!(
            out,
            "<image href=\"{esc}\" xlink:href=\"{esc}\" x=\"0\" y=\"0\" width=\"{w}\" \
             height=\"{h}\" preserveAspectRatio=\"none\" {style}/>"
        );
    }
    // A grid of about 24 cells across the short side shows the canvas is
    // deliberately empty and still gives a sense of scale.
    let step = (w.min(h) / 24).max(4);
    writeln!(out, "<defs>")?;
    writeln!(
        out,
        "<pattern id=\"{p}-grid\" width=\"{step}\" height=\"{step}\" patternUnits=\"userSpaceOnUse\">"
    )?;
    writeln!(
        out,
        "<path d=\"M {step} 0 L 0 0 0 {step}\" fill=\"none\" stroke=\"#d4d4d4\" stroke-width=\"1\" \
         vector-effect=\"non-scaling-stroke\"/>"
    )?;
    writeln!(out, "</pattern>")?;
    writeln!(out, "</defs>")?;
    writeln!(
        out,
        "<rect class=\"blank\" x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#eeeeee\"/>"
    )?;
    writeln!(
        out,
        "<rect class=\"grid\" x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"url(#{p}-grid)\"/>"
    )
}

#[allow(clippy::too_many_arguments)]
fn write_feature(
    out: &mut String,
    p: &str,
    index: usize,
    b: &ExhibitBox,
    pl: Placed,
    m: Metrics,
    w: i64,
    h: i64,
) -> fmt::Result {
    let (bx, by, bw, bh) = b.bbox;
    let clipped = b.clipped || pl.cut.iter().any(|&c| c);
    let colour = hex(b.colour);
    let full = attr_text(&b.name);
    let label = label_text(&b.name, LABEL_CHARS);

    writeln!(
        out,
        "<g id=\"{p}-f{index}\" class=\"feature{}\" data-feature=\"{}\" data-bbox=\"{bx},{by},{bw},{bh}\"{}>",
        if clipped { " clipped" } else { "" },
        Esc(&full),
        if clipped {
            format!(" data-drawn=\"{},{},{},{}\"", pl.x, pl.y, pl.w, pl.h)
        } else {
            String::new()
        }
    )?;
    let drawn_note = if clipped {
        format!(" (clipped; drawn {},{},{},{})", pl.x, pl.y, pl.w, pl.h)
    } else {
        String::new()
    };
    writeln!(
        out,
        "<title>{} — bbox {bx},{by},{bw},{bh}{drawn_note}</title>",
        Esc(&full)
    )?;
    // A faint fill makes the whole box hoverable for the tooltip without
    // hiding the document; non-scaling stroke keeps 2 screen pixels at any
    // zoom level.
    writeln!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{colour}\" fill-opacity=\"0.08\" \
         stroke=\"{colour}\" stroke-width=\"2\" vector-effect=\"non-scaling-stroke\"{}/>",
        pl.x,
        pl.y,
        pl.w,
        pl.h,
        if clipped {
            " stroke-dasharray=\"6 4\""
        } else {
            ""
        }
    )?;

    // The marker is a tspan of the label so it can never drift away from
    // the box it describes or overlap another label by itself.
    let marker = if clipped {
        let sides: Vec<&str> = ["left", "top", "right", "bottom"]
            .into_iter()
            .zip(pl.cut)
            .filter_map(|(s, c)| c.then_some(s))
            .collect();
        // Spacing comes from `dx` on the tspan: some renderers strip a
        // leading space in a tspan.
        if sides.is_empty() {
            "clipped".to_owned()
        } else {
            format!("clipped: {}", sides.join(" "))
        }
    } else {
        String::new()
    };
    let mfs = (m.fs * 3 / 4).max(1);
    let gap_x = (m.fs / 3).max(1);
    let tw = text_width(&label, m.fs)
        + if clipped {
            gap_x + text_width(&marker, mfs)
        } else {
            0
        }
        + m.halo;
    let margin = m.halo;
    let avail = w - 2 * margin;
    let x = if tw > avail {
        margin.min(w)
    } else {
        pl.x.clamp(margin, w - margin - tw)
    };
    // Above the box when there is room in the image, else just inside its
    // top edge: a label stays on the image, beside the box it names, and
    // never reaches into the caption strip.
    let gap = (m.fs / 6).max(1);
    let y = if pl.y - gap - m.desc - m.asc >= 0 {
        pl.y - gap - m.desc
    } else {
        (pl.y + gap + m.asc).min(h - m.desc)
    }
    .clamp(m.asc.min(h), h);
    write!(
        out,
        "<text class=\"label\" x=\"{x}\" y=\"{y}\" font-size=\"{}\" fill=\"{}\" stroke=\"#ffffff\" \
         stroke-width=\"{}\" stroke-linejoin=\"round\" paint-order=\"stroke\"{}>{}",
        m.fs,
        hex(ink(b.colour)),
        m.halo,
        squeeze(tw, avail),
        Esc(&label)
    )?;
    if clipped {
        write!(
            out,
            "<tspan class=\"marker\" dx=\"{}\" font-size=\"{mfs}\" font-style=\"italic\">{}</tspan>",
            gap_x,
            Esc(&marker)
        )?;
    }
    writeln!(out, "</text>")?;
    writeln!(out, "</g>")
}

//! The features table and the document sides beside it: each side's SVG
//! annotation (the exhibit renderer's, inline, so that a feature's row and
//! its box can light each other up) over the image under `--pii full`, or
//! over an empty canvas of the image's size otherwise.

use super::escape::Esc;
use super::layout;
use crate::audit::{Audit, MemberHash};
use crate::draw::{Background, Sheet};
use crate::evidence::{Feature, Side, Source};
use crate::pii::Pii;
use std::fmt::Write as _;

/// One side's image as a page shows it (`--pii full` only).
#[derive(Debug, Clone)]
pub(crate) struct SideImage {
    /// The side.
    pub(crate) side: Side,
    /// A path relative to the page, or a data URI.
    pub(crate) href: String,
    /// SHA-256 of the image's bytes.
    pub(crate) sha256: String,
    /// The EXIF orientation the image carries (1 for none).
    pub(crate) exif_orientation: u8,
    /// The member it was read from, when it is a member.
    pub(crate) member: Option<String>,
}

/// The attributes the exhibit renderer puts on its image to say how a
/// browser should apply its EXIF orientation: `none` for an image without
/// one, `from-image` for one it turns back itself. The page's style sheet
/// says the same (by `data-exif-orientation`), and an inline style attribute
/// would break the page's Content-Security-Policy.
const IMAGE_STYLES: [&str; 2] = [
    " style=\"image-orientation:none\"",
    " style=\"image-orientation:from-image\"",
];

/// The exhibit's SVG made fit to sit inside an HTML page: no XML
/// declaration, no inline style.
fn inline_svg(svg: &str) -> String {
    let body = match svg.strip_prefix("<?xml") {
        Some(rest) => rest.split_once('\n').map_or("", |(_, b)| b),
        None => svg,
    };
    IMAGE_STYLES
        .iter()
        .fold(body.to_owned(), |b, style| b.replace(style, ""))
}

/// The features table, then each side with its annotation.
pub(crate) fn features_and_sides(out: &mut String, a: &Audit, images: &[SideImage], pii: &Pii) {
    let features = a.features();
    // For each feature, the id of the box drawn for it, if one is.
    let mut boxes: Vec<Option<String>> = vec![None; features.len()];
    let mut figures = String::new();
    for side in Side::ALL.iter().copied() {
        let Some(media) = a.evidence.media_of(side.depiction()) else {
            continue;
        };
        let Some(dims) = media.dimensions else {
            continue;
        };
        let (width, height) = (dims.width, dims.height);
        let image = images.iter().find(|i| i.side == side);
        let sha = image
            .map(|i| i.sha256.clone())
            .or_else(|| member_sha256(a, &media.source))
            // The caption shows twelve characters of the hash.
            .unwrap_or_else(|| "not computed".into());
        let sheet = Sheet::new(a, side, features, &sha, (width, height))
            .with_exif_orientation(image.map_or(1, |i| i.exif_orientation));
        for (k, &i) in sheet.box_sources().iter().enumerate() {
            if let Some(b) = features[i].bbox
                && !b.is_empty()
                && b.clip(width, height).is_some()
            {
                boxes[i] = Some(format!("{side}-f{k}"));
            }
        }
        let note = (*pii != Pii::Full).then(|| format!("pii {}: image not shown", pii.name()));
        let background = image.map_or(Background::Blank, |i| Background::Href(&i.href));
        let svg = sheet.svg_with(background, note.as_deref(), side.as_str());
        // A side no feature sits on shows nothing to review: folded, so that
        // it does not push the sides that do further down; one click opens it.
        let on_side = features
            .iter()
            .filter(|f| f.image_side() == Some(side))
            .count();
        if on_side == 0 {
            let _ = writeln!(
                figures,
                "<details class=\"sheet-fold\" id=\"fold-{side}\"><summary>{side}: no feature on this side ({width}×{height} pixels): show</summary>"
            );
        }
        let _ = write!(
            figures,
            "<figure class=\"sheet\" id=\"sheet-{side}\">\n{}<figcaption>{side}: {width}×{height} pixels, {}; {}</figcaption>\n</figure>\n",
            inline_svg(&svg),
            Esc(&media.source.to_string()),
            if image.is_some() {
                "the image as stored, boxes over it"
            } else {
                "boxes drawn on an empty canvas of the image's size (no image copied)"
            }
        );
        if on_side == 0 {
            figures.push_str("</details>\n");
        }
    }
    out.push_str("<div class=\"cols features\">\n<section>\n");
    feature_table(out, features, &boxes);
    out.push_str("</section>\n<section>\n");
    layout::heading(out, "sides", "Document sides");
    if figures.is_empty() {
        out.push_str("<p>(no document image whose size could be read: nothing to draw on)</p>\n");
    } else {
        out.push_str(&figures);
    }
    out.push_str("</section>\n</div>\n");
}

fn feature_table(out: &mut String, features: &[Feature], boxes: &[Option<String>]) {
    layout::heading(out, "features", "Features");
    if features.is_empty() {
        out.push_str("<p>(none)</p>\n");
        return;
    }
    out.push_str(
        "<p class=\"hint\">Point at or focus a feature's row to light up its box on the document, and back.</p>\n",
    );
    layout::open_table(
        out,
        "features-table",
        "list",
        "Features",
        &[
            "Feature",
            "Found",
            "Side",
            "Box (x,y w×h)",
            "On the document",
        ],
    );
    for (i, f) in features.iter().enumerate() {
        let (class, found) = match f.found {
            Some(true) => ("accepted", "yes"),
            Some(false) => ("inconclusive", "NO"),
            None => ("inconclusive", "unreadable"),
        };
        let drawn = match (&boxes[i], f.found, f.bbox) {
            (Some(_), ..) => "box drawn",
            (None, Some(false), _) => "not found",
            (None, _, None) => "no box",
            (None, _, Some(b)) if b.is_empty() => "empty box",
            (None, _, Some(_)) if f.image_side().is_none() => "unknown side",
            (None, ..) => "not drawn (no image, or outside it)",
        };
        match &boxes[i] {
            Some(id) => {
                let _ = write!(
                    out,
                    "<tr id=\"feature-{i}\" class=\"feature-row\" tabindex=\"0\" data-box=\"{id}\">"
                );
            }
            None => {
                let _ = write!(out, "<tr id=\"feature-{i}\" class=\"feature-row\">");
            }
        }
        let _ = writeln!(
            out,
            "<td>{}</td><td><span class=\"badge b-{class}\">{found}</span></td><td>{}</td><td>{}</td><td>{drawn}</td></tr>",
            Esc(f.label()),
            Esc(f.side.as_deref().unwrap_or("-")),
            f.bbox.map_or_else(|| "-".into(), |b| b.to_string()),
        );
    }
    layout::close_table(out);
}

/// A member's SHA-256, when the members were hashed.
fn member_sha256(a: &Audit, source: &Source) -> Option<String> {
    let Source::Member(name) = source else {
        return None;
    };
    let i = a.members.iter().position(|m| &m.name == name)?;
    match a.member_hashes.as_ref()?.get(i)? {
        MemberHash::Sha256(h) => Some(h.clone()),
        MemberHash::Failed(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_renderer_still_writes_the_style_this_page_removes() {
        // If the exhibit renderer changes how it keeps EXIF from turning the
        // image, this test says the page must follow.
        let src = include_str!("../draw/svg/mod.rs");
        assert!(src.contains("style=\\\"image-orientation:none\\\""));
        let turned = include_str!("../draw/svg/orient.rs");
        assert!(turned.contains("style=\\\"image-orientation:from-image\\\""));
        let css = include_str!("assets/report.css");
        assert!(css.contains(
            "svg.exhibit image[data-exif-orientation] { image-orientation: from-image; }"
        ));
        let svg = "<?xml version=\"1.0\"?>\n<svg><image href=\"a.png\" style=\"image-orientation:none\"/></svg>";
        assert_eq!(inline_svg(svg), "<svg><image href=\"a.png\"/></svg>");
    }
}

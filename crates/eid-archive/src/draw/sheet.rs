//! One side's annotation sheet: the boxes of its features, the features it
//! cannot draw (listed in a legend), and a caption saying what the exhibit
//! is. Rendered as SVG over the stored image, or drawn into its pixels.

use super::raster as draw;
use super::svg::{self, Background, Caption, Exhibit, ExhibitBox, ExhibitNote};
use crate::audit::Audit;
use crate::evidence::{Feature, MediaFormat, Side};
use image::RgbImage;

/// What one side's annotation shows.
pub(crate) struct Sheet {
    width: u32,
    height: u32,
    caption: Caption,
    boxes: Vec<ExhibitBox>,
    notes: Vec<ExhibitNote>,
    /// For each box, the index of its feature in the list given to `new`.
    sources: Vec<usize>,
    id_prefix: String,
    /// The EXIF orientation of the stored image (1 for none).
    exif_orientation: u8,
}

impl Sheet {
    /// The sheet of `side` of an audited archive whose stored image is
    /// `width` × `height` pixels and hashes to `sha256`.
    pub(crate) fn new(
        audit: &Audit,
        side: Side,
        features: &[Feature],
        sha256: &str,
        (width, height): (u32, u32),
    ) -> Sheet {
        let mut boxes = Vec::new();
        let mut notes = Vec::new();
        let mut sources = Vec::new();
        for (index, f) in features.iter().enumerate() {
            let here = match f.image_side() {
                Some(s) => s == side,
                // Features on no known side are listed on the front.
                None => side == Side::Front,
            };
            if !here {
                continue;
            }
            let note = |why: &str| ExhibitNote {
                name: f.subject().to_owned(),
                why: why.to_owned(),
            };
            match (f.found, f.bbox, f.image_side()) {
                _ if f.unreadable() => notes.push(note("unreadable entry")),
                (Some(false), ..) => notes.push(note("not found")),
                (_, _, None) => notes.push(note(&format!(
                    "side {:?} unknown",
                    f.side.as_deref().unwrap_or("")
                ))),
                (_, None, _) => notes.push(note("found, no box")),
                (_, Some(b), _) => {
                    sources.push(index);
                    boxes.push(ExhibitBox {
                        name: f.label().to_owned(),
                        bbox: (b.x, b.y, b.width, b.height),
                        clipped: !b.fits(width, height),
                        colour: draw::outline_colour(f.label(), true).0,
                    });
                }
            }
        }
        let v = &audit.verdict;
        let caption = Caption {
            process_id: audit.process_id.clone(),
            side: side.as_str().to_owned(),
            status: v.decision.status.as_str().to_uppercase(),
            image_sha256: Some(sha256.to_owned()),
            policy: format!("{} ({})", audit.policy.name, audit.policy.digest()),
            pii: None,
        };
        Sheet {
            width,
            height,
            caption,
            boxes,
            notes,
            sources,
            id_prefix: side.as_str().to_owned(),
            exif_orientation: 1,
        }
    }

    /// The sheet of an image that carries EXIF orientation `o` (2..=8; 1
    /// for none): its SVG turns the image back onto the stored pixels the
    /// boxes name. The raster sheet is drawn into the stored pixels anyway.
    pub(crate) fn with_exif_orientation(mut self, o: u8) -> Sheet {
        self.exif_orientation = o;
        self
    }

    /// For each box, in order, the index of its feature in the list the
    /// sheet was made from. The SVG gives the `k`-th box the id
    /// `<prefix>-f<k>` (when it can be drawn), so a page can tie a feature's
    /// row to its box.
    pub(crate) fn box_sources(&self) -> &[usize] {
        &self.sources
    }

    /// The sheet as a standalone SVG over `href` (the copied original, or a
    /// data URI), or over a blank canvas of the image's size.
    pub(crate) fn svg(&self, href: Option<&str>) -> String {
        self.svg_with(
            href.map_or(Background::Blank, Background::Href),
            None,
            &self.id_prefix,
        )
    }

    /// The sheet as SVG, with a personal-data note in the caption and ids
    /// prefixed for a page that shows several sheets.
    pub(crate) fn svg_with(
        &self,
        background: Background<'_>,
        pii: Option<&str>,
        prefix: &str,
    ) -> String {
        let mut caption = self.caption.clone();
        caption.pii = pii.map(str::to_owned);
        svg::render(&Exhibit {
            width: self.width,
            height: self.height,
            background,
            exif_orientation: self.exif_orientation,
            caption,
            boxes: self.boxes.clone(),
            notes: self.notes.clone(),
            id_prefix: prefix.to_owned(),
        })
    }

    /// The sheet drawn into the decoded image: the boxes over the pixels, a
    /// caption band above and the legend below.
    pub(crate) fn raster(&self, mut image: RgbImage) -> RgbImage {
        for b in &self.boxes {
            let (x, y, width, height) = b.bbox;
            let bbox = crate::evidence::BBox {
                x,
                y,
                width,
                height,
            };
            draw::draw_box(&mut image, bbox, &b.name, !b.clipped);
        }
        let (caption, legend) = self.raster_text();
        draw::with_bands(image, &caption, &legend)
    }

    /// The lines of the raster sheet's caption band and legend band: the
    /// process id as written (the font has lower case), side and status;
    /// the hash and policy; then what could not be drawn.
    fn raster_text(&self) -> (Vec<String>, Vec<String>) {
        let caption = vec![
            format!(
                "{}  {}  {}",
                self.caption.process_id, self.caption.side, self.caption.status
            ),
            format!(
                "sha256 {}  policy {}",
                self.caption
                    .image_sha256
                    .as_deref()
                    .map_or("", |s| &s[..s.len().min(12)]),
                self.caption.policy
            ),
        ];
        let mut legend: Vec<String> = self
            .notes
            .iter()
            .take(12)
            .map(|n| format!("{}: {}", n.name, n.why))
            .collect();
        if self.notes.len() > 12 {
            legend.push(format!("... and {} more", self.notes.len() - 12));
        }
        if legend.is_empty() {
            legend.push(format!("{} features drawn, none missing", self.boxes.len()));
        }
        (caption, legend)
    }
}

/// A data URI of an image, for an SVG that stands alone.
pub(crate) fn data_uri(format: MediaFormat, bytes: &[u8]) -> String {
    let mime = if format == MediaFormat::Png {
        "image/png"
    } else {
        "image/jpeg"
    };
    let mut s = String::with_capacity(bytes.len().div_ceil(3) * 4 + 32);
    s.push_str("data:");
    s.push_str(mime);
    s.push_str(";base64,");
    crate::base64::encode_into(bytes, &mut s);
    s
}

#[cfg(test)]
#[path = "sheet_tests.rs"]
mod tests;

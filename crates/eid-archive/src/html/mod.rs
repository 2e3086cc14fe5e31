//! The visual audit report: static HTML an auditor opens from a folder (or
//! a USB stick, years later) with nothing but a browser.
//!
//! - `IndexWriter` writes a report's `html/` folder as the events arrive:
//!   `index.html` (the run at a glance, charts drawn here as inline SVG, the
//!   disagreements and errors), `archives-1.html`, `archives-2.html`, … (every
//!   archive, at most 1,000 rows a page), a page for each archive that
//!   could not be read, `report.css` and `report.js`. Memory does not grow
//!   with the number of archives: rows go straight to their page file, and
//!   the charts are drawn from the run's tally.
//! - `write_archive_page` writes one archive's page, `html/a/000123.html`
//!   (named by the input's position, never by archive text); the run's
//!   workers call it while they hold the archive open, and it copies only
//!   the images the run's [`ImageRule`] lets onto a page.
//! - [`standalone_page`] gives the same page as one self-contained file
//!   (`eid-audit inspect --format html`).
//!
//! Every page is safe to open: all text from an archive goes through
//! `escape`; each page carries a restrictive Content-Security-Policy (no
//! network, no inline script or style except the single page's own, allowed
//! by hash); links and file names never come from archive text; every page
//! says which personal-data mode it was written under, and under any mode
//! but `full` no name, number, birth date or image appears. The pages are
//! complete without scripts; `report.js` adds sorting, filtering and the
//! highlight of a feature's box.

mod charts;
mod escape;
mod glossary;
mod index;
mod index_page;
pub(crate) mod layout;
mod list_nav;
mod monitoring;
mod page;
mod population;
mod sides;

pub use escape::escape;
pub(crate) use index::{IndexWriter, archive_nav};
pub(crate) use index_page::{RowCells, table_row_of};
pub(crate) use population::{index_section, write_sample_page};

use crate::archive::Archive;
use crate::audit::Audit;
use crate::codes::hex;
use crate::error::OutputError;
use crate::event::Audited;
use crate::evidence::{Side, Source};
use crate::images::ImageRule;
use crate::pii::Pii;
use layout::Assets;
use sha2::{Digest, Sha256};
use sides::SideImage;
use std::path::Path;

pub(crate) use list_nav::unlink as unlink_lists;

/// The folder of the archive pages inside `html/`.
const ARCHIVE_DIR: &str = "a";

/// The page of the archive at `index` (0-based position in the inputs),
/// relative to the `html/` folder: `a/000123.html`. The one spelling of a
/// page's name: links, the error pages and the archive pages all use it.
pub(crate) fn archive_page_name(index: usize) -> String {
    format!("{ARCHIVE_DIR}/{}", archive_page_file(index))
}

/// The file name of the page of the archive at `index`, inside `a/`.
fn archive_page_file(index: usize) -> String {
    format!("{index:06}.html")
}

/// One archive's page as a single self-contained HTML file: the style and
/// script inline (allowed by their hashes), the images as data URIs under
/// `--pii full`, an empty canvas of each image's size otherwise. `archive`
/// is the archive `audit` was made from; its images are read only under
/// `full`.
pub fn standalone_page(archive: &mut Archive, audit: &Audit, pii: &Pii) -> String {
    standalone_page_under(archive, audit, pii, &ImageRule::new(pii, Vec::new()))
}

/// As [`standalone_page`], showing only the images `rule` lets onto a page
/// (a pack's page leaves out the sides its `--crops-exclude` names).
pub fn standalone_page_under(
    archive: &mut Archive,
    audit: &Audit,
    pii: &Pii,
    rule: &ImageRule,
) -> String {
    let images = read_images(archive, audit, rule, |_, format, bytes| {
        Ok(crate::draw::data_uri(format, bytes))
    })
    .unwrap_or_default();
    page::render(&page::PageParts {
        audit,
        findings: &audit.verdict.findings,
        images: &images,
        pii,
        assets: Assets::Inline,
        nav: "",
    })
}

/// Writes the page of the archive at `index` into `html_dir/a/` (see
/// [`archive_page_name`]); each side's image the run's rule lets onto a page
/// (`--pii full`, not excluded) is copied beside it verbatim
/// (`000123-front.jpeg`) and shown under its boxes. The findings are the
/// archive's final ones, the exhibits' included, as in `findings.csv`.
/// Returns how many images it copied.
pub(crate) fn write_archive_page(
    archive: &mut Archive,
    audited: &Audited,
    index: usize,
    html_dir: &Path,
    pii: &Pii,
    rule: &ImageRule,
) -> Result<usize, OutputError> {
    let dir = html_dir.join(ARCHIVE_DIR);
    let audit = &audited.audit;
    let images = read_images(archive, audit, rule, |side, format, bytes| {
        let name = format!("{index:06}-{side}.{}", format.as_str());
        write_new(&dir.join(&name), bytes)?;
        Ok(name)
    })?;
    let nav = index::archive_nav(index);
    let html = page::render(&page::PageParts {
        audit,
        findings: audited.findings(),
        images: &images,
        pii,
        assets: Assets::Linked { up: "../" },
        nav: &nav,
    });
    write_new(&dir.join(archive_page_file(index)), html.as_bytes())?;
    Ok(images.len())
}

/// Reads each side's image that `rule` lets onto a page, hashes it, and
/// hands it to `place`, which returns the `href` the page shows it by. An
/// image that cannot be read is left out (its boxes are drawn on an empty
/// canvas).
fn read_images(
    archive: &mut Archive,
    audit: &Audit,
    rule: &ImageRule,
    mut place: impl FnMut(Side, crate::evidence::MediaFormat, &[u8]) -> Result<String, OutputError>,
) -> Result<Vec<SideImage>, OutputError> {
    let mut images = Vec::new();
    for side in Side::ALL.iter().copied() {
        if !rule.shows(side) {
            continue;
        }
        let Some(media) = audit.evidence.media_of(side.depiction()) else {
            continue;
        };
        if !media.format.is_image() || media.dimensions.is_none() {
            continue;
        }
        let Ok(Some(bytes)) = archive.image_bytes(side.depiction()) else {
            continue;
        };
        let href = place(side, media.format, &bytes)?;
        images.push(SideImage {
            side,
            href,
            sha256: hex(&Sha256::digest(&bytes)),
            exif_orientation: crate::media::exif_orientation(&bytes).map_or(1, |o| o.to_exif()),
            member: match &media.source {
                Source::Member(n) => Some(n.clone()),
                _ => None,
            },
        });
    }
    Ok(images)
}

/// Writes a new file (the folder is the run's own staging folder).
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    use std::io::Write as _;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(OutputError::io(path))?;
    f.write_all(bytes).map_err(OutputError::io(path))
}

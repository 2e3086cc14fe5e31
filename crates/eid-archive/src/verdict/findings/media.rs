//! Media findings: images that cannot be read or are missing, and boxes that
//! are missing, empty, on an unknown side, or outside their image.

use super::{Finding, FindingCode, Severity};
use crate::evidence::{Depiction, Evidence, Side};

/// Images the evidence calls for, images that cannot be read, and boxes.
pub(super) fn collect(evidence: &Evidence, out: &mut Vec<Finding>) {
    for m in &evidence.media {
        if let Some(problem) = &m.problem {
            out.push(Finding::new(
                Severity::Warning,
                FindingCode::UndecodableMedia,
                m.source.to_string(),
                problem.clone(),
            ));
        }
    }
    let has = |d: Depiction| evidence.media_of(d).is_some();
    // Every depiction the record lists must be in the archive.
    let listed: Vec<Depiction> = evidence
        .process
        .as_ref()
        .map(|p| {
            p.depictions
                .iter()
                .filter_map(|d| Depiction::parse(&d.trim().to_ascii_lowercase()))
                .collect()
        })
        .unwrap_or_default();
    for d in Depiction::ALL {
        if listed.contains(d) && !has(*d) {
            out.push(Finding::new(
                Severity::Warning,
                FindingCode::MissingMedia,
                d.as_str(),
                format!("the record lists a {d} depiction but the archive has none"),
            ));
        }
    }
    let Some(ocr) = &evidence.ocr else { return };
    let reported = |d: Depiction| listed.contains(&d);
    if !has(Depiction::Front) && !reported(Depiction::Front) {
        out.push(Finding::new(
            Severity::Warning,
            FindingCode::MissingMedia,
            "front",
            "no front image in the archive",
        ));
    }
    // Only a similarity actually computed (a level, not `none` or missing) needs a selfie.
    let computed = ocr.similarity.as_ref().and_then(|s| s.level()).is_some();
    if computed && !has(Depiction::Selfie) && !reported(Depiction::Selfie) {
        out.push(Finding::new(
            Severity::Warning,
            FindingCode::MissingMedia,
            "selfie",
            "a face similarity was computed but the archive has no selfie",
        ));
    }
    let on_back = ocr
        .features
        .iter()
        .any(|f| f.found == Some(true) && f.image_side() == Some(Side::Back));
    if on_back && !has(Depiction::Back) && !reported(Depiction::Back) {
        out.push(Finding::new(
            Severity::Warning,
            FindingCode::MissingMedia,
            "back",
            "a feature sits on the back side but the archive has no back image",
        ));
    }
    for f in ocr.features.iter().filter(|f| f.found == Some(true)) {
        let name = f.label();
        let side = match (&f.side, f.image_side()) {
            (_, Some(side)) => side,
            (Some(word), None) => {
                out.push(Finding::new(
                    Severity::Warning,
                    FindingCode::UnknownSide,
                    name,
                    format!("side {word:?} is neither data, front nor back; its box is not placed on an image"),
                ));
                continue;
            }
            (None, None) => {
                out.push(Finding::new(
                    Severity::Warning,
                    FindingCode::UnknownSide,
                    name,
                    "feature has no side; its box is not placed on an image",
                ));
                continue;
            }
        };
        let Some(bbox) = f.bbox else {
            out.push(Finding::new(
                Severity::Warning,
                FindingCode::BBoxMissing,
                name,
                "found, but without a box",
            ));
            continue;
        };
        if bbox.is_empty() {
            out.push(Finding::new(
                Severity::Warning,
                FindingCode::BBoxEmpty,
                name,
                format!("box {bbox} has no area"),
            ));
            continue;
        }
        if let Some(dims) = evidence.dimensions(side.depiction())
            && !bbox.fits(dims.width, dims.height)
        {
            out.push(Finding::new(
                Severity::Warning,
                FindingCode::BBoxOutOfBounds,
                name,
                format!(
                    "box {bbox} leaves the {}×{} {} image",
                    dims.width,
                    dims.height,
                    side.as_str()
                ),
            ));
        }
    }
}

//! Hand-built evidence for rule tests.

use eid_archive::evidence::{
    BBox, Depiction, Dialect, Dimensions, Evidence, Feature, ManualApproval, Media, MediaFormat,
    Ocr, ProcessRecord, RejectionReason, SecurityCheck, Source,
};

/// OCR evidence with the given checks, similarity and features (`found` per name).
pub fn ocr(
    checks: &[(&str, Option<bool>)],
    similarity: Option<&str>,
    features: &[(&str, Option<bool>)],
) -> Evidence {
    Evidence {
        ocr: Some(Ocr {
            source: Source::Member("ocr.json".into()),
            dialect: Dialect::Assure,
            document: Default::default(),
            similarity: similarity.map(str::to_owned),
            liveness_detected: None,
            checks: checks
                .iter()
                .map(|(n, v)| SecurityCheck {
                    name: (*n).into(),
                    valid: *v,
                })
                .collect(),
            features: features
                .iter()
                .map(|(n, f)| Feature {
                    name: Some((*n).into()),
                    found: *f,
                    side: Some("data".into()),
                    bbox: f.filter(|f| *f).map(|_| BBox {
                        x: 10,
                        y: 10,
                        width: 20,
                        height: 20,
                    }),
                })
                .collect(),
            native_status: None,
            native_id: None,
            completion_date: None,
        }),
        ..Evidence::default()
    }
}

/// A clean automatic pass: every check valid, similarity high, all features found.
pub fn clean() -> Evidence {
    ocr(
        &[
            ("nonExpired", Some(true)),
            ("notUnderage", Some(true)),
            ("livenessDetected", Some(true)),
        ],
        Some("high"),
        &[("Header", Some(true)), ("OVI 1", Some(true))],
    )
}

pub fn with_process(mut e: Evidence, status: &str, process_type: &str) -> Evidence {
    e.process = Some(ProcessRecord {
        process_id: Some("p-1".into()),
        provider: Some("eid".into()),
        process_type: Some(process_type.into()),
        status: Some(status.into()),
        updated_at: Some("2021-06-09T10:05:41Z".into()),
        ..ProcessRecord::default()
    });
    e
}

pub fn with_manual(mut e: Evidence, rejections: &[&str]) -> Evidence {
    e.manual = Some(ManualApproval {
        verifier_id: Some("agent-1".into()),
        verification_date: Some("2021-06-10T09:00:00Z".into()),
        rejection_reasons: rejections
            .iter()
            .map(|t| RejectionReason {
                kind: (*t).into(),
                message: None,
            })
            .collect(),
        ..ManualApproval::default()
    });
    e
}

pub fn with_media(mut e: Evidence, depiction: Depiction, w: u32, h: u32) -> Evidence {
    e.media.push(Media {
        source: Source::Member(format!("{}.jpeg", depiction.as_str())),
        depiction,
        format: MediaFormat::Jpeg,
        bytes: 1000,
        dimensions: Some(Dimensions {
            width: w,
            height: h,
        }),
        problem: None,
    });
    e
}

pub fn doc(e: &mut Evidence, field: &str, value: &str) {
    e.ocr
        .as_mut()
        .unwrap()
        .document
        .insert(field.into(), value.into());
}

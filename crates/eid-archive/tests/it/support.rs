//! Shared helpers of the integration tests: opening archives held in memory,
//! and hand-built evidence for rule tests.

use eid_archive::evidence::{
    BBox, Depiction, Dialect, Dimensions, Evidence, Feature, ManualApproval, Media, MediaFormat,
    Ocr, ProcessRecord, RejectionReason, SecurityCheck, SimilarityScore, Source,
};
use eid_archive::{Archive, Error, Limits, ReadOptions};

/// OCR evidence with the given checks, similarity and features (`found` per name).
pub fn ocr(
    checks: &[(&str, Option<bool>)],
    similarity: Option<&str>,
    features: &[(&str, Option<bool>)],
) -> Evidence {
    let mut ocr = Ocr::new(Source::Member("ocr.json".into()), Dialect::Assure);
    ocr.similarity = similarity.map(SimilarityScore::from);
    ocr.checks = checks
        .iter()
        .map(|(n, v)| SecurityCheck::new(*n, *v))
        .collect();
    ocr.features = features
        .iter()
        .enumerate()
        .map(|(i, (n, f))| {
            let bbox = f.filter(|f| *f).map(|_| BBox::new(10, 10, 20, 20));
            Feature::new(format!("features[{i}]"), Some(n), *f, Some("data"), bbox)
        })
        .collect();
    let mut e = Evidence::default();
    e.ocr = Some(ocr);
    e
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
    let mut p = ProcessRecord::default();
    p.process_id = Some("p-1".into());
    p.provider = Some("eid".into());
    p.process_type = Some(process_type.into());
    p.status = Some(status.into());
    p.updated_at = Some("2021-06-09T10:05:41Z".into());
    e.process = Some(p);
    e
}

pub fn with_manual(mut e: Evidence, rejections: &[&str]) -> Evidence {
    let mut m = ManualApproval::default();
    m.verifier_id = Some("agent-1".into());
    m.verification_date = Some("2021-06-10T09:00:00Z".into());
    m.rejection_reasons = rejections
        .iter()
        .map(|t| RejectionReason::new(*t, None))
        .collect();
    e.manual = Some(m);
    e
}

pub fn with_media(mut e: Evidence, depiction: Depiction, w: u32, h: u32) -> Evidence {
    e.media.push(Media::new(
        Source::Member(format!("{}.jpeg", depiction.as_str())),
        depiction,
        MediaFormat::Jpeg,
        1000,
        Some(Dimensions::new(w, h)),
    ));
    e
}

pub fn doc(e: &mut Evidence, field: &str, value: &str) {
    e.ocr
        .as_mut()
        .unwrap()
        .document
        .insert(field.into(), value.into());
}

/// A feature entry as a reader makes it.
pub fn feature(name: &str, found: Option<bool>, side: Option<&str>, bbox: Option<BBox>) -> Feature {
    Feature::new(format!("features.{name}"), Some(name), found, side, bbox)
}

/// Opens an archive held in memory with the default limits.
pub fn open(label: &str, zip: Vec<u8>) -> Result<Archive, Error> {
    Archive::from_bytes(label, zip, &ReadOptions::default())
}

/// Opens an archive held in memory under other limits.
pub fn open_with(label: &str, zip: Vec<u8>, limits: Limits) -> Result<Archive, Error> {
    Archive::from_bytes(label, zip, &ReadOptions::default().with_limits(limits))
}

/// The default limits, changed by `change`.
pub fn limits(change: impl FnOnce(&mut Limits)) -> Limits {
    let mut l = Limits::default();
    change(&mut l);
    l
}

/// The first member of `a` that is named `name`, by index.
pub fn member_index(a: &Archive, name: &str) -> usize {
    a.members().iter().position(|m| m.name == name).unwrap()
}

/// A zip of the given members, deflated, in order.
pub fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let owned: Vec<(String, Vec<u8>)> = members
        .iter()
        .map(|(n, b)| ((*n).to_owned(), b.to_vec()))
        .collect();
    eid_testkit::zip_members(&owned)
}

/// A flat JPEG of this size.
pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(w, h, image::Rgb([200, 180, 160]));
    eid_testkit::encode(&img, eid_testkit::ImageKind::Jpeg)
}

/// A flat PNG of this size.
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(w, h, image::Rgb([20, 180, 60]));
    eid_testkit::encode(&img, eid_testkit::ImageKind::Png)
}

/// Opens and judges an archive held in memory under the default policy.
pub fn audit_zip(zip: Vec<u8>) -> Result<eid_archive::Audit, Error> {
    let mut a = open("hand.zip", zip)?;
    eid_archive::Audit::of_archive(&mut a, &eid_archive::AuditOptions::default())
}

/// The decision's reasons as `code/subject`.
pub fn reason_codes(a: &eid_archive::Audit) -> Vec<String> {
    a.verdict
        .decision
        .reasons
        .iter()
        .map(|r| r.to_string())
        .collect()
}

/// The findings of one code, as `severity subject`.
pub fn findings_of(a: &eid_archive::Audit, code: eid_archive::FindingCode) -> Vec<String> {
    a.verdict
        .findings
        .iter()
        .filter(|f| f.code == code)
        .map(|f| format!("{} {}", f.severity, f.subject))
        .collect()
}

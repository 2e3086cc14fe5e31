//! The provider's native result entity, as public integrations of its own API
//! show it: every part is optional, empty strings mean absent, dates come as
//! epoch milliseconds, ISO text or six digits, and what is not understood is
//! reported as drift.

use super::{Cx, Obj, common};
use crate::dates::Date;
use crate::evidence::{Depiction, Dialect, DocumentFields, Ocr, Source};

/// The subject's fields under their Assure names (dates are read apart).
pub(crate) const SUBJECT_FIELDS: &[(&str, &str)] = &[
    ("primaryName", "lastName"),
    ("secondaryName", "firstName"),
    ("sex", "gender"),
    ("nationality", "nationality"),
    ("personalNumber", "personalIdentificationNumber"),
    ("address", "address"),
    ("birthPlace", "birthPlace"),
];

/// An image carried inside the JSON as base64.
pub(crate) struct EmbeddedImage {
    pub(crate) depiction: Depiction,
    pub(crate) path: String,
    pub(crate) base64: String,
}

/// Reads a native result entity. Embedded images are handed back undecoded:
/// they are used only when the archive has no media member of that depiction.
pub(crate) fn read_ocr(
    o: &mut Obj<'_>,
    source: Source,
    cx: &mut Cx<'_>,
) -> (Ocr, Vec<EmbeddedImage>) {
    let mut ocr = Ocr::new(source, Dialect::Native);
    let mut images = Vec::new();
    ocr.native_id = o.text("id", cx);
    ocr.native_status = o.text("status", cx);
    for key in ["process", "tenantId", "type", "metadata", "other"] {
        o.take(key);
    }
    if let Some(mut r) = o.object("request", cx) {
        r.take("date");
        r.take("minSimilarityLevel");
        r.finish(cx);
    }
    if let Some(mut c) = o.object("completion", cx) {
        ocr.completion_time = c
            .take("date")
            .and_then(|v| common::timestamp_text(v, &c.path("date"), cx));
        ocr.completion_date = ocr.completion_time.as_deref().and_then(Date::parse);
        c.finish(cx);
    }
    if let Some(mut d) = o.object("document", cx) {
        read_document(&mut d, &mut ocr.document, &mut images, cx);
        d.finish(cx);
    }
    if let Some((path, base64)) = common::biometrics(o, &mut ocr, cx) {
        images.push(EmbeddedImage {
            depiction: Depiction::Selfie,
            path,
            base64,
        });
    }
    // Some exports also carry the Assure-style flat similarity: both are read.
    common::read_verification(o, &mut ocr, cx);
    (ocr, images)
}

/// `document`: type, issuer, number, dates, the images and the subject.
fn read_document(
    d: &mut Obj<'_>,
    document: &mut DocumentFields,
    images: &mut Vec<EmbeddedImage>,
    cx: &mut Cx<'_>,
) {
    let mut put = |name: &str, value: Option<String>| {
        if let Some(v) = value {
            document.insert(name.to_owned(), v);
        }
    };
    // `type` is the document type, or the MRZ format (TD1, TD2, TD3).
    put("documentType", d.text("type", cx));
    put("documentClassification", d.text("classification", cx));
    put("issuingCountry", d.text("issuer", cx));
    let number = d
        .text("documentNumber", cx)
        .or_else(|| d.text("passportNumber", cx));
    put("documentNumber", number);
    for (keys, field) in [
        (["expiryDate", "expiryDateTS"], "dateOfExpiry"),
        (["issueDate", "issueDateTS"], "dateOfIssue"),
    ] {
        for key in keys {
            let value = d
                .take(key)
                .and_then(|v| common::date_text(v, &d.path(key), cx));
            put(field, value);
        }
    }
    // The front image is `front` or, in some results, `scan`.
    for (key, depiction) in [
        ("front", Depiction::Front),
        ("scan", Depiction::Front),
        ("back", Depiction::Back),
    ] {
        if let Some(img) = d.text(key, cx) {
            images.push(EmbeddedImage {
                depiction,
                path: d.path(key),
                base64: img,
            });
        }
    }
    if let Some(mut s) = d.object("subject", cx) {
        for (native, assure) in SUBJECT_FIELDS {
            put(assure, s.text(native, cx));
        }
        for key in ["birthDate", "birthDateTS"] {
            let value = s
                .take(key)
                .and_then(|v| common::date_text(v, &s.path(key), cx));
            put("dateOfBirth", value);
        }
        if let Some(img) = s.text("photo", cx) {
            images.push(EmbeddedImage {
                depiction: Depiction::Portrait,
                path: s.path("photo"),
                base64: img,
            });
        }
        s.finish(cx);
    }
}

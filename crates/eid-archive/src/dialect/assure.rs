//! The Assure dialect: the process record, `providerSpecific.ocr` and
//! `providerSpecific.manualApproval`, as on the provider page and in the
//! public Assure schemas.

use super::{Cx, Obj, common};
use crate::evidence::{
    DOCUMENT_FIELDS, Dialect, DocumentFields, DriftKind, FailReason, FinalResult, Ocr,
    ProcessRecord, Source,
};
use serde_json::Value;

/// The document fields of an Assure object, by their Assure names.
pub(crate) fn document_fields(o: &mut Obj<'_>, cx: &mut Cx<'_>) -> DocumentFields {
    let mut doc = DocumentFields::new();
    for key in DOCUMENT_FIELDS {
        match o.string(key, cx) {
            // An empty expiry is a document without one, as the native
            // dialect's empty strings are absent: said, never a bad date.
            Some(v) if *key == "dateOfExpiry" && v.trim().is_empty() => cx.note(
                DriftKind::Unknown,
                &o.path(key),
                "dateOfExpiry is empty: the document has no expiry date; expiry is not compared",
            ),
            Some(v) => {
                doc.insert((*key).to_owned(), v);
            }
            None => {}
        }
    }
    doc
}

/// Reads an Assure OCR object (a member, or `providerSpecific.ocr`).
pub(crate) fn read_ocr(o: &mut Obj<'_>, source: Source, cx: &mut Cx<'_>) -> Ocr {
    let mut ocr = Ocr::new(source, Dialect::Assure);
    ocr.document = document_fields(o, cx);
    // The native `biometrics` is read here too: a similarity the Assure
    // reader skipped could only lean towards acceptance.
    if let Some((path, _)) = common::biometrics(o, &mut ocr, cx) {
        cx.note(
            DriftKind::Unknown,
            &path,
            "a face image inside Assure OCR evidence; not used",
        );
    }
    common::read_verification(o, &mut ocr, cx);
    o.take("statusReasons");
    ocr
}

/// What a process record carries besides itself.
pub(crate) struct ProcessParts<'a> {
    pub(crate) record: ProcessRecord,
    pub(crate) ocr: Option<Obj<'a>>,
    pub(crate) manual: Option<Obj<'a>>,
}

/// Reads an Assure process record; `providerSpecific.ocr` and `.manualApproval` are handed back.
pub(crate) fn read_process<'a>(
    o: &mut Obj<'a>,
    source: Source,
    cx: &mut Cx<'_>,
) -> ProcessParts<'a> {
    let mut record = ProcessRecord {
        source: Some(source),
        process_id: o.string("processId", cx),
        provider: o.string("provider", cx),
        process_type: o.string("processType", cx),
        status: o.string("status", cx),
        created_at: o.string("createdAt", cx),
        updated_at: o.string("updatedAt", cx),
        ..ProcessRecord::default()
    };
    if let Some(v) = o.take("failReason") {
        record.fail_reason = read_fail_reason(v, &o.path("failReason"), cx);
    }
    if let Some(v) = o.take("depictions") {
        match v.as_array() {
            Some(items) => {
                record.depictions = items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            }
            None => cx.malformed(&o.path("depictions"), "an array", v),
        }
    }
    if let Some(mut fr) = o.object("finalResult", cx) {
        let document = document_fields(&mut fr, cx);
        let similarity = fr.string("similarityScore", cx);
        let liveness_detected = fr
            .take("livenessDetected")
            .and_then(|v| common::liveness_flag(v, &fr.path("livenessDetected"), cx));
        fr.finish(cx);
        record.final_result = Some(FinalResult {
            document,
            similarity,
            liveness_detected,
        });
    }
    let mut ocr = None;
    let mut manual = None;
    if let Some(mut ps) = o.object("providerSpecific", cx) {
        ocr = ps.object("ocr", cx);
        manual = ps.object("manualApproval", cx);
        ps.finish(cx);
    }
    for key in [
        "dossierId",
        "redactionRequested",
        "statusReasons",
        "providerVersion",
    ] {
        o.take(key);
    }
    ProcessParts {
        record,
        ocr,
        manual,
    }
}

/// `failReason` comes as `{id,type,message}` or `{category,reason,message}`,
/// or a bare string. One that says nothing (`{}`, `""`) is malformed
/// evidence, not a failure: it is reported and not used.
fn read_fail_reason(v: &Value, path: &str, cx: &mut Cx<'_>) -> Option<FailReason> {
    let s = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let kind = s("type")
        .or_else(|| match (s("category"), s("reason")) {
            (Some(c), Some(r)) => Some(format!("{c}.{r}")),
            (c, r) => c.or(r),
        })
        .or_else(|| {
            v.as_str()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
        });
    let message = s("message");
    if kind.is_none() && message.is_none() {
        cx.note(
            DriftKind::Malformed,
            path,
            "failReason says nothing (no type, category, reason or message); it is not read as a failure",
        );
        return None;
    }
    Some(FailReason {
        kind: kind.unwrap_or_else(|| "unknown".to_owned()),
        message,
    })
}

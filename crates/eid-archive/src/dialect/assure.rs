//! The Assure dialect: the process record, `providerSpecific.ocr` and
//! `providerSpecific.manualApproval`, as on the provider page and in the
//! public Assure schemas.

use super::{Cx, Obj, bbox, liveness_flag};
use crate::evidence::{
    Dialect, DocumentFields, DriftKind, FailReason, Feature, FinalResult, KNOWN_CHECKS,
    ManualApproval, Ocr, ProcessRecord, RejectionReason, SecurityCheck, Source, canonical_check,
};
use serde_json::Value;

/// Document fields of the OCR, the manual approval and `finalResult`.
pub(crate) const DOCUMENT_FIELDS: &[&str] = &[
    "firstName",
    "lastName",
    "alternativeFirstName",
    "alternativeLastName",
    "dateOfBirth",
    "dateOfExpiry",
    "dateOfIssue",
    "birthPlace",
    "placeOfBirth",
    "gender",
    "nationality",
    "issuingCountry",
    "issuingAuthority",
    "address",
    "documentType",
    "documentNumber",
    "idType",
    "personalIdentificationNumber",
    "socialSecurityNumber",
    "healthNumber",
    "taxNumber",
    "predictedAge",
    "lastNameSecondLine",
];

fn document_fields(o: &mut Obj<'_>, cx: &mut Cx<'_>) -> DocumentFields {
    let mut doc = DocumentFields::new();
    for key in DOCUMENT_FIELDS {
        if let Some(v) = o.string(key, cx) {
            doc.insert((*key).to_owned(), v);
        }
    }
    doc
}

/// Reads an Assure OCR object (a member, or `providerSpecific.ocr`).
pub(crate) fn read_ocr(o: &mut Obj<'_>, source: Source, cx: &mut Cx<'_>) -> Ocr {
    let document = document_fields(o, cx);
    let similarity = o.string("similarityScore", cx);
    let liveness_detected = o
        .take("livenessDetected")
        .and_then(|v| liveness_flag(v, &o.path("livenessDetected"), cx));

    let mut checks = Vec::new();
    if let Some(sc) = o.object("securityChecks", cx) {
        // Every key of securityChecks is a check, known or not: none is left over.
        for (name, v) in sc.rest() {
            checks.push(read_check(name, v, &sc.path(name), cx));
        }
    }

    let mut features = Vec::new();
    if let Some(v) = o.take("features") {
        let path = o.path("features");
        match v {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    features.push(read_feature(item, &format!("{path}[{i}]"), cx));
                }
            }
            Value::Object(map) => {
                // Keyed like the native dialect: accept, the shape is unambiguous.
                for (k, item) in map {
                    features.push(read_feature(item, &format!("{path}.{k}"), cx));
                }
            }
            other => cx.malformed(&path, "an array of features", other),
        }
    }
    o.take("statusReasons");

    Ocr {
        source,
        dialect: Dialect::Assure,
        document,
        similarity,
        liveness_detected,
        checks,
        features,
        native_status: None,
        native_id: None,
        completion_date: None,
    }
}

/// One check: `{"valid": bool}` (Assure) or `{"name", "passed"}` (native); both accepted.
pub(crate) fn read_check(name: &str, v: &Value, path: &str, cx: &mut Cx<'_>) -> SecurityCheck {
    if !KNOWN_CHECKS.contains(&name) && !KNOWN_CHECKS.contains(&canonical_check(name)) {
        cx.note(
            DriftKind::Unknown,
            path,
            "security check not in the Assure schema; kept and counted",
        );
    }
    let valid = match Obj::of(v, path.to_owned(), cx) {
        Some(mut c) => {
            let key = if !c.has("valid") && c.has("passed") {
                "passed"
            } else {
                "valid"
            };
            let valid = c.boolean(key, cx);
            c.take("name");
            c.finish(cx);
            if valid.is_none() {
                cx.note(DriftKind::Malformed, path, "check has no readable result");
            }
            valid
        }
        None => None,
    };
    SecurityCheck {
        name: name.to_owned(),
        valid,
    }
}

/// One feature entry. An empty or unreadable entry is kept with `found: None`.
pub(crate) fn read_feature(v: &Value, path: &str, cx: &mut Cx<'_>) -> Feature {
    let mut feature = Feature {
        name: None,
        found: None,
        side: None,
        bbox: None,
    };
    let Some(mut f) = Obj::of(v, path.to_owned(), cx) else {
        return feature;
    };
    feature.name = f.string("name", cx);
    feature.found = f.boolean("found", cx);
    feature.side = f.string("side", cx);
    feature.bbox = f.take("bbox").and_then(|b| bbox(b, &f.path("bbox"), cx));
    f.finish(cx);
    if feature.name.is_none() || feature.found.is_none() {
        cx.note(
            DriftKind::Malformed,
            path,
            "feature entry without a readable name and found flag; not counted",
        );
        feature.found = None;
    }
    feature
}

/// Reads an agent's manual approval.
pub(crate) fn read_manual(o: &mut Obj<'_>, source: Source, cx: &mut Cx<'_>) -> ManualApproval {
    let document = document_fields(o, cx);
    let r_authority_id = o
        .string("rAuthorityId", cx)
        .or_else(|| o.string("rauthorityId", cx));
    let mut manual = ManualApproval {
        source: Some(source),
        document,
        verifier_id: o.string("verifierId", cx),
        verification_id: o.string("verificationId", cx),
        video_id: o.string("videoId", cx),
        r_authority_id,
        verification_date: o.string("verificationDate", cx),
        duration: None,
        rejection_reasons: Vec::new(),
    };
    manual.duration = match o.take("duration") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(other) => {
            cx.malformed(&o.path("duration"), "seconds", other);
            None
        }
        None => None,
    };
    if let Some(v) = o.take("rejectionReasons") {
        let path = o.path("rejectionReasons");
        match v {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let p = format!("{path}[{i}]");
                    match item {
                        // A bare string is a reason type without a message.
                        Value::String(s) => manual.rejection_reasons.push(RejectionReason {
                            kind: s.clone(),
                            message: None,
                        }),
                        _ => {
                            if let Some(mut r) = Obj::of(item, p.clone(), cx) {
                                let kind = r.string("type", cx);
                                let message = r.string("message", cx);
                                r.finish(cx);
                                // An entry is a rejection even when its type cannot be read:
                                // the agent said no, and dropping it would flip the decision.
                                manual.rejection_reasons.push(RejectionReason {
                                    kind: kind.unwrap_or_else(|| "unknown".to_owned()),
                                    message,
                                });
                            } else {
                                manual.rejection_reasons.push(RejectionReason {
                                    kind: "unknown".to_owned(),
                                    message: None,
                                });
                            }
                        }
                    }
                }
            }
            other => {
                cx.malformed(&path, "an array of reasons", other);
                // Something was written where reasons go: treat it as a rejection of unknown type
                // rather than as an acceptance.
                manual.rejection_reasons.push(RejectionReason {
                    kind: "unknown".to_owned(),
                    message: None,
                });
            }
        }
    }
    manual
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
        record.fail_reason = Some(read_fail_reason(v));
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
            .and_then(|v| liveness_flag(v, &fr.path("livenessDetected"), cx));
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

/// `failReason` comes as `{id,type,message}` or `{category,reason,message}`, or a bare string.
fn read_fail_reason(v: &Value) -> FailReason {
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    let kind = s("type")
        .or_else(|| match (s("category"), s("reason")) {
            (Some(c), Some(r)) => Some(format!("{c}.{r}")),
            (c, r) => c.or(r),
        })
        .or_else(|| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned());
    FailReason {
        kind,
        message: s("message"),
    }
}

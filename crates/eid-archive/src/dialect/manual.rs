//! The agent's review, in both forms: the Assure `manualApproval` (flat
//! document fields, `rejectionReasons`) and the provider's own verification
//! entity (`status` `Accepted`/`Rejected`, corrected fields under `subject`,
//! `acceptance.reasons`, epoch-millisecond dates).

use super::native::SUBJECT_FIELDS;
use super::{Cx, Obj, assure, common, type_name};
use crate::evidence::{DocumentFields, ManualApproval, RejectionReason, Source};
use serde_json::Value;

/// Reads an agent's review.
pub(crate) fn read_manual(o: &mut Obj<'_>, source: Source, cx: &mut Cx<'_>) -> ManualApproval {
    let mut manual = ManualApproval {
        source: Some(source),
        document: assure::document_fields(o, cx),
        verifier_id: o.text("verifierId", cx),
        verification_id: o.text("verificationId", cx),
        video_id: o.text("videoId", cx),
        r_authority_id: o
            .text("rAuthorityId", cx)
            .or_else(|| o.text("rauthorityId", cx)),
        ..ManualApproval::default()
    };
    manual.verification_date = o
        .take("verificationDate")
        .and_then(|v| common::timestamp_text(v, &o.path("verificationDate"), cx));
    manual.duration = match o.take("duration") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(other) => {
            cx.malformed(&o.path("duration"), "seconds", other);
            None
        }
        None => None,
    };
    manual.status = o.text("status", cx);
    if let Some(mut subject) = o.object("subject", cx) {
        read_subject(&mut subject, &mut manual.document, cx);
        subject.finish(cx);
    }

    // A present but unreadable `rejectionReasons` (null, a string) is no
    // decision: it must never read as an acceptance.
    if let Some(v) = o.take_raw("rejectionReasons") {
        read_reasons(v, &o.path("rejectionReasons"), &mut manual, cx);
    }
    if let Some(mut acceptance) = o.object("acceptance", cx) {
        if let Some(v) = acceptance.take_raw("reasons") {
            let path = acceptance.path("reasons");
            if is_rejected(&manual) && manual.rejection_reasons.is_empty() {
                // On a rejected verification the listed reasons are why.
                read_reasons(v, &path, &mut manual, cx);
            } else {
                // On an accepted one they are the agent's checklist of questions.
                manual.checklist = checklist(v, &path, cx);
            }
        }
        acceptance.finish(cx);
    }
    manual
}

/// True when the native verification says it was rejected.
fn is_rejected(manual: &ManualApproval) -> bool {
    manual
        .status
        .as_deref()
        .is_some_and(|s| s.trim().eq_ignore_ascii_case("rejected"))
}

/// The corrected fields of a native verification, under their Assure names.
fn read_subject(s: &mut Obj<'_>, document: &mut DocumentFields, cx: &mut Cx<'_>) {
    for (native, assure) in SUBJECT_FIELDS {
        if let Some(v) = s.text(native, cx) {
            document.insert((*assure).to_owned(), v);
        }
    }
    for key in ["birthDate", "birthDateTS"] {
        if let Some(d) = s
            .take(key)
            .and_then(|v| common::date_text(v, &s.path(key), cx))
        {
            document.insert("dateOfBirth".into(), d);
        }
    }
    for key in ["expiryDate", "expiryDateTS"] {
        if let Some(d) = s
            .take(key)
            .and_then(|v| common::date_text(v, &s.path(key), cx))
        {
            document.insert("dateOfExpiry".into(), d);
        }
    }
    if let Some(v) = s.take("otherEditableFields") {
        let path = s.path("otherEditableFields");
        match v {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let Some(mut f) = Obj::of(item, format!("{path}[{i}]"), cx) else {
                        continue;
                    };
                    if let (Some(name), Some(value)) = (f.text("name", cx), f.text("value", cx)) {
                        document.insert(name, value);
                    }
                    f.finish(cx);
                }
            }
            other => cx.malformed(&path, "an array of {name, value}", other),
        }
    }
}

/// Rejection reasons: an array of `{type, message}` (or bare type strings).
/// An entry that cannot be read is still a rejection (the agent said no); a
/// value that is not an array makes the review unreadable.
fn read_reasons(v: &Value, path: &str, manual: &mut ManualApproval, cx: &mut Cx<'_>) {
    let Value::Array(items) = v else {
        cx.malformed(path, "an array of reasons", v);
        manual.rejection_reasons_unreadable = Some(type_name(v).to_owned());
        return;
    };
    for (i, item) in items.iter().enumerate() {
        let reason = match item {
            Value::String(s) => RejectionReason {
                kind: s.clone(),
                message: None,
            },
            _ => match Obj::of(item, format!("{path}[{i}]"), cx) {
                Some(mut r) => {
                    let kind = r.text("type", cx);
                    let message = r.string("message", cx);
                    r.finish(cx);
                    RejectionReason {
                        kind: kind.unwrap_or_else(|| "unknown".to_owned()),
                        message,
                    }
                }
                None => RejectionReason {
                    kind: "unknown".to_owned(),
                    message: None,
                },
            },
        };
        manual.rejection_reasons.push(reason);
    }
}

/// The agent's checklist: each item's `type` (or the item itself, a string).
fn checklist(v: &Value, path: &str, cx: &mut Cx<'_>) -> Vec<String> {
    match v {
        Value::Array(items) => items
            .iter()
            .filter_map(|item| match item {
                Value::String(s) => Some(s.clone()),
                other => other.get("type").and_then(Value::as_str).map(str::to_owned),
            })
            .collect(),
        other => {
            cx.malformed(path, "an array", other);
            Vec::new()
        }
    }
}

//! Fail-closed behaviour on hand-crafted archives. Every test starts from the
//! provider page's accepted example — a process record, an Assure OCR member,
//! a front image and a selfie, built by [`Case::accepted`] — and changes one
//! thing in it: evidence that cannot be read never counts as a pass, a review
//! that holds no decision never decides, and an archive that can be read two
//! ways is refused.

use super::support::{audit_zip, findings_of, jpeg, open, reason_codes, zip_of};
use eid_archive::evidence::{DateSource, Depiction, Dialect, Source};
use eid_archive::{
    Ambiguity, Audit, AuditOptions, Error, ErrorKind, FindingCode, JsonKind, MemberKind, Policy,
    RecordedStatus, ReviewDecision, Severity, Status,
};
use serde_json::{Value, json};

pub(super) const PROCESS_ID: &str = "e0dea380-4219-4388-81bb-61a56ed73ef3";

/// The document fields `finalResult` repeats from the OCR on an accepted process.
pub(super) const FINAL_FIELDS: &[&str] = &[
    "firstName",
    "lastName",
    "dateOfBirth",
    "dateOfExpiry",
    "documentNumber",
    "documentType",
    "nationality",
    "issuingCountry",
];

/// The process record of the accepted example (without `finalResult`, which
/// [`Case::zip`] derives from the OCR as the provider would send it).
pub(super) fn process() -> Value {
    json!({
        "processId": PROCESS_ID,
        "provider": "eid",
        "processType": "substantial",
        "status": "accepted",
        "createdAt": "2021-06-09T10:04:42Z",
        "updatedAt": "2021-06-09T10:05:41Z"
    })
}

/// The Assure OCR of the accepted example: every check valid, similarity
/// high, liveness detected, every feature found with a box on the front.
pub(super) fn assure_ocr() -> Value {
    json!({
        "similarityScore": "high",
        "livenessDetected": "true",
        "features": [
            {"name": "Header", "found": true, "bbox": {"x": 84, "y": 28, "width": 248, "height": 32}, "side": "data"},
            {"name": "OVI 1", "found": true, "bbox": {"x": 12, "y": 44, "width": 72, "height": 80}, "side": "data"},
            {"name": "Photo", "found": true, "bbox": {"x": 32, "y": 168, "width": 141, "height": 141}, "side": "data"}
        ],
        "securityChecks": {
            "nonExpired": {"valid": true},
            "notUnderage": {"valid": true},
            "dataIntegrity": {"valid": true},
            "livenessDetected": {"valid": true}
        },
        "firstName": "ALEX",
        "lastName": "SAMPLE",
        "dateOfBirth": "1990-04-29",
        "dateOfExpiry": "2030-10-05",
        "documentNumber": "X00000001",
        "documentType": "passport",
        "nationality": "PRT",
        "issuingCountry": "PRT"
    })
}

/// A result entity in the provider's native dialect, equivalent to the
/// accepted example (its own status word `Completed`, no process record).
pub(super) fn native_ocr() -> Value {
    json!({
        "id": "native-0001",
        "status": "Completed",
        "tenantId": "tenant-1",
        "process": "ID_VERIFICATION",
        "request": {"date": 1_623_232_000_000_i64, "minSimilarityLevel": "High"},
        "completion": {"date": 1_623_233_082_000_i64},
        "document": {
            "type": "passport",
            "issuer": "PRT",
            "expiryDate": "2030-10-05",
            "documentNumber": "X00000001",
            "subject": {
                "primaryName": "SAMPLE",
                "secondaryName": "ALEX",
                "birthDate": "1990-04-29",
                "sex": "F",
                "nationality": "PRT"
            }
        },
        "biometrics": {"face": {"similarityLevel": "High"}},
        "features": {
            "hologram": {"name": "Hologram", "found": true, "bbox": {"x": 200, "y": 20, "width": 60, "height": 40}, "side": "front"},
            "photo": {"name": "photo", "found": true, "bbox": {"x": 20, "y": 50, "width": 100, "height": 120}, "side": "front"}
        },
        "securityChecks": {
            "nonExpired": {"name": "nonExpired", "passed": true},
            "notUnderage": {"name": "notUnderage", "passed": true},
            "liveness": {"name": "liveness", "passed": true},
            "initialsMatch": {"name": "initialsMatch", "passed": true}
        }
    })
}

/// A hand-made archive: `process.json`, `ocr.json`, `review.json`, the
/// images and any extra members, each of which a test may change or drop.
pub(super) struct Case {
    pub(super) process: Option<Value>,
    pub(super) ocr: Option<Value>,
    pub(super) review: Option<Value>,
    pub(super) front: bool,
    pub(super) selfie: bool,
    pub(super) extra: Vec<(String, Vec<u8>)>,
}

impl Case {
    /// The provider page's accepted example.
    pub(super) fn accepted() -> Case {
        Case {
            process: Some(process()),
            ocr: Some(assure_ocr()),
            review: None,
            front: true,
            selfie: true,
            extra: Vec::new(),
        }
    }

    /// The accepted example as a native result member, without a process record.
    pub(super) fn native() -> Case {
        Case {
            process: None,
            ocr: Some(native_ocr()),
            ..Case::accepted()
        }
    }

    pub(super) fn process_mut(&mut self) -> &mut Value {
        self.process.as_mut().unwrap()
    }

    pub(super) fn ocr_mut(&mut self) -> &mut Value {
        self.ocr.as_mut().unwrap()
    }

    /// The zip. An accepted process record gets the `finalResult` the
    /// provider sends (the OCR's document fields); one the test wrote is
    /// completed with them.
    pub(super) fn zip(&self) -> Vec<u8> {
        let mut members: Vec<(String, Vec<u8>)> = Vec::new();
        if let Some(p) = &self.process {
            let mut p = p.clone();
            let ocr = self
                .ocr
                .clone()
                .or_else(|| p.pointer("/providerSpecific/ocr").cloned());
            let accepted = p["status"] == "accepted";
            let map = p.as_object_mut().unwrap();
            if accepted && !map.contains_key("finalResult") {
                map.insert("finalResult".into(), json!({}));
            }
            if let (Some(Value::Object(fr)), Some(ocr)) = (map.get_mut("finalResult"), ocr) {
                for field in FINAL_FIELDS {
                    if let Some(v) = ocr.get(*field).filter(|v| v.is_string()) {
                        fr.entry(*field).or_insert_with(|| v.clone());
                    }
                }
            }
            members.push(("process.json".into(), p.to_string().into_bytes()));
        }
        if let Some(o) = &self.ocr {
            members.push(("ocr.json".into(), o.to_string().into_bytes()));
        }
        if let Some(r) = &self.review {
            members.push(("review.json".into(), r.to_string().into_bytes()));
        }
        if self.front {
            members.push(("front.jpeg".into(), jpeg(640, 404)));
        }
        if self.selfie {
            members.push(("selfie.jpeg".into(), jpeg(240, 320)));
        }
        members.extend(self.extra.iter().cloned());
        let refs: Vec<(&str, &[u8])> = members
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        zip_of(&refs)
    }

    /// Opens and judges the archive under the default policy; it must be judged.
    pub(super) fn audit(&self) -> Audit {
        audit_zip(self.zip()).unwrap_or_else(|e| panic!("must be judged: {e}"))
    }

    /// Opens and judges the archive; it must be refused.
    pub(super) fn refused(&self) -> Error {
        match audit_zip(self.zip()) {
            Ok(a) => panic!(
                "must be refused, but was judged {} ({:?})",
                a.verdict.decision.status,
                reason_codes(&a)
            ),
            Err(e) => e,
        }
    }
}

/// Removes a key, keeping the order of the rest.
pub(super) fn remove(v: &mut Value, key: &str) {
    v.as_object_mut().unwrap().shift_remove(key);
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub(super) fn none() -> Vec<String> {
    Vec::new()
}

/// The member's kind, by name.
fn kind_of(a: &Audit, name: &str) -> MemberKind {
    a.members
        .iter()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("no member {name}"))
        .kind
}

/// The messages of the findings of one code.
pub(super) fn messages(a: &Audit, code: FindingCode) -> Vec<String> {
    a.verdict
        .findings
        .iter()
        .filter(|f| f.code == code)
        .map(|f| f.message.clone())
        .collect()
}

#[test]
fn the_base_example_is_accepted_and_clean() {
    let a = Case::accepted().audit();
    assert_eq!(a.process_id, PROCESS_ID);
    assert_eq!(a.verdict.decision.status, Status::Accepted);
    assert_eq!(a.verdict.agrees, Some(true));
    assert_eq!(reason_codes(&a), none());
    assert_eq!(a.verdict.findings, vec![]);
    assert_eq!(a.evidence.ocr.as_ref().unwrap().dialect, Dialect::Assure);
}

// ---- 1. A review that holds no decision never decides ----------------------

/// An agent-reviewed (`high`) process whose automatic status is inconclusive
/// (similarity medium), recorded inconclusive.
pub(super) fn high_inconclusive() -> Case {
    let mut c = Case::accepted();
    c.process_mut()["processType"] = json!("high");
    c.process_mut()["status"] = json!("inconclusive");
    c.ocr_mut()["similarityScore"] = json!("medium");
    c
}

fn assert_no_decision(a: &Audit) {
    assert_eq!(
        a.verdict.review.as_ref().map(|r| r.decision),
        Some(ReviewDecision::NoDecision),
        "the review must hold no decision"
    );
    assert_eq!(a.verdict.decision.status, Status::Inconclusive);
    assert_eq!(reason_codes(a), vec!["SimilarityNotHigh/medium"]);
    assert_eq!(
        findings_of(a, FindingCode::ReviewIncomplete),
        vec!["warning manualApproval"]
    );
    assert_eq!(findings_of(a, FindingCode::AgentOverride), none());
    assert_eq!(findings_of(a, FindingCode::ReviewMissing), none());
    assert_eq!(a.verdict.agrees, Some(true));
}

#[test]
fn an_empty_embedded_manual_approval_does_not_accept() {
    let mut c = high_inconclusive();
    c.process_mut()["providerSpecific"] = json!({"manualApproval": {}});
    let a = c.audit();
    assert_no_decision(&a);
    assert!(matches!(
        &a.evidence.manual.as_ref().unwrap().source,
        Some(Source::Embedded(s)) if s.contains("providerSpecific.manualApproval")
    ));
}

#[test]
fn a_member_with_only_an_authority_and_no_reasons_is_a_review_without_decision() {
    let mut c = high_inconclusive();
    c.review = Some(json!({"rAuthorityId": "RA-1", "rejectionReasons": []}));
    let a = c.audit();
    assert_eq!(
        kind_of(&a, "review.json"),
        MemberKind::Json(JsonKind::ManualApproval),
        "classified as the agent's review by its keys"
    );
    assert_eq!(
        a.evidence
            .manual
            .as_ref()
            .unwrap()
            .r_authority_id
            .as_deref(),
        Some("RA-1")
    );
    assert_no_decision(&a);
}

#[test]
fn null_rejection_reasons_are_no_decision() {
    let mut c = high_inconclusive();
    c.review = Some(json!({
        "verifierId": "agent-1",
        "verificationDate": "2021-06-09T11:00:00Z",
        "rejectionReasons": null
    }));
    let a = c.audit();
    assert_no_decision(&a);
    assert_eq!(
        findings_of(&a, FindingCode::MalformedEvidence),
        vec!["warning review.json: rejectionReasons"]
    );
}

#[test]
fn rejection_reasons_as_a_string_are_no_decision() {
    let mut c = high_inconclusive();
    c.review = Some(json!({
        "verifierId": "agent-1",
        "verificationDate": "2021-06-09T11:00:00Z",
        "rejectionReasons": "Document.Expired"
    }));
    let a = c.audit();
    assert_no_decision(&a);
    assert_eq!(
        findings_of(&a, FindingCode::MalformedEvidence),
        vec!["warning review.json: rejectionReasons"]
    );
}

// ---- 2. Failed stays failed ------------------------------------------------

fn failed_with_review(rejection_reasons: Value) -> Case {
    let mut c = Case::accepted();
    c.process_mut()["processType"] = json!("high");
    c.process_mut()["status"] = json!("failed");
    c.process_mut()["failReason"] = json!({
        "id": "8ea0e55f-385f-47b7-a401-ef1db467a625",
        "type": "InactiveUser.Aborted",
        "message": "There has been no interaction with the video"
    });
    c.review = Some(json!({
        "verifierId": "agent-1",
        "verificationDate": "2021-06-09T11:00:00Z",
        "rejectionReasons": rejection_reasons
    }));
    c
}

fn assert_stays_failed(a: &Audit) {
    assert_eq!(a.verdict.decision.status, Status::Failed);
    assert_eq!(reason_codes(a), vec!["ProcessFailed/InactiveUser.Aborted"]);
    assert_eq!(
        findings_of(a, FindingCode::ReviewOnFailed),
        vec!["warning manualApproval"]
    );
    assert_eq!(findings_of(a, FindingCode::AgentOverride), none());
    assert_eq!(findings_of(a, FindingCode::ReviewIncomplete), none());
    assert_eq!(a.verdict.agrees, Some(true));
}

#[test]
fn an_agent_acceptance_does_not_override_a_fail_reason() {
    let a = failed_with_review(json!([])).audit();
    assert_eq!(
        a.verdict.review.as_ref().map(|r| r.decision),
        Some(ReviewDecision::Accepted)
    );
    assert_stays_failed(&a);
}

#[test]
fn an_agent_rejection_does_not_override_a_fail_reason() {
    let a = failed_with_review(json!([{"type": "Document.Expired", "message": "expired"}])).audit();
    assert_eq!(
        a.verdict.review.as_ref().map(|r| r.decision),
        Some(ReviewDecision::Rejected)
    );
    assert_stays_failed(&a);
}

// ---- 3. Process type and review must fit -----------------------------------

#[test]
fn an_agent_reviewed_type_without_a_review_is_reported() {
    for process_type in ["high", "attended", "unattended"] {
        let mut c = Case::accepted();
        c.process_mut()["processType"] = json!(process_type);
        let a = c.audit();
        assert_eq!(
            findings_of(&a, FindingCode::ReviewMissing),
            vec![format!("warning {process_type}")],
            "{process_type}"
        );
        assert_eq!(findings_of(&a, FindingCode::ReviewUnexpected), none());
        assert_eq!(
            a.verdict.decision.status,
            Status::Accepted,
            "{process_type}"
        );
    }
}

#[test]
fn a_review_on_an_automatic_type_is_reported() {
    let mut c = Case::accepted();
    c.review = Some(json!({
        "verifierId": "agent-1",
        "verificationDate": "2021-06-09T11:00:00Z",
        "rejectionReasons": []
    }));
    let a = c.audit();
    assert_eq!(
        findings_of(&a, FindingCode::ReviewUnexpected),
        vec!["warning substantial"]
    );
    assert_eq!(findings_of(&a, FindingCode::ReviewMissing), none());
    assert_eq!(a.verdict.decision.status, Status::Accepted);
}

// ---- 4. Two copies of one record -------------------------------------------

#[test]
fn identical_ocr_copies_are_fine_and_the_member_is_used() {
    let mut c = Case::accepted();
    let ocr = c.ocr.clone().unwrap();
    c.process_mut()["providerSpecific"] = json!({"ocr": ocr});
    let a = c.audit();
    assert_eq!(
        findings_of(&a, FindingCode::IdenticalCopies),
        vec!["info ocr"]
    );
    assert_eq!(
        a.evidence.ocr.as_ref().unwrap().source,
        Source::Member("ocr.json".into())
    );
    assert_eq!(a.verdict.decision.status, Status::Accepted);
}

#[test]
fn ocr_copies_that_differ_are_refused() {
    let mut c = Case::accepted();
    let mut embedded = c.ocr.clone().unwrap();
    embedded["securityChecks"]["nonExpired"] = json!({"valid": false});
    c.process_mut()["providerSpecific"] = json!({"ocr": embedded});
    let e = c.refused();
    assert!(
        matches!(
            e.kind(),
            ErrorKind::Ambiguous(Ambiguity::CopiesDiffer { what: "OCR evidence", member, embedded })
                if member == "ocr.json" && embedded == "process.json: providerSpecific.ocr"
        ),
        "{e}"
    );
    assert_eq!(e.archive(), "hand.zip");
    assert!(e.to_string().starts_with("hand.zip: "), "{e}");
}

pub(super) fn accepting_review() -> Value {
    json!({
        "verifierId": "agent-1",
        "verificationDate": "2021-06-09T11:00:00Z",
        "rAuthorityId": "RA-1",
        "rejectionReasons": []
    })
}

#[test]
fn identical_review_copies_are_fine_and_the_member_is_used() {
    let mut c = Case::accepted();
    c.process_mut()["processType"] = json!("high");
    c.review = Some(accepting_review());
    c.process_mut()["providerSpecific"] = json!({"manualApproval": accepting_review()});
    let a = c.audit();
    assert_eq!(
        findings_of(&a, FindingCode::IdenticalCopies),
        vec!["info manualApproval"]
    );
    assert_eq!(
        a.evidence.manual.as_ref().unwrap().source,
        Some(Source::Member("review.json".into()))
    );
    assert_eq!(
        a.verdict.review.as_ref().map(|r| r.decision),
        Some(ReviewDecision::Accepted)
    );
}

#[test]
fn review_copies_that_differ_are_refused() {
    let mut c = Case::accepted();
    c.process_mut()["processType"] = json!("high");
    c.review = Some(accepting_review());
    let mut embedded = accepting_review();
    embedded["rejectionReasons"] = json!([{"type": "Document.Expired", "message": "expired"}]);
    c.process_mut()["providerSpecific"] = json!({"manualApproval": embedded});
    let e = c.refused();
    assert!(
        matches!(
            e.kind(),
            ErrorKind::Ambiguous(Ambiguity::CopiesDiffer { what: "the agent's review", member, embedded })
                if member == "review.json" && embedded == "process.json: providerSpecific.manualApproval"
        ),
        "{e}"
    );
    assert_eq!(e.archive(), "hand.zip");
    assert!(e.to_string().starts_with("hand.zip: "), "{e}");
}

// ---- 5. Security checks in other shapes ------------------------------------

fn rejected_with_checks(checks: Value) -> Audit {
    let mut c = Case::accepted();
    c.process_mut()["status"] = json!("rejected");
    c.ocr_mut()["securityChecks"] = checks;
    c.audit()
}

#[test]
fn security_checks_as_an_array_with_valid() {
    let a = rejected_with_checks(json!([
        {"name": "nonExpired", "valid": false},
        {"name": "notUnderage", "valid": true}
    ]));
    assert_eq!(a.checks().len(), 2);
    assert_eq!(a.verdict.decision.status, Status::Rejected);
    assert_eq!(reason_codes(&a), vec!["SecurityCheckFailed/nonExpired"]);
    assert_eq!(a.verdict.agrees, Some(true));
}

#[test]
fn security_checks_as_an_array_with_passed() {
    let a = rejected_with_checks(json!([
        {"name": "nonExpired", "passed": false},
        {"name": "notUnderage", "passed": true}
    ]));
    assert_eq!(a.verdict.decision.status, Status::Rejected);
    assert_eq!(reason_codes(&a), vec!["SecurityCheckFailed/nonExpired"]);
    assert_eq!(findings_of(&a, FindingCode::MalformedEvidence), none());
}

#[test]
fn a_nameless_check_in_an_array_cannot_pass() {
    let a = rejected_with_checks(json!([
        {"name": "nonExpired", "valid": true},
        {"valid": true}
    ]));
    assert_eq!(a.verdict.decision.status, Status::Rejected);
    assert_eq!(
        reason_codes(&a),
        vec!["SecurityCheckUnreadable/securityChecks[1]"]
    );
}

#[test]
fn security_checks_that_are_a_sentence_cannot_pass() {
    let a = rejected_with_checks(json!("all good"));
    assert_eq!(a.verdict.decision.status, Status::Rejected);
    assert_eq!(
        reason_codes(&a),
        vec!["SecurityCheckUnreadable/securityChecks"]
    );
    assert_eq!(findings_of(&a, FindingCode::NoSecurityChecks), none());
}

// ---- 6. One native-style check does not switch the dialect -----------------

#[test]
fn one_passed_check_among_assure_fields_stays_assure() {
    let mut c = Case::accepted();
    c.ocr_mut()["securityChecks"]["sidesMatch"] = json!({"passed": true});
    c.ocr_mut()["dateOfExpiry"] = json!("2020-01-01");
    let a = c.audit();
    let ocr = a.evidence.ocr.as_ref().unwrap();
    assert_eq!(ocr.dialect, Dialect::Assure);
    assert_eq!(ocr.document["dateOfExpiry"], "2020-01-01");
    assert_eq!(ocr.document["lastName"], "SAMPLE");
    assert!(
        ocr.checks
            .iter()
            .any(|c| c.name == "sidesMatch" && c.valid == Some(true))
    );
    assert_eq!(
        findings_of(&a, FindingCode::CheckContradictsData),
        vec!["error nonExpired"]
    );
    assert_eq!(findings_of(&a, FindingCode::UnknownEvidence), none());
}

#[test]
fn valid_and_passed_that_disagree_cannot_pass() {
    let mut c = Case::accepted();
    c.process_mut()["status"] = json!("rejected");
    c.ocr_mut()["securityChecks"]["nonExpired"] = json!({"valid": true, "passed": false});
    let a = c.audit();
    assert_eq!(a.verdict.decision.status, Status::Rejected);
    assert_eq!(reason_codes(&a), vec!["SecurityCheckUnreadable/nonExpired"]);
    assert_eq!(a.verdict.agrees, Some(true));
}

// ---- 7. Feature entries that cannot be read --------------------------------

#[test]
fn a_feature_whose_found_cannot_be_read_is_not_found() {
    for entry in [
        json!({"name": "OVI 1", "found": "false", "side": "data"}),
        json!({"name": "OVI 1", "found": null, "side": "data"}),
        json!({"name": "OVI 1", "found": 0, "side": "data"}),
        json!({"name": "OVI 1", "side": "data"}),
    ] {
        let mut c = Case::accepted();
        c.process_mut()["status"] = json!("inconclusive");
        c.ocr_mut()["features"][1] = entry.clone();
        let a = c.audit();
        assert_eq!(a.verdict.decision.status, Status::Inconclusive, "{entry}");
        assert_eq!(reason_codes(&a), vec!["FeatureUnreadable/OVI 1"], "{entry}");
        assert_eq!(a.verdict.agrees, Some(true), "{entry}");
    }
}

#[test]
fn a_nameless_feature_is_named_by_its_entry() {
    let mut c = Case::accepted();
    c.process_mut()["status"] = json!("inconclusive");
    c.ocr_mut()["features"]
        .as_array_mut()
        .unwrap()
        .push(json!({"found": false}));
    let a = c.audit();
    assert_eq!(a.verdict.decision.status, Status::Inconclusive);
    assert_eq!(reason_codes(&a), vec!["FeatureUnreadable/features[3]"]);
}

#[test]
fn the_empty_feature_entry_is_exempt() {
    let mut c = Case::accepted();
    c.ocr_mut()["features"]
        .as_array_mut()
        .unwrap()
        .push(json!({}));
    let a = c.audit();
    assert_eq!(a.verdict.decision.status, Status::Accepted);
    assert_eq!(reason_codes(&a), none());
    assert_eq!(findings_of(&a, FindingCode::MalformedEvidence), none());
    assert_eq!(a.features().len(), 4);
}

// ---- 8. Checks that were never made ----------------------------------------

#[test]
fn no_security_checks_is_reported() {
    for checks in [None, Some(json!({})), Some(Value::Null)] {
        let mut c = Case::accepted();
        match &checks {
            None => remove(c.ocr_mut(), "securityChecks"),
            Some(v) => c.ocr_mut()["securityChecks"] = v.clone(),
        }
        let a = c.audit();
        assert_eq!(
            findings_of(&a, FindingCode::NoSecurityChecks),
            vec!["warning securityChecks"],
            "{checks:?}"
        );
        assert!(a.checks().is_empty(), "{checks:?}");
    }
}

#[test]
fn an_expired_document_without_a_non_expired_check_is_reported() {
    let mut c = Case::accepted();
    remove(&mut c.ocr_mut()["securityChecks"], "nonExpired");
    c.ocr_mut()["dateOfExpiry"] = json!("2020-01-08");
    let a = c.audit();
    assert_eq!(
        findings_of(&a, FindingCode::UncheckedExpiry),
        vec!["warning nonExpired"]
    );
    assert_eq!(findings_of(&a, FindingCode::NoSecurityChecks), none());
    assert_eq!(findings_of(&a, FindingCode::CheckContradictsData), none());
}

#[test]
fn a_minor_without_a_not_underage_check_is_reported() {
    let mut c = Case::accepted();
    remove(&mut c.ocr_mut()["securityChecks"], "notUnderage");
    c.ocr_mut()["dateOfBirth"] = json!("2010-01-01");
    let a = c.audit();
    assert_eq!(
        findings_of(&a, FindingCode::UncheckedAge),
        vec!["warning notUnderage"]
    );
    assert_eq!(findings_of(&a, FindingCode::CheckContradictsData), none());
}

// ---- 9. Liveness never detected --------------------------------------------

#[test]
fn liveness_not_detected_without_a_liveness_check_is_reported() {
    for (in_ocr, in_final) in [(true, true), (true, false), (false, true)] {
        let mut c = Case::accepted();
        remove(&mut c.ocr_mut()["securityChecks"], "livenessDetected");
        if in_ocr {
            c.ocr_mut()["livenessDetected"] = json!("false");
        }
        if in_final {
            c.process_mut()["finalResult"] = json!({"livenessDetected": false});
        }
        let a = c.audit();
        assert_eq!(
            findings_of(&a, FindingCode::LivenessNotDetected),
            vec!["warning livenessDetected"],
            "OCR {in_ocr}, finalResult {in_final}"
        );
        assert_eq!(a.verdict.decision.status, Status::Accepted);
    }
}

// ---- 10. Similarity that is not a level ------------------------------------

#[test]
fn similarity_that_is_not_a_level_is_not_high() {
    for (value, subject) in [
        (Some(json!("")), "empty"),
        (Some(json!(0.97)), "unreadable"),
        (None, "missing"),
        (Some(json!("none")), "none"),
    ] {
        let mut c = Case::accepted();
        c.process_mut()["status"] = json!("inconclusive");
        match &value {
            Some(v) => c.ocr_mut()["similarityScore"] = v.clone(),
            None => remove(c.ocr_mut(), "similarityScore"),
        }
        let a = c.audit();
        assert_eq!(a.verdict.decision.status, Status::Inconclusive, "{value:?}");
        assert_eq!(
            reason_codes(&a),
            vec![format!("SimilarityNotHigh/{subject}")],
            "{value:?}"
        );
        assert_eq!(a.verdict.agrees, Some(true), "{value:?}");
    }
}

// ---- 11-13. Recorded statuses ----------------------------------------------

#[test]
fn failed_without_a_fail_reason_is_recomputed_from_the_evidence() {
    let mut c = Case::accepted();
    c.process_mut()["status"] = json!("failed");
    let a = c.audit();
    assert_eq!(a.verdict.decision.status, Status::Accepted);
    assert_eq!(reason_codes(&a), none());
    assert_eq!(a.verdict.agrees, Some(false));
    assert_eq!(
        findings_of(&a, FindingCode::StatusMismatch),
        vec!["error failed ≠ accepted"]
    );
    assert_eq!(
        findings_of(&a, FindingCode::FailedWithoutReason),
        vec!["warning failReason"]
    );
}

#[test]
fn a_fail_reason_that_says_nothing_is_malformed_not_a_failure() {
    for fail_reason in [json!({}), json!("")] {
        let mut c = Case::accepted();
        c.process_mut()["failReason"] = fail_reason.clone();
        let a = c.audit();
        assert_eq!(a.verdict.decision.status, Status::Accepted, "{fail_reason}");
        assert_eq!(reason_codes(&a), none(), "{fail_reason}");
        assert_eq!(a.verdict.agrees, Some(true), "{fail_reason}");
        let malformed: Vec<_> = a
            .verdict
            .findings
            .iter()
            .filter(|f| f.code == FindingCode::MalformedEvidence)
            .collect();
        assert_eq!(malformed.len(), 1, "{fail_reason}: {malformed:?}");
        assert_eq!(malformed[0].severity, Severity::Warning);
        assert!(
            malformed[0].subject.contains("failReason"),
            "{}",
            malformed[0].subject
        );
    }
}

#[test]
fn a_status_that_is_not_final_is_not_compared() {
    for word in ["pending", "processing", "canceled"] {
        let mut c = Case::accepted();
        c.process_mut()["status"] = json!(word);
        let a = c.audit();
        assert_eq!(
            a.verdict.recorded_status,
            Some(RecordedStatus::Other(word.into()))
        );
        assert_eq!(a.verdict.agrees, None, "{word}");
        assert_eq!(
            findings_of(&a, FindingCode::NotFinal),
            vec![format!("info {word}")]
        );
        assert_eq!(findings_of(&a, FindingCode::StatusMismatch), none());
        assert_eq!(a.verdict.decision.status, Status::Accepted, "{word}");
    }
}

#[test]
fn a_canceled_process_without_ocr_gets_no_status_never_failed() {
    // Issue 19: nothing was verified, and nothing failed either.
    let mut c = Case::accepted();
    c.process_mut()["status"] = json!("canceled");
    c.ocr = None;
    let a = c.audit();
    assert_eq!(a.verdict.decision.status, Status::NotFinal);
    assert_eq!(a.verdict.automatic.status, Status::NotFinal);
    assert_eq!(reason_codes(&a), vec!["ProcessNotFinal/canceled"]);
    assert_eq!(a.verdict.agrees, None);
    assert_eq!(
        findings_of(&a, FindingCode::NotFinal),
        vec!["info canceled"]
    );
}

#[test]
fn a_native_completed_status_is_recorded_but_not_final() {
    let a = Case::native().audit();
    assert_eq!(a.evidence.ocr.as_ref().unwrap().dialect, Dialect::Native);
    assert!(a.evidence.process.is_none());
    assert_eq!(
        a.verdict.recorded_status,
        Some(RecordedStatus::Other("completed".into()))
    );
    assert_eq!(a.verdict.agrees, None);
    assert_eq!(
        findings_of(&a, FindingCode::NotFinal),
        vec!["info completed"]
    );
    assert_eq!(findings_of(&a, FindingCode::StatusMismatch), none());
}

// ---- 14. A process record without a status ---------------------------------

#[test]
fn a_process_record_without_status_is_kept() {
    let mut c = Case::accepted();
    let mut ocr = c.ocr.take().unwrap();
    ocr["features"][1] = json!({"name": "OVI 1", "found": false, "side": "data"});
    c.process = Some(json!({
        "processId": PROCESS_ID,
        "processType": "substantialFullyAuto",
        "createdAt": "2021-06-09T10:04:42Z",
        "updatedAt": "2021-06-09T10:05:41Z",
        "providerSpecific": {"ocr": ocr}
    }));
    let a = c.audit();
    let process = a.evidence.process.as_ref().expect("the record is kept");
    assert_eq!(
        process.process_type.as_deref(),
        Some("substantialFullyAuto")
    );
    assert_eq!(process.status, None);
    assert_eq!(a.process_id, PROCESS_ID);
    assert_eq!(
        a.verdict.decision.status,
        Status::Rejected,
        "a fully automatic type never ends inconclusive"
    );
    assert_eq!(reason_codes(&a), vec!["FeatureNotFound/OVI 1"]);
    let day = a.verdict.verification_date.expect("a verification date");
    assert_eq!(
        (day.date.to_string(), day.source),
        ("2021-06-09".to_owned(), DateSource::UpdatedAt)
    );
    assert_eq!(a.verdict.recorded_status, None);
    assert_eq!(a.verdict.agrees, None);
}

// ---- 15. Dates -------------------------------------------------------------

#[test]
fn an_offset_timestamp_is_taken_in_utc() {
    let mut c = Case::accepted();
    c.process_mut()["updatedAt"] = json!("2021-06-09T23:30:00-05:00");
    c.ocr_mut()["dateOfExpiry"] = json!("2021-06-09");
    let a = c.audit();
    let day = a.verdict.verification_date.unwrap();
    assert_eq!(
        (day.date.to_string(), day.source),
        ("2021-06-10".to_owned(), DateSource::UpdatedAt)
    );
    // expiring on 9 June, verified on 10 June (UTC): nonExpired valid contradicts the data
    assert_eq!(
        findings_of(&a, FindingCode::CheckContradictsData),
        vec!["error nonExpired"]
    );
}

#[test]
fn an_impossible_updated_at_is_reported_and_created_at_is_used() {
    let mut c = Case::accepted();
    c.process_mut()["updatedAt"] = json!("2021-02-30T10:00:00Z");
    let a = c.audit();
    assert_eq!(
        findings_of(&a, FindingCode::MalformedEvidence),
        vec!["warning updatedAt"]
    );
    let day = a.verdict.verification_date.unwrap();
    assert_eq!(
        (day.date.to_string(), day.source),
        ("2021-06-09".to_owned(), DateSource::CreatedAt)
    );
}

#[test]
fn a_document_that_expired_before_the_agent_accepted_it() {
    let mut c = Case::accepted();
    c.process_mut()["processType"] = json!("high");
    c.ocr_mut()["dateOfExpiry"] = json!("2021-06-15");
    c.review = Some(json!({
        "verifierId": "agent-1",
        "verificationDate": "2021-06-20T09:00:00Z",
        "rejectionReasons": []
    }));
    let a = c.audit();
    assert_eq!(a.verdict.decision.status, Status::Accepted);
    assert_eq!(
        a.verdict.verification_date.unwrap().date.to_string(),
        "2021-06-09",
        "the automatic checks are judged on updatedAt"
    );
    assert_eq!(
        a.verdict.review.as_ref().unwrap().date.unwrap().to_string(),
        "2021-06-20"
    );
    assert_eq!(
        findings_of(&a, FindingCode::ExpiredAtReview),
        vec!["warning dateOfExpiry"]
    );
    assert_eq!(findings_of(&a, FindingCode::CheckContradictsData), none());
}

fn leap_day_holder(updated_at: &str) -> Audit {
    let mut c = Case::accepted();
    c.process_mut()["createdAt"] = json!(updated_at);
    c.process_mut()["updatedAt"] = json!(updated_at);
    c.ocr_mut()["dateOfBirth"] = json!("2004-02-29");
    c.audit()
}

#[test]
fn a_leap_day_birthday_on_the_disputed_day_is_never_an_error() {
    let a = leap_day_holder("2022-02-28T10:00:00Z");
    assert_eq!(
        findings_of(&a, FindingCode::CheckContradictsData),
        vec!["info notUnderage"]
    );
    // The message names the rule, never the age or the birthday (issue 20).
    let m = &messages(&a, FindingCode::CheckContradictsData)[0];
    assert!(
        m.contains("the holder is under 18")
            && m.contains("the birthday rules disagree on this day (leap_day_birthday)"),
        "{m}"
    );
    assert!(
        !m.contains("17") && !m.contains("29 February") && !m.contains("-02-29"),
        "{m}"
    );
}

#[test]
fn a_leap_day_holder_the_day_before_is_under_age() {
    let a = leap_day_holder("2022-02-27T10:00:00Z");
    assert_eq!(
        findings_of(&a, FindingCode::CheckContradictsData),
        vec!["error notUnderage"]
    );
}

// ---- 16. The native dialect ------------------------------------------------

#[test]
fn the_native_example_is_accepted() {
    let a = Case::native().audit();
    assert_eq!(a.verdict.decision.status, Status::Accepted);
    assert_eq!(reason_codes(&a), none());
    assert_eq!(a.process_id, "native-0001");
    let day = a.verdict.verification_date.unwrap();
    assert_eq!(
        (day.date.to_string(), day.source),
        ("2021-06-09".to_owned(), DateSource::CompletionDate)
    );
    assert_eq!(findings_of(&a, FindingCode::MalformedEvidence), none());
    assert_eq!(findings_of(&a, FindingCode::UnknownEvidence), none());
}

#[test]
fn native_dates_as_epoch_millis_and_iso_text() {
    let cases = [
        (
            "/document/expiryDate",
            json!(1_917_043_200_000_i64),
            "dateOfExpiry",
            "2030-10-01",
        ),
        (
            "/document/expiryDate",
            json!("2030-10-05T00:00:00Z"),
            "dateOfExpiry",
            "2030-10-05",
        ),
        (
            "/document/subject/birthDate",
            json!(641_347_200_000_i64),
            "dateOfBirth",
            "1990-04-29",
        ),
    ];
    for (pointer, value, field, expected) in cases {
        let mut c = Case::native();
        *c.ocr_mut().pointer_mut(pointer).unwrap() = value.clone();
        let a = c.audit();
        assert_eq!(
            a.evidence
                .ocr
                .as_ref()
                .unwrap()
                .document
                .get(field)
                .map(String::as_str),
            Some(expected),
            "{pointer} = {value}"
        );
        assert_eq!(findings_of(&a, FindingCode::MalformedEvidence), none());
    }
    // birthDateTS instead of birthDate
    let mut c = Case::native();
    let subject = &mut c.ocr_mut()["document"]["subject"];
    remove(subject, "birthDate");
    subject["birthDateTS"] = json!(641_347_200_000_i64);
    let a = c.audit();
    assert_eq!(
        a.evidence.ocr.as_ref().unwrap().document["dateOfBirth"],
        "1990-04-29"
    );
    assert_eq!(findings_of(&a, FindingCode::UnknownEvidence), none());
}

#[test]
fn native_six_digit_dates_take_their_century_from_the_verification() {
    let mut c = Case::native();
    let o = c.ocr_mut();
    o["document"]["expiryDate"] = json!("301005");
    o["document"]["subject"]["birthDate"] = json!("900429");
    // Checks that fail although the data is fine: the finding quotes the day
    // the expiry was read as, and the age.
    o["securityChecks"]["nonExpired"]["passed"] = json!(false);
    o["securityChecks"]["notUnderage"]["passed"] = json!(false);
    let a = c.audit();
    assert_eq!(
        reason_codes(&a),
        vec![
            "SecurityCheckFailed/nonExpired",
            "SecurityCheckFailed/notUnderage"
        ]
    );
    assert_eq!(
        findings_of(&a, FindingCode::CheckContradictsData),
        vec!["info nonExpired", "info notUnderage"]
    );
    let m = messages(&a, FindingCode::CheckContradictsData);
    assert!(m[0].contains("dateOfExpiry 2030-10-05"), "{m:?}");
    assert!(
        m[1].contains("the holder is at least 18") && !m[1].contains("31"),
        "{m:?}"
    );
    assert_eq!(findings_of(&a, FindingCode::MalformedEvidence), none());
}

#[test]
fn a_native_scan_is_the_front_image_when_there_is_no_front_member() {
    let mut c = Case::native();
    c.front = false;
    c.ocr_mut()["document"]["scan"] = json!(base64(&jpeg(320, 200)));
    let a = c.audit();
    let front = a
        .evidence
        .media_of(Depiction::Front)
        .expect("the scan is the front");
    assert_eq!(front.source, Source::Embedded("document.scan".into()));
    assert_eq!(
        front.dimensions.map(|d| (d.width, d.height)),
        Some((320, 200))
    );
    assert_eq!(findings_of(&a, FindingCode::MissingMedia), none());
    assert_eq!(findings_of(&a, FindingCode::BBoxOutOfBounds), none());
}

#[test]
fn native_passport_number_td3_and_empty_strings() {
    let mut c = Case::native();
    let d = &mut c.ocr_mut()["document"];
    remove(d, "documentNumber");
    d["passportNumber"] = json!("P7654321");
    d["type"] = json!("TD3");
    d["issuer"] = json!("");
    d["subject"]["sex"] = json!("");
    let a = c.audit();
    let doc = &a.evidence.ocr.as_ref().unwrap().document;
    assert_eq!(
        doc.get("documentNumber").map(String::as_str),
        Some("P7654321")
    );
    assert_eq!(doc.get("documentType").map(String::as_str), Some("TD3"));
    assert_eq!(doc.get("issuingCountry"), None, "an empty string is absent");
    assert_eq!(doc.get("gender"), None, "an empty string is absent");
    assert_eq!(findings_of(&a, FindingCode::MalformedEvidence), none());
    assert_eq!(findings_of(&a, FindingCode::UnknownEvidence), none());
}

#[test]
fn native_similarity_levels() {
    for (level, subject) in [("VeryLow", "veryLow"), ("none", "none")] {
        let mut c = Case::native();
        c.ocr_mut()["biometrics"]["face"]["similarityLevel"] = json!(level);
        let a = c.audit();
        assert_eq!(a.verdict.decision.status, Status::Inconclusive, "{level}");
        assert_eq!(
            reason_codes(&a),
            vec![format!("SimilarityNotHigh/{subject}")],
            "{level}"
        );
    }
}

#[test]
fn native_known_checks_and_keyed_features_by_display_name() {
    let mut c = Case::native();
    c.ocr_mut()["features"]["hologram"] =
        json!({"name": "Hologram", "found": false, "side": "front"});
    let a = c.audit();
    assert_eq!(
        findings_of(&a, FindingCode::UnknownEvidence),
        none(),
        "initialsMatch is a known check"
    );
    let names: Vec<_> = a.features().iter().map(|f| f.name.as_deref()).collect();
    assert_eq!(names, vec![Some("Hologram"), Some("photo")]);
    assert_eq!(reason_codes(&a), vec!["FeatureNotFound/Hologram"]);
    assert_eq!(a.verdict.decision.status, Status::Inconclusive);
}

// ---- 17. The agent's verification in native form ---------------------------

fn native_review(status: &str, acceptance: Value) -> Case {
    let mut c = high_inconclusive();
    c.process_mut()["status"] = json!(status);
    let word = if status == "accepted" {
        "Accepted"
    } else {
        "Rejected"
    };
    c.review = Some(json!({
        "verifierId": "agent-7",
        "rauthorityId": "RA-1",
        "verificationDate": 1_623_233_700_000_i64,
        "duration": 42,
        "status": word,
        "subject": {
            "primaryName": "SAMPLE",
            "birthDate": 638_668_800_000_i64,
            "otherEditableFields": [{"name": "documentNumber", "value": "X1"}]
        },
        "acceptance": acceptance
    }));
    c
}

#[test]
fn a_native_acceptance_with_a_checklist_accepts() {
    let c = native_review(
        "accepted",
        json!({"reasons": [{"type": "Custom.Question", "message": "Q1"}]}),
    );
    let a = c.audit();
    assert_eq!(
        kind_of(&a, "review.json"),
        MemberKind::Json(JsonKind::ManualApproval)
    );
    let review = a.verdict.review.as_ref().unwrap();
    assert_eq!(review.decision, ReviewDecision::Accepted);
    assert_eq!(review.date.unwrap().to_string(), "2021-06-09");
    let manual = a.evidence.manual.as_ref().unwrap();
    assert_eq!(manual.checklist, vec!["Custom.Question"]);
    assert!(
        manual.rejection_reasons.is_empty(),
        "the checklist is not a rejection"
    );
    assert_eq!(a.verdict.automatic.status, Status::Inconclusive);
    assert_eq!(a.verdict.decision.status, Status::Accepted);
    assert_eq!(reason_codes(&a), none());
    assert_eq!(a.verdict.agrees, Some(true));
    assert_eq!(
        findings_of(&a, FindingCode::AgentOverride),
        vec!["warning inconclusive"]
    );
    // the corrected fields under subject were read
    assert_eq!(
        findings_of(&a, FindingCode::FieldMismatch),
        vec!["warning documentNumber", "warning dateOfBirth"]
    );
}

#[test]
fn a_native_rejection_rejects_for_its_reasons() {
    let a = native_review(
        "rejected",
        json!({"reasons": [{"type": "Document.Expired"}]}),
    )
    .audit();
    assert_eq!(
        a.verdict.review.as_ref().map(|r| r.decision),
        Some(ReviewDecision::Rejected)
    );
    assert_eq!(a.verdict.decision.status, Status::Rejected);
    assert_eq!(reason_codes(&a), vec!["ManualRejection/Document.Expired"]);
    assert_eq!(findings_of(&a, FindingCode::AgentOverride), none());
    assert_eq!(a.verdict.agrees, Some(true));
}

#[test]
fn an_unknown_rejection_type_is_kept_as_the_subject() {
    let a = native_review(
        "rejected",
        json!({"reasons": [{"type": "Photo.SomethingNew", "message": "m"}]}),
    )
    .audit();
    assert_eq!(a.verdict.decision.status, Status::Rejected);
    assert_eq!(reason_codes(&a), vec!["ManualRejection/Photo.SomethingNew"]);
}

// ---- 18. A provider error beside the evidence ------------------------------

#[test]
fn a_provider_error_member_is_reported_without_its_message() {
    let mut c = Case::accepted();
    let body = json!({
        "error": "invalid_token",
        "message": "The access token has expired for ALEX SAMPLE"
    });
    c.extra
        .push(("error.json".into(), body.to_string().into_bytes()));
    let a = c.audit();
    assert_eq!(
        kind_of(&a, "error.json"),
        MemberKind::Json(JsonKind::ProviderError)
    );
    assert_eq!(
        findings_of(&a, FindingCode::ProviderError),
        vec!["warning error.json"]
    );
    let m = messages(&a, FindingCode::ProviderError);
    assert!(!m[0].contains("access token has expired"), "{m:?}");
    assert!(!m[0].contains("SAMPLE"), "{m:?}");
    assert_eq!(a.verdict.decision.status, Status::Accepted);
}

// ---- 19. Policy what-if ----------------------------------------------------

#[test]
fn a_stricter_policy_changes_the_decision_not_the_agreement() {
    let policy = Policy::from_toml("name = \"strict\"\nrequire_checks = [\"sidesMatch\"]").unwrap();
    let mut archive = open("hand.zip", Case::accepted().zip()).unwrap();
    let a = Audit::of_archive(
        &mut archive,
        &AuditOptions::default().with_policy(policy.clone()),
    )
    .unwrap();
    assert_eq!(a.verdict.decision.status, Status::Rejected);
    assert_eq!(reason_codes(&a), vec!["SecurityCheckMissing/sidesMatch"]);
    assert_eq!(a.verdict.default_status, Some(Status::Accepted));
    assert_eq!(a.verdict.agrees, Some(true));
    assert_eq!(
        findings_of(&a, FindingCode::PolicyChange),
        vec!["warning accepted → rejected"]
    );
    assert_eq!(findings_of(&a, FindingCode::StatusMismatch), none());
}

#[test]
fn a_misspelt_check_in_a_policy_is_warned_about() {
    let p = Policy::from_toml("ignore_checks = [\"nonExpird\"]").unwrap();
    let w = p.warnings();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("nonExpird"), "{w:?}");
}

#[test]
fn a_check_both_required_and_ignored_is_refused() {
    let e = Policy::from_toml(
        "require_checks = [\"liveness\"]\nignore_checks = [\"livenessDetected\"]",
    )
    .unwrap_err();
    assert!(e.to_string().contains("liveness"), "{e}");
}

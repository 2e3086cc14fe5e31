//! Decision, round three: written decisions are never discarded, honest
//! archives read clean, every contradiction is named. Like `fail_closed`,
//! every test starts from the provider page's accepted example and changes
//! one thing in it.

use super::fail_closed::{Case, high_inconclusive, messages, none};
use super::support::{findings_of, reason_codes};
use eid_archive::evidence::{DateSource, Dialect};
use eid_archive::{
    Ambiguity, Archive, Audit, AuditOptions, ErrorKind, FindingCode, Policy, ReadOptions,
    RecordedStatus, ReviewDecision, Status,
};
use serde_json::{Value, json};

/// The provider's own verification of a `high` process whose automatic
/// status is inconclusive, writing `status` and, unless `None`, `rejectionReasons`.
fn written_review(status: &str, reasons: Option<Value>) -> Case {
    let mut c = high_inconclusive();
    c.process_mut()["status"] = json!(status.to_ascii_lowercase());
    let mut review = json!({
        "verifierId": "agent-7",
        "verificationDate": "2021-06-09T11:00:00Z",
        "status": status
    });
    if let Some(r) = reasons {
        review["rejectionReasons"] = r;
    }
    c.review = Some(review);
    c
}

// ---- 1. A written agent decision decides -----------------------------------

#[test]
fn a_written_rejection_with_null_or_absent_reasons_rejects() {
    for reasons in [Some(Value::Null), None] {
        for word in ["Rejected", "REJECTED", "rejected"] {
            let a = written_review(word, reasons.clone()).audit();
            let review = a.verdict.review.as_ref().unwrap();
            assert_eq!(
                review.decision,
                ReviewDecision::Rejected,
                "{word} {reasons:?}"
            );
            assert_eq!(a.verdict.decision.status, Status::Rejected);
            assert_eq!(reason_codes(&a), vec!["ManualRejection/unspecified"]);
            assert_eq!(a.verdict.agrees, Some(true), "the record is not blamed");
            assert_eq!(findings_of(&a, FindingCode::ReviewIncomplete), none());
            assert_eq!(findings_of(&a, FindingCode::StatusMismatch), none());
        }
    }
}

#[test]
fn a_written_acceptance_with_null_reasons_accepts() {
    let a = written_review("Accepted", Some(Value::Null)).audit();
    assert_eq!(
        a.verdict.review.as_ref().map(|r| r.decision),
        Some(ReviewDecision::Accepted)
    );
    assert_eq!(a.verdict.decision.status, Status::Accepted);
    assert_eq!(a.verdict.agrees, Some(true));
}

#[test]
fn a_written_acceptance_with_reasons_that_cannot_be_read_is_no_decision() {
    let a = written_review("Accepted", Some(json!("Document.Expired"))).audit();
    assert_eq!(
        a.verdict.review.as_ref().map(|r| r.decision),
        Some(ReviewDecision::NoDecision)
    );
    assert_eq!(a.verdict.decision.status, Status::Inconclusive);
}

// ---- 2. Two similarity values never settle silently -------------------------

#[test]
fn an_assure_result_with_biometrics_counts_the_lower_similarity() {
    let mut c = Case::accepted();
    c.process_mut()["status"] = json!("inconclusive");
    c.ocr_mut()["biometrics"] = json!({"face": {"similarityLevel": "medium"}});
    let a = c.audit();
    assert_eq!(a.evidence.ocr.as_ref().unwrap().dialect, Dialect::Assure);
    assert_eq!(a.verdict.decision.status, Status::Inconclusive);
    assert_eq!(reason_codes(&a), vec!["SimilarityNotHigh/medium"]);
    assert_eq!(a.verdict.agrees, Some(true));
    assert_eq!(
        findings_of(&a, FindingCode::SimilarityDisagreement),
        vec!["warning similarity"]
    );
    let m = messages(&a, FindingCode::SimilarityDisagreement);
    assert!(
        m[0].contains("\"high\"") && m[0].contains("\"medium\""),
        "{m:?}"
    );
}

#[test]
fn a_native_result_with_a_lower_flat_score_counts_it() {
    let mut c = Case::native();
    c.ocr_mut()["similarityScore"] = json!("low");
    let a = c.audit();
    assert_eq!(a.evidence.ocr.as_ref().unwrap().dialect, Dialect::Native);
    assert_eq!(a.verdict.decision.status, Status::Inconclusive);
    assert_eq!(reason_codes(&a), vec!["SimilarityNotHigh/low"]);
    assert_eq!(
        findings_of(&a, FindingCode::SimilarityDisagreement),
        vec!["warning similarity"]
    );
}

#[test]
fn two_similarities_that_say_the_same_are_quiet() {
    let mut c = Case::native();
    c.ocr_mut()["similarityScore"] = json!("HIGH");
    let a = c.audit();
    assert_eq!(a.verdict.decision.status, Status::Accepted);
    assert_eq!(findings_of(&a, FindingCode::SimilarityDisagreement), none());
}

// ---- 9. finalResult is compared with the OCR for the similarity ------------

#[test]
fn a_final_result_similarity_that_differs_from_the_ocr_is_warned_about() {
    let mut c = Case::accepted();
    c.process_mut()["finalResult"] = json!({"similarityScore": "medium"});
    let a = c.audit();
    assert_eq!(a.verdict.decision.status, Status::Accepted);
    assert_eq!(
        findings_of(&a, FindingCode::SimilarityDisagreement),
        vec!["warning finalResult.similarityScore"]
    );
    let mut same = Case::accepted();
    same.process_mut()["finalResult"] = json!({"similarityScore": "High"});
    assert_eq!(
        findings_of(&same.audit(), FindingCode::SimilarityDisagreement),
        none()
    );
}

// ---- 3. The provider's status and the Assure record agree, or it is said ---

/// The native example with the Assure process record beside it in the zip.
fn native_with_record(native: &str, recorded: &str) -> Case {
    let mut c = Case::native();
    c.ocr_mut()["status"] = json!(native);
    let mut p = super::fail_closed::process();
    p["status"] = json!(recorded);
    p["finalResult"] = json!({});
    c.process = Some(p);
    c
}

#[test]
fn a_native_status_that_differs_from_the_record_is_an_error() {
    let a = native_with_record("rejected", "accepted").audit();
    assert_eq!(a.verdict.decision.status, Status::Accepted);
    assert_eq!(a.verdict.agrees, Some(false), "the archive does not agree");
    assert_eq!(
        findings_of(&a, FindingCode::ProviderStatusMismatch),
        vec!["error status"]
    );
    assert_eq!(
        findings_of(&a, FindingCode::StatusMismatch),
        none(),
        "the recomputed status is the recorded one"
    );
}

#[test]
fn a_native_status_that_matches_the_record_in_another_case_agrees() {
    for native in ["Accepted", "Completed"] {
        let a = native_with_record(native, "accepted").audit();
        assert_eq!(a.verdict.agrees, Some(true), "{native}");
        assert_eq!(findings_of(&a, FindingCode::ProviderStatusMismatch), none());
    }
}

// ---- 6. An unknown status word is unreadable, not "not final" --------------

#[test]
fn an_unknown_status_word_is_unreadable() {
    for word in ["", "acepted", "done", "cancelled"] {
        let mut c = Case::accepted();
        c.process_mut()["status"] = json!(word);
        let a = c.audit();
        assert_eq!(
            a.verdict.recorded_status,
            Some(RecordedStatus::Unreadable(word.into())),
            "{word:?}"
        );
        assert_eq!(a.verdict.agrees, None);
        assert_eq!(
            findings_of(&a, FindingCode::UnreadableStatus),
            vec!["warning status"],
            "{word:?}"
        );
        assert_eq!(findings_of(&a, FindingCode::NotFinal), none(), "{word:?}");
        assert_eq!(a.verdict.decision.status, Status::Accepted);
    }
}

#[test]
fn an_unreadable_status_without_ocr_cannot_be_judged() {
    let mut c = Case::accepted();
    c.process_mut()["status"] = json!("acepted");
    c.ocr = None;
    let e = c.refused();
    assert!(e.to_string().contains("no OCR evidence"), "{e}");
}

#[test]
fn the_record_may_not_say_completed() {
    let mut c = Case::accepted();
    c.process_mut()["status"] = json!("Completed");
    let a = c.audit();
    assert_eq!(
        a.verdict.recorded_status,
        Some(RecordedStatus::Unreadable("completed".into()))
    );
}

// ---- 4. Copies are compared on what decides, not byte for byte -------------

#[test]
fn an_embedded_ocr_copy_that_differs_only_in_fields_no_rule_reads_is_read() {
    let mut c = Case::accepted();
    let mut embedded = c.ocr.clone().unwrap();
    embedded["address"] = json!("1 Sample Street");
    embedded["personalIdentificationNumber"] = json!("P-1");
    c.process_mut()["providerSpecific"] = json!({"ocr": embedded});
    let a = c.audit();
    assert_eq!(a.verdict.decision.status, Status::Accepted);
    assert_eq!(
        findings_of(&a, FindingCode::EquivalentCopies),
        vec!["info OCR evidence"]
    );
    let m = messages(&a, FindingCode::EquivalentCopies);
    assert!(m[0].contains("address"), "{m:?}");
    assert!(
        !m[0].contains("Sample Street"),
        "values are not quoted: {m:?}"
    );
    assert_eq!(findings_of(&a, FindingCode::IdenticalCopies), none());
}

#[test]
fn an_embedded_ocr_copy_that_differs_in_a_date_a_rule_uses_is_refused() {
    let mut c = Case::accepted();
    let mut embedded = c.ocr.clone().unwrap();
    embedded["dateOfExpiry"] = json!("2020-10-05");
    c.process_mut()["providerSpecific"] = json!({"ocr": embedded});
    let e = c.refused();
    assert!(
        matches!(
            e.kind(),
            ErrorKind::Ambiguous(Ambiguity::CopiesDiffer {
                what: "OCR evidence",
                ..
            })
        ),
        "{e}"
    );
}

#[test]
fn an_embedded_review_copy_that_differs_in_its_date_format_only_is_read() {
    let mut c = Case::accepted();
    c.process_mut()["processType"] = json!("high");
    c.review = Some(super::fail_closed::accepting_review());
    let mut embedded = super::fail_closed::accepting_review();
    embedded["verificationDate"] = json!("2021-06-09T11:00:00.000Z");
    c.process_mut()["providerSpecific"] = json!({"manualApproval": embedded});
    let a = c.audit();
    assert_eq!(
        findings_of(&a, FindingCode::EquivalentCopies),
        vec!["info the agent's review"]
    );
    assert_eq!(a.verdict.decision.status, Status::Accepted);
}

/// Opens the accepted example with `beside` as the process record beside the zip.
fn with_record_beside(beside: Value) -> Result<Audit, eid_archive::Error> {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("p.zip");
    std::fs::write(&zip, Case::accepted().zip()).unwrap();
    std::fs::write(dir.path().join("p.json"), beside.to_string()).unwrap();
    let mut archive = Archive::open(&zip, &ReadOptions::default())?;
    Audit::of_archive(&mut archive, &AuditOptions::default())
}

/// The process record `Case::accepted` writes into the zip, with the
/// `finalResult` the provider sends.
fn inner_record() -> Value {
    let mut p = super::fail_closed::process();
    let ocr = super::fail_closed::assure_ocr();
    let mut fr = serde_json::Map::new();
    for field in super::fail_closed::FINAL_FIELDS {
        fr.insert((*field).into(), ocr[*field].clone());
    }
    p["finalResult"] = Value::Object(fr);
    p
}

#[test]
fn a_record_beside_that_differs_only_in_milliseconds_and_extra_fields_is_read() {
    let mut beside = inner_record();
    beside["updatedAt"] = json!("2021-06-09T10:05:41.000Z");
    beside["dossierId"] = json!("d-1");
    beside["finalResult"]["address"] = json!("1 Sample Street");
    let a = with_record_beside(beside).unwrap();
    assert_eq!(a.verdict.decision.status, Status::Accepted);
    assert_eq!(a.verdict.agrees, Some(true));
    assert_eq!(
        findings_of(&a, FindingCode::EquivalentCopies),
        vec!["info the process record"]
    );
}

#[test]
fn a_record_beside_that_differs_in_what_decides_is_refused() {
    let changes: [(&str, Value); 4] = [
        ("status", json!("rejected")),
        ("updatedAt", json!("2021-06-10T10:05:41Z")),
        ("processType", json!("high")),
        ("failReason", json!({"type": "InactiveUser.Aborted"})),
    ];
    for (key, value) in changes {
        let mut beside = inner_record();
        beside[key] = value;
        let e = with_record_beside(beside).expect_err(key);
        assert!(
            matches!(
                e.kind(),
                ErrorKind::Ambiguous(Ambiguity::ProcessRecordsDisagree { .. })
            ),
            "{key}: {e}"
        );
    }
}

// ---- 5. The automatic day is the capture day --------------------------------

/// A `high` process captured on 9 June whose agent registered it on 20 June
/// (`updatedAt`), with a review that writes no date of its own.
fn registered_late(review: Value) -> Case {
    let mut c = Case::accepted();
    c.process_mut()["processType"] = json!("high");
    c.process_mut()["updatedAt"] = json!("2021-06-20T09:00:00Z");
    c.ocr_mut()["dateOfExpiry"] = json!("2021-06-15");
    c.review = Some(review);
    c
}

#[test]
fn a_document_valid_at_capture_and_expired_by_registration_is_expired_at_review() {
    let a = registered_late(json!({"verifierId": "agent-1", "rejectionReasons": []})).audit();
    let day = a.verdict.verification_date.unwrap();
    assert_eq!(
        (day.date.to_string(), day.source),
        ("2021-06-09".to_owned(), DateSource::CreatedAt),
        "the automatic checks are judged on the capture day"
    );
    assert_eq!(a.verdict.decision.status, Status::Accepted);
    assert_eq!(
        findings_of(&a, FindingCode::ExpiredAtReview),
        vec!["warning dateOfExpiry"]
    );
    assert_eq!(findings_of(&a, FindingCode::CheckContradictsData), none());
}

#[test]
fn the_agents_corrected_expiry_before_the_review_day_is_expired_at_review() {
    let mut c = Case::accepted();
    c.process_mut()["processType"] = json!("high");
    let mut review = super::fail_closed::accepting_review();
    review["verificationDate"] = json!("2021-06-10T09:00:00Z");
    review["dateOfExpiry"] = json!("2021-06-01");
    c.review = Some(review);
    let a = c.audit();
    assert_eq!(
        findings_of(&a, FindingCode::ExpiredAtReview),
        vec!["warning dateOfExpiry"]
    );
    assert_eq!(findings_of(&a, FindingCode::CheckContradictsData), none());
}

#[test]
fn an_unreviewed_process_is_still_judged_on_updated_at() {
    let mut c = Case::accepted();
    c.process_mut()["createdAt"] = json!("2021-06-08T23:59:00Z");
    let day = c.audit().verdict.verification_date.unwrap();
    assert_eq!(day.source, DateSource::UpdatedAt);
}

// ---- 10. A key and a name that disagree count under both --------------------

#[test]
fn a_failed_check_renamed_in_its_entry_cannot_hide_behind_an_ignore_policy() {
    let mut c = Case::native();
    c.ocr_mut()["securityChecks"]["nonExpired"] = json!({"name": "initialsMatch", "passed": false});
    let policy =
        Policy::from_toml("name = \"lenient\"\nignore_checks = [\"initialsMatch\"]").unwrap();
    let mut archive = super::support::open("hand.zip", c.zip()).unwrap();
    let a = Audit::of_archive(
        &mut archive,
        &AuditOptions::default().with_policy(policy.clone()),
    )
    .unwrap();
    assert_eq!(a.verdict.decision.status, Status::Rejected);
    assert_eq!(reason_codes(&a), vec!["SecurityCheckFailed/nonExpired"]);
    let malformed = messages(&a, FindingCode::MalformedEvidence);
    assert!(
        malformed.iter().any(|m| m.contains("judged under both")),
        "{malformed:?}"
    );
}

#[test]
fn a_missing_feature_renamed_in_its_entry_counts_under_its_key() {
    let mut c = Case::native();
    c.ocr_mut()["features"]["hologram"] =
        json!({"name": "Signature", "found": false, "side": "front"});
    let policy =
        Policy::from_toml("name = \"lenient\"\nignore_features = [\"Signature\"]").unwrap();
    let mut archive = super::support::open("hand.zip", c.zip()).unwrap();
    let a = Audit::of_archive(
        &mut archive,
        &AuditOptions::default().with_policy(policy.clone()),
    )
    .unwrap();
    assert_eq!(a.verdict.decision.status, Status::Inconclusive);
    assert_eq!(reason_codes(&a), vec!["FeatureNotFound/Signature"]);
    let ocr = a.evidence.ocr.as_ref().unwrap();
    assert!(
        ocr.features
            .iter()
            .any(|f| f.also_named.as_deref() == Some("hologram"))
    );
}

#[test]
fn a_name_that_is_its_key_in_another_case_is_one_name() {
    let a = Case::native().audit();
    assert_eq!(a.verdict.decision.status, Status::Accepted);
    assert!(
        !messages(&a, FindingCode::MalformedEvidence)
            .iter()
            .any(|m| m.contains("judged under both"))
    );
}

// ---- 11. ReviewMissing only where a review could exist ---------------------

#[test]
fn no_review_is_missing_on_a_failed_or_not_final_process() {
    let mut failed = Case::accepted();
    failed.process_mut()["processType"] = json!("high");
    failed.process_mut()["status"] = json!("failed");
    failed.process_mut()["failReason"] = json!({"type": "InactiveUser.Aborted"});
    let a = failed.audit();
    assert_eq!(a.verdict.decision.status, Status::Failed);
    assert_eq!(findings_of(&a, FindingCode::ReviewMissing), none());

    let mut pending = Case::accepted();
    pending.process_mut()["processType"] = json!("high");
    pending.process_mut()["status"] = json!("pending");
    assert_eq!(
        findings_of(&pending.audit(), FindingCode::ReviewMissing),
        none()
    );

    let mut final_high = Case::accepted();
    final_high.process_mut()["processType"] = json!("high");
    assert_eq!(
        findings_of(&final_high.audit(), FindingCode::ReviewMissing),
        vec!["warning high"]
    );
}

// ---- 12. The record's depictions are checked -------------------------------

#[test]
fn a_depiction_the_record_lists_but_the_archive_lacks_is_missing_media() {
    let mut c = Case::accepted();
    c.process_mut()["depictions"] = json!(["front", "back", "selfie"]);
    let a = c.audit();
    assert_eq!(
        findings_of(&a, FindingCode::MissingMedia),
        vec!["warning back"]
    );
    assert_eq!(a.verdict.decision.status, Status::Accepted);
}

// ---- 13. A selfie is missing only where a similarity was computed ----------

#[test]
fn no_selfie_is_missing_when_no_similarity_was_computed() {
    for similarity in [Some(json!("none")), None] {
        let mut c = Case::accepted();
        c.selfie = false;
        c.process_mut()["status"] = json!("inconclusive");
        match &similarity {
            Some(s) => c.ocr_mut()["similarityScore"] = s.clone(),
            None => super::fail_closed::remove(c.ocr_mut(), "similarityScore"),
        }
        let a = c.audit();
        assert_eq!(
            findings_of(&a, FindingCode::MissingMedia),
            none(),
            "{similarity:?}"
        );
    }
    let mut c = Case::accepted();
    c.selfie = false;
    assert_eq!(
        findings_of(&c.audit(), FindingCode::MissingMedia),
        vec!["warning selfie"]
    );
}

// ---- 14. Another provider's record ------------------------------------------

#[test]
fn another_providers_record_is_judged_with_a_warning() {
    let mut c = Case::accepted();
    c.process_mut()["provider"] = json!("onfido");
    let a = c.audit();
    assert_eq!(a.verdict.decision.status, Status::Accepted);
    assert_eq!(
        findings_of(&a, FindingCode::ProviderNotEid),
        vec!["warning provider"]
    );
    let mut same = Case::accepted();
    same.process_mut()["provider"] = json!("signicatvideoid");
    assert_eq!(
        findings_of(&same.audit(), FindingCode::ProviderNotEid),
        none()
    );
}

// ---- 15. Rulings on cases the page leaves open ------------------------------

#[test]
fn a_box_written_as_a_whole_float_is_that_integer_and_a_fraction_is_malformed() {
    let mut c = Case::accepted();
    c.ocr_mut()["features"][0]["bbox"] = json!({"x": 84.0, "y": 28, "width": 248, "height": 32.0});
    let a = c.audit();
    let header = &a.evidence.ocr.as_ref().unwrap().features[0];
    assert_eq!(header.bbox.map(|b| (b.x, b.height)), Some((84, 32)));
    assert_eq!(findings_of(&a, FindingCode::MalformedEvidence), none());

    let mut c = Case::accepted();
    c.ocr_mut()["features"][0]["bbox"]["x"] = json!(84.5);
    let a = c.audit();
    assert_eq!(a.evidence.ocr.as_ref().unwrap().features[0].bbox, None);
    assert_eq!(
        findings_of(&a, FindingCode::MalformedEvidence),
        vec!["warning ocr.json: features[0].bbox.x"]
    );
    assert_eq!(
        findings_of(&a, FindingCode::BBoxMissing),
        vec!["warning Header"]
    );
}

#[test]
fn an_empty_expiry_is_no_expiry() {
    let mut c = Case::accepted();
    c.ocr_mut()["dateOfExpiry"] = json!("");
    let a = c.audit();
    assert_eq!(a.verdict.decision.status, Status::Accepted);
    assert_eq!(findings_of(&a, FindingCode::MalformedEvidence), none());
    assert_eq!(
        findings_of(&a, FindingCode::UnknownEvidence),
        vec![
            "info process.json: finalResult.dateOfExpiry",
            "info ocr.json: dateOfExpiry"
        ]
    );
}

#[test]
fn a_stricter_age_under_a_what_if_policy_changes_the_status_not_the_contradictions() {
    let mut c = Case::accepted();
    c.ocr_mut()["dateOfBirth"] = json!("2001-01-01"); // 20 on 9 June 2021
    let policy = Policy::from_toml("minimum_age = 21").unwrap();
    let mut archive = super::support::open("hand.zip", c.zip()).unwrap();
    let a = Audit::of_archive(
        &mut archive,
        &AuditOptions::default().with_policy(policy.clone()),
    )
    .unwrap();
    assert_eq!(a.verdict.decision.status, Status::Rejected);
    assert_eq!(reason_codes(&a), vec!["BelowMinimumAge/notUnderage"]);
    assert_eq!(a.verdict.default_status, Some(Status::Accepted));
    assert_eq!(a.verdict.agrees, Some(true));
    assert_eq!(
        findings_of(&a, FindingCode::PolicyChange),
        vec!["warning accepted → rejected"]
    );
    assert_eq!(findings_of(&a, FindingCode::CheckContradictsData), none());
}

#[test]
fn no_ocr_but_an_agent_rejection_with_reasons_is_rejected() {
    let mut c = Case::accepted();
    c.ocr = None;
    c.process_mut()["processType"] = json!("high");
    c.process_mut()["status"] = json!("rejected");
    c.review = Some(json!({
        "verifierId": "agent-1",
        "verificationDate": "2021-06-09T11:00:00Z",
        "rejectionReasons": [{"type": "Document.Expired", "message": "expired"}]
    }));
    let a = c.audit();
    assert_eq!(a.verdict.decision.status, Status::Rejected);
    assert_eq!(reason_codes(&a), vec!["ManualRejection/Document.Expired"]);
    assert_eq!(a.verdict.agrees, Some(true));
    assert_eq!(
        findings_of(&a, FindingCode::MissingOcr),
        vec!["warning ocr"]
    );

    // An acceptance cannot stand in for the missing capture.
    let mut c = Case::accepted();
    c.ocr = None;
    c.process_mut()["processType"] = json!("high");
    c.review = Some(super::fail_closed::accepting_review());
    c.refused();
}

#[test]
fn a_policy_with_rules_and_no_name_is_named_by_its_digest() {
    let p = Policy::from_toml("minimum_age = 21").unwrap();
    assert!(p.name.starts_with("custom-"), "{}", p.name);
    // The digest of its rules, taken before it had a name of its own.
    let mut unnamed = p.clone();
    unnamed.name = "default".into();
    assert_eq!(p.name, format!("custom-{}", &unnamed.digest()[..8]));
    assert_eq!(Policy::from_toml("").unwrap().name, "default");
    assert_eq!(
        Policy::from_toml("name = \"strict\"\nminimum_age = 21")
            .unwrap()
            .name,
        "strict"
    );
}

#[test]
fn names_are_compared_after_icao_transliteration() {
    let mut c = Case::accepted();
    c.ocr_mut()["firstName"] = json!("JOÃO");
    c.process_mut()["finalResult"] = json!({"firstName": "JOAO"});
    let a = c.audit();
    assert_eq!(
        findings_of(&a, FindingCode::FieldMismatch),
        vec!["info firstName"]
    );
    let mut c = Case::accepted();
    c.ocr_mut()["firstName"] = json!("JOÃO");
    c.process_mut()["finalResult"] = json!({"firstName": "JOSE"});
    assert_eq!(
        findings_of(&c.audit(), FindingCode::FieldMismatch),
        vec!["warning firstName"]
    );
}

// ---- 7. Not evidence, not read ----------------------------------------------

#[test]
fn macos_metadata_is_listed_and_never_read() {
    let mut c = Case::accepted();
    // AppleDouble files carry the names of the members they describe.
    c.extra.push((
        "__MACOSX/._front.jpeg".into(),
        b"\0\x05\x16\x07 not an image".to_vec(),
    ));
    c.extra
        .push(("._ocr.json".into(), b"\0\x05\x16\x07 not JSON".to_vec()));
    let a = c.audit();
    assert_eq!(a.verdict.decision.status, Status::Accepted);
    assert_eq!(
        findings_of(&a, FindingCode::UnknownEvidence),
        vec!["info __MACOSX/._front.jpeg", "info ._ocr.json"]
    );
    assert_eq!(findings_of(&a, FindingCode::UndecodableMedia), none());
}

#[test]
fn only_members_named_json_are_data() {
    let mut c = Case::accepted();
    let ocr = c.ocr.take().unwrap();
    c.extra.push(("ocr".into(), ocr.to_string().into_bytes()));
    let e = c.refused();
    assert!(e.to_string().contains("no OCR evidence"), "{e}");
}

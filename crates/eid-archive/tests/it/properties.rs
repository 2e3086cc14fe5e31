//! Properties of the decision engine over generated evidence.

use super::support::feature;
use eid_archive::evidence::{
    Dialect, Evidence, FailReason, ManualApproval, Ocr, ProcessRecord, RejectionReason,
    SecurityCheck, SimilarityScore, Source,
};
use eid_archive::{Policy, Status, judge};
use proptest::prelude::*;

const CHECK_NAMES: &[&str] = &[
    "nonExpired",
    "notUnderage",
    "dataIntegrity",
    "liveness",
    "livenessDetected",
    "notBWCopy",
    "futureCheck",
];
const SIMILARITY: &[Option<&str>] = &[
    Some("high"),
    Some("HIGH"),
    Some("medium"),
    Some("low"),
    Some("verylow"),
    Some("veryLow"),
    Some("excellent"),
    None,
];
const FEATURES: &[&str] = &["Header", "OVI 1", "OVI 2", "Photo", "Signature"];
const TYPES: &[&str] = &["substantial", "substantialFullyAuto", "high", "attended"];

fn validity() -> impl Strategy<Value = Option<bool>> {
    prop_oneof![4 => Just(Some(true)), 2 => Just(Some(false)), 1 => Just(None)]
}

prop_compose! {
    fn evidence()(
        checks in prop::collection::vec((0..CHECK_NAMES.len(), validity()), 0..8),
        similarity in 0..SIMILARITY.len(),
        features in prop::collection::vec((0..FEATURES.len(), validity()), 0..6),
        process_type in 0..TYPES.len(),
        failed in prop::bool::weighted(0.1),
        manual in prop::option::weighted(0.3, prop::collection::vec(0..3usize, 0..3)),
    ) -> Evidence {
        let mut process = ProcessRecord::default();
        process.process_type = Some(TYPES[process_type].into());
        process.fail_reason = failed.then(|| FailReason::new("InactiveUser.Aborted", None));
        let mut e = Evidence::default();
        e.process = Some(process);
        e.ocr = Some({
                let mut ocr = Ocr::new(Source::Member("ocr.json".into()), Dialect::Assure);
                ocr.similarity = SIMILARITY[similarity].map(SimilarityScore::from);
                ocr.checks = checks.iter().map(|(n, v)| SecurityCheck::new(CHECK_NAMES[*n], *v)).collect();
                ocr.features = features
                    .iter()
                    .map(|(n, f)| feature(FEATURES[*n], *f, Some("data"), None))
                    .collect();
                ocr
            });
        e.manual = manual.map(|r| {
            let mut m = ManualApproval::default();
            m.verifier_id = Some("agent-1".into());
            m.rejection_reasons = r.iter().map(|i| RejectionReason::new(format!("Type.{i}"), None)).collect();
            m
        });
        e
    }
}

fn rank(s: Status) -> u8 {
    match s {
        Status::Accepted => 3,
        Status::Inconclusive => 2,
        Status::Rejected => 1,
        // Nothing verified at all: no better than failed.
        Status::Failed | Status::NotFinal => 0,
    }
}

fn sorted_reasons(e: &Evidence) -> (Status, Vec<String>) {
    let v = judge(e, &Policy::default()).expect("OCR evidence is always judgeable");
    let mut r: Vec<String> = v.decision.reasons.iter().map(|r| r.to_string()).collect();
    r.sort();
    (v.decision.status, r)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn an_invalid_check_never_makes_the_status_better(e in evidence(), pick in any::<prop::sample::Index>()) {
        let before = judge(&e, &Policy::default()).unwrap();
        let mut worse = e.clone();
        let checks = &mut worse.ocr.as_mut().unwrap().checks;
        if !checks.is_empty() {
            let i = pick.index(checks.len());
            checks[i].valid = Some(false);
        } else {
            checks.push(SecurityCheck::new("nonExpired", Some(false)));
        }
        let after = judge(&worse, &Policy::default()).unwrap();
        prop_assert!(rank(after.decision.status) <= rank(before.decision.status));
        prop_assert!(rank(after.automatic.status) <= rank(before.automatic.status));
    }

    #[test]
    fn the_order_of_checks_and_features_never_changes_the_verdict(e in evidence(), seed in any::<u64>()) {
        let mut shuffled = e.clone();
        let ocr = shuffled.ocr.as_mut().unwrap();
        // A deterministic shuffle from the seed.
        let mut s = seed | 1;
        let mut next = |n: usize| { s ^= s << 13; s ^= s >> 7; s ^= s << 17; (s % n as u64) as usize };
        for i in (1..ocr.checks.len()).rev() { let j = next(i + 1); ocr.checks.swap(i, j); }
        for i in (1..ocr.features.len()).rev() { let j = next(i + 1); ocr.features.swap(i, j); }
        prop_assert_eq!(sorted_reasons(&e), sorted_reasons(&shuffled));
    }

    #[test]
    fn a_status_is_one_of_four_and_only_accepted_has_no_reasons(e in evidence()) {
        let v = judge(&e, &Policy::default()).unwrap();
        for d in [&v.decision, &v.automatic] {
            // With OCR evidence the status is always one of the four final ones.
            prop_assert!(Status::FINAL.contains(&d.status));
            if d.status != Status::Accepted {
                prop_assert!(!d.reasons.is_empty(), "{:?} without reasons", d.status);
            }
        }
        if v.automatic.status == Status::Accepted {
            prop_assert!(v.automatic.reasons.is_empty());
        }
    }
}

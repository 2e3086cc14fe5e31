//! The named cases: the provider page's four examples and the variants the
//! bundled `testdata/` archives show.

use crate::*;

impl Case {
    /// The provider page's accepted example.
    pub fn accepted() -> Case {
        Case {
            stem: "accepted".into(),
            process_id: "00000000-0000-4000-8000-000000000001".into(),
            process_type: "substantial".into(),
            status: "accepted".into(),
            dialect: Dialect::Assure,
            process: ProcessPlacement::InZip,
            similarity: Some("high".into()),
            liveness: Some("true".into()),
            checks: seed_checks(&[
                "nonExpired",
                "notUnderage",
                "dataIntegrity",
                "livenessDetected",
                "notFaceSpoofing",
                "notBWCopy",
            ]),
            features: SEED_FEATURES
                .iter()
                .map(|(n, x, y, w, h)| FeatureSpec::found(n, *x, *y, *w, *h))
                .collect(),
            person: Person::default(),
            manual: None,
            fail_reason: None,
            final_result: true,
            created_at: "2021-06-09T10:04:42Z".into(),
            updated_at: "2021-06-09T10:05:41Z".into(),
            folder: None,
            upper_case: false,
            image: ImageKind::Jpeg,
            front: Some((640, 404)),
            back: None,
            selfie: Some((240, 320)),
            portrait: true,
            video: false,
            textured: false,
            marked: false,
            extra_ocr: Vec::new(),
            stored_images: false,
        }
    }

    /// The provider page's rejected example: an expired identity card.
    pub fn rejected_expired() -> Case {
        let mut c = Case::accepted();
        c.stem = "rejected-expired".into();
        c.process_id = "00000000-0000-4000-8000-000000000002".into();
        c.status = "rejected".into();
        c.checks = seed_checks(&[
            "nonExpired",
            "notUnderage",
            "dataIntegrity",
            "livenessDetected",
            "notFaceSpoofing",
            "sidesMatch",
            "notBWCopy",
        ]);
        c.checks[0].1 = false;
        c.features = Vec::new();
        c.person.date_of_expiry = "2020-07-08".into();
        c.person.document_type = "identityCard".into();
        c.final_result = false;
        c.back = Some((640, 404));
        c.created_at = "2021-06-09T10:37:10Z".into();
        c.updated_at = "2021-06-09T10:38:04Z".into();
        c
    }

    /// The provider page's inconclusive example: `verylow` similarity, OVI 1 and OVI 2 not found.
    pub fn inconclusive() -> Case {
        let mut c = Case::accepted();
        c.stem = "inconclusive".into();
        c.process_id = "00000000-0000-4000-8000-000000000003".into();
        c.status = "inconclusive".into();
        c.similarity = Some("verylow".into());
        c.features = vec![
            FeatureSpec::found("Header", 85, 37, 249, 33),
            FeatureSpec::missing("OVI 2"),
            FeatureSpec::found("Signature", 392, 281, 202, 65),
            FeatureSpec::found("Photo", 44, 178, 141, 141),
            FeatureSpec::missing("OVI 1"),
        ];
        c.final_result = false;
        c
    }

    /// The provider page's failed example: the user stopped interacting. No OCR, no media.
    pub fn failed() -> Case {
        let mut c = Case::accepted();
        c.stem = "failed".into();
        c.process_id = "00000000-0000-4000-8000-000000000004".into();
        c.status = "failed".into();
        c.fail_reason = Some((
            "InactiveUser.Aborted".into(),
            "There has been no interaction with the video".into(),
        ));
        c.final_result = false;
        c.front = None;
        c.selfie = None;
        c.portrait = false;
        c.created_at = "2021-04-15T08:25:04Z".into();
        c.updated_at = "2021-04-15T08:28:57Z".into();
        c
    }

    /// An accepted verification in the provider's native dialect, with the
    /// selfie embedded as base64 and no process record: the native `status` is the record.
    pub fn native() -> Case {
        let mut c = Case::accepted();
        c.stem = "native-accepted".into();
        c.process_id = "00000000-0000-4000-8000-000000000005".into();
        c.dialect = Dialect::Native;
        c.process = ProcessPlacement::None;
        c.similarity = Some("High".into());
        c.liveness = None;
        c.checks = seed_checks(&[
            "nonExpired",
            "notUnderage",
            "dataIntegrity",
            "liveness",
            "notBWCopy",
            "sidesMatch",
        ]);
        c.features = vec![
            FeatureSpec::found("photo", 32, 168, 141, 141).on("front"),
            FeatureSpec::found("signature", 402, 273, 217, 60).on("front"),
            FeatureSpec::found("hologram", 500, 100, 80, 60).on("back"),
        ];
        c.back = Some((640, 404));
        c.final_result = false;
        c
    }

    /// Agent review (`high`) in which the agent rejected an automatically clean verification.
    pub fn agent_rejected() -> Case {
        let mut c = Case::accepted();
        c.stem = "agent-rejected".into();
        c.process_id = "00000000-0000-4000-8000-000000000006".into();
        c.process_type = "high".into();
        c.status = "rejected".into();
        c.final_result = false;
        c.video = true;
        c.manual = Some(Manual {
            rejections: vec![
                (
                    "Document.NotLegible".into(),
                    "The document data cannot be read".into(),
                ),
                (
                    "Environment.CaptchaNotRead".into(),
                    "The captcha was not read in the video".into(),
                ),
            ],
            verification_date: "2021-06-09T10:12:00Z".into(),
            overrides: Vec::new(),
        });
        c
    }

    /// Agent review in which the agent accepted what the automatic check left inconclusive.
    pub fn agent_override() -> Case {
        let mut c = Case::accepted();
        c.stem = "agent-override".into();
        c.process_id = "00000000-0000-4000-8000-000000000007".into();
        c.process_type = "high".into();
        c.similarity = Some("medium".into());
        c.features[1] = FeatureSpec::missing("OVI 2");
        c.video = true;
        c.manual = Some(Manual {
            rejections: Vec::new(),
            verification_date: "2021-06-09T10:15:30Z".into(),
            overrides: vec![("documentNumber".into(), "X00000007".into())],
        });
        c
    }

    /// Agent review in which the agent accepted a document that had expired
    /// (its `nonExpired` check was not valid): an override an auditor looks for.
    pub fn agent_accepted_expired() -> Case {
        let mut c = Case::accepted();
        c.stem = "agent-accepted-expired".into();
        c.process_id = "00000000-0000-4000-8000-000000000013".into();
        c.process_type = "high".into();
        c.person.date_of_expiry = "2021-01-01".into();
        c.checks[0].1 = false;
        c.manual = Some(Manual {
            rejections: Vec::new(),
            verification_date: "2021-06-09T10:20:00Z".into(),
            overrides: Vec::new(),
        });
        c
    }

    /// `substantialFullyAuto` never ends inconclusive: a missing OVI rejects.
    pub fn fully_auto() -> Case {
        let mut c = Case::accepted();
        c.stem = "fully-auto-rejected".into();
        c.process_id = "00000000-0000-4000-8000-000000000008".into();
        c.process_type = "substantialFullyAuto".into();
        c.status = "rejected".into();
        c.features[4] = FeatureSpec::missing("OVI 1");
        c.final_result = false;
        c
    }

    /// Recorded `accepted`, but the evidence shows a black-and-white copy and an
    /// expired document whose `nonExpired` check was still marked valid.
    pub fn contradicted() -> Case {
        let mut c = Case::accepted();
        c.stem = "recorded-accepted-contradicted".into();
        c.process_id = "00000000-0000-4000-8000-000000000009".into();
        c.checks[5].1 = false;
        c.person.date_of_expiry = "2021-01-31".into();
        c.extra_ocr = vec![("predictedAgeConfidence".into(), json!("0.93"))];
        c.checks.push(("screenReplay".into(), true));
        c
    }

    /// Members in nested folders with upper-case names, a back side and a feature on it.
    pub fn nested_upper() -> Case {
        let mut c = Case::accepted();
        c.stem = "nested-upper-case".into();
        c.process_id = "00000000-0000-4000-8000-000000000010".into();
        c.folder = Some("Result/Raw".into());
        c.upper_case = true;
        c.back = Some((640, 404));
        c.features
            .push(FeatureSpec::found("Barcode", 40, 300, 560, 60).on("back"));
        c.process = ProcessPlacement::InZipWithProviderSpecific;
        c
    }

    /// PNG media, with a box that leaves the image.
    pub fn png_media() -> Case {
        let mut c = Case::accepted();
        c.stem = "png-media".into();
        c.process_id = "00000000-0000-4000-8000-000000000011".into();
        c.image = ImageKind::Png;
        c.front = Some((320, 202));
        c.features = vec![
            FeatureSpec::found("Header", 42, 14, 124, 16),
            FeatureSpec::found("Photo", 16, 84, 70, 70),
            FeatureSpec::found("Signature", 201, 136, 150, 30),
        ];
        c.status = "accepted".into();
        c
    }

    /// The process record beside the archive (`<stem>.json`), not in it.
    pub fn beside() -> Case {
        let mut c = Case::accepted();
        c.stem = "process-beside".into();
        c.process_id = "00000000-0000-4000-8000-000000000012".into();
        c.process = ProcessPlacement::Beside;
        c
    }

    /// The cases written to `testdata/`, by file stem.
    pub fn testdata() -> Vec<Case> {
        vec![
            Case::accepted(),
            Case::rejected_expired(),
            Case::inconclusive(),
            Case::failed(),
            Case::native(),
            Case::agent_rejected(),
            Case::agent_override(),
            Case::agent_accepted_expired(),
            Case::fully_auto(),
            Case::contradicted(),
            Case::nested_upper(),
            Case::png_media(),
            Case::beside(),
        ]
    }
}

//! # eid-testkit
//!
//! Deterministic synthetic EID full-result archives: the JSON of both
//! dialects and real JPEG/PNG media in which every found feature's box is
//! painted in a colour derived from the feature's name ([`feature_colour`]),
//! so a crop can be checked by its pixels. The same [`Case`] always gives the
//! same bytes. All people and numbers are invented.

use image::{ImageEncoder, Rgb, RgbImage};
use serde_json::{Map, Value, json};
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;

pub mod corpus;
pub mod hostile;

/// The JSON shape the OCR evidence is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Assure (`providerSpecific.ocr` shape), as on the provider page.
    Assure,
    /// The provider's native result entity.
    Native,
}

/// Where the process record goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcessPlacement {
    /// `process.json` inside the zip.
    InZip,
    /// `<stem>.json` beside the zip, as integrators store it.
    Beside,
    /// Inside the zip, carrying the OCR (and manual approval) in `providerSpecific`
    /// instead of separate data files.
    InZipWithProviderSpecific,
    /// No process record at all.
    None,
}

/// Image encoding of the media.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    /// `.jpeg`, quality 90.
    Jpeg,
    /// `.png`, lossless.
    Png,
}

/// A feature to write into the OCR and paint onto its side's image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureSpec {
    /// `name`.
    pub name: String,
    /// `found`.
    pub found: bool,
    /// `side` word (`data`, `front`, `back`, or anything for hostile cases).
    pub side: String,
    /// `bbox` as `(x, y, width, height)`; written only when found.
    pub bbox: Option<(i64, i64, i64, i64)>,
}

impl FeatureSpec {
    /// A found feature with a box on side `data`.
    pub fn found(name: &str, x: i64, y: i64, w: i64, h: i64) -> Self {
        FeatureSpec {
            name: name.into(),
            found: true,
            side: "data".into(),
            bbox: Some((x, y, w, h)),
        }
    }

    /// A feature that was not found.
    pub fn missing(name: &str) -> Self {
        FeatureSpec {
            name: name.into(),
            found: false,
            side: "data".into(),
            bbox: None,
        }
    }

    /// The feature as both dialects write it; the box only when found.
    pub fn to_json(&self) -> Value {
        let mut o = Map::new();
        o.insert("name".into(), json!(self.name));
        o.insert("found".into(), json!(self.found));
        if let (true, Some((x, y, w, h))) = (self.found, self.bbox) {
            o.insert(
                "bbox".into(),
                json!({ "x": x, "y": y, "width": w, "height": h }),
            );
        }
        o.insert("side".into(), json!(self.side));
        Value::Object(o)
    }

    /// The same feature on another side.
    pub fn on(mut self, side: &str) -> Self {
        self.side = side.into();
        self
    }
}

/// The invented person on the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// `firstName`.
    pub first_name: String,
    /// `lastName`.
    pub last_name: String,
    /// `dateOfBirth`.
    pub date_of_birth: String,
    /// `documentNumber`.
    pub document_number: String,
    /// `dateOfExpiry`.
    pub date_of_expiry: String,
    /// `documentType`.
    pub document_type: String,
    /// `nationality`.
    pub nationality: String,
    /// `issuingCountry`.
    pub issuing_country: String,
    /// `gender`.
    pub gender: String,
    /// `personalIdentificationNumber`.
    pub personal_number: String,
}

impl Default for Person {
    fn default() -> Self {
        Person {
            first_name: "ALEX SAMPLE".into(),
            last_name: "TESTER EXAMPLE".into(),
            date_of_birth: "1990-04-29".into(),
            document_number: "X00000001".into(),
            date_of_expiry: "2030-10-05".into(),
            document_type: "passport".into(),
            nationality: "PRT".into(),
            issuing_country: "PRT".into(),
            gender: "F".into(),
            personal_number: "FAKE0000000001".into(),
        }
    }
}

/// An agent's manual approval.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Manual {
    /// `rejectionReasons` as `(type, message)`; empty means the agent accepted.
    pub rejections: Vec<(String, String)>,
    /// `verificationDate`.
    pub verification_date: String,
    /// Document fields the agent registered differently from the OCR: `(field, value)`.
    pub overrides: Vec<(String, String)>,
}

/// One synthetic verification, everything that goes into its archive.
#[derive(Debug, Clone)]
pub struct Case {
    /// File stem of the archive.
    pub stem: String,
    /// `processId` (and native `id`).
    pub process_id: String,
    /// `processType`.
    pub process_type: String,
    /// Recorded `status`.
    pub status: String,
    /// The OCR dialect.
    pub dialect: Dialect,
    /// Where the process record goes.
    pub process: ProcessPlacement,
    /// `similarityScore` as written, if any.
    pub similarity: Option<String>,
    /// Top-level `livenessDetected` string, if any.
    pub liveness: Option<String>,
    /// Security checks, `(name, valid)`.
    pub checks: Vec<(String, bool)>,
    /// Features.
    pub features: Vec<FeatureSpec>,
    /// The person on the document.
    pub person: Person,
    /// The agent's review, if any.
    pub manual: Option<Manual>,
    /// `failReason` `(type, message)`, if failed; a failed case has no OCR.
    pub fail_reason: Option<(String, String)>,
    /// Write `finalResult` into the process record.
    pub final_result: bool,
    /// `createdAt`.
    pub created_at: String,
    /// `updatedAt`.
    pub updated_at: String,
    /// A folder all members sit in, e.g. `result/raw`.
    pub folder: Option<String>,
    /// Write member names in upper case.
    pub upper_case: bool,
    /// Image encoding.
    pub image: ImageKind,
    /// Front image size; `None` for no front image.
    pub front: Option<(u32, u32)>,
    /// Back image size; `None` for no back image.
    pub back: Option<(u32, u32)>,
    /// Selfie size; `None` for no selfie.
    pub selfie: Option<(u32, u32)>,
    /// Add a `portrait` image.
    pub portrait: bool,
    /// Add a (fake, never decoded) video member.
    pub video: bool,
    /// Texture the images like photographs (for realistic sizes); flat otherwise.
    pub textured: bool,
    /// Extra keys put into the OCR JSON (schema drift).
    pub extra_ocr: Vec<(String, Value)>,
}

const SEED_FEATURES: &[(&str, i64, i64, i64, i64)] = &[
    ("Header", 84, 28, 248, 32),
    ("OVI 2", 596, 44, 32, 24),
    ("Signature", 402, 273, 217, 60),
    ("Photo", 32, 168, 141, 141),
    ("OVI 1", 12, 44, 72, 80),
];

fn seed_checks(names: &[&str]) -> Vec<(String, bool)> {
    names.iter().map(|n| ((*n).to_owned(), true)).collect()
}

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
            extra_ocr: Vec::new(),
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
            Case::fully_auto(),
            Case::contradicted(),
            Case::nested_upper(),
            Case::png_media(),
            Case::beside(),
        ]
    }

    fn document(&self) -> Map<String, Value> {
        let p = &self.person;
        let mut m = Map::new();
        for (k, v) in [
            ("firstName", &p.first_name),
            ("lastName", &p.last_name),
            ("dateOfBirth", &p.date_of_birth),
            ("documentNumber", &p.document_number),
            ("dateOfExpiry", &p.date_of_expiry),
            ("documentType", &p.document_type),
            ("nationality", &p.nationality),
            ("issuingCountry", &p.issuing_country),
            ("gender", &p.gender),
            ("personalIdentificationNumber", &p.personal_number),
        ] {
            m.insert(k.into(), json!(v));
        }
        m
    }

    /// The OCR JSON in the case's dialect; `None` for a failed case.
    pub fn ocr_json(&self) -> Option<Value> {
        if self.fail_reason.is_some() {
            return None;
        }
        Some(match self.dialect {
            Dialect::Assure => self.assure_ocr(),
            Dialect::Native => self.native_ocr(),
        })
    }

    fn assure_ocr(&self) -> Value {
        let mut m = self.document();
        if let Some(s) = &self.similarity {
            m.insert("similarityScore".into(), json!(s));
        }
        if let Some(l) = &self.liveness {
            m.insert("livenessDetected".into(), json!(l));
        }
        let checks: Map<String, Value> = self
            .checks
            .iter()
            .map(|(n, v)| (n.clone(), json!({ "valid": v })))
            .collect();
        m.insert("securityChecks".into(), Value::Object(checks));
        let features: Vec<Value> = self.features.iter().map(FeatureSpec::to_json).collect();
        m.insert("features".into(), Value::Array(features));
        for (k, v) in &self.extra_ocr {
            m.insert(k.clone(), v.clone());
        }
        Value::Object(m)
    }

    fn native_ocr(&self) -> Value {
        let p = &self.person;
        let checks: Map<String, Value> = self
            .checks
            .iter()
            .map(|(n, v)| (n.clone(), json!({ "name": n, "passed": v })))
            .collect();
        // The native entity keys its features by name.
        let features: Map<String, Value> = self
            .features
            .iter()
            .map(|f| (f.name.to_lowercase(), f.to_json()))
            .collect();
        let selfie = self.selfie.map(|(w, h)| {
            base64(&self.encode(&selfie_image(w, h, self.textured, self.noise_seed())))
        });
        let mut face = Map::new();
        if let Some(s) = &self.similarity {
            face.insert("similarityLevel".into(), json!(s));
        }
        if let Some(img) = selfie {
            face.insert("image".into(), json!(img));
        }
        json!({
            "id": self.process_id,
            "process": "ID_VERIFICATION",
            "status": self.status,
            "tenantId": "tenant-0001",
            "request": { "date": epoch_millis(&self.created_at), "minSimilarityLevel": "Medium" },
            "completion": { "date": epoch_millis(&self.updated_at) },
            "document": {
                "type": p.document_type,
                "issuer": p.issuing_country,
                "expiryDate": p.date_of_expiry,
                "documentNumber": p.document_number,
                "subject": {
                    "primaryName": p.last_name,
                    "secondaryName": p.first_name,
                    "birthDate": p.date_of_birth,
                    "sex": p.gender,
                    "nationality": p.nationality,
                    "personalNumber": p.personal_number,
                },
            },
            "biometrics": { "face": Value::Object(face) },
            "features": Value::Object(features),
            "securityChecks": Value::Object(checks),
        })
    }

    /// The agent's manual approval JSON, if reviewed.
    pub fn manual_json(&self) -> Option<Value> {
        let manual = self.manual.as_ref()?;
        let mut m = self.document();
        for (k, v) in &manual.overrides {
            m.insert(k.clone(), json!(v));
        }
        m.insert("duration".into(), json!("24"));
        m.insert(
            "videoId".into(),
            json!(format!("video-{}", self.process_id)),
        );
        m.insert(
            "verificationId".into(),
            json!(format!("verification-{}", self.process_id)),
        );
        m.insert("verifierId".into(), json!("agent-0042"));
        m.insert("verificationDate".into(), json!(manual.verification_date));
        m.insert("rAuthorityId".into(), json!("ra-0001"));
        let reasons: Vec<Value> = manual
            .rejections
            .iter()
            .map(|(t, msg)| json!({ "type": t, "message": msg }))
            .collect();
        m.insert("rejectionReasons".into(), Value::Array(reasons));
        Some(Value::Object(m))
    }

    /// The Assure process record.
    pub fn process_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("processId".into(), json!(self.process_id));
        m.insert("provider".into(), json!("eid"));
        m.insert("processType".into(), json!(self.process_type));
        m.insert("status".into(), json!(self.status));
        let mut depictions = Vec::new();
        for (d, present) in [
            ("front", self.front.is_some()),
            ("back", self.back.is_some()),
            ("selfie", self.selfie.is_some()),
            ("portrait", self.portrait),
        ] {
            if present {
                depictions.push(json!(d));
            }
        }
        m.insert("depictions".into(), Value::Array(depictions));
        if let Some((t, msg)) = &self.fail_reason {
            m.insert(
                "failReason".into(),
                json!({ "id": "00000000-0000-4000-8000-0000000000ff", "type": t, "message": msg }),
            );
        }
        if self.final_result {
            let mut fr = self.document();
            fr.remove("personalIdentificationNumber");
            if let Some(s) = &self.similarity {
                fr.insert("similarityScore".into(), json!(s));
            }
            fr.insert(
                "livenessDetected".into(),
                json!(self.liveness.as_deref() != Some("false")),
            );
            if let Some(manual) = &self.manual {
                for (k, v) in &manual.overrides {
                    fr.insert(k.clone(), json!(v));
                }
            }
            m.insert("finalResult".into(), Value::Object(fr));
        }
        if self.process == ProcessPlacement::InZipWithProviderSpecific || self.fail_reason.is_some()
        {
            let mut ps = Map::new();
            if self.process == ProcessPlacement::InZipWithProviderSpecific {
                if let Some(ocr) = self.ocr_json() {
                    ps.insert("ocr".into(), ocr);
                }
                if let Some(manual) = self.manual_json() {
                    ps.insert("manualApproval".into(), manual);
                }
            }
            if !ps.is_empty() {
                m.insert("providerSpecific".into(), Value::Object(ps));
            }
        }
        m.insert("createdAt".into(), json!(self.created_at));
        m.insert("updatedAt".into(), json!(self.updated_at));
        Value::Object(m)
    }

    fn member_name(&self, name: &str) -> String {
        let name = if self.upper_case {
            name.to_uppercase()
        } else {
            name.to_owned()
        };
        match &self.folder {
            Some(folder) => format!("{folder}/{name}"),
            None => name,
        }
    }

    fn image_ext(&self) -> &'static str {
        match self.image {
            ImageKind::Jpeg => "jpeg",
            ImageKind::Png => "png",
        }
    }

    fn encode(&self, img: &RgbImage) -> Vec<u8> {
        encode(img, self.image)
    }

    /// The image of one side with every found feature's box painted in its colour.
    pub fn side_image(&self, back: bool) -> Option<RgbImage> {
        let (w, h) = if back { self.back? } else { self.front? };
        let mut img = document_background(w, h, self.textured, back, self.noise_seed());
        for f in &self.features {
            let on_back = f.side.eq_ignore_ascii_case("back");
            if !f.found || on_back != back {
                continue;
            }
            if let Some(b) = f.bbox {
                paint_box(&mut img, b, feature_colour(&f.name));
            }
        }
        Some(img)
    }

    /// Seeds the texture noise, so every archive's photos differ.
    fn noise_seed(&self) -> u32 {
        self.process_id.bytes().fold(0x811c_9dc5u32, |h, b| {
            (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
        })
    }

    /// The members of the archive, in the order written: `(name, bytes)`.
    pub fn members(&self) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        let json_bytes =
            |v: &Value| serde_json::to_vec_pretty(v).expect("JSON values always serialise");
        if matches!(
            self.process,
            ProcessPlacement::InZip | ProcessPlacement::InZipWithProviderSpecific
        ) {
            out.push((
                self.member_name("process.json"),
                json_bytes(&self.process_json()),
            ));
        }
        if self.process != ProcessPlacement::InZipWithProviderSpecific {
            if let Some(ocr) = self.ocr_json() {
                let name = if self.dialect == Dialect::Native {
                    "result.json"
                } else {
                    "eid-ocr.json"
                };
                out.push((self.member_name(name), json_bytes(&ocr)));
            }
            if let Some(manual) = self.manual_json() {
                out.push((
                    self.member_name("eid-manual-approval.json"),
                    json_bytes(&manual),
                ));
            }
        }
        let ext = self.image_ext();
        if let Some(img) = self.side_image(false) {
            out.push((self.member_name(&format!("front.{ext}")), self.encode(&img)));
        }
        if let Some(img) = self.side_image(true) {
            out.push((self.member_name(&format!("back.{ext}")), self.encode(&img)));
        }
        // The native dialect carries the selfie inside the JSON.
        if let (Some((w, h)), Dialect::Assure) = (self.selfie, self.dialect) {
            out.push((
                self.member_name(&format!("selfie.{ext}")),
                self.encode(&selfie_image(w, h, self.textured, self.noise_seed())),
            ));
        }
        if self.portrait && self.fail_reason.is_none() {
            out.push((
                self.member_name(&format!("portrait.{ext}")),
                self.encode(&selfie_image(120, 150, false, 0)),
            ));
        }
        if self.video {
            out.push((self.member_name("video.mp4"), fake_mp4()));
        }
        out
    }

    /// The archive's bytes. The same case always gives the same bytes.
    pub fn to_zip(&self) -> Vec<u8> {
        zip_members(&self.members())
    }

    /// Writes `<stem>.zip` (and `<stem>.json` for a process record beside it) into `dir`.
    pub fn write_to(&self, dir: &Path) -> std::io::Result<PathBuf> {
        let path = dir.join(format!("{}.zip", self.stem));
        std::fs::write(&path, self.to_zip())?;
        if self.process == ProcessPlacement::Beside {
            let json = serde_json::to_vec_pretty(&self.process_json())
                .expect("JSON values always serialise");
            std::fs::write(dir.join(format!("{}.json", self.stem)), json)?;
        }
        Ok(path)
    }
}

/// Zips `(name, bytes)` members deterministically (fixed timestamps, deflate).
pub fn zip_members(members: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, bytes) in members {
        zip.start_file(name.as_str(), options)
            .expect("writing to memory cannot fail");
        zip.write_all(bytes).expect("writing to memory cannot fail");
    }
    zip.finish()
        .expect("writing to memory cannot fail")
        .into_inner()
}

/// The colour a feature's box is painted in: derived from its name (FNV-1a),
/// saturated and mid-bright so that JPEG keeps it recognisable.
pub fn feature_colour(name: &str) -> [u8; 3] {
    let mut h: u32 = 0x811c_9dc5;
    for b in name.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    // Hue from the hash; saturation and value fixed.
    let hue = (h % 360) as f32;
    let (s, v) = (0.85f32, 0.85f32);
    let c = v * s;
    let x = c * (1.0 - ((hue / 60.0) % 2.0 - 1.0).abs());
    let m = v - c;
    let (r, g, b) = match (hue / 60.0) as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let to = |f: f32| ((f + m) * 255.0).round() as u8;
    [to(r), to(g), to(b)]
}

fn document_background(w: u32, h: u32, textured: bool, back: bool, seed: u32) -> RgbImage {
    let mut state: u32 = (if back { 0x1234_5678 } else { 0x9e37_79b9 }) ^ seed | 1;
    RgbImage::from_fn(w, h, |x, y| {
        let base = if back {
            [214u8, 222, 228]
        } else {
            [232u8, 226, 214]
        };
        // Faint guilloche-like stripes make it look like a document, not a flat card.
        let stripe = if (x + 2 * y) % 24 < 2 { 18 } else { 0 };
        let noise = if textured {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            // Sensor-like noise: enough entropy that a JPEG weighs what a photo does.
            (state % 12) as u8
        } else {
            0
        };
        Rgb(base.map(|c| c.saturating_sub(stripe).saturating_sub(noise)))
    })
}

fn paint_box(img: &mut RgbImage, (x, y, w, h): (i64, i64, i64, i64), colour: [u8; 3]) {
    let (iw, ih) = (i64::from(img.width()), i64::from(img.height()));
    for py in y.max(0)..(y + h).min(ih) {
        for px in x.max(0)..(x + w).min(iw) {
            img.put_pixel(px as u32, py as u32, Rgb(colour));
        }
    }
}

fn selfie_image(w: u32, h: u32, textured: bool, seed: u32) -> RgbImage {
    let (cx, cy) = (w as f32 / 2.0, h as f32 * 0.45);
    let (rx, ry) = (w as f32 * 0.3, h as f32 * 0.32);
    let mut state = seed | 1;
    RgbImage::from_fn(w, h, |x, y| {
        let dx = (x as f32 - cx) / rx;
        let dy = (y as f32 - cy) / ry;
        let base = if dx * dx + dy * dy <= 1.0 {
            [224u8, 182, 150]
        } else {
            [90u8, 110, 140]
        };
        let noise = if textured {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state % 24) as u8
        } else {
            0
        };
        Rgb(base.map(|c| c.saturating_sub(noise)))
    })
}

/// Encodes an image as JPEG (quality 90) or PNG.
pub fn encode(img: &RgbImage, kind: ImageKind) -> Vec<u8> {
    let mut out = Vec::new();
    match kind {
        ImageKind::Jpeg => image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
            .write_image(
                img.as_raw(),
                img.width(),
                img.height(),
                image::ExtendedColorType::Rgb8,
            )
            .expect("encoding to memory cannot fail"),
        ImageKind::Png => image::codecs::png::PngEncoder::new(&mut out)
            .write_image(
                img.as_raw(),
                img.width(),
                img.height(),
                image::ExtendedColorType::Rgb8,
            )
            .expect("encoding to memory cannot fail"),
    }
    out
}

fn fake_mp4() -> Vec<u8> {
    // An ftyp box and a little padding: enough to look like an MP4; it is never decoded.
    let mut v = vec![0, 0, 0, 0x18];
    v.extend_from_slice(b"ftypisom\0\0\x02\0isomiso2");
    v.extend(std::iter::repeat_n(0u8, 1000));
    v
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                s.push(A[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// Unix milliseconds of an ISO-8601 UTC timestamp such as `2021-06-09T10:04:42Z`.
fn epoch_millis(ts: &str) -> i64 {
    let n = |r: std::ops::Range<usize>| ts.get(r).and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
    let (y, m, d) = (n(0..4), n(5..7), n(8..10));
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    (days * 86_400 + n(11..13) * 3600 + n(14..16) * 60 + n(17..19)) * 1000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_differ_and_are_stable() {
        assert_eq!(feature_colour("OVI 1"), feature_colour("OVI 1"));
        assert_ne!(feature_colour("OVI 1"), feature_colour("OVI 2"));
    }

    #[test]
    fn same_case_same_bytes() {
        assert_eq!(Case::accepted().to_zip(), Case::accepted().to_zip());
    }

    #[test]
    fn epoch_of_seed_timestamp() {
        assert_eq!(epoch_millis("1970-01-02T00:00:01Z"), 86_401_000);
    }
}

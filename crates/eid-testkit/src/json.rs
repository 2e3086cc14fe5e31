//! The JSON a case writes: the OCR in either dialect, the agent's review and
//! the process record.

use crate::media::{base64, selfie_image};
use crate::*;

impl Case {
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
            base64(&self.encode(&self.mark(selfie_image(w, h, self.textured, self.noise_seed()))))
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
}

/// Unix milliseconds of an ISO-8601 UTC timestamp such as `2021-06-09T10:04:42Z`.
pub(crate) fn epoch_millis(ts: &str) -> i64 {
    let n = |r: std::ops::Range<usize>| ts.get(r).and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
    let (y, m, d) = (n(0..4), n(5..7), n(8..10));
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    (days * 86_400 + n(11..13) * 3600 + n(14..16) * 60 + n(17..19)) * 1000
}

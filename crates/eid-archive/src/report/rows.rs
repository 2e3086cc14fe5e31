//! The rows of the five CSV files, built from one audited archive or from
//! the error that kept an archive from being audited.

use super::columns::{ArchiveRow, CheckRow, FeatureRow, FindingRow, MemberRow};
use crate::archive::StoredObject;
use crate::audit::Audit;
use crate::codes::join_values;
use crate::error::Error;
use crate::event::{Audited, Event};
use crate::pii::{Pii, PiiField};
use crate::verdict::decision::CHECK_FAILURES;
use crate::verdict::{Policy, ReasonCode};
use std::path::Path;

/// Every row one archive contributes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rows {
    /// Its row of `archives.csv`.
    pub archive: ArchiveRow,
    /// Its rows of `checks.csv`.
    pub checks: Vec<CheckRow>,
    /// Its rows of `features.csv`.
    pub features: Vec<FeatureRow>,
    /// Its rows of `findings.csv`.
    pub findings: Vec<FindingRow>,
    /// Its rows of `members.csv`.
    pub members: Vec<MemberRow>,
}

/// How rows are written: the personal-data mode, where crops are relative
/// to the report, and the policy (named in an error row too).
#[derive(Debug, Clone)]
pub(crate) struct RowOptions<'a> {
    /// The personal-data mode.
    pub(crate) pii: &'a Pii,
    /// The folder crops are written to, relative to the report folder, with a
    /// trailing slash (`crops/`).
    pub(crate) crops_prefix: &'a str,
    /// The policy in force.
    pub(crate) policy: &'a Policy,
}

impl Rows {
    /// All the rows, serialised one after the other without headers (the
    /// benches measure what a report writes per archive).
    pub(crate) fn to_csv(&self) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::with_capacity(4096));
        let _ = w.serialize(&self.archive);
        for r in &self.checks {
            let _ = w.serialize(r);
        }
        for r in &self.features {
            let _ = w.serialize(r);
        }
        for r in &self.findings {
            let _ = w.serialize(r);
        }
        for r in &self.members {
            let _ = w.serialize(r);
        }
        w.into_inner().unwrap_or_default()
    }

    /// The rows of one event: an audited archive's, or the one row of an
    /// archive that could not be read or judged.
    pub(crate) fn of_event(event: &Event<'_>, options: &RowOptions<'_>) -> Rows {
        match event.outcome {
            Ok(audited) => Rows::of_audited(event.path, audited, options),
            Err(e) => Rows::of_error(event.path, e, options),
        }
    }

    /// The rows of an archive that could not be read or judged: one row of
    /// `archives.csv`, fingerprinted when its bytes could be read, with what
    /// is not known left empty.
    fn of_error(path: &Path, error: &Error, options: &RowOptions<'_>) -> Rows {
        let mut row = ArchiveRow {
            archive: path.display().to_string(),
            error_code: error.code().to_owned(),
            error: error.detail(),
            policy: options.policy.name.clone(),
            policy_digest: options.policy.digest(),
            pii: options.pii.name(),
            ..ArchiveRow::default()
        };
        if let Some(f) = error.fingerprint() {
            row.sha256 = f.sha256.clone();
            row.bytes = Some(f.bytes);
        }
        Rows {
            archive: row,
            ..Rows::default()
        }
    }

    /// The rows of an audited archive.
    fn of_audited(path: &Path, audited: &Audited, options: &RowOptions<'_>) -> Rows {
        let a = &audited.audit;
        let archive = path.display().to_string();
        let p = options.pii.name();
        let mut rows = Rows {
            archive: archive_row(&archive, a, options.pii),
            ..Rows::default()
        };
        for c in a.checks() {
            rows.checks.push(CheckRow {
                archive: archive.clone(),
                process_id: a.process_id.clone(),
                check: c.name.clone(),
                valid: c.valid,
                result: c.result().as_str(),
                pii: p,
            });
        }
        for (i, f) in a.features().iter().enumerate() {
            rows.features.push(FeatureRow {
                archive: archive.clone(),
                process_id: a.process_id.clone(),
                feature: f.label().to_owned(),
                found: f.found,
                side: f.side.clone().unwrap_or_default(),
                x: f.bbox.map(|b| b.x),
                y: f.bbox.map(|b| b.y),
                width: f.bbox.map(|b| b.width),
                height: f.bbox.map(|b| b.height),
                image_sha256: f
                    .image_side()
                    .and_then(|side| audited.side_sha256(side))
                    .unwrap_or_default(),
                crop_file: audited
                    .crop_file(i)
                    .map(|f| format!("{}{f}", options.crops_prefix))
                    .unwrap_or_default(),
                pii: p,
            });
        }
        for f in audited.findings() {
            rows.findings.push(FindingRow {
                archive: archive.clone(),
                process_id: a.process_id.clone(),
                severity: f.severity,
                code: f.code.as_str(),
                subject: f.subject.clone(),
                message: f.message.clone(),
                pii: p,
            });
        }
        // Every summary column comes from the final list of findings.
        rows.archive.findings = Some(rows.findings.len());
        rows.archive.max_severity = rows
            .findings
            .iter()
            .map(|f| f.severity)
            .max()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default();
        for (i, m) in a.members.iter().enumerate() {
            let (sha256, sha256_error) = audited.member_sha256(i);
            rows.members.push(MemberRow {
                archive: archive.clone(),
                member: m.name.clone(),
                kind: m.kind.to_string(),
                bytes: m.size,
                compressed_bytes: m.compressed_size,
                crc32: format!("{:08x}", m.crc32),
                sha256,
                sha256_error,
                pii: p,
            });
        }
        rows
    }
}

fn archive_row(archive: &str, a: &Audit, pii: &Pii) -> ArchiveRow {
    let v = &a.verdict;
    let e = &a.evidence;
    let process = e.process.as_ref();
    let ocr = e.ocr.as_ref();
    // The OCR's document data, else the agent's, else finalResult.
    let field = |k: &str| e.document_value(k).unwrap_or_default().to_owned();
    let s = |o: Option<&String>| o.cloned().unwrap_or_default();
    let join = |it: Vec<String>| join_values(it);
    let subjects = |codes: &[ReasonCode]| join_values(v.automatic.subjects(codes));
    let review = v.review.as_ref();
    let stored = |f: fn(&StoredObject) -> Option<&String>| s(a.archive.stored.as_ref().and_then(f));
    ArchiveRow {
        archive: archive.to_owned(),
        sha256: a.archive.fingerprint.sha256.clone(),
        bytes: Some(a.archive.fingerprint.bytes),
        process_id: a.process_id.clone(),
        provider: s(process.and_then(|p| p.provider.as_ref())),
        process_type: s(process.and_then(|p| p.process_type.as_ref())),
        created_at: s(process.and_then(|p| p.created_at.as_ref())),
        updated_at: s(process.and_then(|p| p.updated_at.as_ref())),
        verification_date: v
            .verification_date
            .map(|d| d.date.to_string())
            .unwrap_or_default(),
        verification_date_source: v
            .verification_date
            .map(|d| d.source.to_string())
            .unwrap_or_default(),
        recorded_status: v
            .recorded_status
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        status: v.decision.status.to_string(),
        default_status: v.reference_status().to_string(),
        automatic_status: v.automatic.status.to_string(),
        agrees: v.agrees,
        reasons: v.decision.reasons_line(),
        automatic_reasons: v.automatic.reasons_line(),
        checks_failed: subjects(CHECK_FAILURES),
        features_missing: subjects(&[ReasonCode::FeatureNotFound]),
        similarity: a.similarity_text(),
        liveness: ocr.and_then(|o| o.liveness_detected),
        review_decision: review.map(|r| r.decision.to_string()).unwrap_or_default(),
        reviewer: review.and_then(|r| r.verifier.clone()).unwrap_or_default(),
        review_date: review
            .and_then(|r| r.date)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        rejection_types: review
            .map(|r| join(r.rejection_types.clone()))
            .unwrap_or_default(),
        document_type: field("documentType"),
        issuing_country: field("issuingCountry"),
        nationality: field("nationality"),
        date_of_issue: field("dateOfIssue"),
        date_of_expiry: field("dateOfExpiry"),
        document_number: pii.apply(PiiField::DocumentNumber, e.document_value("documentNumber")),
        first_name: pii.apply(PiiField::Name, e.document_value("firstName")),
        last_name: pii.apply(PiiField::Name, e.document_value("lastName")),
        date_of_birth: pii.apply(PiiField::DateOfBirth, e.document_value("dateOfBirth")),
        personal_number: pii.apply(
            PiiField::PersonalNumber,
            e.document_value("personalIdentificationNumber"),
        ),
        address: pii.apply(PiiField::Address, e.document_value("address")),
        findings: Some(v.findings.len()),
        max_severity: String::new(),
        error_code: String::new(),
        error: String::new(),
        process_record_file: e
            .outside_record
            .as_ref()
            .map(|o| o.path.clone())
            .unwrap_or_default(),
        process_record_sha256: e
            .outside_record
            .as_ref()
            .map(|o| o.sha256.clone())
            .unwrap_or_default(),
        object_etag: stored(|o| o.etag.as_ref()),
        object_version: stored(|o| o.version.as_ref()),
        stored_sha256: stored(|o| o.sha256.as_ref()),
        policy: a.policy.name.clone(),
        policy_digest: a.policy.digest(),
        pii: pii.name(),
    }
}

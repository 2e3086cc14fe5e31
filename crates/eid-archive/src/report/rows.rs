//! The rows of the five CSV files, built from one audited archive or from
//! the error that kept an archive from being audited.

use super::pii::{Pii, PiiField};
use crate::audit::{Audit, MemberHash};
use crate::crops::{CropOutcome, Crops};
use crate::error::{Error, OutputError};
use crate::verdict::{Finding, FindingCode, Policy, ReasonCode, Severity};
use serde::Serialize;
use std::path::Path;

/// A row of `archives.csv`: one per input archive, error rows included.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ArchiveRow {
    /// The archive's path as given or found.
    pub archive: String,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// Its size.
    pub bytes: Option<u64>,
    /// `processId`, else native `id`, else the file stem.
    pub process_id: String,
    /// `provider`.
    pub provider: String,
    /// `processType`.
    pub process_type: String,
    /// `createdAt`.
    pub created_at: String,
    /// `updatedAt`.
    pub updated_at: String,
    /// The day the verification is judged on.
    pub verification_date: String,
    /// The recorded status.
    pub recorded_status: String,
    /// The recomputed final status, under the policy in force.
    pub status: String,
    /// The final status under the default rules: the one the record is
    /// compared with (equal to `status` under the default policy).
    pub default_status: String,
    /// The automatic status (before any agent's decision).
    pub automatic_status: String,
    /// Recorded equals recomputed (empty when nothing was recorded).
    pub agrees: Option<bool>,
    /// `code/subject` of every reason, `; `-separated.
    pub reasons: String,
    /// Invalid or unreadable security checks, `; `-separated.
    pub checks_failed: String,
    /// Features not found, `; `-separated.
    pub features_missing: String,
    /// `similarityScore` as written.
    pub similarity: String,
    /// `livenessDetected`.
    pub liveness: Option<bool>,
    /// `documentType`.
    pub document_type: String,
    /// `issuingCountry`.
    pub issuing_country: String,
    /// `nationality`.
    pub nationality: String,
    /// `documentNumber`, under the personal-data mode.
    pub document_number: String,
    /// `firstName`, under the personal-data mode.
    pub first_name: String,
    /// `lastName`, under the personal-data mode.
    pub last_name: String,
    /// `dateOfBirth`, under the personal-data mode.
    pub date_of_birth: String,
    /// `personalIdentificationNumber`, under the personal-data mode.
    pub personal_number: String,
    /// `address`, under the personal-data mode.
    pub address: String,
    /// Number of findings.
    pub findings: usize,
    /// The most severe finding's severity.
    pub max_severity: String,
    /// The error's code, for error rows.
    pub error_code: String,
    /// The one-line error, for error rows.
    pub error: String,
    /// The policy in force, by name.
    pub policy: String,
    /// The policy's fingerprint ([`Policy::digest`](crate::Policy::digest)).
    pub policy_digest: String,
    /// The personal-data mode in force.
    pub pii: &'static str,
}

/// A row of `checks.csv`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckRow {
    /// The archive.
    pub archive: String,
    /// Its process id.
    pub process_id: String,
    /// The check's name as written.
    pub check: String,
    /// `true`, `false` or `unreadable`.
    pub valid: &'static str,
    /// The personal-data mode in force.
    pub pii: &'static str,
}

/// A row of `features.csv`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FeatureRow {
    /// The archive.
    pub archive: String,
    /// Its process id.
    pub process_id: String,
    /// The feature's name (`?` for an unreadable entry).
    pub feature: String,
    /// `found` (empty when unreadable).
    pub found: Option<bool>,
    /// The side word as written.
    pub side: String,
    /// Box left edge.
    pub x: Option<i64>,
    /// Box top edge.
    pub y: Option<i64>,
    /// Box width.
    pub width: Option<i64>,
    /// Box height.
    pub height: Option<i64>,
    /// The crop's path relative to the report folder, with `--crops`.
    pub crop_file: String,
    /// The personal-data mode in force.
    pub pii: &'static str,
}

/// A row of `findings.csv`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FindingRow {
    /// The archive.
    pub archive: String,
    /// Its process id.
    pub process_id: String,
    /// `info`, `warning` or `error`.
    pub severity: Severity,
    /// The finding code.
    pub code: &'static str,
    /// What it is about.
    pub subject: String,
    /// In words (never personal data).
    pub message: String,
    /// The personal-data mode in force.
    pub pii: &'static str,
}

/// A row of `members.csv`: the evidence manifest.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MemberRow {
    /// The archive.
    pub archive: String,
    /// The member's name as stored.
    pub member: String,
    /// What it is (`json:ocrAssure`, `image:front`, `video`, ...).
    pub kind: String,
    /// Declared inflated size.
    pub bytes: u64,
    /// Declared compressed size.
    pub compressed_bytes: u64,
    /// Declared CRC-32, 8 hex digits.
    pub crc32: String,
    /// SHA-256 of the inflated bytes, with `--hash-members`.
    pub sha256: String,
    /// The personal-data mode in force.
    pub pii: &'static str,
}

/// Every row one archive contributes.
#[derive(Debug, Clone, Default)]
pub struct Rows {
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

/// How rows are written: the personal-data mode, and where crops are, relative to the report.
#[derive(Debug, Clone)]
pub struct RowOptions<'a> {
    /// The personal-data mode.
    pub pii: &'a Pii,
    /// The folder crops are written to, relative to the report folder, with a
    /// trailing slash (`crops/`).
    pub crops_prefix: &'a str,
}

impl Rows {
    /// The rows of an archive that could not be read or judged: one row of
    /// `archives.csv`, fingerprinted when its bytes could be read.
    pub fn of_error(path: &Path, error: &Error, policy: &Policy, options: &RowOptions<'_>) -> Rows {
        let archive = path.display().to_string();
        let mut row = ArchiveRow {
            archive,
            process_id: crate::audit::file_stem(&path.to_string_lossy()),
            error_code: error.code().to_owned(),
            error: error.to_string(),
            policy: policy.name.clone(),
            policy_digest: policy.digest(),
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

    /// The rows of an audited archive; `crops` are its crops, when they were
    /// cut (or why they could not be written).
    pub fn of_audit(
        path: &Path,
        a: &Audit,
        crops: Option<Result<&Crops, &OutputError>>,
        options: &RowOptions<'_>,
    ) -> Rows {
        let archive = path.display().to_string();
        let p = options.pii.name();
        let cut = crops.and_then(Result::ok);
        let mut rows = Rows {
            archive: archive_row(&archive, a, options.pii),
            ..Rows::default()
        };
        for c in a.checks() {
            rows.checks.push(CheckRow {
                archive: archive.clone(),
                process_id: a.process_id.clone(),
                check: c.name.clone(),
                valid: match c.valid {
                    Some(true) => "true",
                    Some(false) => "false",
                    None => "unreadable",
                },
                pii: p,
            });
        }
        for (i, f) in a.features().iter().enumerate() {
            let crop_file = cut
                .and_then(|c| Some((c, c.features.get(i)?)))
                .and_then(|(c, fc)| match &fc.outcome {
                    CropOutcome::Cut { file, .. } => {
                        Some(format!("{}{}/{file}", options.crops_prefix, c.folder))
                    }
                    CropOutcome::NotCut(_) => None,
                })
                .unwrap_or_default();
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
                crop_file,
                pii: p,
            });
        }
        let not_written = match crops {
            Some(Err(why)) => Some(Finding::new(
                Severity::Error,
                FindingCode::CropsNotWritten,
                "crops",
                why.to_string(),
            )),
            _ => None,
        };
        let findings = a
            .verdict
            .findings
            .iter()
            .chain(cut.map_or(&[][..], |c| &c.findings))
            .chain(&not_written);
        for f in findings {
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
        rows.archive.findings = rows.findings.len();
        for (i, m) in a.members.iter().enumerate() {
            let sha256 = match a.member_hashes.as_ref().and_then(|h| h.get(i)) {
                Some(MemberHash::Sha256(h)) => h.clone(),
                Some(MemberHash::Failed(e)) => format!("error: {e}"),
                None => String::new(),
            };
            rows.members.push(MemberRow {
                archive: archive.clone(),
                member: m.name.clone(),
                kind: m.kind.to_string(),
                bytes: m.size,
                compressed_bytes: m.compressed_size,
                crc32: format!("{:08x}", m.crc32),
                sha256,
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
    let field = |k: &str| e.document_value(k);
    let s = |o: Option<&String>| o.cloned().unwrap_or_default();
    let join = |it: Vec<String>| it.join("; ");
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
        recorded_status: v
            .recorded_status
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        status: v.decision.status.as_str().to_owned(),
        default_status: v.reference_status().as_str().to_owned(),
        automatic_status: v.automatic.status.as_str().to_owned(),
        agrees: v.agrees,
        reasons: join(v.decision.reasons.iter().map(ToString::to_string).collect()),
        checks_failed: join(
            v.automatic
                .reasons
                .iter()
                .filter(|r| {
                    matches!(
                        r.code,
                        ReasonCode::SecurityCheckFailed | ReasonCode::SecurityCheckUnreadable
                    )
                })
                .map(|r| r.subject.clone())
                .collect(),
        ),
        features_missing: join(
            v.automatic
                .reasons
                .iter()
                .filter(|r| r.code == ReasonCode::FeatureNotFound)
                .map(|r| r.subject.clone())
                .collect(),
        ),
        similarity: ocr
            .and_then(|o| o.similarity_word())
            .unwrap_or_default()
            .to_owned(),
        liveness: ocr.and_then(|o| o.liveness_detected),
        document_type: field("documentType").unwrap_or_default().to_owned(),
        issuing_country: field("issuingCountry").unwrap_or_default().to_owned(),
        nationality: field("nationality").unwrap_or_default().to_owned(),
        document_number: pii.apply(PiiField::DocumentNumber, field("documentNumber")),
        first_name: pii.apply(PiiField::Name, field("firstName")),
        last_name: pii.apply(PiiField::Name, field("lastName")),
        date_of_birth: pii.apply(PiiField::DateOfBirth, field("dateOfBirth")),
        personal_number: pii.apply(
            PiiField::PersonalNumber,
            field("personalIdentificationNumber"),
        ),
        address: pii.apply(PiiField::Address, field("address")),
        findings: v.findings.len(),
        max_severity: v
            .max_severity()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        error_code: String::new(),
        error: String::new(),
        policy: a.policy.name.clone(),
        policy_digest: a.policy.digest(),
        pii: pii.name(),
    }
}

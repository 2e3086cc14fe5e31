//! The columns of the five CSV files, in order. Column names are snake_case
//! (the JSON outputs use camelCase for the same things); cells that hold
//! several values separate them with `; ` (a `;` or `%` inside a value is
//! written `%3B` or `%25`, so the split is exact); booleans are
//! `true`/`false`, empty when unknown; error rows leave empty what they do
//! not know rather than inventing it.

use crate::verdict::Severity;
use serde::Serialize;

/// A row of `archives.csv`: one per input archive, error rows included. The
/// verdict comes first (archive, process id, recorded status, status,
/// agrees, reasons): what a reviewer reads first.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ArchiveRow {
    /// The archive's path as given or found.
    pub archive: String,
    /// `processId`, else native `id`, else the file stem (empty for an archive
    /// that could not be read).
    pub process_id: String,
    /// The recorded status.
    pub recorded_status: String,
    /// The recomputed final status, under the policy in force.
    pub status: String,
    /// Recorded equals recomputed (empty when nothing final was recorded).
    pub agrees: Option<bool>,
    /// `code/subject` of every reason of the final status.
    pub reasons: String,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// Its size.
    pub bytes: Option<u64>,
    /// `provider`.
    pub provider: String,
    /// `processType`.
    pub process_type: String,
    /// `createdAt`.
    pub created_at: String,
    /// `updatedAt`.
    pub updated_at: String,
    /// The day the automatic verification is judged on.
    pub verification_date: String,
    /// The field that day came from (`updatedAt`, `completion.date`, `createdAt`).
    pub verification_date_source: String,
    /// The final status under the default rules: the one the record is
    /// compared with (equal to `status` under the default policy).
    pub default_status: String,
    /// The automatic status (before any agent's decision).
    pub automatic_status: String,
    /// `code/subject` of every reason of the automatic status.
    pub automatic_reasons: String,
    /// Invalid or unreadable security checks.
    pub checks_failed: String,
    /// Features not found.
    pub features_missing: String,
    /// The similarity level (`high`, `medium`, `low`, `veryLow`), else the word written.
    pub similarity: String,
    /// `livenessDetected`.
    pub liveness: Option<bool>,
    /// The agent's review: `accepted`, `rejected`, `noDecision`; empty without one.
    pub review_decision: String,
    /// The agent (`verifierId`).
    pub reviewer: String,
    /// The day of the review.
    pub review_date: String,
    /// The types of the agent's rejection reasons.
    pub rejection_types: String,
    /// `documentType`.
    pub document_type: String,
    /// `issuingCountry`.
    pub issuing_country: String,
    /// `nationality`.
    pub nationality: String,
    /// `dateOfIssue`.
    pub date_of_issue: String,
    /// `dateOfExpiry`.
    pub date_of_expiry: String,
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
    /// Number of findings (empty for an archive that could not be read).
    pub findings: Option<usize>,
    /// The most severe finding's severity.
    pub max_severity: String,
    /// The error's code, for error rows.
    pub error_code: String,
    /// What is wrong, for error rows (the archive is in the first column).
    pub error: String,
    /// The process record file used from outside the archive, if any.
    pub process_record_file: String,
    /// Its SHA-256.
    pub process_record_sha256: String,
    /// The ETag of the object the archive was read from (object storage only).
    pub object_etag: String,
    /// The object's version, on a versioned bucket.
    pub object_version: String,
    /// The store's own SHA-256 of the object, when it keeps one (compared
    /// with `sha256`: `StoredChecksumMismatch` when they differ).
    pub stored_sha256: String,
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
    /// `true` or `false`; empty when the result cannot be read.
    pub valid: Option<bool>,
    /// `valid`, `invalid` or `unreadable`.
    pub result: &'static str,
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
    /// SHA-256 of the image of the feature's side, when it was hashed
    /// (`--crops` or `--hash-members`).
    pub image_sha256: String,
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
    /// SHA-256 of the inflated bytes, when they were hashed.
    pub sha256: String,
    /// Why the member could not be hashed (its CRC or size fails), if so.
    pub sha256_error: String,
    /// The personal-data mode in force.
    pub pii: &'static str,
}

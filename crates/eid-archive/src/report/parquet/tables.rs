//! The five tables: for each, its columns (the CSV file's, in order, with
//! a type) and the function that puts a row's cells. A table added to the
//! report is one more pair here and one more line in `Tables`.

use super::table::{Cells, Column, Kind};
use crate::report::columns::{ArchiveRow, CheckRow, FeatureRow, FindingRow, MemberRow};

use Kind::{Code, Day, DayAsWritten, Flag, InstantAsWritten, Int, Size, Text, Values};

/// `archives.parquet`.
pub(crate) const ARCHIVES: &[Column] = &[
    ("archive", Text),
    ("process_id", Text),
    ("recorded_status", Code),
    ("status", Code),
    ("agrees", Flag),
    ("reasons", Values),
    ("sha256", Text),
    ("bytes", Size),
    ("provider", Code),
    ("process_type", Code),
    ("created_at", InstantAsWritten),
    ("updated_at", InstantAsWritten),
    ("verification_date", Day),
    ("verification_date_source", Code),
    ("default_status", Code),
    ("automatic_status", Code),
    ("automatic_reasons", Values),
    ("checks_failed", Values),
    ("features_missing", Values),
    ("similarity", Code),
    ("liveness", Flag),
    ("review_decision", Code),
    ("reviewer", Code),
    ("review_date", Day),
    ("rejection_types", Values),
    ("document_type", Code),
    ("issuing_country", Code),
    ("nationality", Code),
    ("date_of_issue", DayAsWritten),
    ("date_of_expiry", DayAsWritten),
    // Personal data, under the mode in force: a masked or keyed value is no
    // date, so every one of them is text.
    ("document_number", Text),
    ("first_name", Text),
    ("last_name", Text),
    ("date_of_birth", Text),
    ("personal_number", Text),
    ("address", Text),
    ("findings", Size),
    ("max_severity", Code),
    ("error_code", Code),
    ("error", Text),
    ("process_record_file", Text),
    ("process_record_sha256", Text),
    ("object_etag", Text),
    ("object_version", Text),
    ("stored_sha256", Text),
    ("policy", Code),
    ("policy_digest", Code),
    ("pii", Code),
];

/// The cells of a row of `archives.parquet`.
pub(crate) fn archive(r: &ArchiveRow, c: &mut Cells) {
    c.text(&r.archive);
    c.text(&r.process_id);
    c.code(&r.recorded_status);
    c.code(&r.status);
    c.flag(r.agrees);
    c.values(&r.reasons);
    c.text(&r.sha256);
    c.size(r.bytes);
    c.code(&r.provider);
    c.code(&r.process_type);
    c.instant_as_written(&r.created_at);
    c.instant_as_written(&r.updated_at);
    c.day(&r.verification_date);
    c.code(&r.verification_date_source);
    c.code(&r.default_status);
    c.code(&r.automatic_status);
    c.values(&r.automatic_reasons);
    c.values(&r.checks_failed);
    c.values(&r.features_missing);
    c.code(&r.similarity);
    c.flag(r.liveness);
    c.code(&r.review_decision);
    c.code(&r.reviewer);
    c.day(&r.review_date);
    c.values(&r.rejection_types);
    c.code(&r.document_type);
    c.code(&r.issuing_country);
    c.code(&r.nationality);
    c.day_as_written(&r.date_of_issue);
    c.day_as_written(&r.date_of_expiry);
    c.text(&r.document_number);
    c.text(&r.first_name);
    c.text(&r.last_name);
    c.text(&r.date_of_birth);
    c.text(&r.personal_number);
    c.text(&r.address);
    c.size(r.findings.map(|n| n as u64));
    c.code(&r.max_severity);
    c.code(&r.error_code);
    c.text(&r.error);
    c.text(&r.process_record_file);
    c.text(&r.process_record_sha256);
    c.text(&r.object_etag);
    c.text(&r.object_version);
    c.text(&r.stored_sha256);
    c.code(&r.policy);
    c.code(&r.policy_digest);
    c.code(r.pii);
}

/// `checks.parquet`.
pub(crate) const CHECKS: &[Column] = &[
    ("archive", Text),
    ("process_id", Text),
    ("check", Code),
    ("valid", Flag),
    ("result", Code),
    ("pii", Code),
];

/// The cells of a row of `checks.parquet`.
pub(crate) fn check(r: &CheckRow, c: &mut Cells) {
    c.text(&r.archive);
    c.text(&r.process_id);
    c.code(&r.check);
    c.flag(r.valid);
    c.code(r.result);
    c.code(r.pii);
}

/// `features.parquet`.
pub(crate) const FEATURES: &[Column] = &[
    ("archive", Text),
    ("process_id", Text),
    ("feature", Code),
    ("found", Flag),
    ("side", Code),
    ("x", Int),
    ("y", Int),
    ("width", Int),
    ("height", Int),
    ("image_sha256", Text),
    ("crop_file", Text),
    ("pii", Code),
];

/// The cells of a row of `features.parquet`.
pub(crate) fn feature(r: &FeatureRow, c: &mut Cells) {
    c.text(&r.archive);
    c.text(&r.process_id);
    c.code(&r.feature);
    c.flag(r.found);
    c.code(&r.side);
    c.int(r.x);
    c.int(r.y);
    c.int(r.width);
    c.int(r.height);
    c.text(&r.image_sha256);
    c.text(&r.crop_file);
    c.code(r.pii);
}

/// `findings.parquet`.
pub(crate) const FINDINGS: &[Column] = &[
    ("archive", Text),
    ("process_id", Text),
    ("severity", Code),
    ("code", Code),
    ("subject", Text),
    ("message", Text),
    ("pii", Code),
];

/// The cells of a row of `findings.parquet`.
pub(crate) fn finding(r: &FindingRow, c: &mut Cells) {
    c.text(&r.archive);
    c.text(&r.process_id);
    c.code(r.severity.as_str());
    c.code(r.code);
    c.text(&r.subject);
    c.text(&r.message);
    c.code(r.pii);
}

/// `members.parquet`.
pub(crate) const MEMBERS: &[Column] = &[
    ("archive", Text),
    ("member", Text),
    ("kind", Code),
    ("bytes", Size),
    ("compressed_bytes", Size),
    // Eight hex digits, an identity rather than a number to compute with.
    ("crc32", Text),
    ("sha256", Text),
    ("sha256_error", Text),
    ("pii", Code),
];

/// The cells of a row of `members.parquet`.
pub(crate) fn member(r: &MemberRow, c: &mut Cells) {
    c.text(&r.archive);
    c.text(&r.member);
    c.code(&r.kind);
    c.size(Some(r.bytes));
    c.size(Some(r.compressed_bytes));
    c.text(&r.crc32);
    c.text(&r.sha256);
    c.text(&r.sha256_error);
    c.code(r.pii);
}

//! Compliance reports, one consumer of the audits: [`Rows`] are made from an
//! audit (or an error) for the five CSV files, [`Pii`] writes personal data
//! under the chosen mode, [`Summary`] counts what was written, and
//! [`ReportWriter`] writes the files so that a report is replaced only when
//! complete.

mod columns;
mod excel;
mod rows;
mod run;
mod summary;
mod writer;

pub use columns::{ArchiveRow, CheckRow, FeatureRow, FindingRow, MemberRow, SEPARATOR};
pub(crate) use rows::final_findings;
pub use rows::{RowOptions, Rows};
pub use run::{
    FileRecord, Host, Images, PolicyRecord, RunRecord, SummaryRecord, Tool, utc_timestamp,
};
pub use summary::{ClaimsCount, Summary};
pub use writer::{ReportWriter, WriterOptions};

/// The report's file names, in the order they are written.
pub const REPORT_FILES: [&str; 5] = [
    "archives.csv",
    "checks.csv",
    "features.csv",
    "findings.csv",
    "members.csv",
];

/// Every entry a report puts in its folder; a new report replaces all of
/// them, so nothing stale (crops of an earlier run) is left beside it.
pub const REPORT_ENTRIES: [&str; 12] = [
    "archives.csv",
    "checks.csv",
    "features.csv",
    "findings.csv",
    "members.csv",
    "audits.jsonl",
    "verified_claims.jsonl",
    "summary.txt",
    "run.json",
    "crops",
    "crops.zip",
    "html",
];

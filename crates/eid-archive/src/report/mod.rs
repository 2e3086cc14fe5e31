//! Compliance reports, one consumer of the audits: [`Rows`] are made from an
//! audit (or an error) for the five CSV files, [`Pii`] writes personal data
//! under the chosen mode, [`Summary`] counts what was written, and
//! [`ReportWriter`] writes the files so that a report is replaced only when
//! complete.

mod pii;
mod rows;
mod summary;
mod writer;

pub use pii::{Pii, PiiField};
pub use rows::{ArchiveRow, CheckRow, FeatureRow, FindingRow, MemberRow, RowOptions, Rows};
pub use summary::Summary;
pub use writer::ReportWriter;

/// The report's file names, in the order they are written.
pub const REPORT_FILES: [&str; 5] = [
    "archives.csv",
    "checks.csv",
    "features.csv",
    "findings.csv",
    "members.csv",
];

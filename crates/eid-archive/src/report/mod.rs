//! The report folder's files, each a sink of the run's events: the five CSV
//! files ([`Rows`] of each event), `audits.jsonl`, `summary.txt` and
//! `run.json` (from the run's tally), with `--parquet` the tables as
//! Parquet files too, all written by a [`ReportWriter`]
//! into a staging folder that replaces an earlier report only when complete.
//! Nothing here knows how exhibits or pages are made.

mod columns;
mod excel;
mod folder;
mod lines;
#[cfg(feature = "parquet")]
pub(crate) mod parquet;
#[cfg(not(feature = "parquet"))]
#[path = "parquet_off.rs"]
pub(crate) mod parquet;
mod record;
mod rows;
mod staged;
mod summary;
mod writer;

pub(crate) use folder::own_files;
pub(crate) use lines::audit_line;
pub use record::Tool;
pub(crate) use record::{FileRecord, Host, Images, PolicyRecord, RunRecord, utc_timestamp};
pub(crate) use rows::{RowOptions, Rows};
pub(crate) use staged::Staged;
pub(crate) use summary::Summary;
pub(crate) use writer::{ReportWriter, WriterOptions, hash_file};

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
pub const REPORT_ENTRIES: [&str; 24] = [
    "archives.csv",
    "checks.csv",
    "features.csv",
    "findings.csv",
    "members.csv",
    "archives.parquet",
    "checks.parquet",
    "features.parquet",
    "findings.parquet",
    "members.parquet",
    "duplicates.csv",
    "duplicates-index.csv",
    "sample.csv",
    "retention.csv",
    "duplicates.parquet",
    "sample.parquet",
    "retention.parquet",
    "audits.jsonl",
    "verified_claims.jsonl",
    "summary.txt",
    "run.json",
    "crops",
    "crops.zip",
    "html",
];

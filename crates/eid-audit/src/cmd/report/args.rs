//! The arguments of `eid-audit report`: the command-line contract.

use super::super::crops::ExhibitArgs;
use super::super::{IdaArgs, JudgeArgs, PiiArgs};
use eid_archive::batch::Shard;
use std::num::NonZeroUsize;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  eid-audit report testdata/*.zip -o report -f
  eid-audit report /store -o report --crops --crops-exclude Photo --jsonl
  find /store -name '*.zip' | eid-audit report - -o report --pii hmac --pii-key-file key
  eid-audit report /store -o out/3 --shard 3/8
  eid-audit report /store -o report --ida --pii full
  eid-audit report testdata/*.zip -o report -f --html
  eid-audit report /store -o report --parquet
  eid-audit report /store -o report --sample 50 --seed 2026-05-04 --strata status --retention-years 5
  AWS_REGION=eu-north-1 eid-audit report s3://bank-kyc/eid/2026/ -o report --requests 32")]
pub struct Args {
    /// Archives, or folders walked recursively for *.zip; `-` reads paths
    /// from standard input; `s3://bucket/prefix` (or `gs://`, `az://`) reads
    /// every *.zip object below the prefix from object storage, with the
    /// credentials of the environment (AWS_*, AWS_ENDPOINT_URL, AWS_ALLOW_HTTP).
    #[arg(required = true, value_name = "PATH")]
    pub(super) paths: Vec<PathBuf>,
    /// Report folder: archives.csv, checks.csv, features.csv, findings.csv,
    /// members.csv, summary.txt, run.json (and audits.jsonl, verified_claims.jsonl, crops/).
    #[arg(short, long, value_name = "DIR")]
    pub(super) out: PathBuf,
    /// Worker threads (default: one per core).
    #[arg(short, long, value_name = "N")]
    pub(super) jobs: Option<NonZeroUsize>,
    /// Also write each archive's exhibits under DIR/crops/<processId>/: each side
    /// as stored, its annotation, a crop per feature. Images are personal data:
    /// faces and signatures are written whatever --pii says (see --crops-exclude).
    #[arg(long)]
    pub(super) crops: bool,
    /// Where the exhibits go: a folder per archive under DIR/crops/, or one
    /// uncompressed DIR/crops.zip holding the same layout (one file instead
    /// of thousands: faster to write, to copy and to hash).
    #[arg(
        long,
        value_enum,
        default_value = "folder",
        requires = "crops",
        value_name = "WHERE"
    )]
    pub(super) crops_into: Into,
    #[command(flatten)]
    pub(super) exhibits: ExhibitArgs,
    #[command(flatten)]
    pub(super) personal: PiiArgs,
    /// SHA-256 of every member in members.csv; inflating each whole also checks
    /// its CRC and size (a failure is an error finding, and exit code 2).
    #[arg(long)]
    pub(super) hash_members: bool,
    /// Decode every image, so that a broken one is a finding without --crops.
    #[arg(long)]
    pub(super) verify_media: bool,
    /// Also write audits.jsonl: one JSON object per archive, as inspect --format json.
    #[arg(long)]
    pub(super) jsonl: bool,
    /// Also write verified_claims.jsonl: OpenID Identity Assurance verified
    /// claims of each archive accepted and agreeing with its record (see
    /// docs/ida.md). Needs --pii full; hashes every member, as --hash-members.
    #[arg(long)]
    pub(super) ida: bool,
    #[command(flatten)]
    pub(super) export: IdaArgs,
    /// Also write DIR/html/: index.html (the run at a glance, charts, the
    /// disagreements and errors), every archive in pages of 1,000 rows, and a
    /// page per archive with its sides annotated. Personal data follows
    /// --pii; images are copied only under --pii full.
    #[arg(long)]
    pub(super) html: bool,
    /// Also write archives.parquet, checks.parquet, features.parquet,
    /// findings.parquet and members.parquet beside the CSV files: the same
    /// rows, typed (booleans, dates, UTC timestamps, sizes, lists), zstd
    /// (docs/parquet.md).
    #[arg(long)]
    pub(super) parquet: bool,
    /// Write the CSV files for spreadsheets: a byte-order mark, formula-like
    /// cells made text, CRC-32 kept as text.
    #[arg(long)]
    pub(super) excel: bool,
    /// Replace a report already in DIR (all of it, earlier crops included).
    #[arg(short, long)]
    pub(super) force: bool,
    /// No progress bar.
    #[arg(short, long)]
    pub(super) quiet: bool,
    /// What the exit code fails on: `disagreement` (1 when a recomputed
    /// status disagrees, 2 when an archive cannot be read), or `error` (0
    /// for any complete audit, whatever it found; 2 for unreadable input,
    /// integrity failures and bad usage), for schedulers that retry or block
    /// dependent jobs on a non-zero exit.
    #[arg(long, value_enum, default_value = "disagreement", value_name = "WHAT")]
    pub(super) fail_on: FailOn,
    /// Process only shard K of N (1-based), chosen by a hash of each
    /// archive's path relative to the folder named (the same however the
    /// store is spelled or mounted).
    #[arg(long, value_name = "K/N")]
    pub(super) shard: Option<Shard>,
    /// Objects read from object storage at once (each held whole in memory
    /// while it is audited).
    #[arg(long, value_name = "K", default_value = "16")]
    pub(super) requests: NonZeroUsize,
    /// Times a failed object-storage request is tried again, with backoff;
    /// a failure that persists is an error row, and exit code 75.
    #[arg(long, value_name = "N", default_value = "10")]
    pub(super) retries: usize,
    /// Read the keys listed in FILE (one a line, or an S3 Inventory CSV
    /// report) from the bucket named, instead of listing its prefix.
    #[arg(long, value_name = "FILE")]
    pub(super) manifest: Option<PathBuf>,
    #[command(flatten)]
    pub(super) population: super::population::PopulationArgs,
    #[command(flatten)]
    pub(super) judge: JudgeArgs,
}

/// What `report`'s exit code fails on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum FailOn {
    /// Exit 1 when a status disagrees (or cannot be read), 2 on errors.
    Disagreement,
    /// Exit 0 for a complete audit; 2 only on errors.
    Error,
}

/// Where `report --crops` puts the exhibits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum Into {
    /// DIR/crops/<processId>/...
    Folder,
    /// DIR/crops.zip, holding crops/<processId>/...
    Zip,
}

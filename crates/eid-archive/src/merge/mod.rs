//! Shard reports made into one report, as a library call: the report that
//! one `report` run over the whole store would have written.
//!
//! [`merge`] first proves that the shards belong together, and refuses
//! them otherwise with one [`Refusal`] naming the shard: each folder must
//! be a shard report (a `run.json` with a `shard` record); all must have
//! the same tool version, policy digest, limits, personal-data mode, shard
//! count, `keysDigest` (the store listing) and options that shape the
//! report (the same files written, the same exhibits); every shard of the
//! count must be there, once; and every file a shard's `run.json` lists
//! must still hold the bytes it hashed (a shard changed or copied half-way
//! is refused, naming the file).
//!
//! Then it writes, through the same safe folder as `report` (lock, staging,
//! journalled swap, `--force` replacing only eid-audit's own files):
//!
//! - every CSV file, `audits.jsonl` and `verified_claims.jsonl`, the
//!   shards' records copied byte for byte in the order one run writes them
//!   (a streaming k-way merge, memory flat in the number of rows:
//!   `streams`), whatever the columns, as long as every shard has the same;
//! - every Parquet file (`--parquet`), the shards' rows taken in the same
//!   order and written as one run writes them (`parquet`);
//! - `crops/`: each shard's exhibits folders, under their names (refused
//!   when two shards hold a folder of one name: `copy`);
//! - with `html`, `html/` as one run writes it: the index and the pages of
//!   all archives from the merged rows, each archive's page copied from its
//!   shard and renumbered (`pages`);
//! - `summary.txt` from the merged counts (the shards' counts added; the
//!   disagreements and errors named in merged order), as `report` writes it;
//! - `run.json`: the shards' tool, policy, limits and mode, the merged
//!   summary, each shard's `run.json` with its SHA-256 (`merged`), and the
//!   SHA-256 of every file written (`outputs`).

mod copy;
mod counts;
mod grouped;
mod pages;
#[cfg(feature = "parquet")]
mod parquet;
mod population;
mod records;
mod shards;
mod streams;

use crate::error::OutputError;
use crate::report::{FileRecord, Staged, Summary, Tool, utc_timestamp};
use crate::tally::Tally;
use serde::Serialize;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Instant, SystemTime};
use streams::{Follower, Stop};

/// How shards are merged.
#[non_exhaustive]
#[derive(Debug, Clone, Default)]
pub struct MergeOptions {
    /// The merged report's folder.
    pub out: PathBuf,
    /// Replace a report already there (only what eid-audit wrote).
    pub force: bool,
    /// Also write `html/` (every shard must have its pages).
    pub html: bool,
    /// The tool that merges, recorded as `mergedBy`.
    pub tool: Tool,
    /// The command line, for `run.json`.
    pub command_line: Vec<String>,
}

impl MergeOptions {
    /// Merge into `out`.
    pub fn new(out: impl Into<PathBuf>) -> MergeOptions {
        MergeOptions {
            out: out.into(),
            ..MergeOptions::default()
        }
    }

    /// These options, replacing an earlier report or not.
    pub fn with_force(mut self, force: bool) -> Self {
        self.force = force;
        self
    }

    /// These options, with `html/` or not.
    pub fn with_html(mut self, html: bool) -> Self {
        self.html = html;
        self
    }

    /// These options, with the merging tool and its command line recorded.
    pub fn with_invocation(mut self, tool: Tool, command_line: Vec<String>) -> Self {
        self.tool = tool;
        self.command_line = command_line;
        self
    }
}

/// What a merge wrote.
#[non_exhaustive]
#[derive(Debug)]
pub struct Merged {
    /// The counts of the whole store, as one run would have counted them.
    pub tally: Tally,
    /// The report's entries, as they now are in its folder.
    pub entries: Vec<PathBuf>,
    /// The summary as a terminal shows it.
    pub summary: String,
    /// How many shards were merged.
    pub shards: usize,
    /// An earlier run was killed while it replaced its report: the report
    /// before it was put back first.
    pub recovered: bool,
}

/// Shards that do not make one report, and which one says so.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{shard}: {what}")]
pub struct Refusal {
    /// The shard, as `shard 3 (out/3)` (or the folder, when it is none).
    pub shard: String,
    /// What is wrong with it.
    pub what: String,
}

/// Why a merge did not complete. The output folder is left as it was.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// The shards do not belong together.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// A file could not be read or written.
    #[error(transparent)]
    Output(#[from] OutputError),
}

impl From<Stop> for MergeError {
    fn from(s: Stop) -> MergeError {
        match s {
            Stop::Refused(r) => MergeError::Refused(r),
            Stop::Output(o) => MergeError::Output(o),
        }
    }
}

impl From<copy::CopyError> for MergeError {
    fn from(e: copy::CopyError) -> MergeError {
        match e {
            copy::CopyError::Refused(r) => MergeError::Refused(r),
            copy::CopyError::Output(o) => MergeError::Output(o),
        }
    }
}

/// Merges the shard reports in `dirs` into `options.out`.
///
/// ```no_run
/// use eid_archive::merge::{self, MergeOptions};
/// let dirs: Vec<_> = (1..=4).map(|k| format!("out/{k}").into()).collect();
/// let merged = merge::merge(&dirs, &MergeOptions::new("merged"))?;
/// println!("{} archives, {} disagree", merged.tally.archives, merged.tally.disagreements);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn merge(dirs: &[PathBuf], options: &MergeOptions) -> Result<Merged, MergeError> {
    let started_at = SystemTime::now();
    let started = Instant::now();
    let mut shards = dirs
        .iter()
        .map(|d| shards::read(d))
        .collect::<Result<Vec<_>, _>>()?;
    shards::check_together(&mut shards, options.html)?;
    shards::check_out(&shards, &options.out)?;
    let first = &shards[0];
    for entry in first.entries() {
        match entry {
            "crops.zip" => {
                return Err(first
                    .refuse("merge does not merge crops.zip yet: run the shards with --crops-into folder")
                    .into());
            }
            "crops"
            | "html"
            | "run.json"
            | "summary.txt"
            | "audits.jsonl"
            | "verified_claims.jsonl"
            | "duplicates.csv"
            | "duplicates-index.csv"
            | "sample.csv" => {}
            e if e.ends_with(".csv") => {}
            #[cfg(feature = "parquet")]
            e if e.ends_with(".parquet") => {}
            #[cfg(not(feature = "parquet"))]
            e if e.ends_with(".parquet") => {
                return Err(first
                    .refuse(format!(
                        "this eid-audit was built without Parquet support and cannot merge {e}"
                    ))
                    .into());
            }
            e => {
                return Err(first
                    .refuse(format!("merge does not know how to merge {e}"))
                    .into());
            }
        }
    }
    shards::check_hashes(&shards)?;
    let mut tally = Tally {
        // The shards ran under one policy (checked above): its warnings.
        policy_warnings: first.run["policy"]["warnings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|w| w.as_str().map(str::to_owned))
            .collect(),
        ..Tally::default()
    };
    for s in &shards {
        counts::add(
            &mut tally,
            &counts::read_summary(&s.run).map_err(|e| s.refuse(e))?,
        );
    }
    let staged = Staged::create(&options.out, options.force)?;
    let staging = staged.path().to_owned();
    let merging = population::start(&shards)?;
    let mut followers = followers(&shards, &staging)?;
    followers.push(Box::new(population::IndexFollower {
        merging: merging.clone(),
        names: shards.iter().map(|s| s.name()).collect(),
    }));
    let mut pages = match options.html {
        true => Some(pages::Pages::create(&shards, &staging)?),
        false => None,
    };
    streams::merge(&shards, &staging, followers, &mut tally, &mut |pick| {
        pages
            .as_mut()
            .map_or(Ok(()), |p| p.add(pick, &shards[pick.shard]))
    })?;
    let html = options.html.then(|| staging.join("html"));
    let finished = Rc::try_unwrap(merging)
        .map_err(|_| OutputError::Options("the duplicates index is still in use".into()))?
        .into_inner()
        .finish(&staging)?
        .map_err(|r| population::refusal(&shards, r))?;
    #[cfg(feature = "parquet")]
    if first.has("duplicates.parquet") {
        let footer = parquet::footer(first).map_err(MergeError::from)?;
        crate::report::parquet::write_population(
            &staging,
            &footer,
            &["duplicates.csv", "sample.csv"],
        )?;
    }
    if let (Some(dir), Some(record)) = (&html, &finished.sections.sample) {
        let pii = pages::pii_of(&first.run);
        crate::html::write_sample_page(dir, &finished.sample, record, &pii)?;
    }
    let sections = finished.sections;
    tally.population = Some(Box::new(sections.clone()));
    if first.has("crops") {
        copy::crops(&shards, &staging)?;
    }
    if let Some(p) = pages {
        let about = format!(
            "merged by {} from {} shards, merge started {}",
            options.tool.describe(),
            shards.len(),
            crate::report::utc_timestamp(started_at)
        );
        p.finish(&tally, &about)?;
    }
    let seconds = started.elapsed().as_secs_f64();
    let summary = Summary(&tally);
    let recovered = staged.recovered();
    let entries = staged.finish(&summary.render_named(seconds), |outputs| {
        record(&shards, options, &tally, started_at, outputs, sections)
    })?;
    Ok(Merged {
        summary: summary.render(seconds),
        tally,
        entries,
        shards: shards.len(),
        recovered,
    })
}

/// A follower for each file besides `archives.csv`, in the order of names.
fn followers(
    shards: &[shards::ShardReport],
    staging: &Path,
) -> Result<Vec<Box<dyn Follower>>, MergeError> {
    let first = &shards[0];
    let mut out: Vec<Box<dyn Follower>> = Vec::new();
    for entry in first.entries() {
        match entry {
            "archives.csv" => {}
            "audits.jsonl" => out.push(Box::new(streams::EveryLine::open(shards, staging)?)),
            // Made again from the shards' index files and samples.
            "duplicates.csv" | "duplicates-index.csv" | "sample.csv" => {}
            "duplicates.parquet" | "sample.parquet" => {}
            "verified_claims.jsonl" => {
                let header = archives_header(first)?;
                out.push(Box::new(streams::Claims::open(shards, staging, &header)?));
            }
            e if e.ends_with(".csv") => {
                out.push(Box::new(grouped::GroupedCsv::open(shards, e, staging)?));
            }
            #[cfg(feature = "parquet")]
            e if e.ends_with(".parquet") => {
                out.push(Box::new(parquet::GroupedParquet::open(shards, e, staging)?));
            }
            _ => {}
        }
    }
    Ok(out)
}

/// The column names of a shard's `archives.csv`.
fn archives_header(shard: &shards::ShardReport) -> Result<Vec<String>, MergeError> {
    let mut r = records::Records::open(&shard.dir.join("archives.csv"), true)?;
    Ok(r.peek()?.map(records::cells).unwrap_or_default())
}

/// `run.json` of a merged report.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MergedRecord<'a> {
    /// The tool that wrote the shards.
    tool: &'a Value,
    /// The tool that merged them.
    merged_by: &'a Tool,
    command_line: &'a [String],
    started: String,
    ended: String,
    policy: &'a Value,
    limits: &'a Value,
    pii: &'a Value,
    images: Value,
    summary: &'a Tally,
    monitoring: &'a crate::tally::monitoring::Monitoring,
    merged: MergedFrom,
    #[serde(flatten)]
    population: crate::population::Sections,
    outputs: Vec<FileRecord>,
}

/// The shards a merged report was made of.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MergedFrom {
    count: u32,
    inputs_seen: Value,
    keys_digest: Value,
    shards: Vec<ShardFrom>,
}

/// One shard: where it was, and its `run.json`, whose SHA-256 pins every
/// file it wrote.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ShardFrom {
    index: u32,
    folder: String,
    inputs_kept: Value,
    run_json: FileRecord,
}

fn record<'a>(
    shards: &'a [shards::ShardReport],
    options: &'a MergeOptions,
    tally: &'a Tally,
    started_at: SystemTime,
    outputs: Vec<FileRecord>,
    population: crate::population::Sections,
) -> MergedRecord<'a> {
    let first = &shards[0].run;
    let mut images = first["images"].clone();
    images["files"] = serde_json::to_value(tally.images).unwrap_or_default();
    images["written"] = Value::Bool(!tally.images.is_empty());
    MergedRecord {
        tool: &first["tool"],
        merged_by: &options.tool,
        command_line: &options.command_line,
        started: utc_timestamp(started_at),
        ended: utc_timestamp(SystemTime::now()),
        policy: &first["policy"],
        limits: &first["limits"],
        pii: &first["pii"],
        images,
        summary: tally,
        monitoring: &tally.monitoring,
        merged: MergedFrom {
            count: shards[0].count,
            inputs_seen: first["shard"]["inputsSeen"].clone(),
            keys_digest: first["shard"]["keysDigest"].clone(),
            shards: shards
                .iter()
                .map(|s| ShardFrom {
                    index: s.index,
                    folder: s.dir.display().to_string(),
                    inputs_kept: s.run["shard"]["inputsKept"].clone(),
                    run_json: FileRecord {
                        path: "run.json".into(),
                        sha256: s.run_sha256.0.clone(),
                        bytes: s.run_sha256.1,
                    },
                })
                .collect(),
        },
        population,
        outputs,
    }
}

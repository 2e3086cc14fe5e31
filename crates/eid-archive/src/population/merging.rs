//! The population of shards made into the whole store's, for `merge`.
//!
//! - Duplicates: each shard's `duplicates-index.csv` is read in lockstep
//!   with the merged `archives.csv` (a line per row), its entries put into
//!   one index under their merged positions, and grouped as one run groups
//!   them. Contents, process ids and images compare across shards (plain
//!   hashes). Documents compare across shards only when every shard keyed
//!   them with one HMAC key (`--pii hmac`, the same key file: the shards'
//!   `keyCheck` agree); otherwise each shard's were keyed by a random key
//!   of its own, and they are compared within each shard only: the merged
//!   `run.json` says `documentScope: "shard"`.
//! - The sample: each shard drew its best candidates of each stratum; the
//!   best of their union are the store's (`sample`).
//! - Retention: `retention.csv` merges as any per-archive file; here the
//!   shards' settings are checked equal (the day of the check above all)
//!   and their counts added.

use super::duplicates;
use super::index::Index;
use super::keys::Key;
use super::retention::RetentionRecord;
use super::sample::{self, Candidate, SampleOptions, SampleRecord, Sampler, Strata};
use super::shard_index;
use super::{DuplicatesRecord, Finished, Sections};
use crate::error::OutputError;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;

/// A shard as the population merge sees it.
pub(crate) struct ShardView<'a> {
    /// Its folder.
    pub(crate) dir: &'a Path,
    /// Its `run.json`.
    pub(crate) run: &'a Value,
}

/// Why a shard's population cannot be merged: the shard (its position
/// among the shards) and what is wrong.
pub(crate) type Refused = (usize, String);

/// The merge of the shards' population, in progress.
pub(crate) struct Merging {
    record: DuplicatesRecord,
    index: Index,
    readers: Vec<shard_index::Reader>,
    sample: Option<(Vec<(usize, Candidate)>, SampleRecord)>,
    sampled: HashMap<String, usize>,
    retention: Option<RetentionRecord>,
}

/// The shards' values at `pointer`, refused unless all are equal.
fn same<'a>(shards: &'a [ShardView<'_>], pointer: &str, what: &str) -> Result<&'a Value, Refused> {
    let first = shards[0].run.pointer(pointer).unwrap_or(&Value::Null);
    for (i, s) in shards.iter().enumerate().skip(1) {
        if s.run.pointer(pointer).unwrap_or(&Value::Null) != first {
            return Err((i, format!("{what} differs from the first shard's")));
        }
    }
    Ok(first)
}

impl Merging {
    /// Checks that the shards' population settings agree, draws the
    /// store's sample from theirs, and opens their index files.
    pub(crate) fn start(shards: &[ShardView<'_>]) -> Result<Merging, Refused> {
        for (i, s) in shards.iter().enumerate() {
            if !s.run["duplicates"].is_object() {
                return Err((
                    i,
                    "its run.json has no duplicates record (a shard of an older eid-audit)".into(),
                ));
            }
        }
        let images = same(
            shards,
            "/duplicates/images",
            "the image keys (--hash-members)",
        )?;
        let hmac = shards
            .iter()
            .all(|s| s.run["duplicates"]["documentKey"] == "hmac");
        let checks = same(shards, "/duplicates/keyCheck", "the HMAC key");
        let store = hmac && checks.is_ok();
        let record = DuplicatesRecord {
            images: images.as_str().unwrap_or_default().into(),
            document_key: if hmac { "hmac" } else { "run" }.into(),
            key_check: checks.ok().and_then(|c| c.as_str().map(str::to_owned)),
            document_scope: if store { "store" } else { "shard" }.into(),
            counts: Default::default(),
        };
        let mut readers = Vec::new();
        for (i, s) in shards.iter().enumerate() {
            readers.push(
                shard_index::Reader::open(&s.dir.join(shard_index::NAME))
                    .map_err(|e| (i, e.to_string()))?,
            );
        }
        let sample = merge_sample(shards)?;
        let sampled = sample
            .iter()
            .flat_map(|(rows, _)| rows.iter().enumerate())
            .map(|(i, (_, c))| (c.archive.clone(), i))
            .collect();
        Ok(Merging {
            record,
            index: Index::with_capacity(0),
            readers,
            sample,
            sampled,
            retention: merge_retention(shards)?,
        })
    }

    /// Takes the index line of the archive at `local` in shard `shard`,
    /// now at `global` in the merged rows.
    pub(crate) fn follow(
        &mut self,
        shard: usize,
        global: usize,
        archive: &str,
    ) -> Result<(), Refused> {
        let mut entry = match self.readers[shard].next() {
            Ok(Some(e)) => e,
            Ok(None) => {
                return Err((
                    shard,
                    format!(
                        "{} has fewer lines than archives.csv has rows",
                        shard_index::NAME
                    ),
                ));
            }
            Err(e) => return Err((shard, e)),
        };
        if self.record.document_scope == "shard"
            && let Some((k, _)) = &mut entry.document
        {
            *k = within_shard(shard, k);
        }
        self.index
            .add(u32::try_from(global).unwrap_or(u32::MAX - 1), &entry);
        if let (Some(i), Some((rows, _))) = (self.sampled.get(archive), self.sample.as_mut()) {
            rows[*i].1.position = Some(global);
        }
        Ok(())
    }

    /// Writes `duplicates.csv` (from the merged `archives.csv` in
    /// `staging`) and `sample.csv`; returns the merged record.
    pub(crate) fn finish(
        mut self,
        staging: &Path,
    ) -> Result<Result<Finished, Refused>, OutputError> {
        for (i, r) in self.readers.iter_mut().enumerate() {
            if !matches!(r.next(), Ok(None)) {
                return Ok(Err((
                    i,
                    format!(
                        "{} has more lines than archives.csv has rows",
                        shard_index::NAME
                    ),
                )));
            }
        }
        let excel = std::fs::read(staging.join("archives.csv"))
            .map(|b| b.starts_with("\u{feff}".as_bytes()))
            .unwrap_or(false);
        self.record.counts = duplicates::write(staging, excel, &self.index.groups())?;
        let (sample, rows) = match self.sample {
            Some((rows, record)) => {
                sample::write(staging, excel, &rows)?;
                (Some(record), rows)
            }
            None => (None, Vec::new()),
        };
        Ok(Ok(Finished {
            sections: Sections {
                duplicates: Some(self.record),
                sample,
                retention: self.retention,
            },
            sample: rows,
        }))
    }
}

/// A document key made distinct per shard: keys made under different
/// random keys must never meet.
fn within_shard(shard: usize, k: &Key) -> Key {
    let d = Sha256::new()
        .chain_update((shard as u64).to_le_bytes())
        .chain_update(k)
        .finalize();
    let mut out = [0u8; 12];
    out.copy_from_slice(&d[..12]);
    out
}

/// The store's sample: the best candidates of the shards' samples, with
/// the population counts added.
#[allow(clippy::type_complexity)]
fn merge_sample(
    shards: &[ShardView<'_>],
) -> Result<Option<(Vec<(usize, Candidate)>, SampleRecord)>, Refused> {
    let settings = same(shards, "/sample", "--sample, --seed or --strata").map(|_| ());
    for p in ["/sample/size", "/sample/seed", "/sample/strata"] {
        same(shards, p, "--sample, --seed or --strata")?;
    }
    let first = &shards[0].run["sample"];
    if !first.is_object() {
        return settings.map(|()| None);
    }
    let strata = match first["strata"].as_str() {
        Some("status") => Strata::Status,
        Some("reviewer") => Strata::Reviewer,
        Some("month") => Strata::Month,
        _ => Strata::None,
    };
    let mut sampler = Sampler::new(SampleOptions {
        size: first["size"].as_u64().unwrap_or(0) as usize,
        seed: first["seed"].as_str().unwrap_or_default().into(),
        strata,
    });
    for (i, s) in shards.iter().enumerate() {
        for (stratum, n) in s.run["sample"]["population"]
            .as_object()
            .into_iter()
            .flatten()
        {
            sampler.count(stratum, n.as_u64().unwrap_or(0) as usize);
        }
        for c in read_sample(&s.dir.join("sample.csv")).map_err(|e| (i, e))? {
            sampler.offer(c);
        }
    }
    Ok(Some(sampler.finish()))
}

/// A shard's `sample.csv`, as candidates.
fn read_sample(path: &Path) -> Result<Vec<Candidate>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(path)
        .map_err(|e| format!("sample.csv: {e}"))?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| format!("sample.csv: {e}"))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_owned())
        .collect();
    if header != sample::COLUMNS {
        return Err("sample.csv: not the columns this version writes".into());
    }
    let mut out = Vec::new();
    for r in reader.records() {
        let r = r.map_err(|e| format!("sample.csv: {e}"))?;
        let cell = |i: usize| super::csv_out::unexcel(r.get(i).unwrap_or_default()).to_owned();
        out.push(Candidate {
            archive: cell(0),
            sha256: cell(1),
            process_id: cell(2),
            status: cell(3),
            stratum: cell(4),
            draw_key: cell(5),
            position: None,
        });
    }
    Ok(out)
}

/// The shards' retention settings, checked equal, with their counts added.
fn merge_retention(shards: &[ShardView<'_>]) -> Result<Option<RetentionRecord>, Refused> {
    for (p, what) in [
        ("/retention/years", "--retention-years"),
        (
            "/retention/asOf",
            "the day of the retention check (give --as-of)",
        ),
        ("/retention/relationshipEnd", "the relationship-end file"),
    ] {
        same(shards, p, what)?;
    }
    let first = &shards[0].run["retention"];
    if !first.is_object() {
        return Ok(None);
    }
    let n = |s: &ShardView<'_>, k: &str| s.run["retention"][k].as_u64().unwrap_or(0) as usize;
    let mut r: RetentionRecord = serde_json::from_value(first.clone())
        .map_err(|e| (0, format!("run.json: retention: {e}")))?;
    r.eligible = shards.iter().map(|s| n(s, "eligible")).sum();
    r.retained = shards.iter().map(|s| n(s, "retained")).sum();
    r.undated = shards.iter().map(|s| n(s, "undated")).sum();
    r.ongoing = shards.iter().map(|s| n(s, "ongoing")).sum();
    Ok(Some(r))
}

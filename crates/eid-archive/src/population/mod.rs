//! The archives of a run as a population: what no single archive shows.
//!
//! - **Duplicates across archives** (`duplicates.csv`, always): the same
//!   bytes at two paths, one process id in archives whose content differs,
//!   an image reused in another process, a document reused in another
//!   process (under the same holder or another). Each a group of archives
//!   for review; no status changes. A compact index of fixed-size keys
//!   (`index`, `keys`) is filled as the archives arrive and grouped at the
//!   end; the rows are completed from `archives.csv` (`details`). A shard
//!   also writes its index entries (`duplicates-index.csv`), so that a
//!   merge finds the duplicates that span shards.
//! - **A reproducible sample** for four-eyes review (`sample.csv`, with
//!   `--sample`): the least draw keys of each stratum (`sample`).
//! - **A retention worklist** (`retention.csv`, with `--retention-years`):
//!   until when each archive must be kept (`retention`).
//!
//! `docs/population.md` states the rules. The Parquet twins of these files
//! are not written here: with `--parquet`, `report::parquet` reads the
//! finished CSV files.

mod csv_out;
mod details;
mod duplicates;
mod index;
mod keys;
mod retention;
mod sample;
mod shard_index;

pub(crate) mod merging;

pub use retention::RetentionOptions;
pub use sample::{SampleOptions, Strata};

#[cfg(feature = "parquet")]
pub(crate) use csv_out::unexcel;
pub(crate) use keys::of_images as image_keys;

/// The columns of the population's CSV files, which their Parquet twins'
/// tests compare theirs with.
#[cfg(all(test, feature = "parquet"))]
pub(crate) mod columns {
    pub(crate) use super::duplicates::COLUMNS as DUPLICATES;
    pub(crate) use super::retention::COLUMNS as RETENTION;
    pub(crate) use super::sample::COLUMNS as SAMPLE;
}
pub(crate) use sample::{Candidate, SampleRecord};

use crate::dates::Date;
use crate::error::OutputError;
use crate::event::Event;
use crate::pii::Pii;
pub(crate) use duplicates::DuplicateCounts;
use index::{Entry, Index};
use keys::{Key, RunKey};
use retention::{Ends, Retention, RetentionRecord};
use sample::Sampler;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::Path;

/// The key of an image member in the duplicates index.
pub(crate) type ImageKey = Key;

/// What a report writes of its archives as a population, beyond the
/// duplicates it always lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PopulationOptions {
    pub(crate) sample: Option<SampleOptions>,
    pub(crate) retention: Option<RetentionOptions>,
}

impl PopulationOptions {
    /// Also draws a sample for review into `sample.csv`.
    pub fn with_sample(mut self, sample: SampleOptions) -> Self {
        self.sample = Some(sample);
        self
    }

    /// Also writes the retention worklist `retention.csv`.
    pub fn with_retention(mut self, retention: RetentionOptions) -> Self {
        self.retention = Some(retention);
        self
    }
}

/// What `run.json` records of the population, at its top level, and what
/// the summary and the HTML index count.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Sections {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) duplicates: Option<DuplicatesRecord>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) sample: Option<SampleRecord>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) retention: Option<RetentionRecord>,
}

/// How the duplicates were found (the counts are in the summary).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DuplicatesRecord {
    /// `sha256` (the members were hashed) or `jpegFingerprint` (a JPEG by
    /// its fingerprint, any other image by its SHA-256).
    pub(crate) images: String,
    /// `hmac` (the `--pii hmac` key) or `run` (a random key, never written).
    pub(crate) document_key: String,
    /// Equal for runs under one HMAC key (a merge compares it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) key_check: Option<String>,
    /// Where documents were compared: `run`, or for a merge `store`
    /// (across shards, under one key) or `shard` (within each shard).
    pub(crate) document_scope: String,
    /// The groups, counted.
    #[serde(skip)]
    pub(crate) counts: DuplicateCounts,
}

/// The population sink of a report run.
pub(crate) struct Population {
    key: RunKey,
    images: &'static str,
    index: Index,
    sampler: Option<Sampler>,
    retention: Option<Retention>,
    shard: Option<shard_index::Writer>,
    excel: bool,
}

impl Population {
    /// Starts the population files in `dir` for a run of `inputs` inputs
    /// under `pii`; `hashed` says the members are hashed (the images'
    /// SHA-256 are then their keys); `shard` writes the index entries for a
    /// merge; `today` is the run's day (the default `--as-of`).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn create(
        options: &PopulationOptions,
        pii: &Pii,
        dir: &Path,
        excel: bool,
        inputs: usize,
        hashed: bool,
        shard: bool,
        today: Date,
    ) -> Result<Population, OutputError> {
        let retention = match &options.retention {
            Some(r) => {
                let ends = match &r.relationship_end {
                    Some(path) => Ends::read(path, pii).map_err(OutputError::Options)?,
                    None => Ends::default(),
                };
                let as_of = r.as_of.unwrap_or(today);
                Some(Retention::create(dir, excel, r.years, as_of, ends, pii)?)
            }
            None => None,
        };
        Ok(Population {
            key: RunKey::for_run(pii),
            images: if hashed { "sha256" } else { "jpegFingerprint" },
            index: Index::with_capacity(inputs),
            sampler: options.sample.clone().map(Sampler::new),
            retention,
            shard: if shard {
                Some(shard_index::Writer::create(dir)?)
            } else {
                None
            },
            excel,
        })
    }

    /// Adds one input, with its image keys (made by the worker that had the
    /// archive open).
    pub(crate) fn add(&mut self, event: &Event<'_>, images: &[Key]) -> Result<(), OutputError> {
        let entry = match event.outcome {
            Err(e) => Entry {
                archive: e.fingerprint().and_then(|f| keys::of_hex(&f.sha256)),
                ..Entry::default()
            },
            Ok(a) => {
                if let Some(s) = &mut self.sampler {
                    s.add(event.index, &event.path.display().to_string(), a);
                }
                let audit = &a.audit;
                Entry {
                    archive: keys::of_hex(&audit.archive.fingerprint.sha256),
                    process: Some(keys::of_process(&audit.process_id)),
                    document: self.key.document(audit),
                    images: images.to_vec(),
                }
            }
        };
        let position = u32::try_from(event.index).unwrap_or(u32::MAX - 1);
        self.index.add(position, &entry);
        if let Some(r) = &mut self.retention {
            r.add(event)?;
        }
        if let Some(w) = &mut self.shard {
            w.add(&entry)?;
        }
        Ok(())
    }

    /// Writes `duplicates.csv` (from `archives.csv`, which must be complete
    /// in `dir`) and `sample.csv`, and closes the rest; returns what
    /// `run.json`, the summary and the index say, and the sample's rows
    /// (for its page).
    pub(crate) fn finish(self, dir: &Path) -> Result<Finished, OutputError> {
        if let Some(w) = self.shard {
            w.close()?;
        }
        let retention = self.retention.map(Retention::finish).transpose()?;
        let counts = duplicates::write(dir, self.excel, &self.index.groups())?;
        let (sample, rows) = match self.sampler {
            Some(s) => {
                let (rows, record) = s.finish();
                sample::write(dir, self.excel, &rows)?;
                (Some(record), rows)
            }
            None => (None, Vec::new()),
        };
        Ok(Finished {
            sections: Sections {
                duplicates: Some(DuplicatesRecord {
                    images: self.images.into(),
                    document_key: self.key.kind().into(),
                    key_check: self.key.check(),
                    document_scope: "run".into(),
                    counts,
                }),
                sample,
                retention,
            },
            sample: rows,
        })
    }
}

/// What a finished population wrote.
pub(crate) struct Finished {
    /// What `run.json`, the summary and the index say.
    pub(crate) sections: Sections,
    /// The sample by stratum and rank (for its page).
    pub(crate) sample: Vec<(usize, Candidate)>,
}

/// The summary's lines of the population, for `summary.txt` and the
/// terminal.
pub(crate) fn summary_lines(s: &Sections) -> String {
    let mut out = String::new();
    if let Some(d) = &s.duplicates {
        let c = &d.counts;
        if c.total() == 0 {
            let _ = writeln!(out, "duplicates   none found (duplicates.csv)");
        } else {
            let kinds: Vec<String> = c
                .groups
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(k, n)| format!("{k} {n}"))
                .collect();
            let _ = writeln!(
                out,
                "duplicates   {} {} for review ({}), {} archives in them, {} {} of another (duplicates.csv)",
                c.total(),
                if c.total() == 1 { "group" } else { "groups" },
                kinds.join(", "),
                c.archives_in_groups,
                c.copies,
                if c.copies == 1 {
                    "is a copy"
                } else {
                    "are copies"
                }
            );
        }
    }
    if let Some(r) = &s.sample {
        let drawn: usize = r.drawn.values().sum();
        let _ = writeln!(
            out,
            "sample       {drawn} {} drawn for review, {} a stratum by {}, seed {} (sample.csv)",
            if drawn == 1 { "archive" } else { "archives" },
            r.size,
            r.strata,
            crate::visible::visible(&r.seed, None)
        );
    }
    if let Some(r) = &s.retention {
        let _ = writeln!(
            out,
            "retention    {} eligible for deletion as of {}, {} to keep, {} never (no date {}, ongoing {}) (retention.csv)",
            r.eligible,
            r.as_of,
            r.retained,
            r.undated + r.ongoing,
            r.undated,
            r.ongoing
        );
    }
    out
}

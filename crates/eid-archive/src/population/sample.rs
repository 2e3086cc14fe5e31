//! The reproducible sample for four-eyes review. Each audited archive's
//! draw key is the SHA-256 of `<seed>:<archive SHA-256>` (lower-case hex,
//! as `printf '%s:%s' "$SEED" "$SHA256" | sha256sum` prints it); the sample
//! is the `size` archives with the least keys in each stratum. It depends
//! on nothing but the seed and the bytes: the same store and seed give the
//! same sample on any machine, under any `--jobs` and any sharding, and no
//! one can steer which archives are drawn without changing the seed.
//!
//! Memory is `size` candidates per stratum: a shard keeps its best `size`
//! of each, and a merge, taking the best `size` of their union, draws
//! exactly what one run over the whole store draws.

use super::csv_out::CsvOut;
use crate::codes::hex;
use crate::error::OutputError;
use crate::event::Audited;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap};
use std::path::Path;

/// What the strata are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Strata {
    /// One stratum, `all`.
    #[default]
    None,
    /// The recomputed status.
    Status,
    /// The agent who reviewed (`(none)` for an automatic decision).
    Reviewer,
    /// The month of the verification date (`(unknown)` without one).
    Month,
}

impl Strata {
    /// `none`, `status`, `reviewer`, `month`.
    pub fn as_str(self) -> &'static str {
        match self {
            Strata::None => "none",
            Strata::Status => "status",
            Strata::Reviewer => "reviewer",
            Strata::Month => "month",
        }
    }

    /// The stratum of an audited archive.
    fn of(self, a: &Audited) -> String {
        let v = &a.audit.verdict;
        match self {
            Strata::None => "all".into(),
            Strata::Status => v.decision.status.to_string(),
            Strata::Reviewer => v
                .review
                .as_ref()
                .and_then(|r| r.verifier.clone())
                .filter(|r| !r.is_empty())
                .unwrap_or_else(|| "(none)".into()),
            Strata::Month => v
                .verification_date
                .map(|d| d.date.to_string()[..7].to_owned())
                .unwrap_or_else(|| "(unknown)".into()),
        }
    }
}

/// How the sample is drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleOptions {
    /// Archives drawn per stratum.
    pub size: usize,
    /// The seed, as given.
    pub seed: String,
    /// The strata.
    pub strata: Strata,
}

/// The draw key of an archive: SHA-256 of `<seed>:<sha256>`, in hex.
pub(crate) fn draw_key(seed: &str, sha256: &str) -> String {
    hex(&Sha256::digest(format!("{seed}:{sha256}")))
}

/// An archive that may be drawn: one row of `sample.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Candidate {
    pub(crate) draw_key: String,
    pub(crate) archive: String,
    pub(crate) sha256: String,
    pub(crate) process_id: String,
    pub(crate) status: String,
    pub(crate) stratum: String,
    /// Its position in the inputs, when known (the link to its page).
    pub(crate) position: Option<usize>,
}

impl Ord for Candidate {
    /// The draw key, then the path as the inputs are ordered: copies of one
    /// archive share a key, and are drawn in input order.
    fn cmp(&self, o: &Candidate) -> Ordering {
        self.draw_key
            .cmp(&o.draw_key)
            .then_with(|| Path::new(&self.archive).cmp(Path::new(&o.archive)))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, o: &Candidate) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// What `run.json` says of the sample.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SampleRecord {
    /// Archives drawn per stratum, as asked.
    pub(crate) size: usize,
    /// The seed.
    pub(crate) seed: String,
    /// The strata.
    pub(crate) strata: String,
    /// How the draw key is made.
    pub(crate) draw: String,
    /// Audited archives per stratum: what was drawn from.
    pub(crate) population: BTreeMap<String, usize>,
    /// Archives drawn per stratum.
    pub(crate) drawn: BTreeMap<String, usize>,
}

/// The draw in progress: the best candidates of each stratum.
#[derive(Debug)]
pub(crate) struct Sampler {
    options: SampleOptions,
    best: BTreeMap<String, BinaryHeap<Candidate>>,
    population: BTreeMap<String, usize>,
}

impl Sampler {
    pub(crate) fn new(options: SampleOptions) -> Sampler {
        Sampler {
            options,
            best: BTreeMap::new(),
            population: BTreeMap::new(),
        }
    }

    /// Offers the audited archive at `position`, named `archive`.
    pub(crate) fn add(&mut self, position: usize, archive: &str, a: &Audited) {
        let sha = &a.audit.archive.fingerprint.sha256;
        let stratum = self.options.strata.of(a);
        *self.population.entry(stratum.clone()).or_default() += 1;
        self.offer(Candidate {
            draw_key: draw_key(&self.options.seed, sha),
            archive: archive.to_owned(),
            sha256: sha.clone(),
            process_id: a.audit.process_id.clone(),
            status: a.audit.verdict.decision.status.to_string(),
            stratum,
            position: Some(position),
        });
    }

    /// Offers a candidate a shard drew (merge), counting nothing.
    pub(crate) fn offer(&mut self, c: Candidate) {
        let size = self.options.size;
        let heap = self.best.entry(c.stratum.clone()).or_default();
        if heap.len() < size {
            heap.push(c);
        } else if heap.peek().is_some_and(|worst| c < *worst) {
            heap.pop();
            heap.push(c);
        }
    }

    /// Adds a shard's population counts (merge).
    pub(crate) fn count(&mut self, stratum: &str, n: usize) {
        *self.population.entry(stratum.to_owned()).or_default() += n;
    }

    /// The sample, by stratum and rank, and its record.
    pub(crate) fn finish(self) -> (Vec<(usize, Candidate)>, SampleRecord) {
        let mut drawn = BTreeMap::new();
        let mut rows = Vec::new();
        for (stratum, heap) in self.best {
            let sorted = heap.into_sorted_vec();
            drawn.insert(stratum, sorted.len());
            rows.extend(sorted.into_iter().enumerate().map(|(i, c)| (i + 1, c)));
        }
        let record = SampleRecord {
            size: self.options.size,
            seed: self.options.seed,
            strata: self.options.strata.as_str().into(),
            draw: "sha256(\"<seed>:<archive sha256>\"), least first".into(),
            population: self.population,
            drawn,
        };
        (rows, record)
    }
}

/// The columns of `sample.csv`.
pub(crate) const COLUMNS: [&str; 7] = [
    "archive",
    "sha256",
    "process_id",
    "status",
    "stratum",
    "draw_key",
    "rank",
];

/// Writes `sample.csv`.
pub(crate) fn write(
    dir: &Path,
    excel: bool,
    rows: &[(usize, Candidate)],
) -> Result<(), OutputError> {
    let mut out = CsvOut::create(&dir.join("sample.csv"), &COLUMNS, excel)?;
    for (rank, c) in rows {
        let rank = rank.to_string();
        out.row(&[
            &c.archive,
            &c.sha256,
            &c.process_id,
            &c.status,
            &c.stratum,
            &c.draw_key,
            &rank,
        ])?;
    }
    out.close()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(key: &str, archive: &str, stratum: &str) -> Candidate {
        Candidate {
            draw_key: key.into(),
            archive: archive.into(),
            sha256: String::new(),
            process_id: String::new(),
            status: String::new(),
            stratum: stratum.into(),
            position: None,
        }
    }

    #[test]
    fn the_draw_key_is_what_sha256sum_prints() {
        // printf '%s:%s' 42 abc | sha256sum
        assert_eq!(draw_key("42", "abc"), hex(&Sha256::digest(b"42:abc")));
    }

    #[test]
    fn the_least_keys_of_each_stratum_are_drawn_whatever_the_order() {
        let all = [
            candidate("5", "s/e.zip", "a"),
            candidate("1", "s/b.zip", "a"),
            candidate("3", "s/c.zip", "b"),
            candidate("1", "s/a.zip", "a"),
            candidate("2", "s/d.zip", "a"),
        ];
        let draw = |order: &[usize]| {
            let mut s = Sampler::new(SampleOptions {
                size: 2,
                seed: "s".into(),
                strata: Strata::Status,
            });
            for i in order {
                s.offer(all[*i].clone());
            }
            s.finish()
                .0
                .into_iter()
                .map(|(r, c)| format!("{}{r}:{}", c.stratum, c.archive))
                .collect::<Vec<_>>()
        };
        let expected = vec!["a1:s/a.zip", "a2:s/b.zip", "b1:s/c.zip"];
        assert_eq!(draw(&[0, 1, 2, 3, 4]), expected);
        assert_eq!(draw(&[4, 3, 2, 1, 0]), expected);
    }
}

//! The k-way merge of the shards' files, streaming: one record of each
//! shard's file in memory at a time, whatever the sizes.
//!
//! `archives.csv` drives. Every shard's rows are a sorted part of the one
//! sorted input list (archives by path, compared component by component as
//! [`Path`] orders them, then the inputs that are not archives, by path and
//! problem), so taking the least head among the shards again and again
//! gives the rows in the order one run over the whole store writes them.
//! The shard record says how many of a shard's rows are inputs that are
//! not archives: they are its last ones, and they go after every archive.
//!
//! Every other file follows the driver in lockstep, a [`Follower`] per
//! file: when a shard's archive row is taken, the follower copies that
//! shard's records of the same archive (a CSV's rows with that `archive`,
//! one line of `audits.jsonl`, the line of `verified_claims.jsonl` if the
//! archive has one). A new kind of file (Parquet) is one more follower.

use super::Refusal;
use super::counts::{self, Columns};
use super::records::{Records, cell, cells};
use super::shards::ShardReport;
use crate::error::OutputError;
use crate::tally::Tally;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// Why a merge of the files stopped.
#[derive(Debug)]
pub(super) enum Stop {
    /// A shard's files do not fit together.
    Refused(Refusal),
    /// A file could not be read or written.
    Output(OutputError),
}

impl From<OutputError> for Stop {
    fn from(e: OutputError) -> Stop {
        Stop::Output(e)
    }
}

impl From<Refusal> for Stop {
    fn from(r: Refusal) -> Stop {
        Stop::Refused(r)
    }
}

/// An archive row taken from a shard: what followers need to know of it.
pub(super) struct Pick<'a> {
    /// The shard, by position in the sorted shards.
    pub(super) shard: usize,
    /// Its position among that shard's rows.
    pub(super) local: usize,
    /// Its position among the merged rows.
    pub(super) global: usize,
    /// The archive, as its rows name it.
    pub(super) archive: &'a str,
    /// The raw `archives.csv` record.
    pub(super) record: &'a [u8],
    /// Where its cells are.
    pub(super) columns: &'a Columns,
}

/// A file merged in lockstep with `archives.csv`.
pub(super) trait Follower {
    /// Copies the records of the archive just taken from its shard.
    fn follow(&mut self, pick: &Pick<'_>, tally: &mut Tally) -> Result<(), Stop>;
    /// Checks that nothing is left in any shard's file, and closes the output.
    fn finish(self: Box<Self>, shards: &[ShardReport]) -> Result<(), Stop>;
}

/// An output file in the staging folder.
pub(super) struct Out {
    path: std::path::PathBuf,
    writer: BufWriter<File>,
}

impl Out {
    pub(super) fn create(path: &Path) -> Result<Out, OutputError> {
        let file = File::options()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(OutputError::io(path))?;
        Ok(Out {
            path: path.to_owned(),
            writer: BufWriter::with_capacity(256 << 10, file),
        })
    }

    pub(super) fn write(&mut self, bytes: &[u8]) -> Result<(), OutputError> {
        self.writer
            .write_all(bytes)
            .map_err(OutputError::io(&self.path))
    }

    pub(super) fn close(mut self) -> Result<(), OutputError> {
        self.writer.flush().map_err(OutputError::io(&self.path))
    }
}

/// Refuses the merge when a shard's file still holds a record once every
/// archive is taken (`why` says what it holds).
pub(super) fn drained(
    readers: &mut [Records],
    shards: &[ShardReport],
    why: impl Fn() -> String,
) -> Result<(), Stop> {
    for (s, r) in readers.iter_mut().enumerate() {
        if r.peek()?.is_some() {
            return Err(shards[s].refuse(why()).into());
        }
    }
    Ok(())
}

/// Opens `name` in every shard, checks that the headers (for a CSV) are
/// byte-identical, and creates the output with that header.
pub(super) fn open_all(
    shards: &[ShardReport],
    name: &str,
    csv: bool,
    staging: &Path,
) -> Result<(Vec<Records>, Out, Vec<u8>), Stop> {
    let mut readers = Vec::with_capacity(shards.len());
    let mut header: Option<Vec<u8>> = None;
    for s in shards {
        let mut r = Records::open(&s.dir.join(name), csv)?;
        if csv {
            let h = r.peek()?.map(<[u8]>::to_vec).unwrap_or_default();
            r.take();
            match &header {
                None => header = Some(h),
                Some(first) if *first != h => {
                    return Err(s
                        .refuse(format!(
                            "the columns of {name} differ from shard {}'s",
                            shards[0].index
                        ))
                        .into());
                }
                Some(_) => {}
            }
        }
        readers.push(r);
    }
    let header = header.unwrap_or_default();
    let mut out = Out::create(&staging.join(name))?;
    out.write(&header)?;
    Ok((readers, out, header))
}

/// Where a row sorts: archives first, by path, then the inputs that are not
/// archives, by path and problem; the shard breaks a tie, so the merge is
/// deterministic.
#[derive(Debug, PartialEq, Eq)]
struct Key {
    problem: bool,
    archive: String,
    what: String,
    shard: usize,
}

impl Ord for Key {
    fn cmp(&self, o: &Key) -> Ordering {
        self.problem
            .cmp(&o.problem)
            .then_with(|| Path::new(&self.archive).cmp(Path::new(&o.archive)))
            .then_with(|| self.what.cmp(&o.what))
            .then_with(|| self.shard.cmp(&o.shard))
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, o: &Key) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// Merges every file the shards wrote besides `archives.csv` by the
/// followers given, with `archives.csv` driving, into `staging`; counts the
/// merged rows into `tally`; hands every pick to `each` (the HTML index).
pub(super) fn merge(
    shards: &[ShardReport],
    staging: &Path,
    mut followers: Vec<Box<dyn Follower>>,
    tally: &mut Tally,
    each: &mut dyn FnMut(&Pick<'_>) -> Result<(), Stop>,
) -> Result<(), Stop> {
    let (mut readers, mut out, header) = open_all(shards, "archives.csv", true, staging)?;
    let excel = header.starts_with("\u{feff}".as_bytes());
    let columns = Columns::of(&cells(&header), excel).map_err(|e| shards[0].refuse(e))?;
    let mut taken = vec![0usize; shards.len()];
    let mut last: Vec<Option<Key>> = (0..shards.len()).map(|_| None).collect();
    let mut seen = vec![(0usize, 0usize); shards.len()];
    let mut heap = BinaryHeap::new();
    for s in 0..shards.len() {
        if let Some(key) = head(&mut readers[s], s, 0, &shards[s], &columns)? {
            heap.push(Reverse(key));
        }
    }
    let mut global = 0;
    while let Some(Reverse(key)) = heap.pop() {
        let s = key.shard;
        let record = readers[s].peek()?.map(<[u8]>::to_vec).unwrap_or_default();
        readers[s].take();
        out.write(&record)?;
        if let Some(prev) = &last[s]
            && *prev > key
        {
            return Err(shards[s]
                .refuse(format!(
                    "archives.csv is not in input order at row {}",
                    taken[s] + 1
                ))
                .into());
        }
        if columns.is_error(&record) {
            seen[s].0 += 1;
        } else if columns.agrees(&record) == "false" {
            seen[s].1 += 1;
        }
        counts::count_row(tally, &columns, &record, global);
        let pick = Pick {
            shard: s,
            local: taken[s],
            global,
            archive: &key.archive,
            record: &record,
            columns: &columns,
        };
        for f in &mut followers {
            f.follow(&pick, tally)?;
        }
        each(&pick)?;
        taken[s] += 1;
        global += 1;
        let next = head(&mut readers[s], s, taken[s], &shards[s], &columns)?;
        last[s] = Some(key);
        if let Some(next) = next {
            heap.push(Reverse(next));
        }
    }
    out.close()?;
    for (s, shard) in shards.iter().enumerate() {
        let summary = counts::read_summary(&shard.run).map_err(|e| shard.refuse(e))?;
        let counted = (taken[s], seen[s].0, seen[s].1);
        let recorded = (shard.rows, summary.errors, summary.disagreements);
        if counted != recorded {
            return Err(shard
                .refuse(format!(
                    "archives.csv holds {} rows, {} errors and {} disagreements; its run.json counts {}, {} and {}",
                    counted.0, counted.1, counted.2, recorded.0, recorded.1, recorded.2
                ))
                .into());
        }
    }
    for f in followers {
        f.finish(shards)?;
    }
    Ok(())
}

/// The key of a shard's next row, `None` at its end.
fn head(
    r: &mut Records,
    shard: usize,
    taken: usize,
    s: &ShardReport,
    c: &Columns,
) -> Result<Option<Key>, Stop> {
    let Some(record) = r.peek()? else {
        return Ok(None);
    };
    let problem = taken >= s.rows.saturating_sub(s.not_archives);
    Ok(Some(Key {
        problem,
        archive: c.archive(record),
        what: if problem {
            c.error(record)
        } else {
            String::new()
        },
        shard,
    }))
}

/// `audits.jsonl`: one line per input, in the order of `archives.csv`.
pub(super) struct EveryLine {
    readers: Vec<Records>,
    out: Out,
    names: Vec<String>,
}

impl EveryLine {
    pub(super) fn open(shards: &[ShardReport], staging: &Path) -> Result<EveryLine, Stop> {
        let (readers, out, _) = open_all(shards, "audits.jsonl", false, staging)?;
        let names = shards.iter().map(ShardReport::name).collect();
        Ok(EveryLine {
            readers,
            out,
            names,
        })
    }
}

impl Follower for EveryLine {
    fn follow(&mut self, pick: &Pick<'_>, _: &mut Tally) -> Result<(), Stop> {
        let r = &mut self.readers[pick.shard];
        match r.peek()? {
            Some(line) => {
                self.out.write(line)?;
                r.take();
                Ok(())
            }
            None => Err(Stop::Refused(Refusal {
                shard: self.names[pick.shard].clone(),
                what: "audits.jsonl has fewer lines than archives.csv has rows".into(),
            })),
        }
    }

    fn finish(mut self: Box<Self>, shards: &[ShardReport]) -> Result<(), Stop> {
        drained(&mut self.readers, shards, || {
            "audits.jsonl has more lines than archives.csv has rows".into()
        })?;
        self.out.close()?;
        Ok(())
    }
}

/// `verified_claims.jsonl`: a line for each archive accepted and agreeing
/// whose claims qualified. Which archives qualified is not in the rows, so
/// a shard's next line is matched to an archive that agrees by what the
/// line says of it: its process (`verification_process`) and the archive's
/// SHA-256 in its attachments' URLs.
pub(super) struct Claims {
    readers: Vec<Records>,
    out: Out,
    sha256: Option<usize>,
}

impl Claims {
    pub(super) fn open(
        shards: &[ShardReport],
        staging: &Path,
        header: &[String],
    ) -> Result<Claims, Stop> {
        let (readers, out, _) = open_all(shards, "verified_claims.jsonl", false, staging)?;
        Ok(Claims {
            readers,
            out,
            sha256: header.iter().position(|h| h == "sha256"),
        })
    }
}

/// True when the claims `line` may be of the archive with process id `pid`
/// and SHA-256 `sha`.
fn claims_of(line: &[u8], pid: &str, sha: &str) -> bool {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(line) else {
        return false;
    };
    let verification = &v["verified_claims"]["verification"];
    if let Some(p) = verification["verification_process"].as_str()
        && p != pid
    {
        return false;
    }
    let urls: Vec<&str> = verification["evidence"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|e| e["attachments"].as_array().into_iter().flatten())
        .filter_map(|a| a["url"].as_str())
        .collect();
    urls.is_empty() || sha.is_empty() || urls.iter().any(|u| u.contains(sha))
}

impl Follower for Claims {
    fn follow(&mut self, pick: &Pick<'_>, _: &mut Tally) -> Result<(), Stop> {
        let c = pick.columns;
        if c.is_error(pick.record) || c.agrees(pick.record) != "true" {
            return Ok(());
        }
        let sha = self
            .sha256
            .map(|i| cell(pick.record, i))
            .unwrap_or_default();
        let r = &mut self.readers[pick.shard];
        if let Some(line) = r.peek()?
            && claims_of(line, &c.process_id(pick.record), &sha)
        {
            self.out.write(line)?;
            r.take();
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>, shards: &[ShardReport]) -> Result<(), Stop> {
        drained(&mut self.readers, shards, || {
            "verified_claims.jsonl holds a line of no archive that agrees, in the order of archives.csv"
                .into()
        })?;
        self.out.close()?;
        Ok(())
    }
}

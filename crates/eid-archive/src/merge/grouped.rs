//! The per-archive CSV files of the shards (`checks.csv`, `features.csv`,
//! `findings.csv`, `members.csv`, `retention.csv`, …), merged in lockstep
//! with `archives.csv`; from `findings.csv` the codes are counted for the
//! HTML charts and the archives named in the lists a finding puts them in.

use super::counts;
use super::records::{Records, cell, cells, unexcel};
use super::shards::ShardReport;
use super::streams::{Follower, Out, Pick, Stop, drained, open_all};
use crate::tally::Tally;
use std::path::Path;

/// A CSV file whose rows name their archive (`checks.csv`, `features.csv`,
/// `findings.csv`, `members.csv`, and whatever CSV a later version adds):
/// a shard's rows of an archive follow its row of `archives.csv`.
pub(super) struct GroupedCsv {
    name: String,
    readers: Vec<Records>,
    out: Out,
    archive: usize,
    /// In `findings.csv`, where the severity, code, subject and message are.
    code: Option<FindingColumns>,
    excel: bool,
}

/// Where the cells of `findings.csv` a merge counts and names are.
#[derive(Debug, Clone, Copy)]
struct FindingColumns {
    severity: usize,
    code: usize,
    subject: usize,
    message: usize,
}

impl GroupedCsv {
    /// Opens `name` in every shard; refuses a file with no `archive` column.
    pub(super) fn open(
        shards: &[ShardReport],
        name: &str,
        staging: &Path,
    ) -> Result<GroupedCsv, Stop> {
        let (readers, out, header) = open_all(shards, name, true, staging)?;
        let excel = header.starts_with("\u{feff}".as_bytes());
        let names = cells(&header);
        let at = |n: &str| {
            names
                .iter()
                .position(|h| h.trim_start_matches('\u{feff}') == n)
        };
        let archive = at("archive").ok_or_else(|| {
            shards[0].refuse(format!(
                "{name} has no archive column: merge cannot place its rows"
            ))
        })?;
        Ok(GroupedCsv {
            name: name.to_owned(),
            readers,
            out,
            archive,
            // Finding codes are counted for the HTML charts, and the
            // integrity failures named.
            code: if name == "findings.csv" {
                (|| {
                    Some(FindingColumns {
                        severity: at("severity")?,
                        code: at("code")?,
                        subject: at("subject")?,
                        message: at("message")?,
                    })
                })()
            } else {
                None
            },
            excel,
        })
    }
}

impl Follower for GroupedCsv {
    fn follow(&mut self, pick: &Pick<'_>, tally: &mut Tally) -> Result<(), Stop> {
        let r = &mut self.readers[pick.shard];
        while let Some(record) = r.peek()? {
            let archive = cell(record, self.archive);
            let archive = if self.excel {
                unexcel(archive)
            } else {
                archive
            };
            if archive != pick.archive {
                break;
            }
            self.out.write(record)?;
            if let Some(FindingColumns {
                severity,
                code,
                subject,
                message,
            }) = self.code
            {
                let get = |i: usize| {
                    let v = cell(record, i);
                    if self.excel { unexcel(v) } else { v }
                };
                let code = cell(record, code);
                counts::count_code(tally, &code);
                let cells = [&get(severity), &code, &get(subject), &get(message)];
                counts::count_finding(tally, pick, cells.map(String::as_str));
            }
            r.take();
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>, shards: &[ShardReport]) -> Result<(), Stop> {
        let name = &self.name;
        drained(&mut self.readers, shards, || {
            format!(
                "{name} holds rows of an archive that archives.csv does not list there, or not in its order"
            )
        })?;
        self.out.close()?;
        Ok(())
    }
}

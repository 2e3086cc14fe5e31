//! `eid-audit merge DIR... --out DIR`: shard reports made into the one
//! report a single `report` run over the whole store would write. The
//! checks and the merge are the library's (`eid_archive::merge`); this
//! maps the arguments, prints the summary and gives the exit code `report`
//! would have given.

use super::Outcome;
use super::report::FailOn;
use eid_archive::merge::{self, MergeOptions};
use std::io::Write as _;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  seq 1 8 | parallel eid-audit report /store -o out/{} --shard {}/8 --fail-on error
  eid-audit merge out/* -o report
  eid-audit merge out/1 out/2 out/3 out/4 -o report --html --fail-on error")]
pub struct Args {
    /// The shard reports (`report --shard K/N` output folders), every one of the N, in any order.
    #[arg(required = true, value_name = "DIR")]
    shards: Vec<PathBuf>,
    /// The merged report's folder (not inside a shard's).
    #[arg(short, long, value_name = "DIR")]
    out: PathBuf,
    /// Replace a report already in DIR (only what eid-audit wrote there).
    #[arg(short, long)]
    force: bool,
    /// Also write DIR/html/ as one run writes it: every shard must have its pages (report --html).
    #[arg(long)]
    html: bool,
    /// What the exit code fails on, as for `report`: `disagreement` (1 when a
    /// status disagrees, 2 when an archive could not be read) or `error` (0 for
    /// a complete audit, 2 for unreadable input). Shards that do not belong
    /// together are refused with 2.
    #[arg(long, value_enum, default_value = "disagreement", value_name = "WHAT")]
    fail_on: FailOn,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let options = MergeOptions::new(&args.out)
        .with_force(args.force)
        .with_html(args.html)
        .with_invocation(super::tool(), std::env::args().collect());
    let merged = merge::merge(&args.shards, &options)?;
    if merged.recovered {
        crate::warn_line!(
            "eid-audit: an earlier run was killed while it replaced its report; the report before it was restored first"
        );
    }
    let mut out = std::io::stdout().lock();
    out.write_all(merged.summary.as_bytes())?;
    writeln!(
        out,
        "report       {} ({} entries, merged from {} shards)",
        args.out.display(),
        merged.entries.len(),
        merged.shards,
    )?;
    if let Some(line) = super::named_line(&merged.tally, &args.out) {
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    Ok(match (Outcome::of(&merged.tally), args.fail_on) {
        (Outcome::Disagrees, FailOn::Error) => Outcome::Agrees,
        (outcome, _) => outcome,
    })
}

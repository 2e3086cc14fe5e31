//! `eid-audit report PATH... --out DIR`: the batch compliance report.

use super::{JudgeArgs, Outcome};
use anyhow::{Context, bail};
use clap::ValueEnum;
use eid_archive::batch::{self, Batch, BatchOptions, Shard};
use eid_archive::report::{Pii, ReportWriter, RowOptions, Rows, Summary};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{self, IsTerminal, Write as _};
use std::num::NonZeroUsize;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::time::Instant;

/// The environment variable that may hold the HMAC key.
const KEY_ENV: &str = "EID_AUDIT_PII_KEY";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum PiiMode {
    /// Leave personal data out (empty cells).
    Omit,
    /// Keep a recognisable shape: `M**** P****`, `*******890`.
    Mask,
    /// A keyed HMAC-SHA256 pseudonym (key from --pii-key-file or EID_AUDIT_PII_KEY).
    Hmac,
    /// Write it as it is.
    Full,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Archives, or folders walked recursively for *.zip; `-` reads paths from standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Report folder: archives.csv, checks.csv, features.csv, findings.csv, members.csv.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    jobs: Option<NonZeroUsize>,
    /// Also write the exhibits under DIR/crops/<processId>/: each side's image
    /// as stored, its annotation, and a crop per feature. Images are personal
    /// data: faces and signatures are written whatever --pii says (see
    /// --crops-exclude).
    #[arg(long)]
    crops: bool,
    #[command(flatten)]
    exhibits: super::crops::ExhibitArgs,
    /// How names, document numbers, birth dates, addresses and personal numbers are written.
    #[arg(long, value_enum, default_value = "omit")]
    pii: PiiMode,
    /// File holding the HMAC key for --pii hmac (else the EID_AUDIT_PII_KEY variable).
    #[arg(long, value_name = "FILE")]
    pii_key_file: Option<PathBuf>,
    /// SHA-256 of every member in members.csv (inflates every member, videos included).
    #[arg(long)]
    hash_members: bool,
    /// Replace a report already in DIR.
    #[arg(long)]
    force: bool,
    /// Process only shard K of N (1-based), chosen by a hash of each path.
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,
    #[command(flatten)]
    judge: JudgeArgs,
}

fn pii(args: &Args) -> anyhow::Result<Pii> {
    Ok(match args.pii {
        PiiMode::Omit => Pii::Omit,
        PiiMode::Mask => Pii::Mask,
        PiiMode::Full => Pii::Full,
        PiiMode::Hmac => {
            let key = match (&args.pii_key_file, std::env::var_os(KEY_ENV)) {
                (Some(f), _) => {
                    let mut k = std::fs::read(f)
                        .with_context(|| format!("{}: cannot read the key", f.display()))?;
                    while k.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                        k.pop();
                    }
                    k
                }
                (None, Some(v)) => v.into_encoded_bytes(),
                (None, None) => {
                    bail!("--pii hmac needs a key: --pii-key-file FILE or the {KEY_ENV} variable")
                }
            };
            if key.len() < 16 {
                bail!("the HMAC key must be at least 16 bytes");
            }
            Pii::Hmac(key)
        }
    })
    .map_err(|e: anyhow::Error| e)
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let audit = args.judge.options(None)?;
    let pii = pii(&args)?;
    let started = Instant::now();
    let mut inputs = batch::discover(&args.paths, &mut io::stdin().lock());
    if let Some(shard) = args.shard {
        inputs.retain(|i| shard.contains(i.path()));
    }
    let mut writer = ReportWriter::create(&args.out, args.force)?;
    let policy = audit.policy.clone();
    let mut options = BatchOptions::new(audit)
        .with_jobs(args.jobs)
        .with_member_hashes(args.hash_members);
    if args.crops {
        options = options.with_crops(args.out.join("crops"), args.exhibits.options());
    }
    let batch = Batch::new(options)?;
    let row_options = RowOptions {
        pii: &pii,
        crops_prefix: "crops/",
    };

    let bar = if io::stderr().is_terminal() {
        let bar = ProgressBar::new(inputs.len() as u64);
        bar.set_style(
            ProgressStyle::with_template(
                "{elapsed_precise} [{bar:40}] {pos}/{len} archives, {per_sec} ({eta} left)",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar
    } else {
        ProgressBar::hidden()
    };

    let mut summary = Summary::default();
    let mut write_error = None;
    batch.run(&inputs, |outcome| {
        let path = outcome.input.path();
        let rows = match &outcome.result {
            Ok(p) => Rows::of_audit(
                path,
                &p.audit,
                p.crops.as_ref().map(Result::as_ref),
                &row_options,
            ),
            Err(e) => {
                bar.suspend(|| crate::warn_line!("{e}"));
                Rows::of_error(path, e, &policy, &row_options)
            }
        };
        summary.add(&rows);
        bar.inc(1);
        match writer.write(&rows) {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                write_error = Some(e);
                ControlFlow::Break(())
            }
        }
    });
    bar.finish_and_clear();
    if let Some(e) = write_error {
        // Dropping the writer removes the partial files.
        drop(writer);
        return Err(e.into());
    }
    let files = writer.finish()?;
    let mut out = io::stdout().lock();
    out.write_all(summary.render(started.elapsed().as_secs_f64()).as_bytes())?;
    writeln!(
        out,
        "report       {} ({} files, pii {}, policy {} {})",
        args.out.display(),
        files.len(),
        pii.name(),
        policy.name,
        policy.digest()
    )?;
    out.flush()?;
    Ok(if summary.errors > 0 {
        Outcome::Unreadable
    } else if summary.disagreements > 0 {
        Outcome::Disagrees
    } else {
        Outcome::Agrees
    })
}

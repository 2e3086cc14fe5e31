//! `eid-audit report PATH... --out DIR`: the batch compliance report.

use super::{JudgeArgs, Outcome};
use anyhow::{Context, bail};
use clap::ValueEnum;
use eid_archive::batch::{self, BatchOptions, Shard};
use eid_archive::crops::CropOptions;
use eid_archive::report::{Pii, ReportWriter, Rows, Summary};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
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
    jobs: Option<usize>,
    /// Also write the crops and annotated images under DIR/crops/.
    #[arg(long)]
    crops: bool,
    /// Turn crops upright by EXIF orientation (with --crops).
    #[arg(long, requires = "crops")]
    exif_orientation: bool,
    /// With --crops: do not draw the full-size annotated image of each side.
    #[arg(long, requires = "crops")]
    no_annotated: bool,
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
    if args.jobs == Some(0) {
        bail!("--jobs must be at least 1");
    }
    let started = Instant::now();
    let mut inputs = batch::discover(&args.paths, &mut std::io::stdin().lock());
    if let Some(shard) = args.shard {
        inputs.retain(|i| shard.contains(i.path()));
    }
    let mut writer = ReportWriter::create(&args.out, args.force)?;
    let options = BatchOptions {
        audit,
        jobs: args.jobs.unwrap_or(0),
        crops_dir: args.crops.then(|| args.out.join("crops")),
        crop_options: CropOptions {
            apply_exif_orientation: args.exif_orientation,
            skip_annotated: args.no_annotated,
        },
        hash_members: args.hash_members,
        ..BatchOptions::default()
    };
    let policy = options.audit.policy.clone();

    let bar = if std::io::stderr().is_terminal() {
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
    batch::run(inputs, &options, |outcome| {
        let rows = Rows::of(&outcome, &pii, &policy, "crops/");
        if let Err(e) = &outcome.result {
            bar.suspend(|| eprintln!("{e}"));
        }
        summary.add(&outcome, &rows);
        bar.inc(1);
        match writer.write(&rows) {
            Ok(()) => true,
            Err(e) => {
                write_error = Some(e);
                false
            }
        }
    })?;
    bar.finish_and_clear();
    if let Some(e) = write_error {
        // Dropping the writer removes the partial files.
        drop(writer);
        return Err(e.into());
    }
    let files = writer.finish()?;
    print!("{}", summary.render(started.elapsed().as_secs_f64()));
    println!(
        "report       {} ({} files, pii {}, policy {} {})",
        args.out.display(),
        files.len(),
        pii.name(),
        policy.name,
        policy.digest()
    );
    Ok(if summary.errors > 0 {
        Outcome::Unreadable
    } else if summary.disagreements > 0 {
        Outcome::Disagrees
    } else {
        Outcome::Agrees
    })
}

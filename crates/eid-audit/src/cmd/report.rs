//! `eid-audit report PATH... --out DIR`: the batch compliance report.

use super::{JudgeArgs, Outcome, PiiArgs};
use anyhow::bail;
use eid_archive::batch::{self, Batch, BatchOptions, Input, Processed, Shard};
use eid_archive::html::IndexWriter;
use eid_archive::ida::{IdaOptions, VerifiedClaims};
use eid_archive::report::{
    Host, Images, PolicyRecord, ReportWriter, RowOptions, Rows, RunRecord, Summary, Tool,
    WriterOptions, utc_timestamp,
};
use eid_archive::{Audit, Pii};
use indicatif::{ProgressBar, ProgressState, ProgressStyle};
use std::io::{self, IsTerminal, Write as _};
use std::num::NonZeroUsize;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Instant, SystemTime};

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  eid-audit report testdata/*.zip -o report -f
  eid-audit report /store -o report --crops --crops-exclude Photo --jsonl
  find /store -name '*.zip' | eid-audit report - -o report --pii hmac --pii-key-file key
  eid-audit report /store -o out/3 --shard 3/8
  eid-audit report /store -o report --ida --pii full
  eid-audit report testdata/*.zip -o report -f --html")]
pub struct Args {
    /// Archives, or folders walked recursively for *.zip; `-` reads paths from standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Report folder: archives.csv, checks.csv, features.csv, findings.csv,
    /// members.csv, summary.txt, run.json (and audits.jsonl, verified_claims.jsonl, crops/).
    #[arg(short, long, value_name = "DIR")]
    out: PathBuf,
    /// Worker threads (default: one per core).
    #[arg(short, long, value_name = "N")]
    jobs: Option<NonZeroUsize>,
    /// Also write each archive's exhibits under DIR/crops/<processId>/: each side
    /// as stored, its annotation, a crop per feature. Images are personal data:
    /// faces and signatures are written whatever --pii says (see --crops-exclude).
    #[arg(long)]
    crops: bool,
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
    crops_into: CropsInto,
    #[command(flatten)]
    exhibits: super::crops::ExhibitArgs,
    #[command(flatten)]
    personal: PiiArgs,
    /// SHA-256 of every member in members.csv; inflating each whole also checks
    /// its CRC and size (a failure is an error finding, and exit code 2).
    #[arg(long)]
    hash_members: bool,
    /// Decode every image, so that a broken one is a finding without --crops.
    #[arg(long)]
    verify_media: bool,
    /// Also write audits.jsonl: one JSON object per archive, as inspect --format json.
    #[arg(long)]
    jsonl: bool,
    /// Also write verified_claims.jsonl: OpenID Identity Assurance verified
    /// claims of each archive accepted and agreeing with its record (see
    /// docs/ida.md). Needs --pii full; hashes every member, as --hash-members.
    #[arg(long)]
    ida: bool,
    #[command(flatten)]
    export: super::IdaArgs,
    /// Also write DIR/html/: index.html (the run at a glance, charts, the
    /// disagreements and errors), every archive in pages of 1,000 rows, and a
    /// page per archive with its sides annotated. Personal data follows
    /// --pii; images are copied only under --pii full.
    #[arg(long)]
    html: bool,
    /// Write the CSV files for spreadsheets: a byte-order mark, formula-like
    /// cells made text, CRC-32 kept as text.
    #[arg(long)]
    excel: bool,
    /// Replace a report already in DIR (all of it, earlier crops included).
    #[arg(short, long)]
    force: bool,
    /// No progress bar.
    #[arg(short, long)]
    quiet: bool,
    /// Process only shard K of N (1-based), chosen by a hash of each path.
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,
    #[command(flatten)]
    judge: JudgeArgs,
}

/// Where `report --crops` puts the exhibits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum CropsInto {
    /// DIR/crops/<processId>/...
    Folder,
    /// DIR/crops.zip, holding crops/<processId>/...
    Zip,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let started_at = SystemTime::now();
    let started = Instant::now();
    let (audit_options, policy_text) = args.judge.options_and_text(None)?;
    let pii = args.personal.pii()?;
    let ida = if args.ida {
        if !args.personal.is_full() {
            bail!("--ida writes names, birth dates and document numbers: it needs --pii full");
        }
        Some(args.export.options()?)
    } else {
        None
    };
    let mut inputs = batch::discover(&args.paths, &mut io::stdin().lock());
    if let Some(shard) = args.shard {
        inputs.retain(|i| shard.contains(i.path()));
    } else if inputs.is_empty() {
        // A mistyped folder must not look like a clean, empty audit.
        bail!(
            "no archives found in {}: nothing to report",
            shown(&args.paths)
        );
    }
    let interrupted = Arc::new(AtomicBool::new(false));
    {
        let flag = interrupted.clone();
        // A second handler cannot be installed (tests run the binary, not this twice).
        let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    }
    let writer_options = WriterOptions::default()
        .with_force(args.force)
        .with_jsonl(args.jsonl)
        .with_excel(args.excel)
        .with_verified_claims(ida.is_some())
        .with_crops_zip(args.crops && args.crops_into == CropsInto::Zip);
    let mut writer = ReportWriter::create(&args.out, &writer_options)?;
    let policy = audit_options.policy.clone();
    let limits = audit_options.read.limits;
    let mut options = BatchOptions::new(audit_options)
        .with_jobs(args.jobs)
        // The attachments' digests are the members' SHA-256.
        .with_member_hashes(args.hash_members || ida.is_some())
        .with_media_verified(args.verify_media);
    if args.crops {
        options = match args.crops_into {
            CropsInto::Folder => options.with_crops(writer.crops_dir(), args.exhibits.options()),
            CropsInto::Zip => options.with_crops_held(args.exhibits.options()),
        };
    }
    let mut html = if args.html {
        options = options.with_html(writer.html_dir(), pii.clone());
        Some(IndexWriter::create(
            &writer.html_dir(),
            inputs.len(),
            &format!("{} ({})", policy.name, policy.digest()),
            &pii,
        )?)
    } else {
        None
    };
    let batch = Batch::new(options)?;
    let row_options = RowOptions {
        pii: &pii,
        crops_prefix: "crops/",
    };
    let bar = progress(inputs.len(), args.quiet);
    let mut summary = Summary::default();
    let mut write_error = None;
    batch.run(&inputs, |outcome| {
        let path = outcome.input.path();
        let (rows, json) = match &outcome.result {
            Ok(p) => {
                if let Some(Err(e)) = &p.html {
                    write_error = Some(e.to_string());
                    return ControlFlow::Break(());
                }
                let rows = Rows::of_audit(
                    path,
                    &p.audit,
                    p.crops.as_ref().map(Result::as_ref),
                    &row_options,
                );
                (rows, args.jsonl.then(|| audit_json(&p.audit, &pii)))
            }
            Err(e) => {
                bar.suspend(|| crate::warn_line!("{e}"));
                let rows = Rows::of_error(path, e, &policy, &row_options);
                (rows, args.jsonl.then(|| error_json(outcome.input, e)))
            }
        };
        summary.add(&rows);
        let claims = ida
            .as_ref()
            .and_then(|o| verified_claims(o, &outcome.result, &mut summary));
        bar.set_message(format!(
            "{} disagree, {} errors",
            summary.disagreements, summary.errors
        ));
        bar.inc(1);
        let held = match &outcome.result {
            Ok(p) => match &p.crops {
                Some(Ok(c)) => writer.store_exhibits(&c.folder, &p.held),
                _ => Ok(()),
            },
            Err(_) => Ok(()),
        };
        let written = held
            .and_then(|()| writer.write(&rows))
            .and_then(|()| json.map_or(Ok(()), |j| writer.write_json(&j)))
            .and_then(|()| claims.map_or(Ok(()), |c| writer.write_claims(&c)))
            .and_then(|()| {
                html.as_mut()
                    .map_or(Ok(()), |h| h.add(outcome.index, &rows))
            });
        if let Err(e) = written {
            write_error = Some(e.to_string());
            return ControlFlow::Break(());
        }
        if interrupted.load(Ordering::SeqCst) {
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
    bar.finish_and_clear();
    if let Some(e) = write_error {
        // Dropping the writer removes what it wrote; the folder is as it was.
        drop(writer);
        bail!("{e}");
    }
    if interrupted.load(Ordering::SeqCst) {
        drop(writer);
        crate::warn_line!("eid-audit: interrupted; the previous report is kept");
        return Ok(Outcome::Interrupted);
    }
    if let Some(h) = html {
        h.finish()?;
    }
    let seconds = started.elapsed().as_secs_f64();
    let run = RunRecord {
        tool: Tool {
            name: "eid-audit".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            commit: option_env!("EID_AUDIT_GIT_COMMIT").map(str::to_owned),
        },
        command_line: std::env::args().collect(),
        started: utc_timestamp(started_at),
        ended: utc_timestamp(SystemTime::now()),
        host: Host {
            cores: std::thread::available_parallelism().map_or(1, NonZeroUsize::get),
            jobs: batch.threads(),
        },
        policy: PolicyRecord {
            name: policy.name.clone(),
            digest: policy.digest(),
            rules: serde_json::to_value(&policy)?,
            text: policy_text,
            warnings: policy.warnings(),
        },
        limits,
        pii: pii.name().into(),
        images: images(&args),
        summary: summary.record(),
        ..RunRecord::default()
    };
    let files = writer.finish(&summary.render_named(seconds), run)?;
    let mut out = io::stdout().lock();
    out.write_all(summary.render(seconds).as_bytes())?;
    writeln!(
        out,
        "report       {} ({} entries, pii {}, policy {} {})",
        args.out.display(),
        files.len(),
        pii.name(),
        policy.name,
        policy.digest()
    )?;
    out.flush()?;
    Ok(if summary.errors > 0 || summary.integrity_failures > 0 {
        Outcome::Unreadable
    } else if summary.disagreements > 0 {
        Outcome::Disagrees
    } else {
        Outcome::Agrees
    })
}

/// One archive's verified claims, counted in the summary: the line for
/// `verified_claims.jsonl`, or `None` with the reason it did not qualify.
fn verified_claims(
    options: &IdaOptions,
    result: &Result<Box<Processed>, eid_archive::Error>,
    summary: &mut Summary,
) -> Option<serde_json::Value> {
    let claims = match result {
        Ok(p) => VerifiedClaims::from_audit(&p.audit, options),
        Err(_) => {
            summary.add_claims(Err("Unreadable"));
            return None;
        }
    };
    match claims {
        Ok(c) => {
            summary.add_claims(Ok(()));
            Some(c.envelope())
        }
        Err(not) => {
            summary.add_claims(Err(not.why().code()));
            None
        }
    }
}

/// The paths given, for a message.
fn shown(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What `run.json` says about images.
fn images(args: &Args) -> Images {
    let options = args.exhibits.options();
    if args.html && args.personal.is_full() && !args.crops {
        return Images {
            written: true,
            note: Some(
                "html under --pii full: each side's image is copied verbatim beside its archive's page".into(),
            ),
            ..Images::default()
        };
    }
    Images {
        written: args.crops,
        into: args
            .crops
            .then(|| format!("{:?}", args.crops_into).to_lowercase()),
        annotation: args.crops.then(|| format!("{:?}", options.annotation).to_lowercase()),
        excluded: if args.crops {
            options.exclude.clone()
        } else {
            Vec::new()
        },
        note: args.crops.then(|| {
            "images are personal data: faces, signatures and documents are written whatever the pii mode says, except what is excluded".into()
        }),
    }
}

/// One archive as `audits.jsonl` holds it: the JSON of `inspect --format
/// json`, with personal data under the mode in force.
fn audit_json(audit: &Audit, pii: &Pii) -> serde_json::Value {
    let mut value = serde_json::to_value(audit).unwrap_or(serde_json::Value::Null);
    pii.redact_json(&mut value);
    if let serde_json::Value::Object(map) = &mut value {
        map.insert("pii".into(), pii.name().into());
    }
    value
}

/// An archive that could not be read, as `audits.jsonl` holds it.
fn error_json(input: &Input, e: &eid_archive::Error) -> serde_json::Value {
    serde_json::json!({
        "archive": {
            "path": input.path().display().to_string(),
            "sha256": e.fingerprint().map(|f| f.sha256.clone()),
            "bytes": e.fingerprint().map(|f| f.bytes),
        },
        "error": {"code": e.code(), "message": e.detail()},
    })
}

/// The progress bar on a terminal: archives done, the rate, and what was
/// found so far; hidden with `--quiet` or when standard error is not a terminal.
fn progress(len: usize, quiet: bool) -> ProgressBar {
    if quiet || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    let style = ProgressStyle::with_template(
        "{elapsed_precise} [{bar:30}] {pos}/{len} archives, {rate} ({eta} left), {msg}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .with_key("rate", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
        let _ = write!(w, "{:.0}/s", s.per_sec());
    })
    .progress_chars("=> ");
    bar.set_style(style);
    bar
}

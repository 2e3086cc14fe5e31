//! `eid-audit pack PATH... -o pack.zip`: the evidence of one case, or of a
//! list, sealed in one zip with a manifest of every file's SHA-256; and
//! `eid-audit pack --verify pack.zip`. The pack itself is the library's
//! (`eid_archive::pack`); this maps the arguments and prints the result.

use super::crops::ExhibitArgs;
use super::{IdaArgs, JudgeArgs, Outcome, PiiArgs};
use anyhow::{Context, bail};
use eid_archive::batch;
use eid_archive::pack::{self, PackError, PackOptions, Selection};
use std::io::{self, Write as _};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  eid-audit pack testdata -o case.zip --process-id 00000000-0000-4000-8000-000000000007
  eid-audit pack /store -o review.zip --from-sample report/sample.csv --pii full
  eid-audit pack --from-sample report/sample.csv -o review.zip
  eid-audit pack --verify case.zip

See docs/pack.md: what a pack holds, sha256sum -c, and a detached signature.")]
pub struct Args {
    /// Archives, or folders walked recursively for *.zip; `-` reads paths
    /// from standard input. With --from-sample and no PATH, the sample's
    /// `archive` column.
    #[arg(value_name = "PATH", conflicts_with = "verify")]
    paths: Vec<PathBuf>,
    /// The pack to write (refused if it exists, unless --force).
    #[arg(short, long, value_name = "FILE", required_unless_present = "verify")]
    out: Option<PathBuf>,
    /// Pack the archives with this process id (repeatable).
    #[arg(long, value_name = "ID", conflicts_with = "verify")]
    process_id: Vec<String>,
    /// Pack the archive with this SHA-256 (repeatable).
    #[arg(long, value_name = "HASH", value_parser = sha256, conflicts_with = "verify")]
    sha256: Vec<String>,
    /// Pack the archives a report's sample.csv drew (by its sha256 column).
    #[arg(long, value_name = "FILE", conflicts_with = "verify")]
    from_sample: Option<PathBuf>,
    /// Check a pack instead: every member against the manifest, and the
    /// archives against run.json. Exit 0 when it holds, 2 naming each file that does not.
    // Every option that shapes a pack would do nothing here: refused, not dropped.
    #[arg(
        long,
        value_name = "PACK",
        conflicts_with_all = [
            "out", "force", "process", "verify_media", "annotated", "no_annotated", "embed",
            "exif_orientation", "crops_exclude", "pii", "pii_key_file", "ida_assurance_level",
            "ida_attachment_base_url", "ida_allow_override", "policy", "limits",
        ]
    )]
    verify: Option<PathBuf>,
    /// Replace a pack already at --out (never a file that is not a pack).
    #[arg(short, long)]
    force: bool,
    /// The process record kept outside the zip (default: same stem, `.json`,
    /// beside each archive).
    #[arg(long, value_name = "FILE")]
    process: Option<PathBuf>,
    /// Decode every image, so that a broken one is a finding.
    #[arg(long)]
    verify_media: bool,
    #[command(flatten)]
    exhibits: ExhibitArgs,
    #[command(flatten)]
    personal: PiiArgs,
    #[command(flatten)]
    export: IdaArgs,
    #[command(flatten)]
    judge: JudgeArgs,
}

/// A `--sha256` value: 64 hex digits, kept in lower case.
fn sha256(s: &str) -> Result<String, String> {
    if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(s.to_ascii_lowercase())
    } else {
        Err(format!("{s:?} is not a SHA-256 (64 hex digits)"))
    }
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    if let Some(path) = &args.verify {
        return verify(path);
    }
    let Some(out) = args.out.clone() else {
        bail!("give --out FILE, or --verify PACK");
    };
    let sample = match &args.from_sample {
        Some(file) => Some(pack::read_sample(file).map_err(anyhow::Error::msg)?),
        None => None,
    };
    let selection = Selection {
        process_ids: args.process_id.clone(),
        sha256: args.sha256.clone(),
        sample,
    };
    if selection.is_empty() {
        bail!("nothing selected: give --process-id, --sha256 or --from-sample");
    }
    let mut paths = args.paths.clone();
    if paths.is_empty() {
        match &selection.sample {
            Some(sample) => paths.extend(
                sample
                    .rows
                    .iter()
                    .filter_map(|r| r.archive.clone())
                    .map(PathBuf::from),
            ),
            None => bail!("name the archives (PATH...) to select from"),
        }
    }
    if let Some(url) = paths
        .iter()
        .find(|p| p.to_str().is_some_and(|s| s.contains("://")))
    {
        bail!(
            "{}: pack reads local archives; copy the objects first (a pack holds their bytes)",
            url.display()
        );
    }
    let (audit, policy_text) = args.judge.options_and_text(args.process.clone())?;
    let pii = args.personal.pii()?;
    let mut options =
        PackOptions::default().with_invocation(super::tool(), std::env::args().collect());
    options.audit = audit.with_media_verified(args.verify_media);
    options.pii = pii;
    options.crops = args.exhibits.options();
    options.ida = args.export.options()?;
    options.policy_text = policy_text;
    options.started = started()?;
    options.force = args.force;
    let inputs = batch::discover(&paths, &mut io::stdin().lock());
    if inputs.is_empty() {
        bail!("no archives found: nothing to pack");
    }
    let interrupted = Arc::new(AtomicBool::new(false));
    {
        let flag = interrupted.clone();
        // A second handler cannot be installed (tests run the binary, not this twice).
        let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    }
    let stop = move || interrupted.load(Ordering::SeqCst);
    let warn = &mut |line: &str| crate::warn_line!("{line}");
    let packed = match pack::make(&inputs, &out, &selection, &options, warn, &stop) {
        Ok(p) => p,
        Err(PackError::Refused(why)) => bail!("{why}"),
        Err(PackError::Interrupted) => {
            crate::warn_line!(
                "eid-audit: interrupted; no pack written (one already there is kept)"
            );
            return Ok(Outcome::Interrupted);
        }
        Err(e) => return Err(e.into()),
    };
    let mut stdout = io::stdout().lock();
    writeln!(
        stdout,
        "packed       {}, {}, in {} (pii {})",
        plural(packed.archives, "archive"),
        plural(packed.files, "file"),
        packed.path.display(),
        options.pii.name()
    )?;
    stdout.flush()?;
    Ok(if packed.errors.is_empty() {
        Outcome::Agrees
    } else {
        Outcome::Unreadable
    })
}

/// When the run started: now, or `SOURCE_DATE_EPOCH` (seconds) when set, so
/// that the same inputs give the same pack, byte for byte.
fn started() -> anyhow::Result<SystemTime> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(s) => {
            let secs: u64 = s
                .trim()
                .parse()
                .with_context(|| format!("SOURCE_DATE_EPOCH={s:?} is not a number of seconds"))?;
            Ok(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
        }
        Err(_) => Ok(SystemTime::now()),
    }
}

/// `--verify`: one line when the pack holds, else one line per problem and exit 2.
fn verify(path: &std::path::Path) -> anyhow::Result<Outcome> {
    match pack::verify(path) {
        Ok(v) => {
            let mut out = io::stdout().lock();
            writeln!(
                out,
                "verified: {} in {} ({}), every SHA-256 as the manifest says",
                plural(v.files, "file"),
                path.display(),
                plural(v.archives, "archive")
            )?;
            out.flush()?;
            Ok(Outcome::Agrees)
        }
        Err(problems) => {
            for p in &problems {
                crate::warn_line!("{p}");
            }
            Ok(Outcome::Unreadable)
        }
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

//! `eid-audit report PATH... --out DIR`: the batch compliance report. The
//! run itself is the library's (`eid_archive::run`); this maps the
//! arguments to its options, shows progress and prints the result.

mod args;
mod population;

pub use args::Args;
pub(crate) use args::FailOn;
use args::Into;

use super::Outcome;
use anyhow::bail;
use eid_archive::batch;
use eid_archive::run::{self, Finished, ReportOptions};
use std::io::{self, Write as _};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let (audit, policy_text) = args.judge.options_and_text(None)?;
    let pii = args.personal.pii()?;
    args.exhibits.refuse_unused(args.crops, args.html)?;
    let mut options = ReportOptions::new(&args.out)
        .with_force(args.force)
        .with_jobs(args.jobs)
        .with_pii(pii.clone())
        .with_exclude(args.exhibits.exclude())
        .with_jsonl(args.jsonl)
        .with_html(args.html)
        .with_excel(args.excel)
        .with_parquet(args.parquet)
        .with_policy_text(policy_text)
        .with_invocation(super::tool(), std::env::args().collect());
    if args.ida {
        if !args.personal.is_full() {
            bail!("--ida writes names, birth dates and document numbers: it needs --pii full");
        }
        options = options.with_ida(args.export.options()?);
    }
    if args.crops {
        options = match args.crops_into {
            Into::Folder => options.with_crops(args.exhibits.options()),
            Into::Zip => options.with_crops_zip(args.exhibits.options()),
        };
    }
    let policy = format!("{} {}", audit.policy.name, audit.policy.digest());
    options = options.with_audit(
        audit
            .with_member_hashes(args.hash_members)
            .with_media_verified(args.verify_media),
    );
    options = options
        .with_requests(args.requests)
        .with_population(args.population.options());
    let mut inputs = match inputs(&args) {
        Ok(inputs) => inputs,
        Err(Listing::Retry(e)) => {
            crate::warn_line!("eid-audit: {e}");
            return Ok(Outcome::Retry);
        }
        Err(Listing::Fail(e)) => return Err(e),
    };
    if let Some(shard) = args.shard {
        options = options.with_shard(shard.select(&mut inputs));
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
    let bar = crate::terminal::progress(inputs.len(), args.quiet);
    let finished = run::report(&inputs, &options, &mut |event, tally| {
        if let Err(e) = event.outcome {
            bar.suspend(|| crate::warn_line!("{e}"));
        }
        bar.set_message(format!(
            "{} disagree, {} errors",
            tally.disagreements, tally.errors
        ));
        bar.inc(1);
        if interrupted.load(Ordering::SeqCst) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    bar.finish_and_clear();
    let stats = match finished? {
        Finished::Complete(stats) => stats,
        Finished::Interrupted => {
            crate::warn_line!("eid-audit: interrupted; the previous report is kept");
            return Ok(Outcome::Interrupted);
        }
    };
    if let Some(asked) = args.jobs
        && asked.get() > stats.threads
    {
        crate::warn_line!(
            "eid-audit: note: --jobs {asked} ran on {} threads (never more than the inputs, nor 8 a core)",
            stats.threads
        );
    }
    if stats.recovered {
        crate::warn_line!(
            "eid-audit: an earlier run was killed while it replaced its report; the report before it was restored first"
        );
    }
    let mut out = io::stdout().lock();
    out.write_all(stats.summary.as_bytes())?;
    writeln!(
        out,
        "report       {} ({} entries, pii {}, policy {policy})",
        args.out.display(),
        stats.entries.len(),
        pii.name(),
    )?;
    if let Some(line) = super::named_line(&stats.tally, &args.out) {
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    Ok(match (Outcome::of(&stats.tally), args.fail_on) {
        // A complete audit is a success to a scheduler, whatever it found.
        (Outcome::Disagrees, FailOn::Error) => Outcome::Agrees,
        (outcome, _) => outcome,
    })
}

/// Why the inputs could not be listed.
enum Listing {
    /// Object storage failed after its retries: a later run may succeed.
    Retry(anyhow::Error),
    /// The request is wrong.
    Fail(anyhow::Error),
}

/// The inputs: local paths discovered, and store URLs listed, in one order.
fn inputs(args: &Args) -> Result<Vec<batch::Input>, Listing> {
    let (urls, local): (Vec<&PathBuf>, Vec<&PathBuf>) = args
        .paths
        .iter()
        .partition(|p| p.to_str().is_some_and(|s| s.contains("://")));
    if args.manifest.is_some() && urls.len() != 1 {
        return Err(Listing::Fail(anyhow::anyhow!(
            "--manifest reads keys from one store: name exactly one s3://, gs:// or az:// URL"
        )));
    }
    let local: Vec<PathBuf> = local.into_iter().cloned().collect();
    let mut inputs = if local.is_empty() {
        Vec::new()
    } else {
        batch::discover(&local, &mut io::stdin().lock())
    };
    for url in urls {
        inputs.extend(list(url.to_str().unwrap_or_default(), args)?);
    }
    inputs.sort();
    inputs.dedup();
    Ok(inputs)
}

#[cfg(feature = "store")]
fn list(url: &str, args: &Args) -> Result<Vec<batch::Input>, Listing> {
    use eid_archive::store::{self, StoreOptions};
    if !store::is_store_url(url.as_ref()) {
        return Err(Listing::Fail(anyhow::anyhow!(
            "{url}: not a store eid-audit reads (s3://, gs://, az://)"
        )));
    }
    let options = StoreOptions::default()
        .with_retries(args.retries)
        .with_manifest(args.manifest.clone());
    store::list(url, &options).map_err(|e| {
        if e.is_retryable() {
            Listing::Retry(e.into())
        } else {
            Listing::Fail(e.into())
        }
    })
}

#[cfg(not(feature = "store"))]
fn list(url: &str, _: &Args) -> Result<Vec<batch::Input>, Listing> {
    Err(Listing::Fail(anyhow::anyhow!(
        "{url}: this eid-audit was built without object storage (the `store` feature)"
    )))
}

/// The paths given, for a message.
fn shown(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

//! The report run, as a library call: options in, inputs in, statistics out.
//!
//! Each input is opened and audited on a worker thread, its exhibits cut and
//! its HTML page written while the archive is open there; the resulting
//! event reaches, on the calling thread and in input order, every sink of
//! the report side by side: the run's [`Tally`], the CSV files,
//! `audits.jsonl`, `verified_claims.jsonl`, `crops.zip` and the HTML index.
//! `summary.txt`, `run.json` and the index are written from the tally at the
//! end, and the report folder is replaced only when the run is complete.

use crate::batch::{Batch, Input};
use crate::crops::{Annotation, Bundle};
use crate::error::{Error, OutputError};
use crate::event::Event;
use crate::html::IndexWriter;
use crate::images::{ImageCount, ImageRule};
use crate::pii::Pii;
use crate::population::Population;
use crate::report::parquet::Footer;
use crate::report::{
    Host, Images, PolicyRecord, ReportWriter, RowOptions, Rows, RunRecord, Summary, WriterOptions,
    audit_line, own_files, utc_timestamp,
};
use crate::tally::Tally;
use std::num::NonZeroUsize;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::time::{Instant, SystemTime};

mod options;
mod work;

use options::CropsInto;
pub use options::ReportOptions;
use work::{Done, Folders, HELD_IN_FLIGHT, Work, threads};

/// How a run ended.
#[derive(Debug)]
pub enum Finished {
    /// The report is complete and in its folder.
    Complete(Box<RunStats>),
    /// The observer stopped the run; the previous report is kept.
    Interrupted,
}

/// What a complete run found and wrote.
#[non_exhaustive]
#[derive(Debug)]
pub struct RunStats {
    /// The counts.
    pub tally: Tally,
    /// The report's entries, as they now are in its folder.
    pub entries: Vec<PathBuf>,
    /// Wall time, in seconds.
    pub seconds: f64,
    /// Worker threads used.
    pub threads: usize,
    /// The summary as a terminal shows it (`summary.txt` also names the
    /// first disagreements and errors).
    pub summary: String,
    /// An earlier run was killed while it replaced its report: the report
    /// before it was put back before this run began.
    pub recovered: bool,
}

/// Runs a report over `inputs`. `observe` is one more sink: it sees each
/// event, in input order, after the report's own sinks, with the tally so
/// far, and breaks to stop the run (an interrupt): the report folder is then
/// left as it was. A file that cannot be written stops the run with its
/// error, and the folder is left as it was too.
///
/// ```
/// # let dir = tempfile::tempdir()?;
/// # let store = dir.path().join("store");
/// # std::fs::create_dir(&store)?;
/// # eid_archive::doc_example_archive(&store.join("accepted.zip"))?;
/// use eid_archive::run::{self, Finished, ReportOptions};
/// use std::ops::ControlFlow;
///
/// let inputs = eid_archive::batch::discover(&[store], &mut std::io::empty());
/// let options = ReportOptions::new(dir.path().join("report")).with_jsonl(true);
/// let finished = run::report(&inputs, &options, &mut |event, _tally| {
///     if let Err(e) = event.outcome {
///         eprintln!("{e}");
///     }
///     ControlFlow::Continue(())
/// })?;
/// let Finished::Complete(stats) = finished else { unreachable!("not interrupted") };
/// assert_eq!((stats.tally.archives, stats.tally.disagreements), (1, 0));
/// assert!(dir.path().join("report/audits.jsonl").exists());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn report(
    inputs: &[Input],
    options: &ReportOptions,
    observe: &mut dyn FnMut(&Event<'_>, &Tally) -> ControlFlow<()>,
) -> Result<Finished, OutputError> {
    let started_at = SystemTime::now();
    let started = Instant::now();
    if options.ida.is_some() && options.pii != Pii::Full {
        return Err(OutputError::Options(
            "verified claims are names, birth dates and document numbers: they need --pii full"
                .into(),
        ));
    }
    let o = options;
    let policy = &o.audit.policy;
    // The report's own files are output, not evidence: a store that holds
    // its report (`--out STORE`) never has it audited as input.
    let own = own_files(&o.out);
    let inputs: Vec<Input> = inputs
        .iter()
        .filter(|i| !own.contains(i.path()))
        .cloned()
        .collect();
    let inputs = &inputs[..];
    // Every Parquet file of the run says the same of itself.
    let footer = o
        .parquet
        .then(|| Footer::new(&o.tool.version, &policy.digest()));
    let mut writer = ReportWriter::create(
        &o.out,
        &WriterOptions::default()
            .with_force(o.force)
            .with_jsonl(o.jsonl)
            .with_excel(o.excel)
            .with_verified_claims(o.ida.is_some())
            .with_parquet(footer.clone()),
    )?;
    let recovered = writer.recovered();
    let rule = ImageRule::new(&o.pii, o.exclude.clone());
    let staging = writer.staging().to_owned();
    let work = Work {
        audit: o
            .audit
            .clone()
            // The attachments' digests are the members' SHA-256.
            .with_member_hashes(o.audit.hash_members || o.ida.is_some()),
        crops: o
            .crops
            .as_ref()
            .map(|(into, c)| (*into, c.clone().with_images(rule.clone()))),
        crops_dir: staging.join("crops"),
        html_dir: o.html.then(|| staging.join("html")),
        pii: &o.pii,
        rule: &rule,
        ida: o.ida.as_ref(),
    };
    let mut bundle = match o.crops {
        Some((CropsInto::Zip, _)) => Some(Bundle::create(&staging.join("crops.zip"))?),
        _ => None,
    };
    let mut index = match &work.html_dir {
        Some(dir) => Some(IndexWriter::create(
            dir,
            inputs.len(),
            &format!("{} ({})", policy.name, policy.digest()),
            &o.pii,
        )?),
        None => None,
    };
    let mut workers = threads(o.jobs, inputs.len());
    let remote = inputs.iter().filter(|i| i.is_remote()).count();
    if remote > 0 {
        // A worker reading an object mostly waits: as many workers as
        // requests in flight (each holds at most one archive's bytes).
        workers = workers.max(
            o.requests
                .min(NonZeroUsize::new(remote).unwrap_or(NonZeroUsize::MIN)),
        );
    }
    let mut batch = Batch::new(Some(workers)).map_err(OutputError::io(&o.out))?;
    if matches!(o.crops, Some((CropsInto::Zip, _))) {
        // Each result in flight may hold up to 128 MiB of exhibits until
        // it is stored: bound them all together, whatever --jobs says.
        batch = batch.with_in_flight(HELD_IN_FLIGHT);
    }
    let mut population = Population::create(
        &o.population,
        &o.pii,
        &staging,
        o.excel,
        inputs.len(),
        work.audit.hash_members,
        o.shard.is_some(),
        crate::dates::Date::from_epoch_millis(epoch_millis(started_at)),
    )?;
    let rows = RowOptions {
        pii: &o.pii,
        crops_prefix: "crops/",
        policy,
    };
    let mut tally = Tally::default();
    let mut claimed = Folders::default();
    let mut failed = None;
    let mut interrupted = false;
    batch.run(
        inputs,
        |i, input| work.archive(i, input),
        |i, mut result| {
            if let Ok(done) = &mut result {
                if let Some(Err(_)) = &done.page {
                    failed = done.page.take().and_then(Result::err);
                    return ControlFlow::Break(());
                }
                work.settle(done, &mut claimed);
            }
            let event = Event {
                index: i,
                path: inputs[i].path(),
                outcome: result.as_ref().map(|d| &d.audited),
            };
            let sunk = sink(
                &event,
                &result,
                &mut Sinks {
                    tally: &mut tally,
                    writer: &mut writer,
                    bundle: bundle.as_mut(),
                    index: index.as_mut(),
                    rows: &rows,
                    population: &mut population,
                    jsonl: o.jsonl.then_some(&o.pii),
                    ida: o.ida.is_some(),
                },
            );
            if let Err(e) = sunk {
                failed = Some(e);
                return ControlFlow::Break(());
            }
            let flow = observe(&event, &tally);
            interrupted = flow.is_break();
            flow
        },
    );
    if let Some(e) = failed {
        // Dropping the writer removes what it wrote; the folder is as it was.
        return Err(e);
    }
    if interrupted {
        return Ok(Finished::Interrupted);
    }
    // The duplicates are completed from archives.csv: it is written out
    // first. The index counts them, so it comes after.
    writer.flush()?;
    let finished = population.finish(&staging)?;
    if let Some(footer) = &footer {
        let names = ["duplicates.csv", "sample.csv", "retention.csv"];
        crate::report::parquet::write_population(&staging, footer, &names)?;
    }
    if let (Some(dir), Some(record)) = (&work.html_dir, &finished.sections.sample) {
        crate::html::write_sample_page(dir, &finished.sample, record, &o.pii)?;
    }
    let sections = finished.sections;
    tally.population = Some(Box::new(sections.clone()));
    if let Some(index) = index {
        let about = format!(
            "{}, run started {}",
            o.tool.describe(),
            utc_timestamp(started_at)
        );
        index.finish(&tally, &about)?;
    }
    if let Some(bundle) = bundle {
        bundle.finish()?;
    }
    tally.policy_warnings = policy.warnings();
    let seconds = started.elapsed().as_secs_f64();
    let summary = Summary(&tally);
    let run = RunRecord {
        tool: o.tool.clone(),
        command_line: o.command_line.clone(),
        started: utc_timestamp(started_at),
        ended: utc_timestamp(SystemTime::now()),
        host: Host {
            cores: std::thread::available_parallelism().map_or(1, NonZeroUsize::get),
            jobs: batch.threads(),
        },
        policy: PolicyRecord {
            name: policy.name.clone(),
            digest: policy.digest(),
            rules: policy.to_json(),
            text: o.policy_text.clone(),
            warnings: policy.warnings(),
        },
        limits: o.audit.read.limits,
        pii: o.pii.name().into(),
        images: images_record(o, &rule, tally.images),
        summary: tally.clone(),
        monitoring: Some(tally.monitoring.clone()),
        shard: o.shard.clone(),
        population: sections,
        ..RunRecord::default()
    };
    let entries = writer.finish(&summary.render_named(seconds), run)?;
    let summary = summary.render(seconds);
    Ok(Finished::Complete(Box::new(RunStats {
        tally,
        entries,
        seconds,
        threads: batch.threads(),
        summary,
        recovered,
    })))
}

/// The sinks of a run's events, besides the observer.
struct Sinks<'a, 'b> {
    tally: &'a mut Tally,
    writer: &'a mut ReportWriter,
    bundle: Option<&'a mut Bundle>,
    index: Option<&'a mut IndexWriter>,
    rows: &'a RowOptions<'b>,
    population: &'a mut Population,
    jsonl: Option<&'a Pii>,
    ida: bool,
}

/// Hands one event to every sink.
fn sink(
    event: &Event<'_>,
    result: &Result<Done, Error>,
    s: &mut Sinks<'_, '_>,
) -> Result<(), OutputError> {
    s.tally.add(event);
    if let Ok(done) = result {
        let mut images = ImageCount {
            page_images: done.page.as_ref().map_or(0, |p| *p.as_ref().unwrap_or(&0)),
            ..ImageCount::default()
        };
        if let Some(c) = done.audited.written_exhibits() {
            images.add(c.image_count());
            if let Some(bundle) = s.bundle.as_deref_mut() {
                bundle.store(&c.folder, &done.held)?;
            }
        }
        s.tally.images.add(images);
    }
    let claims = match result {
        Ok(done) => done.claims.clone(),
        Err(_) => s.ida.then_some(Err("Unreadable")),
    };
    if let Some(c) = &claims {
        s.tally
            .add_claims(c.as_ref().map(|_| ()).map_err(|code| *code));
    }
    s.writer.write(&Rows::of_event(event, s.rows))?;
    let images = result.as_ref().map_or(&[][..], |d| &d.images[..]);
    s.population.add(event, images)?;
    if let Some(pii) = s.jsonl {
        s.writer.write_json(&audit_line(event, pii))?;
    }
    if let Some(Ok(line)) = &claims {
        s.writer.write_claims(line)?;
    }
    if let Some(index) = s.index.as_deref_mut() {
        index.add(event)?;
    }
    Ok(())
}

/// Milliseconds since the epoch of `t` (0 before it).
fn epoch_millis(t: SystemTime) -> i64 {
    t.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// What `run.json` says of the images: the rule, and what the writers wrote.
fn images_record(o: &ReportOptions, rule: &ImageRule, files: ImageCount) -> Images {
    let mut notes = Vec::new();
    if o.crops.is_some() {
        notes.push(
            "images are personal data: faces, signatures and documents are written whatever the pii mode says, except what is excluded",
        );
    }
    if files.page_images > 0 {
        notes.push("html under --pii full: each side's image not excluded is copied verbatim beside its archive's page");
    }
    Images {
        written: !files.is_empty(),
        into: o.crops.as_ref().map(|(into, _)| {
            match into {
                CropsInto::Folder => "folder",
                CropsInto::Zip => "zip",
            }
            .to_owned()
        }),
        annotation: o.crops.as_ref().map(|(_, c)| {
            match c.annotation {
                Annotation::Svg => "svg",
                Annotation::Png => "png",
                Annotation::None => "none",
            }
            .to_owned()
        }),
        excluded: rule.excluded().to_vec(),
        note: (!notes.is_empty()).then(|| notes.join("; ")),
        files,
    }
}

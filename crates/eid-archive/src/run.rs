//! The report run, as a library call: options in, inputs in, statistics out.
//!
//! Each input is opened and audited on a worker thread, its exhibits cut and
//! its HTML page written while the archive is open there; the resulting
//! event reaches, on the calling thread and in input order, every sink of
//! the report side by side: the run's [`Tally`], the CSV files,
//! `audits.jsonl`, `verified_claims.jsonl`, `crops.zip` and the HTML index.
//! `summary.txt`, `run.json` and the index are written from the tally at the
//! end, and the report folder is replaced only when the run is complete.

use crate::archive::Archive;
use crate::audit::{Audit, AuditOptions};
use crate::batch::{Batch, Input};
use crate::crops::{self, Annotation, Bundle, CropOptions, Held};
use crate::error::{Error, OutputError};
use crate::event::{Audited, Event};
use crate::html::{self, IndexWriter};
use crate::ida::{IdaOptions, VerifiedClaims};
use crate::images::{ImageCount, ImageRule};
use crate::pii::Pii;
use crate::report::{
    Host, Images, PolicyRecord, ReportWriter, RowOptions, Rows, RunRecord, Summary, WriterOptions,
    audit_line, own_files, utc_timestamp,
};
use crate::tally::Tally;
use std::collections::HashSet;
use std::num::NonZeroUsize;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use crate::report::Tool;

/// Where a report's exhibits go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CropsInto {
    /// A folder per archive under `crops/`.
    Folder,
    /// One uncompressed `crops.zip` holding the same layout.
    Zip,
}

/// What a report run writes, and how.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    out: PathBuf,
    force: bool,
    jobs: Option<NonZeroUsize>,
    audit: AuditOptions,
    pii: Pii,
    exclude: Vec<String>,
    crops: Option<(CropsInto, CropOptions)>,
    jsonl: bool,
    ida: Option<IdaOptions>,
    html: bool,
    excel: bool,
    policy_text: Option<String>,
    tool: Tool,
    command_line: Vec<String>,
}

impl ReportOptions {
    /// A report into the folder `out`: the five CSV files, `summary.txt`
    /// and `run.json`, every archive audited by the default options, with
    /// personal data left out.
    pub fn new(out: impl Into<PathBuf>) -> ReportOptions {
        ReportOptions {
            out: out.into(),
            force: false,
            jobs: None,
            audit: AuditOptions::default(),
            pii: Pii::Omit,
            exclude: Vec::new(),
            crops: None,
            jsonl: false,
            ida: None,
            html: false,
            excel: false,
            policy_text: None,
            tool: Tool::default(),
            command_line: Vec::new(),
        }
    }

    /// Replaces a report already in the folder, or not.
    pub fn with_force(mut self, force: bool) -> Self {
        self.force = force;
        self
    }

    /// Worker threads (`None`: one per core).
    pub fn with_jobs(mut self, jobs: Option<NonZeroUsize>) -> Self {
        self.jobs = jobs;
        self
    }

    /// How each archive is read, judged, hashed and verified.
    pub fn with_audit(mut self, audit: AuditOptions) -> Self {
        self.audit = audit;
        self
    }

    /// The personal-data mode of every file and page.
    pub fn with_pii(mut self, pii: Pii) -> Self {
        self.pii = pii;
        self
    }

    /// Features and sides whose images are to be left out of every output
    /// (see [`ImageRule`]).
    pub fn with_exclude(mut self, exclude: Vec<String>) -> Self {
        self.exclude = exclude;
        self
    }

    /// Also writes each archive's exhibits, made this way, into a folder
    /// per archive under `crops/` (their exclusions are the run's:
    /// [`ReportOptions::with_exclude`]).
    pub fn with_crops(mut self, options: CropOptions) -> Self {
        self.crops = Some((CropsInto::Folder, options));
        self
    }

    /// As [`ReportOptions::with_crops`], into one uncompressed `crops.zip`
    /// holding the same layout: one file instead of thousands.
    pub fn with_crops_zip(mut self, options: CropOptions) -> Self {
        self.crops = Some((CropsInto::Zip, options));
        self
    }

    /// Also writes `audits.jsonl`.
    pub fn with_jsonl(mut self, jsonl: bool) -> Self {
        self.jsonl = jsonl;
        self
    }

    /// Also writes `verified_claims.jsonl` (needs [`Pii::Full`]; hashes
    /// every member, for the attachments' digests).
    pub fn with_ida(mut self, options: IdaOptions) -> Self {
        self.ida = Some(options);
        self
    }

    /// Also writes `html/`.
    pub fn with_html(mut self, html: bool) -> Self {
        self.html = html;
        self
    }

    /// Writes the CSV files for spreadsheets.
    pub fn with_excel(mut self, excel: bool) -> Self {
        self.excel = excel;
        self
    }

    /// The text of the policy file the audit options' policy was parsed
    /// from, for `run.json`.
    pub fn with_policy_text(mut self, text: Option<String>) -> Self {
        self.policy_text = text;
        self
    }

    /// The tool (its name, version and, when known, the commit it was
    /// built from) and its command line, for `run.json`.
    pub fn with_invocation(
        mut self,
        name: &str,
        version: &str,
        commit: Option<&str>,
        command_line: Vec<String>,
    ) -> Self {
        self.tool = Tool {
            name: name.to_owned(),
            version: version.to_owned(),
            commit: commit.map(str::to_owned),
        };
        self.command_line = command_line;
        self
    }
}

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
    let mut writer = ReportWriter::create(
        &o.out,
        &WriterOptions::default()
            .with_force(o.force)
            .with_jsonl(o.jsonl)
            .with_excel(o.excel)
            .with_verified_claims(o.ida.is_some()),
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
    let mut batch =
        Batch::new(Some(threads(o.jobs, inputs.len()))).map_err(OutputError::io(&o.out))?;
    if matches!(o.crops, Some((CropsInto::Zip, _))) {
        // Each result in flight may hold up to 128 MiB of exhibits until
        // it is stored: bound them all together, whatever --jobs says.
        batch = batch.with_in_flight(HELD_IN_FLIGHT);
    }
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
        |i, path| work.archive(i, path),
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
    if let Some(index) = index {
        index.finish(&tally)?;
    }
    if let Some(bundle) = bundle {
        bundle.finish()?;
    }
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
            rules: serde_json::to_value(policy).unwrap_or_default(),
            text: o.policy_text.clone(),
            warnings: policy.warnings(),
        },
        limits: o.audit.read.limits,
        pii: o.pii.name().into(),
        images: images_record(o, &rule, tally.images),
        summary: tally.clone(),
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

/// How many archives' exhibits may wait in memory at once, for one
/// `crops.zip` (each at most 128 MiB): 1 GiB in all.
const HELD_IN_FLIGHT: usize = 8;

/// The worker threads of a run: as asked (else one per core), but never
/// more than the inputs, nor more than 8 a core: more threads than that only
/// add memory and scheduling, never speed (`--jobs 100000` would start
/// thousands).
fn threads(jobs: Option<NonZeroUsize>, inputs: usize) -> NonZeroUsize {
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let asked = jobs.map_or(cores, NonZeroUsize::get);
    let n = asked.min(inputs.max(1)).min(8 * cores);
    NonZeroUsize::new(n).unwrap_or(NonZeroUsize::MIN)
}

/// What the workers do to each archive, and with what.
struct Work<'a> {
    audit: AuditOptions,
    crops: Option<(CropsInto, CropOptions)>,
    crops_dir: PathBuf,
    html_dir: Option<PathBuf>,
    pii: &'a Pii,
    rule: &'a ImageRule,
    ida: Option<&'a IdaOptions>,
}

/// One archive as a worker leaves it.
struct Done {
    audited: Audited,
    held: Held,
    page: Option<Result<usize, OutputError>>,
    claims: Option<Result<serde_json::Value, &'static str>>,
}

impl Work<'_> {
    /// Opens and audits one archive, cuts its exhibits (into a folder of the
    /// worker's own, or in memory) and writes its page while it is open.
    fn archive(&self, index: usize, path: &Path) -> Result<Done, Error> {
        let mut archive = Archive::open(path, &self.audit.read)?;
        let audit = Audit::of_archive(&mut archive, &self.audit)?;
        let mut held = Held::new();
        let exhibits = self.crops.as_ref().map(|(into, c)| match into {
            CropsInto::Folder => {
                let own = self.crops_dir.join(format!(".archive-{index}"));
                crops::write_staged(&mut archive, &audit, &own, c)
            }
            CropsInto::Zip => crops::hold(&mut archive, &audit, c).map(|(crops, files)| {
                held = files;
                crops
            }),
        });
        let audited = Audited::new(audit, exhibits);
        let page = self.html_dir.as_ref().map(|dir| {
            html::write_archive_page(&mut archive, &audited, index, dir, self.pii, self.rule)
        });
        let claims = self.ida.map(|ida| {
            VerifiedClaims::from_audit(&audited.audit, ida)
                .map(|c| c.envelope())
                .map_err(|not| not.why().code())
        });
        Ok(Done {
            audited,
            held,
            page,
            claims,
        })
    }

    /// Names an archive's exhibits folder after its process id (or, when an
    /// earlier archive has that one, the process id and the first 12 hex
    /// digits of the archive's SHA-256) and, when they are files, moves them
    /// there from the worker's folder. In input order, so the same store
    /// gives the same names on every run.
    fn settle(&self, done: &mut Done, claimed: &mut Folders) {
        let audited = &mut done.audited;
        let Some(Ok(written)) = &audited.exhibits else {
            return;
        };
        let base = crops::safe_component(&audited.audit.process_id);
        let sha = &audited.audit.archive.fingerprint.sha256;
        let name = claimed.claim(base, &sha[..sha.len().min(12)]);
        let moved = match self.crops {
            Some((CropsInto::Folder, _)) => {
                let (from, to) = (
                    self.crops_dir.join(&written.folder),
                    self.crops_dir.join(&name),
                );
                std::fs::rename(&from, &to).map_err(OutputError::io(&to))
            }
            _ => Ok(()),
        };
        match moved {
            Ok(()) => {
                if let Some(Ok(c)) = &mut audited.exhibits {
                    c.folder = name;
                }
            }
            Err(e) => audited.set_exhibits(Some(Err(e))),
        }
    }
}

/// The exhibits folders named so far: the process id, else the process id
/// and the first 12 hex digits of the archive's SHA-256, else that and a
/// number. Each name remembers the next number to try, so that thousands of
/// copies of one archive are named in linear time.
#[derive(Default)]
struct Folders {
    taken: HashSet<String>,
    next: std::collections::HashMap<String, u64>,
}

impl Folders {
    fn claim(&mut self, base: String, sha: &str) -> String {
        if self.taken.insert(base.clone()) {
            return base;
        }
        let with_sha = format!("{base}-{sha}");
        if self.taken.insert(with_sha.clone()) {
            return with_sha;
        }
        let n = self.next.entry(with_sha.clone()).or_insert(2);
        loop {
            let name = format!("{with_sha}-{n}");
            *n += 1;
            // A numbered name may be another archive's plain one: skip it.
            if self.taken.insert(name.clone()) {
                return name;
            }
        }
    }
}

/// The sinks of a run's events, besides the observer.
struct Sinks<'a, 'b> {
    tally: &'a mut Tally,
    writer: &'a mut ReportWriter,
    bundle: Option<&'a mut Bundle>,
    index: Option<&'a mut IndexWriter>,
    rows: &'a RowOptions<'b>,
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

#[cfg(test)]
mod tests {
    use super::Folders;

    #[test]
    fn threads_are_capped_by_the_inputs_and_the_cores() {
        use std::num::NonZeroUsize;
        let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        let t = |jobs: usize, inputs| super::threads(NonZeroUsize::new(jobs), inputs).get();
        assert_eq!(t(100_000, 1), 1);
        assert_eq!(t(100_000, 1_000_000), 8 * cores);
        assert_eq!(t(2, 13), 2);
        assert_eq!(t(0, 0), 1);
        assert_eq!(t(0, 1_000), cores);
    }

    #[test]
    fn folders_are_named_once_each_in_linear_time() {
        let mut f = Folders::default();
        assert_eq!(f.claim("p".into(), "abc"), "p");
        assert_eq!(f.claim("p".into(), "abc"), "p-abc");
        assert_eq!(f.claim("p".into(), "abc"), "p-abc-2");
        assert_eq!(f.claim("p-abc-3".into(), "def"), "p-abc-3");
        assert_eq!(f.claim("p".into(), "abc"), "p-abc-4");
        // 8,000 copies of one archive: each claim takes one or two tries.
        let last = (0..8_000).map(|_| f.claim("q".into(), "0123")).last();
        assert_eq!(last.as_deref(), Some("q-0123-7999"));
        assert_eq!(f.next["q-0123"], 8_000);
    }
}

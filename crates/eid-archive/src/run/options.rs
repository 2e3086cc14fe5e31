//! What a report run writes, and how: its options.

use crate::audit::AuditOptions;
use crate::batch::ShardRecord;
use crate::crops::CropOptions;
use crate::ida::IdaOptions;
use crate::pii::Pii;
use crate::population::PopulationOptions;
use crate::report::Tool;
use std::num::NonZeroUsize;
use std::path::PathBuf;

/// Where a report's exhibits go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CropsInto {
    /// A folder per archive under `crops/`.
    Folder,
    /// One uncompressed `crops.zip` holding the same layout.
    Zip,
}

/// Requests in flight to object storage, unless told otherwise.
const DEFAULT_REQUESTS: NonZeroUsize = NonZeroUsize::new(16).expect("not zero");

/// What a report run writes, and how.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    pub(super) out: PathBuf,
    pub(super) force: bool,
    pub(super) jobs: Option<NonZeroUsize>,
    pub(super) requests: NonZeroUsize,
    pub(super) audit: AuditOptions,
    pub(super) pii: Pii,
    pub(super) exclude: Vec<String>,
    pub(super) crops: Option<(CropsInto, CropOptions)>,
    pub(super) jsonl: bool,
    pub(super) ida: Option<IdaOptions>,
    pub(super) html: bool,
    pub(super) excel: bool,
    pub(super) parquet: bool,
    pub(super) policy_text: Option<String>,
    pub(super) tool: Tool,
    pub(super) command_line: Vec<String>,
    pub(super) shard: Option<ShardRecord>,
    pub(super) population: PopulationOptions,
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
            requests: DEFAULT_REQUESTS,
            audit: AuditOptions::default(),
            pii: Pii::Omit,
            exclude: Vec::new(),
            crops: None,
            jsonl: false,
            ida: None,
            html: false,
            excel: false,
            parquet: false,
            policy_text: None,
            tool: Tool::default(),
            command_line: Vec::new(),
            shard: None,
            population: PopulationOptions::default(),
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

    /// Objects read from object storage at once (16 by default): a worker
    /// waits on the network while it reads one, so a run with objects among
    /// its inputs has at least this many workers. Memory is bounded by
    /// this times the largest archive allowed.
    pub fn with_requests(mut self, requests: NonZeroUsize) -> Self {
        self.requests = requests;
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
    /// (see [`ImageRule`](crate::ImageRule)).
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

    /// Also writes the five tables as Parquet files beside the CSV files
    /// (a build without the `parquet` feature refuses to run).
    pub fn with_parquet(mut self, parquet: bool) -> Self {
        self.parquet = parquet;
        self
    }

    /// The text of the policy file the audit options' policy was parsed
    /// from, for `run.json`.
    pub fn with_policy_text(mut self, text: Option<String>) -> Self {
        self.policy_text = text;
        self
    }

    /// The shard the inputs are (from [`Shard::select`](crate::batch::Shard::select)),
    /// for `run.json`.
    pub fn with_shard(mut self, shard: ShardRecord) -> Self {
        self.shard = Some(shard);
        self
    }

    /// The sample and the retention worklist to write besides the
    /// duplicates (which are always listed).
    pub fn with_population(mut self, population: PopulationOptions) -> Self {
        self.population = population;
        self
    }

    /// The tool (its name, version and, when known, the commit it was
    /// built from) and its command line, for `run.json`.
    pub fn with_invocation(mut self, tool: Tool, command_line: Vec<String>) -> Self {
        self.tool = tool;
        self.command_line = command_line;
        self
    }
}

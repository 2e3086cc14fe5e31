//! The subcommands, one file each, the options they share, and the
//! exit-code contract.

mod crops;
mod docs;
mod inspect;
mod merge;
mod pack;
mod pseudonym;
mod report;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand, ValueEnum};
use eid_archive::Pii;
use eid_archive::ida::IdaOptions;
use eid_archive::{AuditOptions, Limits, Policy, ProcessSource, ReadOptions};
use std::path::PathBuf;
use std::process::ExitCode;

/// Offline audit of Signicat Assure EID (Electronic IDentification) full-result archives.
///
/// The decision is reproduced by the rules in docs/decision.md; what the reader
/// accepts and refuses is in docs/archive-format.md.
///
/// Exit codes: 0 every archive read and every recomputed status agrees with the
/// recorded one (or none was recorded); 1 all read but at least one disagrees
/// or records a status that cannot be read;
/// 2 an archive could not be read (or a member fails its integrity check),
/// has no verified claims for `--format ida`, or bad usage; 130 interrupted.
#[derive(Debug, Parser)]
#[command(name = "eid-audit", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Colour status words and severities on a terminal: `auto` (unless
    /// NO_COLOR is set or TERM is dumb), `always`, `never`. Files are never coloured.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "auto",
        value_name = "WHEN"
    )]
    color: crate::colour::When,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Reproduce one archive's decision and show the evidence behind it.
    Inspect(inspect::Args),
    /// Write one archive's exhibits: each side as stored, its annotation, a crop per feature.
    Crops(crops::Args),
    /// Audit many archives in parallel into a report folder for compliance.
    Report(report::Args),
    /// Merge shard reports (`report --shard K/N`) into the report of the whole store.
    Merge(merge::Args),
    /// Seal the evidence of selected archives in one zip with a SHA-256 manifest, or verify one.
    Pack(pack::Args),
    /// Print the HMAC pseudonym of a value, to find one person in a `--pii hmac` report.
    Pseudonym(pseudonym::Args),
    /// Print a shell completion script.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a manual page (roff), or write them all with --out.
    Man(docs::ManArgs),
}

/// Output format of `inspect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For a person at a terminal.
    Text,
    /// One JSON object, the serialised verdict.
    Json,
    /// `{"verified_claims": …}` of OpenID Connect for Identity Assurance, for
    /// an accepted archive that agrees with its record (needs --pii full; docs/ida.md).
    Ida,
    /// One self-contained HTML page: the verdict, the evidence, and each side
    /// with its boxes (over the image only under --pii full).
    Html,
}

/// Options shared by the commands that judge archives.
#[derive(Debug, clap::Args)]
pub struct JudgeArgs {
    /// Decision policy (TOML); the default is the rules of docs/decision.md.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Resource limits (TOML: max_members, max_json_bytes, max_image_bytes,
    /// max_image_dimension, max_total_bytes, max_json_depth, max_archive_bytes);
    /// see docs/archive-format.md.
    #[arg(long, value_name = "FILE")]
    limits: Option<PathBuf>,
}

impl JudgeArgs {
    /// The library's options: the policy and limits files read and checked once.
    fn options(&self, process: Option<PathBuf>) -> anyhow::Result<AuditOptions> {
        self.options_and_text(process).map(|(options, _)| options)
    }

    /// The library's options, and the text of the policy file as it was
    /// read and parsed (for the run's record).
    fn options_and_text(
        &self,
        process: Option<PathBuf>,
    ) -> anyhow::Result<(AuditOptions, Option<String>)> {
        let (policy, text) = match &self.policy {
            Some(p) => {
                let (policy, text) = Policy::read(p)?;
                (policy, Some(text))
            }
            None => (Policy::default(), None),
        };
        // A name the tool has never seen is most likely a typo that does nothing.
        for warning in policy.warnings() {
            crate::warn_line!("eid-audit: warning: policy {}: {warning}", policy.name);
        }
        let limits = match &self.limits {
            Some(p) => Limits::load(p)?,
            None => Limits::default(),
        };
        let read = ReadOptions::default()
            .with_limits(limits)
            .with_process(process.map_or(ProcessSource::Auto, ProcessSource::File));
        let options = AuditOptions::default().with_read(read).with_policy(policy);
        Ok((options, text))
    }
}

/// The settings of the OpenID Identity Assurance export, shared by
/// `inspect --format ida` and `report --ida` (see docs/ida.md). They decide
/// nothing, so they are not part of the policy.
#[derive(Debug, clap::Args)]
pub struct IdaArgs {
    /// `trust_framework` of the verified claims.
    #[arg(long, value_name = "NAME", default_value = "eidas")]
    ida_trust_framework: String,
    /// `assurance_level` of the verified claims, instead of the one the
    /// process type gives under eidas.
    #[arg(long, value_name = "LEVEL")]
    ida_assurance_level: Option<String>,
    /// An https:// URL under which the archives' members are served: the
    /// attachments link there instead of naming the member by URN.
    #[arg(long, value_name = "URL")]
    ida_attachment_base_url: Option<String>,
    /// Export archives where the agent accepted over automatic checks that
    /// did not pass (refused by default: the claims rest on the agent alone).
    #[arg(long)]
    ida_allow_override: bool,
}

impl IdaArgs {
    /// The library's export options, checked.
    pub fn options(&self) -> anyhow::Result<IdaOptions> {
        let mut options = IdaOptions::default()
            .with_trust_framework(&self.ida_trust_framework)
            .with_override_allowed(self.ida_allow_override);
        if let Some(level) = &self.ida_assurance_level {
            options = options.with_assurance_level(level);
        }
        if let Some(url) = &self.ida_attachment_base_url {
            options = options.with_attachment_base_url(url);
        }
        options
            .check()
            .map_err(|why| anyhow::anyhow!("--ida: {why}"))?;
        Ok(options)
    }
}

/// How personal data is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PiiMode {
    /// Leave personal data out.
    Omit,
    /// Keep a recognisable shape: `M**** P****`, `*******890`.
    Mask,
    /// A keyed HMAC-SHA256 pseudonym (key from --pii-key-file or EID_AUDIT_PII_KEY).
    Hmac,
    /// Write it as it is.
    Full,
}

/// The environment variable that may hold the HMAC key.
const KEY_ENV: &str = "EID_AUDIT_PII_KEY";

/// Personal-data options, shared by `inspect` and `report`.
#[derive(Debug, clap::Args)]
pub struct PiiArgs {
    /// How names, document numbers, birth dates, addresses and personal numbers
    /// are written (images are not covered: see --crops-exclude).
    #[arg(long, value_enum, default_value = "omit")]
    pii: PiiMode,
    /// File holding the HMAC key for --pii hmac (else the EID_AUDIT_PII_KEY variable).
    #[arg(long, value_name = "FILE")]
    pii_key_file: Option<PathBuf>,
}

impl PiiArgs {
    /// Whether personal data is to be written as it is.
    pub fn is_full(&self) -> bool {
        self.pii == PiiMode::Full
    }

    /// The library's mode, with its key read and checked.
    pub fn pii(&self) -> anyhow::Result<Pii> {
        if self.pii_key_file.is_some() && self.pii != PiiMode::Hmac {
            bail!("--pii-key-file is only for --pii hmac");
        }
        Ok(match self.pii {
            PiiMode::Omit => Pii::Omit,
            PiiMode::Mask => Pii::Mask,
            PiiMode::Full => Pii::Full,
            PiiMode::Hmac => Pii::Hmac(hmac_key(self.pii_key_file.as_ref())?),
        })
    }
}

/// The HMAC key: from a file (a trailing line break dropped) or the
/// environment, never from a flag value, which would show in process lists.
fn hmac_key(file: Option<&PathBuf>) -> anyhow::Result<Vec<u8>> {
    use std::io::Read as _;
    /// A key is a few dozen bytes; a file past this is not one.
    const LIMIT: u64 = 64 << 10;
    let mut key = match (file, std::env::var_os(KEY_ENV)) {
        (Some(f), _) => {
            let mut k = Vec::new();
            // At most one byte past the limit: `/dev/zero` never ends.
            std::fs::File::open(f)
                .and_then(|file| file.take(LIMIT + 1).read_to_end(&mut k))
                .with_context(|| format!("{}: cannot read the key", f.display()))?;
            if k.len() as u64 > LIMIT {
                bail!("{}: larger than {LIMIT} bytes: not a key", f.display());
            }
            k
        }
        (None, Some(v)) => v.into_encoded_bytes(),
        (None, None) => {
            bail!("--pii hmac needs a key: --pii-key-file FILE or the {KEY_ENV} variable")
        }
    };
    // The file and the variable give one key for one text: a trailing line
    // break is dropped from both (`export KEY="$(cat key)"` keeps none,
    // `KEY=$'...\n'` would).
    while key.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        key.pop();
    }
    if key.len() < 16 {
        bail!("the HMAC key must be at least 16 bytes");
    }
    Ok(key)
}

/// The terminal's pointer to the archives `summary.txt` names (the first
/// 20 of each kind), when the summary above it only counts some.
fn named_line(tally: &eid_archive::Tally, out: &std::path::Path) -> Option<String> {
    let kinds: Vec<&str> = [
        (tally.disagreements, "disagreements"),
        (tally.integrity_failures, "integrity failures"),
        (tally.errors, "errors"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(_, k)| k)
    .collect();
    if kinds.is_empty() {
        return None;
    }
    Some(format!(
        "named        in {}: the {} (the first 20{})",
        out.join("summary.txt").display(),
        match kinds.as_slice() {
            [one] => (*one).to_owned(),
            [a, b] => format!("{a} and {b}"),
            [a, b, c] => format!("{a}, {b} and {c}"),
            _ => kinds.join(", "),
        },
        if kinds.len() > 1 { " of each" } else { "" }
    ))
}

/// What a run found, mapped to the exit-code contract in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything read; every status agrees or none was recorded.
    Agrees,
    /// Everything read; at least one disagreement.
    Disagrees,
    /// At least one archive could not be read (or fails its integrity check).
    Unreadable,
    /// Object storage failed after its retries: the audit is incomplete,
    /// and a later run may complete it (EX_TEMPFAIL).
    Retry,
    /// Stopped by the user; the previous report is kept.
    Interrupted,
}

impl Outcome {
    /// The outcome of a report run, from its tally.
    pub fn of(tally: &eid_archive::Tally) -> Outcome {
        if tally.storage_failures > 0 {
            // Retryable wins: a retry that then finds damage exits 2 itself.
            Outcome::Retry
        } else if tally.errors > 0 || tally.integrity_failures > 0 {
            Outcome::Unreadable
        } else if tally.disagreements > 0 || tally.unreadable_status > 0 {
            // A status that cannot be read is never a silent success.
            Outcome::Disagrees
        } else {
            Outcome::Agrees
        }
    }

    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Agrees => ExitCode::SUCCESS,
            Outcome::Disagrees => ExitCode::from(1),
            Outcome::Unreadable => ExitCode::from(2),
            Outcome::Retry => ExitCode::from(75),
            Outcome::Interrupted => ExitCode::from(130),
        }
    }
}

/// This binary as its reports name it: name, version, and the commit it was
/// built from when the build knew it.
pub(crate) fn tool() -> eid_archive::Tool {
    eid_archive::Tool::new(
        "eid-audit",
        env!("CARGO_PKG_VERSION"),
        option_env!("EID_AUDIT_GIT_COMMIT"),
    )
}

pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    crate::colour::init(cli.color);
    match cli.command {
        Command::Inspect(args) => inspect::run(args),
        Command::Crops(args) => crops::run(args),
        Command::Report(args) => report::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Pack(args) => pack::run(args),
        Command::Pseudonym(args) => pseudonym::run(args),
        Command::Completions { shell } => docs::completions(shell),
        Command::Man(args) => docs::man(args),
    }
}

//! The subcommands, one file each, and the exit-code contract.

mod crops;
mod inspect;
mod report;

use clap::{Parser, Subcommand, ValueEnum};
use eid_archive::{AuditOptions, Limits, Policy, ProcessSource, ReadOptions};
use std::path::PathBuf;
use std::process::ExitCode;

/// Offline audit of Signicat Assure EID (Electronic IDentification) full-result archives.
///
/// The decision is reproduced by the rules in docs/decision.md; what the reader
/// accepts and refuses is in docs/archive-format.md.
///
/// Exit codes: 0 every archive read and every recomputed status agrees with the
/// recorded one (or none was recorded); 1 all read but at least one disagrees;
/// 2 an archive could not be read, has no verified claims for `--format ida`,
/// or bad usage.
#[derive(Debug, Parser)]
#[command(name = "eid-audit", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Reproduce one archive's decision and show the evidence behind it.
    Inspect(inspect::Args),
    /// Cut every found feature's box into a PNG and draw an annotated image per side.
    Crops(crops::Args),
    /// Audit many archives in parallel into CSV files for compliance.
    Report(report::Args),
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
}

/// Options shared by the commands that judge archives.
#[derive(Debug, clap::Args)]
pub struct JudgeArgs {
    /// Decision policy (TOML); the default is the rules of docs/decision.md.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Resource limits (TOML: max_members, max_json_bytes, max_image_bytes,
    /// max_image_dimension, max_total_bytes, max_json_depth); see SECURITY.md.
    #[arg(long, value_name = "FILE")]
    limits: Option<PathBuf>,
}

impl JudgeArgs {
    /// The library's options: the policy and limits files read and checked once.
    fn options(&self, process: Option<PathBuf>) -> anyhow::Result<AuditOptions> {
        let policy = match &self.policy {
            Some(p) => Policy::load(p)?,
            None => Policy::default(),
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
        Ok(AuditOptions::default().with_read(read).with_policy(policy))
    }
}

/// What a run found, mapped to the exit-code contract in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything read; every status agrees or none was recorded.
    Agrees,
    /// Everything read; at least one disagreement.
    Disagrees,
    /// At least one archive could not be read.
    Unreadable,
}

impl Outcome {
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Agrees => ExitCode::SUCCESS,
            Outcome::Disagrees => ExitCode::from(1),
            Outcome::Unreadable => ExitCode::from(2),
        }
    }
}

pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        Command::Inspect(args) => inspect::run(args),
        Command::Crops(args) => crops::run(args),
        Command::Report(args) => report::run(args),
    }
}

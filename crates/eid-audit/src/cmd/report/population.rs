//! The arguments of `eid-audit report` about the archives as a population:
//! the sample for review and the retention worklist (the duplicates are
//! always listed).

use eid_archive::Date;
use eid_archive::population::{PopulationOptions, RetentionOptions, SampleOptions, Strata};
use std::num::NonZeroUsize;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(super) struct PopulationArgs {
    /// Draw N archives (per stratum) for four-eyes review into sample.csv:
    /// those whose SHA-256 of "SEED:<archive SHA-256>" is least, the same on
    /// any machine, under any --jobs and any sharding.
    #[arg(long, value_name = "N", requires = "seed")]
    sample: Option<NonZeroUsize>,
    /// The seed of the draw (any text; choose it when the audit starts, so
    /// that no one knows the sample in advance).
    #[arg(long, value_name = "S", requires = "sample")]
    seed: Option<String>,
    /// Draw N of each recomputed status, reviewer, or month of verification.
    #[arg(long, value_enum, requires = "sample", value_name = "BY")]
    strata: Option<StrataArg>,
    /// Write retention.csv: until when each archive must be kept (Y years
    /// after the end of the relationship, else after the verification) and
    /// whether it may now be deleted. eid-audit deletes nothing.
    #[arg(long, value_name = "Y", value_parser = clap::value_parser!(u32).range(1..=100))]
    retention_years: Option<u32>,
    /// CSV of relationship ends: header key,relationship_end; a key is a
    /// process id or a document pseudonym (hmac:..., under --pii hmac); an end
    /// is YYYY-MM-DD, or `ongoing`.
    #[arg(long, value_name = "FILE", requires = "retention_years")]
    relationship_end: Option<PathBuf>,
    /// The day the retention is judged on, YYYY-MM-DD (default: today, UTC).
    #[arg(long, value_name = "DATE", requires = "retention_years", value_parser = day)]
    as_of: Option<Date>,
}

/// What `--strata` stratifies by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum StrataArg {
    /// The recomputed status.
    Status,
    /// The agent who reviewed (`(none)` for an automatic decision).
    Reviewer,
    /// The month of the verification date.
    Month,
}

fn day(s: &str) -> Result<Date, String> {
    match Date::parse(s) {
        Some(d) if s.len() == 10 => Ok(d),
        _ => Err(format!("{s:?} is not a day (YYYY-MM-DD)")),
    }
}

impl PopulationArgs {
    /// The options these arguments ask for.
    pub(super) fn options(&self) -> PopulationOptions {
        let mut o = PopulationOptions::default();
        if let (Some(size), Some(seed)) = (self.sample, &self.seed) {
            o = o.with_sample(SampleOptions {
                size: size.get(),
                seed: seed.clone(),
                strata: match self.strata {
                    None => Strata::None,
                    Some(StrataArg::Status) => Strata::Status,
                    Some(StrataArg::Reviewer) => Strata::Reviewer,
                    Some(StrataArg::Month) => Strata::Month,
                },
            });
        }
        if let Some(years) = self.retention_years {
            o = o.with_retention(RetentionOptions {
                years,
                as_of: self.as_of,
                relationship_end: self.relationship_end.clone(),
            });
        }
        o
    }
}

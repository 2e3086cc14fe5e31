//! `eid-audit pseudonym --field documentNumber VALUE`: the pseudonym a
//! `--pii hmac` report writes for a value, so an auditor can find one person
//! in a report without the report naming anyone.

use super::Outcome;
use anyhow::bail;
use eid_archive::{Pii, PiiField};
use std::io::{self, Write as _};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  EID_AUDIT_PII_KEY=... eid-audit pseudonym --field documentNumber X00000001\n  grep hmac:1f2e... report/archives.csv"
)]
pub struct Args {
    /// Which kind of value: name (first or last name), documentNumber,
    /// dateOfBirth, personalNumber or address.
    #[arg(long, value_name = "FIELD")]
    field: String,
    /// The value, as written in the evidence (case and surrounding spaces do not matter).
    value: String,
    /// File holding the HMAC key (else the EID_AUDIT_PII_KEY variable).
    #[arg(long, value_name = "FILE")]
    pii_key_file: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let field = match args.field.as_str() {
        "firstName" | "lastName" => PiiField::Name,
        other => match PiiField::parse(other) {
            Some(f) => f,
            None => bail!(
                "unknown field {other:?}: use name, documentNumber, dateOfBirth, personalNumber or address"
            ),
        },
    };
    let pii = Pii::Hmac(super::hmac_key(args.pii_key_file.as_ref())?);
    let mut out = io::stdout().lock();
    writeln!(out, "{}", pii.apply(field, Some(&args.value)))?;
    out.flush()?;
    Ok(Outcome::Agrees)
}

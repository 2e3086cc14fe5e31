//! `eid-audit`: offline audit of Signicat Assure EID full-result archives.
//! Parse, run, exit with a code; every decision is `eid-archive`'s.

mod cmd;
mod table;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cmd::Cli::parse();
    match cmd::run(cli) {
        Ok(outcome) => outcome.exit_code(),
        Err(e) => {
            eprintln!("eid-audit: {e:#}");
            ExitCode::from(2)
        }
    }
}

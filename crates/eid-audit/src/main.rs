//! `eid-audit`: offline audit of Signicat Assure EID full-result archives.
//! Parse, run, exit with a code; every decision is `eid-archive`'s.

mod cmd;
mod colour;
mod table;
mod terminal;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cmd::Cli::parse();
    // Panics are caught where they can happen on hostile input (decoders, each
    // archive of a batch) and reported as one line there; the default hook
    // would add a second, alarming line and a backtrace hint.
    std::panic::set_hook(Box::new(|_| {}));
    match std::panic::catch_unwind(|| cmd::run(cli)) {
        Ok(Ok(outcome)) => outcome.exit_code(),
        // A reader that stopped reading (`| head`) is not a failure: end quietly, like ripgrep.
        Ok(Err(e)) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            warn_line!("eid-audit: {e:#}");
            ExitCode::from(2)
        }
        Err(payload) => {
            let what = eid_archive::internals::panic_message(&*payload);
            warn_line!("eid-audit: internal error (please report it): {what}");
            ExitCode::from(2)
        }
    }
}

/// True when the error is a write to a closed pipe, wherever it sits in the chain.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

//! `eid-audit completions SHELL` and `eid-audit man`: the shell completion
//! scripts and the manual pages, generated from the command line itself.

use super::{Cli, Outcome};
use anyhow::{Context, bail};
use clap::CommandFactory;
use std::io::Write;
use std::path::PathBuf;

/// The arguments of `eid-audit man`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  eid-audit man | man -l -
  eid-audit man report | man -l -
  eid-audit man --out /usr/local/share/man/man1")]
pub struct ManArgs {
    /// The subcommand whose page to print (`eid-audit-report(1)`, …); the
    /// page of `eid-audit` itself without one.
    #[arg(value_name = "COMMAND")]
    command: Option<String>,
    /// Write every page (eid-audit.1 and one per subcommand) into DIR
    /// instead of printing one; a page already there is never replaced.
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    out: Option<PathBuf>,
}

/// Prints the completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<Outcome> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "eid-audit", &mut script);
    if shell == clap_complete::Shell::Bash {
        script = bash_fixed(&script);
    }
    let mut out = std::io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(Outcome::Agrees)
}

/// clap_complete names the bash function of each subcommand after the
/// binary with its hyphen taken for a subcommand separator
/// (`eid__subcmd__audit__subcmd__report`), while the dispatch looks for
/// `eid__audit__subcmd__report`: no subcommand option ever completes
/// (clap-rs/clap#6421). The names are made to agree.
fn bash_fixed(script: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(script)
        .replace("eid__subcmd__audit__subcmd__", "eid__audit__subcmd__")
        .into_bytes()
}

/// Prints one manual page, or writes them all.
pub fn man(args: ManArgs) -> anyhow::Result<Outcome> {
    let mut cli = Cli::command().disable_help_subcommand(true);
    cli.build();
    if let Some(dir) = args.out {
        let mut pages = vec![cli.clone()];
        pages.extend(cli.get_subcommands().filter(|s| !s.is_hide_set()).cloned());
        for page in pages {
            let man = clap_mangen::Man::new(page);
            let path = dir.join(man.get_filename());
            let mut file = std::fs::File::options()
                .write(true)
                .create_new(true)
                .open(&path)
                .with_context(|| format!("{}: cannot write the page", path.display()))?;
            man.render(&mut file)?;
            file.flush()?;
            println!("{}", path.display());
        }
        return Ok(Outcome::Agrees);
    }
    let page = match &args.command {
        None => cli,
        Some(name) => match cli.find_subcommand(name) {
            Some(sub) => sub.clone(),
            None => bail!(
                "no subcommand {name:?}: one of {}",
                cli.get_subcommands()
                    .map(|s| s.get_name().to_owned())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
    };
    let mut out = std::io::stdout().lock();
    clap_mangen::Man::new(page).render(&mut out)?;
    out.flush()?;
    Ok(Outcome::Agrees)
}

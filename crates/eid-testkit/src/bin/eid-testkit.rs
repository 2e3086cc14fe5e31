//! `eid-testkit testdata DIR`: writes the bundled test archives.

use eid_testkit::corpus::{self, CorpusOptions};
use std::path::{Path, PathBuf};

const USAGE: &str = "usage: eid-testkit testdata DIR\n       eid-testkit hostile DIR [--large]\n       eid-testkit corpus DIR --count N [--seed S] [--realistic] [--broken-every N] [--layout deflated|stored|native]";

fn corpus(dir: &Path, args: &[String]) -> ExitCode {
    let mut options = CorpusOptions {
        count: 0,
        seed: 1,
        realistic: false,
        broken_every: None,
        layout: corpus::Layout::default(),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut number = |name: &str| -> Option<u64> {
            let v = it.next().and_then(|v| v.parse().ok());
            if v.is_none() {
                eprintln!("{name} takes a number\n{USAGE}");
            }
            v
        };
        match a.as_str() {
            "--count" => match number("--count") {
                Some(n) => options.count = n as usize,
                None => return ExitCode::from(2),
            },
            "--seed" => match number("--seed") {
                Some(n) => options.seed = n,
                None => return ExitCode::from(2),
            },
            "--broken-every" => match number("--broken-every") {
                Some(n) => options.broken_every = Some(n as usize),
                None => return ExitCode::from(2),
            },
            "--realistic" => options.realistic = true,
            "--layout" => match it.next().and_then(|l| corpus::Layout::parse(l)) {
                Some(layout) => options.layout = layout,
                None => {
                    eprintln!("--layout takes deflated, stored or native\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            other => {
                eprintln!("unknown option {other}\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    match corpus::generate(dir, &options) {
        Ok(entries) => {
            println!(
                "{} inputs and manifest.csv in {}",
                entries.len(),
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {e}", dir.display());
            ExitCode::from(2)
        }
    }
}
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [cmd, dir] if cmd == "testdata" => {
            let dir = PathBuf::from(dir);
            if let Err(e) = std::fs::create_dir_all(&dir) {
                eprintln!("{}: {e}", dir.display());
                return ExitCode::from(2);
            }
            for case in eid_testkit::Case::testdata() {
                match case.write_to(&dir) {
                    Ok(path) => println!("{}", path.display()),
                    Err(e) => {
                        eprintln!("{}: {e}", dir.display());
                        return ExitCode::from(2);
                    }
                }
            }
            ExitCode::SUCCESS
        }
        [cmd, dir, rest @ ..] if cmd == "corpus" => corpus(Path::new(dir), rest),
        [cmd, dir, rest @ ..] if cmd == "hostile" && (rest.is_empty() || rest == ["--large"]) => {
            let dir = Path::new(dir);
            if let Err(e) = std::fs::create_dir_all(dir) {
                eprintln!("{}: {e}", dir.display());
                return ExitCode::from(2);
            }
            let mut set = eid_testkit::hostile::small_set();
            set.extend(eid_testkit::amplify::committed_set());
            if !rest.is_empty() {
                set.extend(eid_testkit::amplify::large_set());
                // Too big to commit: an honest bomb (> 1 GiB inflated), a liar and a crowd.
                set.push((
                    "zip-bomb-1gib.zip",
                    eid_testkit::hostile::honest_bomb((1 << 30) + (1 << 20)),
                ));
                set.push((
                    "declares-100-inflates-300mb.zip",
                    eid_testkit::hostile::lying_member(300 << 20),
                ));
                set.push((
                    "members-10001.zip",
                    eid_testkit::hostile::many_members(10_001),
                ));
            }
            for (name, bytes) in set {
                if let Err(e) = std::fs::write(dir.join(name), bytes) {
                    eprintln!("{}: {e}", dir.join(name).display());
                    return ExitCode::from(2);
                }
                println!("{}", dir.join(name).display());
            }
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

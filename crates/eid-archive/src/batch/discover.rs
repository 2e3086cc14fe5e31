//! Finding the archives: folders walked for `*.zip`, files as given, and
//! paths read from standard input.

use std::io::BufRead;
use std::path::{Path, PathBuf};

/// One input: an archive path, or a folder that could not be walked.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Input {
    /// An archive to read.
    Archive(PathBuf),
    /// A path that could not be listed; it becomes an error row.
    Unreadable(PathBuf, String),
}

impl Input {
    /// The path.
    pub fn path(&self) -> &Path {
        match self {
            Input::Archive(p) | Input::Unreadable(p, _) => p,
        }
    }
}

/// Expands paths into inputs: folders are walked recursively for `*.zip` (any
/// case; links to folders are not followed, so a loop cannot trap the walk),
/// files are taken as given, `-` reads one path per line from `stdin`. The
/// result is sorted by path, without repeats.
pub fn discover(paths: &[PathBuf], stdin: &mut dyn BufRead) -> Vec<Input> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            let mut line = String::new();
            while matches!(stdin.read_line(&mut line), Ok(n) if n > 0) {
                let t = line.trim_end_matches(['\n', '\r']);
                if !t.is_empty() {
                    add(Path::new(t), &mut out, true);
                }
                line.clear();
            }
        } else {
            add(p, &mut out, true);
        }
    }
    out.sort();
    out.dedup();
    out
}

fn is_zip(p: &Path) -> bool {
    p.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

fn add(p: &Path, out: &mut Vec<Input>, given: bool) {
    let meta = if given {
        std::fs::metadata(p)
    } else {
        std::fs::symlink_metadata(p)
    };
    match meta {
        Ok(m) if m.is_dir() => match std::fs::read_dir(p) {
            Ok(entries) => {
                for e in entries {
                    match e {
                        Ok(e) => add(&e.path(), out, false),
                        Err(err) => out.push(Input::Unreadable(
                            p.to_owned(),
                            format!("cannot list folder: {err}"),
                        )),
                    }
                }
            }
            Err(err) => out.push(Input::Unreadable(
                p.to_owned(),
                format!("cannot list folder: {err}"),
            )),
        },
        Ok(m) if m.is_file() && (given || is_zip(p)) => out.push(Input::Archive(p.to_owned())),
        Ok(m) if m.file_type().is_symlink() && is_zip(p) => out.push(Input::Archive(p.to_owned())),
        Ok(_) => {}
        // A path named explicitly is an input even when it cannot be read: its
        // error row says why. The walk itself skips entries that vanished.
        Err(_) if given => out.push(Input::Archive(p.to_owned())),
        Err(_) => {}
    }
}

//! Finding the archives: folders walked for `*.zip`, files as given, and
//! paths read from standard input. Every path named or read becomes an input
//! (and so a row), whatever it turns out to be: the rows count the inputs.

use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

/// One input: an archive path, or something that could not be walked or read
/// as a path.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Input {
    /// An archive to read (opening it checks that it is a regular file).
    Archive(PathBuf),
    /// A folder that could not be listed, or a line that is not a path; it
    /// becomes an error row.
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
/// anything else named is taken as given, `-` reads one path per line from
/// `stdin` (as bytes: a path need not be UTF-8). The result is sorted by path,
/// without repeats.
pub fn discover(paths: &[PathBuf], stdin: &mut dyn BufRead) -> Vec<Input> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            read_paths(stdin, &mut out);
        } else {
            add(p, &mut out, true);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Paths from standard input, one per line. A line that cannot be a path is
/// an error row, never the end of the list; a read error ends the list with
/// an error row saying where.
fn read_paths(stdin: &mut dyn BufRead, out: &mut Vec<Input>) {
    let mut line = Vec::new();
    let mut n = 0usize;
    loop {
        line.clear();
        // A line is at most 1 MiB: a path is never that long.
        match (&mut *stdin).take(1 << 20).read_until(b'\n', &mut line) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) => {
                out.push(Input::Unreadable(
                    PathBuf::from(format!("<stdin line {}>", n + 1)),
                    format!("cannot read standard input: {e}"),
                ));
                return;
            }
        }
        n += 1;
        let mut bytes = line.as_slice();
        while let Some(rest) = bytes
            .strip_suffix(b"\n")
            .or_else(|| bytes.strip_suffix(b"\r"))
        {
            bytes = rest;
        }
        if bytes.is_empty() {
            continue;
        }
        match path_from_bytes(bytes) {
            Some(p) => add(&p, out, true),
            None => out.push(Input::Unreadable(
                PathBuf::from(format!("<stdin line {n}>")),
                "not a path (it holds a NUL byte, or is not valid here)".into(),
            )),
        }
    }
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    (!bytes.contains(&0)).then(|| PathBuf::from(std::ffi::OsStr::from_bytes(bytes)))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> Option<PathBuf> {
    std::str::from_utf8(bytes)
        .ok()
        .filter(|s| !s.contains('\0'))
        .map(PathBuf::from)
}

fn is_zip(p: &Path) -> bool {
    p.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

/// Adds a path: a folder is walked; a path named by the user is an input
/// whatever it is (a pipe or a device gets its error row when opened); in a
/// walk, every entry named `*.zip` is an input, links and pipes included.
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
        _ if given || is_zip(p) => out.push(Input::Archive(p.to_owned())),
        // An entry the walk cannot even look at (a path longer than the
        // system takes, a permission refused) may hold archives: it gets its
        // error row, never a silent skip.
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => out.push(Input::Unreadable(
            p.to_owned(),
            format!("cannot look at this entry: {err}"),
        )),
        // The walk skips other names, and entries that vanished.
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn a_folder_below_a_path_longer_than_the_system_takes_gets_an_error_row() {
        // Folders nested until their path passes PATH_MAX (4,096 bytes).
        // No single call takes such a path; GNU mkdir -p makes it a folder
        // at a time.
        let tmp = tempfile::tempdir().unwrap();
        let deep = vec!["d".repeat(200); 22].join("/");
        let made = std::process::Command::new("mkdir")
            .args(["-p", &deep])
            .current_dir(tmp.path())
            .status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("SKIP: mkdir -p cannot nest folders past PATH_MAX here");
            return;
        }
        let got = discover(&[tmp.path().to_owned()], &mut std::io::empty());
        assert!(
            got.iter().any(|i| matches!(i, Input::Unreadable(_, why) if why.contains("cannot look at this entry"))),
            "{got:?}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn lines_are_paths_as_bytes_and_a_bad_line_never_ends_the_list() {
        let input: &[u8] = b"a.zip\r\n\xff\xfe.zip\nb\0c.zip\n\nlast.zip";
        let got = discover(&[PathBuf::from("-")], &mut std::io::Cursor::new(input));
        let shown: Vec<String> = got
            .iter()
            .map(|i| match i {
                Input::Archive(p) => format!("archive {}", p.display()),
                Input::Unreadable(p, why) => format!("error {} {why}", p.display()),
            })
            .collect();
        assert_eq!(
            shown,
            vec![
                "archive a.zip",
                "archive last.zip",
                "archive \u{FFFD}\u{FFFD}.zip",
                "error <stdin line 3> not a path (it holds a NUL byte, or is not valid here)",
            ]
        );
    }
}

//! Finding the archives: folders walked for `*.zip`, files as given, and
//! paths read from standard input. Every path named or read becomes an input
//! (and so a row), whatever it turns out to be: the rows count the inputs.

use crate::archive::{Archive, ReadOptions};
use crate::error::Error;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One input: an archive path, or something that could not be walked or read
/// as a path, with its shard key.
#[derive(Debug, Clone)]
pub struct Input {
    path: PathBuf,
    key: String,
    problem: Option<String>,
    remote: Option<Arc<dyn Remote>>,
}

/// An archive that is not a local file: object storage reads it whole when
/// a worker opens it, never before.
pub(crate) trait Remote: std::fmt::Debug + Send + Sync {
    /// Reads the archive and opens it.
    fn open(&self, label: &str, options: &ReadOptions) -> Result<Archive, Error>;
}

/// Two inputs are one when they name the same archive (an object's path is
/// its URL) the same way.
impl PartialEq for Input {
    fn eq(&self, other: &Input) -> bool {
        (&self.path, &self.key, &self.problem) == (&other.path, &other.key, &other.problem)
    }
}

impl Eq for Input {}

/// Archives first, by path, then what could not be read, by path: the
/// order of the rows.
impl Ord for Input {
    fn cmp(&self, other: &Input) -> std::cmp::Ordering {
        (self.problem.is_some(), &self.path, &self.problem, &self.key).cmp(&(
            other.problem.is_some(),
            &other.path,
            &other.problem,
            &other.key,
        ))
    }
}

impl PartialOrd for Input {
    fn partial_cmp(&self, other: &Input) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Input {
    fn archive(path: PathBuf, key: String) -> Input {
        Input {
            path,
            key,
            problem: None,
            remote: None,
        }
    }

    pub(crate) fn unreadable(path: PathBuf, why: String) -> Input {
        let key = lexical(&path);
        Input {
            path,
            key,
            problem: Some(why),
            remote: None,
        }
    }

    /// An archive kept elsewhere (an object's URL as its path), read by
    /// `remote` when it is opened.
    #[cfg_attr(not(feature = "store"), allow(dead_code))]
    pub(crate) fn remote(path: String, key: String, remote: Arc<dyn Remote>) -> Input {
        Input {
            path: PathBuf::from(path),
            key,
            problem: None,
            remote: Some(remote),
        }
    }

    /// Opens the archive: the file, or the object read whole.
    pub(crate) fn open(&self, options: &ReadOptions) -> Result<Archive, Error> {
        match &self.remote {
            Some(r) => r.open(&self.path.display().to_string(), options),
            None => Archive::open(&self.path, options),
        }
    }

    /// True when it is read from object storage.
    pub(crate) fn is_remote(&self) -> bool {
        self.remote.is_some()
    }

    /// The path, as given or found.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The key a shard is chosen by: the path relative to the folder it was
    /// found under, else the path as given, normalised lexically (`./`
    /// dropped, `..` resolved, `/` between components). It does not depend
    /// on how the store is spelled or where it is mounted.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// True when it is an archive to read (not a folder that could not be
    /// listed, nor a line that is not a path).
    pub fn is_archive(&self) -> bool {
        self.problem.is_none()
    }

    /// Why it is not an archive to read, if it is not.
    pub(crate) fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }
}

/// A path made a key without the file system: `.` components dropped, `..`
/// taken off the component before it where there is one, components joined
/// by `/` (a leading `/` kept for an absolute path).
fn lexical(path: &Path) -> String {
    use std::path::Component;
    let mut parts: Vec<String> = Vec::new();
    let mut absolute = false;
    for c in path.components() {
        match c {
            Component::RootDir => absolute = true,
            Component::Prefix(p) => parts.push(p.as_os_str().to_string_lossy().into_owned()),
            Component::CurDir => {}
            Component::ParentDir => {
                if parts.last().is_some_and(|l| l != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..".into());
                }
            }
            Component::Normal(n) => parts.push(n.to_string_lossy().into_owned()),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
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
            add(p, &mut out, true, p);
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
                out.push(Input::unreadable(
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
            Some(p) => add(&p, out, true, &p),
            None => out.push(Input::unreadable(
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
/// `root` is the path named (a folder walked, or the file itself): an input's
/// key is its path relative to it, so that the key does not depend on how
/// the root is spelled.
fn add(p: &Path, out: &mut Vec<Input>, given: bool, root: &Path) {
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
                        Ok(e) => add(&e.path(), out, false, root),
                        Err(err) => out.push(Input::unreadable(
                            p.to_owned(),
                            format!("cannot list folder: {err}"),
                        )),
                    }
                }
            }
            Err(err) => out.push(Input::unreadable(
                p.to_owned(),
                format!("cannot list folder: {err}"),
            )),
        },
        _ if given || is_zip(p) => out.push(Input::archive(p.to_owned(), key_under(root, p))),
        // An entry the walk cannot even look at (a path longer than the
        // system takes, a permission refused) may hold archives: it gets its
        // error row, never a silent skip.
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => out.push(Input::unreadable(
            p.to_owned(),
            format!("cannot look at this entry: {err}"),
        )),
        // The walk skips other names, and entries that vanished.
        _ => {}
    }
}

/// The key of `path`, found under `root`: the path relative to the root
/// (the root's own name when it is the path itself), else the path itself,
/// normalised lexically.
fn key_under(root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(rel) if !rel.as_os_str().is_empty() => lexical(rel),
        _ => lexical(path),
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
            got.iter().any(|i| i
                .problem()
                .is_some_and(|why| why.contains("cannot look at this entry"))),
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
            .map(|i| match i.problem() {
                None => format!("archive {}", i.path().display()),
                Some(why) => format!("error {} {why}", i.path().display()),
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

//! `eid-audit pack --verify`: a pack checked as untrusted input. Every
//! member's name must be a safe relative path, listed once; every member but
//! the manifest must be in the manifest with its SHA-256, and every file the
//! manifest lists must be there; the archives' SHA-256 in `run.json` must be
//! those of the archives' bytes. Sizes are bounded before anything is read,
//! and members are hashed as they stream, never held whole (but the
//! manifest and `run.json`, which are bounded).

use super::manifest::{MANIFEST, is_safe_name, parse};
use super::scan::HashingWriter;
use std::collections::BTreeMap;
use std::io::{self, Read};
use std::path::Path;

/// More members than a pack of thousands of cases holds.
const MAX_MEMBERS: usize = 1_000_000;
/// The most the manifest and `run.json` may hold, each: they are read whole.
const MAX_TEXT: u64 = 256 << 20;
/// The most all members may hold inflated: a bound on the work a crafted
/// pack can ask for (a terabyte).
const MAX_TOTAL: u64 = 1 << 40;

/// A pack that verified.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Files checked against the manifest (the manifest aside).
    pub files: usize,
    /// Archives `run.json` lists, each checked against its bytes.
    pub archives: usize,
}

/// Verifies the pack at `path`. The error is every problem found, one line
/// each, naming the pack and the member: `pack.zip: cases/…/inspect.json:
/// SHA-256 differs from the manifest`.
pub fn verify(path: &Path) -> Result<Verified, Vec<String>> {
    let shown = path.display().to_string();
    let problems = |list: Vec<String>| -> Vec<String> {
        list.into_iter().map(|p| format!("{shown}: {p}")).collect()
    };
    let mut zip = open(path).map_err(|e| problems(vec![e]))?;
    let Members {
        hashes,
        texts,
        mut found,
    } = hash_members(&mut zip);
    let Some(manifest) = texts.get(MANIFEST) else {
        found.push(format!("{MANIFEST}: missing: not a pack"));
        return Err(problems(found));
    };
    let listed = match std::str::from_utf8(manifest)
        .map_err(|_| "not UTF-8".to_owned())
        .and_then(parse)
    {
        Ok(listed) => listed,
        Err(e) => {
            found.push(format!("{MANIFEST}: {e}"));
            return Err(problems(found));
        }
    };
    for (name, hex) in &hashes {
        match listed.get(name) {
            _ if name == MANIFEST => {}
            None => found.push(format!("{name}: not in the manifest")),
            Some(want) if want != hex => {
                found.push(format!("{name}: SHA-256 differs from the manifest"))
            }
            Some(_) => {}
        }
    }
    for name in listed.keys() {
        if !hashes.contains_key(name) && !found.iter().any(|f| f.starts_with(&format!("{name}:"))) {
            found.push(format!("{name}: in the manifest, missing from the pack"));
        }
    }
    let archives = match texts.get("run.json") {
        Some(run) => check_run(run, &hashes, &mut found),
        None => {
            found.push("run.json: missing from the pack".into());
            0
        }
    };
    if found.is_empty() {
        Ok(Verified {
            files: hashes.len() - 1,
            archives,
        })
    } else {
        Err(problems(found))
    }
}

type Zip = zip::ZipArchive<io::BufReader<std::fs::File>>;

fn open(path: &Path) -> Result<Zip, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return Err("not a regular file".into());
    }
    let zip =
        zip::ZipArchive::new(io::BufReader::new(file)).map_err(|e| format!("not a zip: {e}"))?;
    if zip.len() > MAX_MEMBERS {
        return Err(format!(
            "{} members, over {MAX_MEMBERS}: not a pack",
            zip.len()
        ));
    }
    Ok(zip)
}

/// What reading every member found.
#[derive(Default)]
struct Members {
    /// Each member's SHA-256, by name.
    hashes: BTreeMap<String, String>,
    /// The manifest's and `run.json`'s bytes.
    texts: BTreeMap<String, Vec<u8>>,
    /// Unsafe or repeated names, sizes over the bounds, members that cannot be inflated.
    found: Vec<String>,
}

/// Hashes every member, keeping the manifest and `run.json`.
fn hash_members(zip: &mut Zip) -> Members {
    let Members {
        mut hashes,
        mut texts,
        mut found,
    } = Members::default();
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let mut member = match zip.by_index(i) {
            Ok(m) => m,
            Err(e) => {
                found.push(format!("member {i}: cannot be read: {e}"));
                continue;
            }
        };
        let name = match std::str::from_utf8(member.name_raw()) {
            Ok(n) if is_safe_name(n) && !member.is_dir() => n.to_owned(),
            _ => {
                let raw = String::from_utf8_lossy(member.name_raw()).into_owned();
                found.push(format!("{raw:?}: not a safe relative file name: refused"));
                continue;
            }
        };
        if member.is_symlink() {
            // Unpacked, a link could lead later members outside the folder.
            found.push(format!("{name}: a symbolic link: refused"));
            continue;
        }
        if hashes.contains_key(&name) {
            found.push(format!("{name}: in the pack twice"));
            continue;
        }
        let size = member.size();
        total = total.saturating_add(size);
        if total > MAX_TOTAL {
            found.push(format!(
                "{name}: the members pass {MAX_TOTAL} bytes: not checked further"
            ));
            break;
        }
        let keep = (name == MANIFEST || name == "run.json") && size <= MAX_TEXT;
        let mut held = Vec::new();
        let result = if keep {
            (&mut member)
                .take(MAX_TEXT + 1)
                .read_to_end(&mut held)
                .map(|n| {
                    let hex = crate::codes::hex(&<sha2::Sha256 as sha2::Digest>::digest(&held));
                    (n as u64, hex)
                })
        } else {
            let mut w = HashingWriter::new(io::sink());
            io::copy(&mut (&mut member).take(size.saturating_add(1)), &mut w)
                .map(|n| (n, w.finish()))
        };
        match result {
            Ok((n, hex)) if n == size => {
                hashes.insert(name.clone(), hex);
                if keep {
                    texts.insert(name, held);
                }
            }
            Ok((n, _)) => found.push(format!("{name}: {n} bytes, the zip says {size}")),
            Err(e) => found.push(format!("{name}: cannot be read: {e}")),
        }
    }
    // A name that is also another's folder cannot be unpacked as both.
    for name in hashes.keys() {
        let mut folder = name.as_str();
        while let Some((up, _)) = folder.rsplit_once('/') {
            if hashes.contains_key(up) {
                found.push(format!("{up}: both a file and the folder of {name}"));
            }
            folder = up;
        }
    }
    Members {
        hashes,
        texts,
        found,
    }
}

/// Checks each case's archive in `run.json` against the archive's bytes;
/// returns how many it lists.
fn check_run(run: &[u8], hashes: &BTreeMap<String, String>, found: &mut Vec<String>) -> usize {
    let value: serde_json::Value = match serde_json::from_slice(run) {
        Ok(v) => v,
        Err(e) => {
            found.push(format!("run.json: not JSON: {e}"));
            return 0;
        }
    };
    let Some(cases) = value.get("cases").and_then(|c| c.as_array()) else {
        found.push("run.json: no list of cases: not a pack's run.json".into());
        return 0;
    };
    for (i, case) in cases.iter().enumerate() {
        let member = case.pointer("/archive/member").and_then(|m| m.as_str());
        let sha = case.pointer("/archive/sha256").and_then(|m| m.as_str());
        let (Some(member), Some(sha)) = (member, sha) else {
            found.push(format!(
                "run.json: case {}: no archive member and SHA-256",
                i + 1
            ));
            continue;
        };
        check_listed(member, sha, hashes, found);
        // The process record read beside the archive, when one was.
        let member = case
            .pointer("/processRecord/member")
            .and_then(|m| m.as_str());
        let sha = case
            .pointer("/processRecord/sha256")
            .and_then(|m| m.as_str());
        if let (Some(member), Some(sha)) = (member, sha) {
            check_listed(member, sha, hashes, found);
        }
    }
    cases.len()
}

/// A file `run.json` lists with its SHA-256, checked against its bytes.
fn check_listed(
    member: &str,
    sha: &str,
    hashes: &BTreeMap<String, String>,
    found: &mut Vec<String>,
) {
    match hashes.get(member) {
        Some(hex) if hex == sha => {}
        Some(_) => found.push(format!("{member}: SHA-256 differs from run.json")),
        None => found.push(format!(
            "{member}: listed in run.json, missing from the pack"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    /// A zip holding `members` as given (names unchecked), a manifest of
    /// `listed` first when there is one.
    fn zip_of(dir: &Path, members: &[(&str, &[u8])]) -> std::path::PathBuf {
        let path = dir.join("p.zip");
        let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        for (name, bytes) in members {
            z.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            z.write_all(bytes).unwrap();
        }
        z.finish().unwrap();
        path
    }

    fn line(name: &str, bytes: &[u8]) -> String {
        let hex = crate::codes::hex(&<sha2::Sha256 as sha2::Digest>::digest(bytes));
        format!("{hex}  {name}\n")
    }

    const RUN: &[u8] = br#"{"cases": []}"#;

    #[test]
    fn a_pack_whose_manifest_holds_verifies() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = line("a.txt", b"a") + &line("run.json", RUN);
        let path = zip_of(
            dir.path(),
            &[
                ("a.txt", b"a"),
                ("run.json", RUN),
                (MANIFEST, manifest.as_bytes()),
            ],
        );
        assert_eq!(
            verify(&path),
            Ok(Verified {
                files: 2,
                archives: 0
            })
        );
    }

    #[test]
    fn unsafe_names_are_refused_and_named() {
        let dir = tempfile::tempdir().unwrap();
        // Even listed in a manifest (which refuses the name itself).
        for evil in ["../evil.txt", "/etc/cron.d/x", "a\\..\\b", "dir/"] {
            let manifest = line("run.json", RUN);
            let path = zip_of(
                dir.path(),
                &[
                    (evil, b"x"),
                    ("run.json", RUN),
                    (MANIFEST, manifest.as_bytes()),
                ],
            );
            let problems = verify(&path).unwrap_err();
            assert!(
                problems
                    .iter()
                    .any(|p| p.contains(&format!("{evil:?}: not a safe relative file name"))),
                "{evil}: {problems:?}"
            );
        }
        let manifest = line("run.json", RUN) + &line("../x", b"x");
        let path = zip_of(
            dir.path(),
            &[("run.json", RUN), (MANIFEST, manifest.as_bytes())],
        );
        let problems = verify(&path).unwrap_err();
        assert!(
            problems[0].ends_with("manifest.sha256: line 2: \"../x\" is not a safe relative path"),
            "{problems:?}"
        );
    }

    #[test]
    fn links_and_names_that_are_files_and_folders_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.zip");
        let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        let options = zip::write::SimpleFileOptions::default();
        z.add_symlink("cases/x", "/etc", options).unwrap();
        z.start_file("a", options).unwrap();
        z.start_file("a/b", options).unwrap();
        z.finish().unwrap();
        let problems = verify(&path).unwrap_err().join("\n");
        assert!(
            problems.contains("cases/x: a symbolic link: refused"),
            "{problems}"
        );
        assert!(
            problems.contains("a: both a file and the folder of a/b"),
            "{problems}"
        );
    }

    #[test]
    fn a_changed_missing_or_extra_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = line("a.txt", b"a") + &line("b.txt", b"b") + &line("run.json", RUN);
        let path = zip_of(
            dir.path(),
            &[
                ("a.txt", b"A"),
                ("c.txt", b"c"),
                ("run.json", RUN),
                (MANIFEST, manifest.as_bytes()),
            ],
        );
        let shown = path.display().to_string();
        let problems = verify(&path).unwrap_err();
        assert_eq!(
            problems,
            vec![
                format!("{shown}: a.txt: SHA-256 differs from the manifest"),
                format!("{shown}: c.txt: not in the manifest"),
                format!("{shown}: b.txt: in the manifest, missing from the pack"),
            ]
        );
        let path = zip_of(dir.path(), &[("a.txt", b"a")]);
        assert!(verify(&path).unwrap_err()[0].ends_with("manifest.sha256: missing: not a pack"));
    }
}

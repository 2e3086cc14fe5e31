//! The shard reports given to a merge, read and checked: each must be a
//! shard report of the same tool, policy, limits, personal-data mode, store
//! listing and options as the others, every shard of the count must be
//! there once, and every file its `run.json` lists must still hold the
//! bytes it hashed. Each refusal is one [`Refusal`] naming the shard.

use super::Refusal;
use crate::report::hash_file;
use rayon::prelude::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A shard report, as its `run.json` describes it.
#[derive(Debug)]
pub(super) struct ShardReport {
    /// Its folder, as given.
    pub(super) dir: PathBuf,
    /// Its `run.json`, parsed.
    pub(super) run: Value,
    /// SHA-256 and size of its `run.json`.
    pub(super) run_sha256: (String, u64),
    /// Which shard, of how many.
    pub(super) index: u32,
    pub(super) count: u32,
    /// Rows of its `archives.csv` (`summary.archives`).
    pub(super) rows: usize,
    /// Of those, the last ones that are inputs that are not archives.
    pub(super) not_archives: usize,
    /// Every file its `run.json` lists: path → (SHA-256, size).
    pub(super) outputs: BTreeMap<String, (String, u64)>,
}

impl ShardReport {
    /// How messages name it: `shard 3 (out/3)`.
    pub(super) fn name(&self) -> String {
        format!("shard {} ({})", self.index, self.dir.display())
    }

    /// A refusal naming this shard.
    pub(super) fn refuse(&self, what: impl Into<String>) -> Refusal {
        Refusal {
            shard: self.name(),
            what: what.into(),
        }
    }

    /// The top-level entries its `run.json` lists (`archives.csv`, `crops`, …).
    pub(super) fn entries(&self) -> BTreeSet<&str> {
        self.outputs
            .keys()
            .map(|p| p.split('/').next().unwrap_or(p))
            .collect()
    }

    /// True when it wrote `name` (a file, or a folder of files).
    pub(super) fn has(&self, name: &str) -> bool {
        self.entries().contains(name)
    }
}

/// Reads one folder's `run.json`, refusing a folder that is not a shard report.
pub(super) fn read(dir: &Path) -> Result<ShardReport, Refusal> {
    let refuse = |what: String| Refusal {
        shard: dir.display().to_string(),
        what,
    };
    let path = dir.join("run.json");
    let bytes = std::fs::read(&path)
        .map_err(|e| refuse(format!("not a shard report: cannot read run.json: {e}")))?;
    let run: Value = serde_json::from_slice(&bytes)
        .map_err(|e| refuse(format!("not a shard report: run.json is not JSON: {e}")))?;
    if run["tool"]["name"] != "eid-audit" {
        return Err(refuse(
            "not a shard report: run.json is not eid-audit's".into(),
        ));
    }
    if run.get("merged").is_some() {
        return Err(refuse(
            "a merged report, not a shard: merge the shards themselves".into(),
        ));
    }
    let shard = &run["shard"];
    if !shard.is_object() {
        return Err(refuse(
            "not a shard report: its run.json has no shard record (a report made without --shard)"
                .into(),
        ));
    }
    let number = |v: &Value, what: &str| {
        v.as_u64()
            .ok_or_else(|| refuse(format!("run.json: {what} is not a number")))
    };
    let index = u32::try_from(number(&shard["index"], "shard.index")?).unwrap_or(0);
    let count = u32::try_from(number(&shard["count"], "shard.count")?).unwrap_or(0);
    if index == 0 || index > count {
        return Err(refuse(format!(
            "run.json: shard {index}/{count} is not K/N"
        )));
    }
    let mut outputs = BTreeMap::new();
    for f in run["outputs"].as_array().into_iter().flatten() {
        if let (Some(p), Some(h), Some(n)) = (
            f["path"].as_str(),
            f["sha256"].as_str(),
            f["bytes"].as_u64(),
        ) {
            // A path that leaves the folder is no report's: merge reads and
            // copies by these names.
            let plain = Path::new(p)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
            if !plain || p.contains('\\') {
                return Err(refuse(format!(
                    "run.json lists {p:?}, which is not a path inside the report"
                )));
            }
            outputs.insert(p.to_owned(), (h.to_owned(), n));
        }
    }
    let sha = crate::codes::hex(&<sha2::Sha256 as sha2::Digest>::digest(&bytes));
    Ok(ShardReport {
        dir: dir.to_owned(),
        index,
        count,
        rows: usize::try_from(number(&run["summary"]["archives"], "summary.archives")?)
            .unwrap_or(0),
        not_archives: usize::try_from(number(
            &shard["inputsNotArchives"],
            "shard.inputsNotArchives (a shard of an older eid-audit)",
        )?)
        .unwrap_or(0),
        outputs,
        run_sha256: (sha, bytes.len() as u64),
        run,
    })
}

/// What must be equal in every shard, with how a message names it.
const SAME: [(&str, &str); 8] = [
    ("/tool/version", "tool version"),
    ("/tool/commit", "tool commit"),
    ("/policy/digest", "policy digest"),
    ("/limits", "limits"),
    ("/pii", "personal-data mode"),
    ("/shard/count", "shard count"),
    ("/shard/keysDigest", "keysDigest (the store listing)"),
    ("/shard/inputsSeen", "inputsSeen"),
];

/// Checks that the shards, sorted by index, belong together and make one
/// whole: the same values of [`SAME`], the same images record and options,
/// the same files, each index once, none missing. `html` says whether the
/// merge writes pages (then every shard must have them).
pub(super) fn check_together(shards: &mut [ShardReport], html: bool) -> Result<(), Refusal> {
    shards.sort_by_key(|s| s.index);
    let Some(first) = shards.first() else {
        return Err(Refusal {
            shard: "merge".into(),
            what: "no shard report given".into(),
        });
    };
    for pair in shards.windows(2) {
        if pair[0].index == pair[1].index {
            return Err(pair[1].refuse(format!("given twice (also as {})", pair[0].dir.display())));
        }
    }
    for s in &shards[1..] {
        for (pointer, what) in SAME {
            let (a, b) = (&first.run.pointer(pointer), &s.run.pointer(pointer));
            if a != b {
                return Err(s.refuse(differs(what, *b, *a, first.index)));
            }
        }
        for (key, what) in [
            ("into", "exhibits' place (--crops-into)"),
            ("annotation", "exhibits' annotation"),
            ("excluded", "--crops-exclude"),
        ] {
            if first.run["images"][key] != s.run["images"][key] {
                return Err(s.refuse(format!("{what} differs from shard {}'s", first.index)));
            }
        }
        let (mine, theirs) = (s.entries(), first.entries());
        if let Some(extra) = mine
            .symmetric_difference(&theirs)
            .find(|e| html || **e != "html")
        {
            let (has, lacks) = if mine.contains(extra) {
                (s.index, first.index)
            } else {
                (first.index, s.index)
            };
            return Err(s.refuse(format!(
                "shard {has} wrote {extra} and shard {lacks} did not: the shards were run with different options"
            )));
        }
        let (a, b) = (shaping_options(&first.run), shaping_options(&s.run));
        if a != b {
            let only = |x: &[String], y: &[String]| {
                x.iter()
                    .filter(|o| !y.contains(o))
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            return Err(s.refuse(format!(
                "ran with options [{}] where shard {} ran with [{}]",
                only(&b, &a),
                first.index,
                only(&a, &b)
            )));
        }
    }
    if html && !first.has("html") {
        return Err(
            first.refuse("has no html/ (run with --html): merge --html needs every shard's pages")
        );
    }
    if let Some(k) = (1..=first.count).find(|k| !shards.iter().any(|s| s.index == *k)) {
        return Err(Refusal {
            shard: format!("shard {k} of {}", first.count),
            what: "missing: give every shard's report folder".into(),
        });
    }
    let kept: u64 = shards
        .iter()
        .filter_map(|s| s.run["shard"]["inputsKept"].as_u64())
        .sum();
    if Some(kept) != first.run["shard"]["inputsSeen"].as_u64() {
        return Err(first.refuse(format!(
            "the shards kept {kept} inputs in all, not the {} each saw",
            shown(first.run.pointer("/shard/inputsSeen"))
        )));
    }
    Ok(())
}

/// Checks every file each shard's `run.json` lists against its SHA-256
/// (hashed in parallel); the first shard, in order, whose file differs or
/// is gone is refused.
pub(super) fn check_hashes(shards: &[ShardReport]) -> Result<(), Refusal> {
    let files: Vec<(usize, &String, &(String, u64))> = shards
        .iter()
        .enumerate()
        .flat_map(|(i, s)| s.outputs.iter().map(move |(p, h)| (i, p, h)))
        .collect();
    let bad = files
        .par_iter()
        .filter_map(
            |(i, p, (sha, bytes))| match hash_file(&shards[*i].dir.join(p.as_str())) {
                Ok((got, n)) if got == *sha && n == *bytes => None,
                Ok(_) => Some((
                    *i,
                    format!(
                        "{p} does not match its SHA-256 in run.json (changed, or copied half-way)"
                    ),
                )),
                Err(_) => Some((*i, format!("{p} is listed in run.json but cannot be read"))),
            },
        )
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    match bad {
        Some((i, what)) => Err(shards[i].refuse(what)),
        None => Ok(()),
    }
}

/// Refuses an output folder inside a shard's (or equal to it): the merge
/// would write into what it reads.
pub(super) fn check_out(shards: &[ShardReport], out: &Path) -> Result<(), Refusal> {
    let out = nearest_canonical(out);
    for s in shards {
        if let Ok(dir) = s.dir.canonicalize()
            && out.starts_with(&dir)
        {
            return Err(s.refuse("the output folder is inside this shard's folder"));
        }
    }
    Ok(())
}

/// `path` made absolute through its nearest existing ancestor.
fn nearest_canonical(path: &Path) -> PathBuf {
    let mut rest = Vec::new();
    let mut p = path.to_owned();
    loop {
        if let Ok(c) = p.canonicalize() {
            return rest.into_iter().rev().fold(c, |acc, n| acc.join(n));
        }
        match (p.file_name().map(ToOwned::to_owned), p.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                p = if parent.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    parent.to_owned()
                };
            }
            _ => return path.to_owned(),
        }
    }
}

/// The message for a value that differs from the first shard's: for an
/// object (the limits), only the keys that differ.
fn differs(what: &str, mine: Option<&Value>, first: Option<&Value>, index: u32) -> String {
    if let (Some(Value::Object(m)), Some(Value::Object(f))) = (mine, first) {
        let keys: BTreeSet<&String> = m.keys().chain(f.keys()).collect();
        let diff: Vec<String> = keys
            .into_iter()
            .filter(|k| m.get(*k) != f.get(*k))
            .map(|k| {
                format!(
                    "{k} {} (shard {index}: {})",
                    shown(m.get(k)),
                    shown(f.get(k))
                )
            })
            .collect();
        return format!("{what} differ from shard {index}'s: {}", diff.join(", "));
    }
    format!(
        "{what} {} differs from shard {index}'s {}",
        shown(mine),
        shown(first)
    )
}

/// A value for a message.
fn shown(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => "(none)".into(),
    }
}

/// Options that do not shape the report: where it goes, how fast, which
/// shard, the exit code, how object storage is read (the keys read are
/// compared by `keysDigest`). Each takes a value.
const NEUTRAL_VALUED: [&str; 9] = [
    "-o",
    "--out",
    "-j",
    "--jobs",
    "--shard",
    "--fail-on",
    "--requests",
    "--retries",
    "--manifest",
];
/// The same, without a value.
const NEUTRAL: [&str; 4] = ["-f", "--force", "-q", "--quiet"];
/// Options that take a value (the rest are switches or paths to audit).
const VALUED: [&str; 16] = [
    "--sample",
    "--seed",
    "--strata",
    "--retention-years",
    "--as-of",
    "--relationship-end",
    "--pii",
    "--pii-key-file",
    "--policy",
    "--limits",
    "--crops-into",
    "--annotated",
    "--crops-exclude",
    "--ida-trust-framework",
    "--ida-assurance-level",
    "--ida-attachment-base-url",
];
/// Of those, the ones whose value is a file path, which may differ between
/// machines: their content is compared elsewhere (the policy's digest, the
/// limits), so only their presence counts here.
const PATH_VALUED: [&str; 4] = [
    "--pii-key-file",
    "--policy",
    "--limits",
    "--relationship-end",
];

/// The options of a shard's command line that shape what it wrote
/// (`--jsonl`, `--hash-members`, `--excel`, `--pii mask`, …), sorted; the
/// paths audited and the neutral options left out.
fn shaping_options(run: &Value) -> Vec<String> {
    let args: Vec<&str> = run["commandLine"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .skip(2)
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = args[i];
        i += 1;
        let name = arg.split('=').next().unwrap_or(arg);
        let inline = arg.contains('=') && arg.starts_with("--");
        if NEUTRAL.contains(&name) {
            continue;
        }
        if NEUTRAL_VALUED.contains(&name) {
            i += usize::from(!inline);
            continue;
        }
        if VALUED.contains(&name) {
            if PATH_VALUED.contains(&name) {
                out.push(name.to_owned());
            } else if inline {
                out.push(arg.to_owned());
            } else {
                out.push(format!("{name}={}", args.get(i).copied().unwrap_or("")));
            }
            i += usize::from(!inline);
            continue;
        }
        if arg.starts_with('-') && arg.len() > 1 {
            out.push(arg.to_owned());
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_options_that_shape_the_report_are_compared() {
        let run = |args: &[&str]| serde_json::json!({"commandLine": args});
        let a = shaping_options(&run(&[
            "eid-audit",
            "report",
            "/store",
            "-o",
            "out/1",
            "--shard",
            "1/4",
            "--jsonl",
            "--pii",
            "mask",
            "--fail-on",
            "error",
            "--policy",
            "/etc/p.toml",
            "-j",
            "2",
            "-q",
        ]));
        let b = shaping_options(&run(&[
            "/usr/bin/eid-audit",
            "report",
            "--shard=2/4",
            "--out=out/2",
            "--pii=mask",
            "--policy",
            "other/p.toml",
            "./store",
            "--jsonl",
        ]));
        assert_eq!(a, vec!["--jsonl", "--pii=mask", "--policy"]);
        assert_eq!(a, b);
        let c = shaping_options(&run(&["eid-audit", "report", "/store", "--hash-members"]));
        assert_eq!(c, vec!["--hash-members"]);
    }
}

//! `eid-audit merge`: shard reports made into the report one run over the
//! whole store writes, byte for byte; shards that do not belong together
//! refused with exit 2 and one line naming the shard.

use super::{eid_audit, stderr, tree};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Runs `eid-audit` with `input` on its standard input.
fn with_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_eid-audit"))
        .args(args)
        .current_dir(super::root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

/// A store of `count` generated archives (every ninth broken when `broken`),
/// plus copies whose paths sort differently by component than by text
/// (`a/x.zip` before `a-x.zip`, `a.b/x.zip`).
fn store(tmp: &Path, count: usize, broken: bool, copies: bool) -> PathBuf {
    let store = tmp.join("store");
    let options = eid_testkit::corpus::CorpusOptions {
        count,
        seed: 11,
        realistic: false,
        broken_every: broken.then_some(9),
    };
    eid_testkit::corpus::generate(&store, &options).unwrap();
    if copies {
        let one = std::fs::read(store.join("000/0000001.zip")).unwrap();
        for p in ["a/x.zip", "a-x.zip", "a.b/x.zip", "a/b/y.zip"] {
            let path = store.join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, &one).unwrap();
        }
    }
    store
}

/// The files a merged report must have byte-equal to a single run's.
const SAME_BYTES: [&str; 6] = [
    "archives.csv",
    "checks.csv",
    "features.csv",
    "findings.csv",
    "members.csv",
    "audits.jsonl",
];

/// `summary.txt` without its timing line, which no two runs share.
fn summary_text(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("summary.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("elapsed"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn run_json(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("run.json")).unwrap()).unwrap()
}

/// Asserts that the merged report equals the single run's.
fn assert_same_report(single: &Path, merged: &Path, html: bool) {
    for name in SAME_BYTES {
        let (a, b) = (single.join(name), merged.join(name));
        if a.exists() || b.exists() {
            assert!(
                std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap(),
                "{name} differs from the single run's"
            );
        }
    }
    assert_eq!(summary_text(single), summary_text(merged));
    assert_eq!(run_json(single)["summary"], run_json(merged)["summary"]);
    if html {
        let (a, b) = (tree(&single.join("html")), tree(&merged.join("html")));
        assert_eq!(
            a.keys().collect::<Vec<_>>(),
            b.keys().collect::<Vec<_>>(),
            "the same pages"
        );
        for (name, bytes) in &a {
            assert!(
                *bytes == b[name],
                "html/{name} differs from the single run's"
            );
        }
    }
}

/// Four shards of `args` (with `input` on standard input), then a merge.
fn shards_then_merge(
    tmp: &Path,
    args: &[&str],
    input: &[u8],
    merge: &[&str],
) -> (Vec<Output>, Output) {
    let mut outs = Vec::new();
    let mut dirs = Vec::new();
    for k in 1..=4 {
        let dir = tmp.join(format!("out/{k}"));
        let shard = format!("{k}/4");
        let mut all = vec!["report"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--out", dir.to_str().unwrap(), "--shard", &shard, "-q"]);
        outs.push(with_stdin(&all, input));
        dirs.push(dir.to_str().unwrap().to_owned());
    }
    // Given out of order: the merge sorts them by their shard record.
    dirs.reverse();
    let mut all = vec!["merge"];
    all.extend(dirs.iter().map(String::as_str));
    all.extend_from_slice(merge);
    (outs, eid_audit(&all))
}

#[test]
fn merge_of_four_shards_equals_one_run_with_problems_last_and_paths_by_component() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store(tmp.path(), 45, true, true);
    let s = store.to_str().unwrap();
    let missing = tmp.path().join("missing.zip");
    // Lines that are not paths are inputs that are not archives: last.
    let input = b"first\0bad\nsecond\0bad\nthird\0bad\n";
    let args = [
        s,
        missing.to_str().unwrap(),
        "-",
        "--jsonl",
        "--fail-on",
        "error",
    ];
    let single = tmp.path().join("single");
    let mut all = vec!["report"];
    all.extend_from_slice(&args);
    all.extend_from_slice(&["--out", single.to_str().unwrap(), "-q"]);
    let one = with_stdin(&all, input);
    let merged = tmp.path().join("merged");
    let (_, m) = shards_then_merge(
        tmp.path(),
        &args,
        input,
        &["-o", merged.to_str().unwrap(), "--fail-on", "error"],
    );
    assert_eq!(m.status.code(), one.status.code(), "{}", stderr(&m));
    assert_eq!(one.status.code(), Some(2), "broken archives: exit 2");
    assert_same_report(&single, &merged, false);
    let csv = std::fs::read_to_string(merged.join("archives.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert!(
        rows.last().unwrap().contains("<stdin line"),
        "problems last"
    );
    let at = |p: &str| rows.iter().position(|r| r.contains(p)).unwrap();
    assert!(at("/a/x.zip") < at("/a-x.zip"), "paths sort by component");
    let run = run_json(&merged);
    assert_eq!(run["merged"]["shards"].as_array().unwrap().len(), 4);
    assert!(run["summary"]["disagreements"].as_u64().unwrap() > 0);
    assert!(run["summary"]["errors"].as_u64().unwrap() > 3);
    // Again without --force: refused, as report refuses; with it, replaced.
    let again = |force: bool| {
        let mut a = vec!["merge"];
        let dirs: Vec<String> = (1..=4)
            .map(|k| tmp.path().join(format!("out/{k}")).display().to_string())
            .collect();
        a.extend(dirs.iter().map(String::as_str));
        a.extend_from_slice(&["-o", merged.to_str().unwrap()]);
        if force {
            a.push("--force");
        }
        eid_audit(&a)
    };
    let refused = again(false);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("a report is already here"));
    // The default --fail-on: errors are exit 2 as for report.
    assert_eq!(again(true).status.code(), Some(2));
}

#[test]
fn merge_with_html_crops_and_full_pii_equals_one_run_and_keeps_the_exit_code() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store(tmp.path(), 30, false, false);
    let s = store.to_str().unwrap();
    let args = [s, "--html", "--crops", "--pii", "full", "--jsonl"];
    let single = tmp.path().join("single");
    let mut all = vec!["report"];
    all.extend_from_slice(&args);
    all.extend_from_slice(&["--out", single.to_str().unwrap(), "-q"]);
    let one = eid_audit(&all);
    let merged = tmp.path().join("merged");
    let (shards, m) = shards_then_merge(
        tmp.path(),
        &args,
        b"",
        &["-o", merged.to_str().unwrap(), "--html"],
    );
    assert!(shards.iter().all(|o| o.status.code().is_some()));
    assert_eq!(one.status.code(), Some(1), "the corpus has disagreements");
    assert_eq!(m.status.code(), Some(1), "{}", stderr(&m));
    assert_same_report(&single, &merged, true);
    assert_eq!(tree(&single.join("crops")), tree(&merged.join("crops")));
    assert!(
        tree(&merged.join("html"))
            .keys()
            .any(|k| k.ends_with("-front.png") || k.ends_with("-front.jpeg"))
    );
    // --fail-on error: a complete audit is a success to a scheduler.
    let dirs: Vec<String> = (1..=4)
        .map(|k| tmp.path().join(format!("out/{k}")).display().to_string())
        .collect();
    let mut a: Vec<&str> = vec!["merge"];
    a.extend(dirs.iter().map(String::as_str));
    let other = tmp.path().join("other");
    a.extend_from_slice(&["-o", other.to_str().unwrap(), "--fail-on", "error"]);
    assert_eq!(eid_audit(&a).status.code(), Some(0));
}

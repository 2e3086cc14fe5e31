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
pub(crate) fn store(tmp: &Path, count: usize, broken: bool, copies: bool) -> PathBuf {
    let store = tmp.join("store");
    let options = eid_testkit::corpus::CorpusOptions {
        count,
        seed: 11,
        realistic: false,
        broken_every: broken.then_some(9),
        layout: Default::default(),
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
const SAME_BYTES: [&str; 10] = [
    "archives.csv",
    "duplicates.csv",
    "sample.csv",
    "retention.csv",
    "checks.csv",
    "features.csv",
    "findings.csv",
    "members.csv",
    "audits.jsonl",
    "verified_claims.jsonl",
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

pub(crate) fn run_json(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("run.json")).unwrap()).unwrap()
}

/// Asserts that the merged report equals the single run's.
pub(crate) fn assert_same_report(single: &Path, merged: &Path, html: bool) {
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
    let monitoring = run_json(single)["monitoring"].clone();
    assert!(monitoring["run"]["archivesJudged"].is_u64(), "{monitoring}");
    assert_eq!(monitoring, run_json(merged)["monitoring"]);
    if html {
        let (a, b) = (tree(&single.join("html")), tree(&merged.join("html")));
        assert_eq!(
            a.keys().collect::<Vec<_>>(),
            b.keys().collect::<Vec<_>>(),
            "the same pages"
        );
        // The index's last line says what made it: a run, or a merge.
        let record = |bytes: &[u8]| -> (Vec<u8>, String) {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let (rest, line): (Vec<&str>, Vec<&str>) = text
                .lines()
                .partition(|l| !l.starts_with("<p class=\"run-record\""));
            (rest.join("\n").into_bytes(), line.join("\n"))
        };
        for (name, bytes) in &a {
            if name == "index.html" {
                let ((one, run), (merged, merge)) = (record(bytes), record(&b[name]));
                assert!(
                    one == merged,
                    "html/index.html differs from the single run's"
                );
                assert!(run.contains(", run started "), "{run}");
                assert!(merge.contains("merged by eid-audit "), "{merge}");
                assert!(merge.contains("<code>run.json</code>, in the report folder"));
                continue;
            }
            assert!(
                *bytes == b[name],
                "html/{name} differs from the single run's"
            );
        }
    }
}

/// Four shards of `args` (with `input` on standard input), then a merge.
pub(crate) fn shards_then_merge(
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
    // Archives with a member that fails its check, wherever they fall: the
    // merge names them as the run does.
    let corrupt = std::fs::read(super::root().join("testdata/hostile/video-declares-1gb.zip"));
    for p in ["000/video-a.zip", "zz/video-b.zip", "m/video-c.zip"] {
        let path = store.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, corrupt.as_ref().unwrap()).unwrap();
    }
    let s = store.to_str().unwrap();
    let missing = tmp.path().join("missing.zip");
    // A policy with a typo: its warning is in the merged summary.txt too.
    let policy = tmp.path().join("typo.toml");
    std::fs::write(&policy, "name = \"typo\"\nignore_features = [\"OVI 3\"]\n").unwrap();
    // Lines that are not paths are inputs that are not archives: last.
    let input = b"first\0bad\nsecond\0bad\nthird\0bad\n";
    let args = [
        s,
        missing.to_str().unwrap(),
        "-",
        "--jsonl",
        "--excel",
        "--hash-members",
        "--policy",
        policy.to_str().unwrap(),
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
    let named = summary_text(&merged);
    assert!(
        named.contains("\npolicy warnings\n  ignore_features names \"OVI 3\", a feature eid-audit has never seen; did you mean \"OVI 1\"?\n"),
        "{named}"
    );
    let integrity = named.split("\nintegrity failures\n").nth(1).unwrap();
    for v in ["video-a", "video-b", "video-c"] {
        assert!(
            integrity.contains(&format!("/{v}.zip: MemberCorrupt video.mp4: ")),
            "{named}"
        );
    }
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
    let args = [s, "--html", "--crops", "--pii", "full", "--jsonl", "--ida"];
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
    let claims = std::fs::read_to_string(merged.join("verified_claims.jsonl")).unwrap();
    assert!(
        claims.lines().count() > 3,
        "claims of several shards merged"
    );
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

/// Copies a folder (a shard report) whole.
fn copy_dir(from: &Path, to: &Path) {
    for (name, bytes) in tree(from) {
        let path = to.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

/// Changes a shard's run.json.
fn edit_run(dir: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let mut run = run_json(dir);
    edit(&mut run);
    std::fs::write(
        dir.join("run.json"),
        serde_json::to_vec_pretty(&run).unwrap(),
    )
    .unwrap();
}

#[test]
fn shards_that_do_not_belong_together_are_refused_with_one_line_naming_the_shard() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let store = store(t, 12, true, false);
    let shard = |k: u32, dir: &str, extra: &[&str]| {
        let out = t.join(dir);
        let s = format!("{k}/2");
        let mut a = vec![
            "report",
            store.to_str().unwrap(),
            "-q",
            "-o",
            out.to_str().unwrap(),
        ];
        a.extend_from_slice(&["--shard", &s]);
        a.extend_from_slice(extra);
        eid_audit(&a);
        out
    };
    let (s1, s2) = (shard(1, "s1", &[]), shard(2, "s2", &[]));
    let plain = t.join("plain");
    eid_audit(&[
        "report",
        store.to_str().unwrap(),
        "-q",
        "-o",
        plain.to_str().unwrap(),
    ]);
    let variant = |case: &str, edit: &dyn Fn(&Path)| {
        let dir = t.join(case).join("s2");
        copy_dir(&s2, &dir);
        edit(&dir);
        dir
    };
    let json =
        |case: &str, f: fn(&mut serde_json::Value)| variant(case, &move |d: &Path| edit_run(d, f));
    let cases: Vec<(&str, Vec<PathBuf>, PathBuf)> = vec![
        (
            "version",
            vec![
                s1.clone(),
                json("version", |r| r["tool"]["version"] = "0.0.0-other".into()),
            ],
            t.join("m"),
        ),
        (
            "policy",
            vec![
                s1.clone(),
                json("policy", |r| r["policy"]["digest"] = "00000000".into()),
            ],
            t.join("m"),
        ),
        (
            "limits",
            vec![
                s1.clone(),
                json("limits", |r| r["limits"]["max_members"] = 7.into()),
            ],
            t.join("m"),
        ),
        (
            "pii",
            vec![s1.clone(), shard(2, "pii/s2", &["--pii", "mask"])],
            t.join("m"),
        ),
        (
            "count",
            vec![
                s1.clone(),
                json("count", |r| r["shard"]["count"] = 3.into()),
            ],
            t.join("m"),
        ),
        (
            "keys",
            vec![
                s1.clone(),
                json("keys", |r| r["shard"]["keysDigest"] = "ff".into()),
            ],
            t.join("m"),
        ),
        ("missing", vec![s1.clone()], t.join("m")),
        (
            "twice",
            vec![s1.clone(), s1.clone(), s2.clone()],
            t.join("m"),
        ),
        (
            "tampered",
            vec![
                s1.clone(),
                variant("tampered", &|d: &Path| {
                    let mut f = std::fs::OpenOptions::new()
                        .append(true)
                        .open(d.join("checks.csv"))
                        .unwrap();
                    f.write_all(b"x").unwrap();
                }),
            ],
            t.join("m"),
        ),
        ("not a shard", vec![s1.clone(), plain.clone()], t.join("m")),
        ("no run.json", vec![s1.clone(), t.to_owned()], t.join("m")),
        (
            "file set",
            vec![s1.clone(), shard(2, "jsonl/s2", &["--jsonl"])],
            t.join("m"),
        ),
        (
            "options",
            vec![s1.clone(), shard(2, "hash/s2", &["--hash-members"])],
            t.join("m"),
        ),
        ("html", vec![s1.clone(), s2.clone()], t.join("m")),
        ("inside", vec![s1.clone(), s2.clone()], s1.join("merged")),
    ];
    let mut lines = Vec::new();
    for (case, dirs, out) in cases {
        let mut a = vec!["merge".to_owned()];
        a.extend(dirs.iter().map(|d| d.display().to_string()));
        a.extend(["-o".to_owned(), out.display().to_string()]);
        if case == "html" {
            a.push("--html".into());
        }
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let o = eid_audit(&a);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{case}: {err}");
        assert_eq!(err.lines().count(), 1, "{case}: one line: {err}");
        assert!(!t.join("m/archives.csv").exists(), "{case}: nothing merged");
        lines.push(format!("{case}: {}", err.trim_end()));
    }
    let filters = vec![
        (t.to_str().unwrap(), "[TMP]"),
        (env!("CARGO_PKG_VERSION"), "[VERSION]"),
    ];
    insta::with_settings!({filters => filters}, {
        insta::assert_snapshot!("refusals", lines.join("\n"));
    });
}

/// True when GNU parallel runs here; a missing tool skips the test, unless
/// EID_AUDIT_REQUIRE_TOOLS is set (CI sets it and installs parallel).
fn parallel_available() -> bool {
    let ok = Command::new("parallel")
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|o| {
            o.status.success() && String::from_utf8_lossy(&o.stdout).contains("GNU parallel")
        });
    if !ok {
        assert!(
            std::env::var_os("EID_AUDIT_REQUIRE_TOOLS").is_none(),
            "GNU parallel is required (apt-get install parallel)"
        );
        eprintln!("SKIP: GNU parallel is not installed");
    }
    ok
}

#[test]
fn four_shards_under_gnu_parallel_then_merge_equal_one_run() {
    if !parallel_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let store = store(tmp.path(), 40, true, true);
    let bin = env!("CARGO_BIN_EXE_eid-audit");
    let out = tmp.path().join("out");
    // The scheduler's recipe, as docs/scheduling.md gives it.
    let shards = Command::new("parallel")
        .args(["--will-cite", "--halt", "never"])
        .arg(format!(
            "{bin} report {} --out {}/{{}} --shard {{}}/4 --fail-on error --jsonl -q",
            store.display(),
            out.display()
        ))
        .args([":::", "1", "2", "3", "4"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    // Every shard holds a broken archive: each exits 2, and parallel
    // counts the failed jobs.
    let failed = shards.status.code().unwrap();
    assert!(
        (0..=4).contains(&failed),
        "{}",
        String::from_utf8_lossy(&shards.stderr)
    );
    let single = tmp.path().join("single");
    let one = eid_audit(&[
        "report",
        store.to_str().unwrap(),
        "--out",
        single.to_str().unwrap(),
        "--fail-on",
        "error",
        "--jsonl",
        "-q",
    ]);
    let merged = tmp.path().join("merged");
    let dirs: Vec<String> = (1..=4)
        .map(|k| out.join(k.to_string()).display().to_string())
        .collect();
    let mut a: Vec<&str> = vec!["merge"];
    a.extend(dirs.iter().map(String::as_str));
    a.extend_from_slice(&["-o", merged.to_str().unwrap(), "--fail-on", "error"]);
    let m = eid_audit(&a);
    assert_eq!(m.status.code(), one.status.code(), "{}", stderr(&m));
    assert_same_report(&single, &merged, false);
    let (s, r) = (run_json(&single), run_json(&merged));
    for key in [
        "archives",
        "errors",
        "disagreements",
        "byStatus",
        "findings",
    ] {
        assert_eq!(s["summary"][key], r["summary"][key], "{key}");
    }
    assert!(r["summary"]["archives"].as_u64().unwrap() >= 44);
}

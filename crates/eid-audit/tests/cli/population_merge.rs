//! Shards merged into the population files one run writes: the same
//! duplicates, sample and retention, and refusals of shards whose
//! population settings differ.

use super::eid_audit;
use super::population::{groups_of, planted, report, unique, write};
use super::stderr;
use std::path::Path;

/// Four shards of `args` over `store`, merged into `out`.
fn shards_then_merge(tmp: &Path, store: &Path, args: &[&str], out: &Path, tag: &str) {
    let mut dirs = Vec::new();
    for k in 1..=4 {
        let dir = tmp.join(format!("{tag}/{k}"));
        let shard = format!("{k}/4");
        report(store, &dir, &[args, &["--shard", &shard]].concat());
        assert!(dir.join("duplicates-index.csv").exists());
        dirs.push(dir.display().to_string());
    }
    let mut all = vec!["merge"];
    all.extend(dirs.iter().map(String::as_str));
    all.extend_from_slice(&["-o", out.to_str().unwrap(), "--html", "--fail-on", "error"]);
    let m = eid_audit(&all);
    assert_eq!(m.status.code(), Some(0), "{}", stderr(&m));
}

fn run_json(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("run.json")).unwrap()).unwrap()
}

#[test]
fn shards_merged_list_the_same_duplicates_sample_and_retention_as_one_run() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    planted(&store);
    for i in 30..50 {
        write(&store, &format!("more/{i}.zip"), &unique(i));
    }
    let key = tmp.path().join("key");
    std::fs::write(&key, "a key of at least sixteen bytes\n").unwrap();
    let population = [
        "--sample",
        "2",
        "--seed",
        "s-1",
        "--strata",
        "month",
        "--retention-years",
        "5",
        "--as-of",
        "2026-01-01",
        "--html",
        "--excel",
    ];
    let hmac = [
        &population[..],
        &["--pii", "hmac", "--pii-key-file", key.to_str().unwrap()],
    ]
    .concat();
    let single = tmp.path().join("single");
    report(&store, &single, &hmac);
    let merged = tmp.path().join("merged");
    shards_then_merge(tmp.path(), &store, &hmac, &merged, "hmac");
    for name in [
        "duplicates.csv",
        "sample.csv",
        "retention.csv",
        "html/sample.html",
    ] {
        assert!(
            std::fs::read(single.join(name)).unwrap() == std::fs::read(merged.join(name)).unwrap(),
            "{name} differs from the single run's"
        );
    }
    assert!(!merged.join("duplicates-index.csv").exists());
    let (one, all) = (run_json(&single), run_json(&merged));
    assert_eq!(one["summary"], all["summary"]);
    for section in ["sample", "retention"] {
        assert_eq!(one[section], all[section], "{section}");
    }
    assert_eq!(all["duplicates"]["documentScope"], "store");
    assert_eq!(one["summary"]["duplicates"]["groups"]["DocumentReused"], 1);

    // Without one HMAC key, each shard compared documents under its own
    // random key: the merge compares them within each shard only, and says so.
    let plain = tmp.path().join("plain");
    shards_then_merge(tmp.path(), &store, &population, &plain, "plain");
    let all = run_json(&plain);
    assert_eq!(all["duplicates"]["documentScope"], "shard");
    let single_groups = groups_of(&single);
    let merged_groups = groups_of(&plain);
    for (kind, archives) in &single_groups {
        if !kind.starts_with("Document") {
            assert!(
                merged_groups.contains(&(kind.clone(), archives.clone())),
                "{kind}"
            );
        }
    }
    assert!(merged_groups.iter().all(|g| single_groups.contains(g)));
}

#[test]
fn shards_drawn_with_other_seeds_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    planted(&store);
    let mut dirs = Vec::new();
    for k in 1..=2 {
        let dir = tmp.path().join(format!("out/{k}"));
        let (shard, seed) = (format!("{k}/2"), format!("seed-{k}"));
        report(
            &store,
            &dir,
            &["--shard", &shard, "--sample", "1", "--seed", &seed],
        );
        dirs.push(dir.display().to_string());
    }
    let out = tmp.path().join("merged");
    let m = eid_audit(&["merge", &dirs[0], &dirs[1], "-o", out.to_str().unwrap()]);
    assert_eq!(m.status.code(), Some(2));
    assert!(stderr(&m).contains("--seed=seed-2"), "{}", stderr(&m));
    assert!(!out.join("duplicates.csv").exists());
}

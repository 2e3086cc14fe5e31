//! The archives as a population: duplicates across archives (one planted
//! case per kind, and archives that must not match), the sample for review
//! and the retention worklist, each the same whatever `--jobs`, and merged
//! from shards into what one run writes.

use super::{eid_audit, stderr};
use eid_testkit::Case;
use eid_testkit::corpus::{CorpusOptions, case};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// The `i`-th accepted case of a generated corpus: unique process id,
/// person and (marked) images, an automatic decision (its verification
/// date is the process record's `updatedAt`).
pub(super) fn unique(i: usize) -> Case {
    let options = CorpusOptions {
        count: 1000,
        seed: 5,
        realistic: false,
        broken_every: None,
        layout: Default::default(),
    };
    (0..)
        .map(|j| case(j, &options))
        .filter(|(_, kind, _)| *kind == "accepted")
        .nth(i)
        .map(|(c, ..)| c)
        .unwrap()
}

pub(super) fn write(dir: &Path, name: &str, c: &Case) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, c.to_zip()).unwrap();
}

/// A store with one planted case of each kind of duplicate, and archives
/// that share nothing.
pub(super) fn planted(dir: &Path) {
    // SameArchive: one archive's bytes at two paths.
    let a = unique(1);
    write(dir, "same/a.zip", &a);
    write(dir, "same/copy-of-a.zip", &a);
    // ProcessIdCollision: one process id, other contents.
    let b = unique(2);
    let mut b2 = unique(3);
    b2.process_id = b.process_id.clone();
    write(dir, "pid/b.zip", &b);
    write(dir, "pid/b-again.zip", &b2);
    // ImageReused: two processes, one unmarked flat image (the same bytes).
    let mut c = unique(4);
    let mut d = unique(5);
    for x in [&mut c, &mut d] {
        x.marked = false;
        x.image = eid_testkit::ImageKind::Jpeg;
        x.front = Some((640, 404));
        x.back = None;
        x.selfie = None;
        x.portrait = false;
        x.features = unique(0).features;
    }
    write(dir, "image/c.zip", &c);
    write(dir, "image/d.zip", &d);
    // DocumentReused: one document and holder, two processes.
    let e = unique(6);
    let mut f = unique(7);
    f.person = e.person.clone();
    write(dir, "document/e.zip", &e);
    write(dir, "document/f.zip", &f);
    // DocumentReusedOtherHolder: one document under another name.
    let g = unique(8);
    let mut h = unique(9);
    h.person.document_number = g.person.document_number.clone();
    h.person.document_type = g.person.document_type.clone();
    h.person.issuing_country = g.person.issuing_country.clone();
    write(dir, "holder/g.zip", &g);
    write(dir, "holder/h.zip", &h);
    // Must not match: unique in everything.
    for i in 10..14 {
        write(dir, &format!("other/{i}.zip"), &unique(i));
    }
}

pub(super) fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r
        .headers()
        .unwrap()
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_owned())
        .collect();
    r.records()
        .map(|rec| {
            header
                .iter()
                .cloned()
                .zip(rec.unwrap().iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

pub(super) fn report(store: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "report",
        store.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "-q",
        "--fail-on",
        "error",
    ];
    args.extend_from_slice(extra);
    let o = eid_audit(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    o
}

/// The groups of `duplicates.csv` as kind → the archives' paths in the store.
fn groups(out: &Path) -> Vec<(String, Vec<String>)> {
    let store = out.parent().unwrap().join("store");
    groups_of(out)
        .into_iter()
        .map(|(kind, archives)| {
            let names = archives
                .iter()
                .map(|a| {
                    Path::new(a)
                        .strip_prefix(&store)
                        .unwrap()
                        .display()
                        .to_string()
                })
                .collect();
            (kind, names)
        })
        .collect()
}

#[test]
fn one_planted_duplicate_of_each_kind_is_found_and_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    planted(&store);
    let out = tmp.path().join("out");
    let o = report(&store, &out, &["-j", "1"]);
    let owned = |k: &str, v: &[&str]| (k.to_owned(), v.iter().map(|s| s.to_string()).collect());
    assert_eq!(
        groups(&out),
        vec![
            owned("SameArchive", &["same/a.zip", "same/copy-of-a.zip"]),
            owned("ProcessIdCollision", &["pid/b-again.zip", "pid/b.zip"]),
            owned("ImageReused", &["image/c.zip", "image/d.zip"]),
            owned("DocumentReused", &["document/e.zip", "document/f.zip"]),
            owned(
                "DocumentReusedOtherHolder",
                &["holder/g.zip", "holder/h.zip"]
            ),
        ]
    );
    // Duplicates change no status: each is what the case was built to be.
    for r in read_csv(&out.join("archives.csv")) {
        assert!(
            !r["status"].is_empty() && r["error_code"].is_empty(),
            "{r:?}"
        );
    }
    let summary = super::stdout(&o);
    assert!(
        summary.contains("duplicates   5 groups for review (DocumentReused 1, DocumentReusedOtherHolder 1, ImageReused 1, ProcessIdCollision 1, SameArchive 1), 10 archives in them, 1 is a copy of another"),
        "{summary}"
    );
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["summary"]["duplicates"]["copies"], 1);
    assert_eq!(run["summary"]["duplicates"]["groups"]["ImageReused"], 1);
    assert_eq!(run["duplicates"]["images"], "jpegFingerprint");
    assert_eq!(run["duplicates"]["documentKey"], "run");
    // Nothing linkable leaves the run: no document number, no key.
    let text = std::fs::read_to_string(out.join("duplicates.csv")).unwrap();
    assert!(!text.contains(&unique(6).person.document_number));
    // The same groups from the members' SHA-256, and the same bytes
    // whatever --jobs.
    let hashed = tmp.path().join("hashed");
    report(&store, &hashed, &["-j", "3", "--hash-members"]);
    assert_eq!(groups(&hashed), groups(&out));
    let again = tmp.path().join("again");
    report(&store, &again, &["-j", "3"]);
    assert_eq!(
        std::fs::read(out.join("duplicates.csv")).unwrap(),
        std::fs::read(again.join("duplicates.csv")).unwrap()
    );
}

#[test]
fn the_sample_is_the_least_draw_keys_the_same_under_any_jobs_with_its_page() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    planted(&store);
    let args = [
        "--sample",
        "2",
        "--seed",
        "audit-2026",
        "--strata",
        "status",
        "--html",
    ];
    let one = tmp.path().join("one");
    report(&store, &one, &[&args[..], &["-j", "1"]].concat());
    let three = tmp.path().join("three");
    report(&store, &three, &[&args[..], &["-j", "3"]].concat());
    let sample = std::fs::read(one.join("sample.csv")).unwrap();
    assert_eq!(sample, std::fs::read(three.join("sample.csv")).unwrap());
    // Recomputed by hand: per status, the two least SHA-256 of seed:sha256.
    let mut by: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for r in read_csv(&one.join("archives.csv")) {
        let key = hex(&Sha256::digest(format!("audit-2026:{}", r["sha256"])));
        by.entry(r["status"].clone())
            .or_default()
            .push((key, r["archive"].clone()));
    }
    let mut expected = Vec::new();
    for (status, mut v) in by {
        v.sort();
        for (rank, (key, archive)) in v.into_iter().take(2).enumerate() {
            expected.push(format!("{archive}|{status}|{key}|{}", rank + 1));
        }
    }
    let got: Vec<String> = read_csv(&one.join("sample.csv"))
        .iter()
        .map(|r| {
            format!(
                "{}|{}|{}|{}",
                r["archive"], r["stratum"], r["draw_key"], r["rank"]
            )
        })
        .collect();
    assert_eq!(got, expected);
    let page = std::fs::read_to_string(one.join("html/sample.html")).unwrap();
    assert_eq!(page.matches("<a href=\"a/").count(), got.len());
    for link in page
        .split("<a href=\"")
        .skip(1)
        .filter(|l| l.starts_with("a/"))
    {
        let target = &link[..link.find('"').unwrap()];
        assert!(one.join("html").join(target).exists(), "{target}");
    }
    let index = std::fs::read_to_string(one.join("html/index.html")).unwrap();
    assert!(index.contains("href=\"sample.html\""));
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(one.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["sample"]["seed"], "audit-2026");
    assert_eq!(run["sample"]["strata"], "status");
    let drawn: u64 = run["sample"]["drawn"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(drawn as usize, got.len());
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn retention_counts_from_the_later_anchor_and_keeps_the_last_day() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let dated = |i: usize, day: &str| {
        let mut c = unique(i);
        c.created_at = format!("{day}T09:00:00Z");
        c.updated_at = format!("{day}T09:30:00Z");
        c
    };
    let leap = dated(20, "2020-02-29");
    let plain = dated(21, "2020-06-30");
    let ended = dated(22, "2019-01-10");
    let ongoing = dated(23, "2015-01-10");
    for (name, c) in [
        ("leap.zip", &leap),
        ("plain.zip", &plain),
        ("ended.zip", &ended),
        ("ongoing.zip", &ongoing),
    ] {
        write(&store, name, c);
    }
    std::fs::write(store.join("broken.zip"), b"not a zip").unwrap();
    let ends = tmp.path().join("ends.csv");
    std::fs::write(
        &ends,
        format!(
            "key,relationship_end\n{},2020-06-30\n{},ongoing\n",
            ended.process_id, ongoing.process_id
        ),
    )
    .unwrap();
    let rows = |as_of: &str| {
        let out = tmp.path().join(format!("out-{as_of}"));
        let o = eid_audit(&[
            "report",
            store.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "-q",
            "--retention-years",
            "5",
            "--relationship-end",
            ends.to_str().unwrap(),
            "--as-of",
            as_of,
        ]);
        assert_eq!(
            o.status.code(),
            Some(2),
            "the broken archive: {}",
            stderr(&o)
        );
        let run: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
        assert_eq!(run["retention"]["asOf"], as_of);
        read_csv(&out.join("retention.csv"))
            .into_iter()
            .map(|r| {
                let name = Path::new(&r["archive"])
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                let cells = format!(
                    "{} {} {} {}",
                    r["anchor_date"],
                    r["anchor_source"],
                    r["retain_until"],
                    r["eligible_for_deletion"]
                );
                (name, cells)
            })
            .collect::<BTreeMap<_, _>>()
    };
    // 29 February 2020 + 5 years: kept through 28 February 2025.
    let last_day = rows("2025-02-28");
    assert_eq!(
        last_day["leap.zip"],
        "2020-02-29 verificationDate 2025-02-28 false"
    );
    assert_eq!(
        rows("2025-03-01")["leap.zip"],
        "2020-02-29 verificationDate 2025-02-28 true"
    );
    // The relationship's end is the anchor where it is later.
    let after = rows("2025-07-01");
    assert_eq!(
        after["ended.zip"],
        "2020-06-30 relationshipEnd 2025-06-30 true"
    );
    assert_eq!(
        after["plain.zip"],
        "2020-06-30 verificationDate 2025-06-30 true"
    );
    let on_the_day = rows("2025-06-30");
    assert_eq!(
        on_the_day["ended.zip"],
        "2020-06-30 relationshipEnd 2025-06-30 false"
    );
    // Fail closed: an ongoing relationship, an unreadable archive: never.
    assert_eq!(after["ongoing.zip"], " relationshipEnd  false");
    assert_eq!(after["broken.zip"], "   false");
}

#[test]
fn population_options_need_each_other() {
    for args in [
        &["--sample", "3"][..],
        &["--seed", "1"][..],
        &["--as-of", "2026-01-01"][..],
        &["--retention-years", "5", "--as-of", "2026-02-30"][..],
        &["--retention-years", "0"][..],
    ] {
        let mut all = vec!["report", "testdata/accepted.zip", "-o", "/nonexistent/x"];
        all.extend_from_slice(args);
        let o = eid_audit(&all);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
    }
}

/// The groups of a report's `duplicates.csv`, as kind and archives.
pub(super) fn groups_of(dir: &Path) -> Vec<(String, Vec<String>)> {
    let mut by: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    for r in read_csv(&dir.join("duplicates.csv")) {
        by.entry(format!("{:>4}", r["group"]))
            .or_insert((r["kind"].clone(), Vec::new()))
            .1
            .push(r["archive"].clone());
    }
    by.into_values().collect()
}

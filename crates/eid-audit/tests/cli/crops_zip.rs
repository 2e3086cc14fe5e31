//! `report --crops --crops-into zip`: the exhibits of a run in one stored
//! zip, holding exactly what `--crops` writes into folders.

use super::{eid_audit, stderr, testdata, tree};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// Every member of a zip, by name, with its bytes; and whether all are stored.
fn members(path: &Path) -> (BTreeMap<String, Vec<u8>>, bool) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = BTreeMap::new();
    let mut stored = true;
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        stored &= f.compression() == zip::CompressionMethod::Stored;
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        out.insert(f.name().unwrap().into_owned(), bytes);
    }
    (out, stored)
}

fn run(out: &Path, extra: &[&str]) -> std::process::Output {
    let archives = testdata();
    let mut args = vec!["report", "-o", out.to_str().unwrap(), "-q", "--crops"];
    args.extend(archives.iter().map(String::as_str));
    args.extend_from_slice(extra);
    eid_audit(&args)
}

#[test]
fn the_zip_holds_what_the_folders_hold_and_the_csv_is_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let (folders, zipped) = (dir.path().join("folders"), dir.path().join("zipped"));
    assert_eq!(run(&folders, &[]).status.code(), Some(1));
    let o = run(&zipped, &["--crops-into", "zip"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!zipped.join("crops").exists());
    let (inside, stored) = members(&zipped.join("crops.zip"));
    assert!(stored, "images are compressed already: members are stored");
    let on_disk: BTreeMap<String, Vec<u8>> = tree(&folders.join("crops"))
        .into_iter()
        .map(|(k, v)| (format!("crops/{k}"), v))
        .collect();
    assert!(on_disk.len() > 60, "{}", on_disk.len());
    assert_eq!(
        inside.keys().collect::<Vec<_>>(),
        on_disk.keys().collect::<Vec<_>>()
    );
    assert!(
        inside == on_disk,
        "same bytes in the zip and in the folders"
    );
    for csv in [
        "archives.csv",
        "features.csv",
        "members.csv",
        "findings.csv",
    ] {
        assert_eq!(
            std::fs::read(folders.join(csv)).unwrap(),
            std::fs::read(zipped.join(csv)).unwrap(),
            "{csv}"
        );
    }
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(zipped.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["images"]["into"], "zip");
    // run.json hashes crops.zip as it is: finished before it is hashed.
    let listed = run["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "crops.zip")
        .expect("run.json hashes crops.zip");
    let bytes = std::fs::read(zipped.join("crops.zip")).unwrap();
    assert_eq!(listed["bytes"], bytes.len());
    assert_eq!(listed["sha256"], super::record::sha256_hex(&bytes));
}

#[test]
fn the_same_zip_on_one_thread_and_two() {
    let dir = tempfile::tempdir().unwrap();
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    run(&one, &["--crops-into", "zip", "--jobs", "1"]);
    run(&two, &["--crops-into", "zip", "--jobs", "2"]);
    assert_eq!(
        std::fs::read(one.join("crops.zip")).unwrap(),
        std::fs::read(two.join("crops.zip")).unwrap()
    );
}

#[test]
fn a_forced_run_into_folders_removes_an_earlier_zip_and_back() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    run(&out, &["--crops-into", "zip"]);
    run(&out, &["-f"]);
    assert!(out.join("crops").is_dir() && !out.join("crops.zip").exists());
    run(&out, &["-f", "--crops-into", "zip"]);
    assert!(!out.join("crops").exists() && out.join("crops.zip").is_file());
}

#[test]
fn crops_into_needs_crops() {
    let dir = tempfile::tempdir().unwrap();
    let o = eid_audit(&[
        "report",
        "testdata/accepted.zip",
        "-o",
        dir.path().join("r").to_str().unwrap(),
        "--crops-into",
        "zip",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--crops"), "{}", stderr(&o));
}

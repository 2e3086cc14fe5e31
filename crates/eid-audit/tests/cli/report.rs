use super::{eid_audit, root, stderr, stdout, testdata};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const FILES: [&str; 5] = [
    "archives.csv",
    "checks.csv",
    "features.csv",
    "findings.csv",
    "members.csv",
];

/// A copy of testdata/ plus broken archives, in a temporary folder.
fn batch_folder() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(input.join("broken")).unwrap();
    for e in std::fs::read_dir(root().join("testdata")).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, input.join(p.file_name().unwrap())).unwrap();
        }
    }
    std::fs::write(
        input.join("broken/not-a-zip.zip"),
        b"this is a text file, not an archive",
    )
    .unwrap();
    let mut truncated = eid_testkit::Case::accepted().to_zip();
    truncated.truncate(truncated.len() / 2);
    std::fs::write(input.join("broken/truncated.zip"), truncated).unwrap();
    std::fs::write(
        input.join("broken/bad-json.zip"),
        eid_testkit::zip_members(&[("ocr.json".into(), b"{\"securityChecks\": ".to_vec())]),
    )
    .unwrap();
    std::fs::write(input.join("broken/EMPTY.ZIP"), b"").unwrap();
    std::fs::write(
        input.join("broken/ignored.txt"),
        b"not an archive name: not an input",
    )
    .unwrap();
    (dir, input)
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

/// The cell of `column` in the row of `archive` of a CSV text.
fn cell(csv_text: &str, archive: &str, column: &str) -> String {
    let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
    let col = rdr
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column}"));
    rdr.records()
        .map(Result::unwrap)
        .find(|r| &r[0] == archive)
        .unwrap_or_else(|| panic!("no row {archive}"))[col]
        .to_owned()
}

fn report(args: &[&str]) -> std::process::Output {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    eid_audit(&all)
}

#[test]
fn a_batch_with_broken_archives_has_one_row_per_input_and_exit_2() {
    let (tmp, input) = batch_folder();
    let out = tmp.path().join("out");
    let o = report(&[
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--jobs",
        "2",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err_text = stderr(&o);
    let errors: Vec<&str> = err_text.lines().collect();
    assert_eq!(errors.len(), 4, "{err_text}");
    for line in &errors {
        assert!(
            line.starts_with(input.join("broken").to_str().unwrap()),
            "{line}"
        );
    }
    let archives = read(&out, "archives.csv");
    assert_eq!(
        archives.lines().count(),
        1 + 13 + 4,
        "header, 13 good, 4 broken"
    );
    let filters = vec![(tmp.path().to_str().unwrap(), "[TMP]")];
    insta::with_settings!({filters => filters}, {
        for name in FILES {
            insta::assert_snapshot!(name, read(&out, name));
        }
        let summary: String = stdout(&o).lines().filter(|l| !l.starts_with("elapsed")).collect::<Vec<_>>().join("\n");
        insta::assert_snapshot!("summary", summary);
    });
}

#[test]
fn the_summary_matches_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let files = testdata();
    let mut args: Vec<&str> = files.iter().map(String::as_str).collect();
    args.extend(["--out", dir.path().to_str().unwrap()]);
    let o = report(&args);
    assert_eq!(
        o.status.code(),
        Some(1),
        "one recorded status is contradicted"
    );
    let mut rdr = csv::Reader::from_path(dir.path().join("archives.csv")).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let col = |n: &str| headers.iter().position(|h| h == n).unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    let count = |c: &str, v: &str| rows.iter().filter(|r| &r[col(c)] == v).count();
    let line = format!(
        "archives     {} ({} accepted, {} rejected, {} inconclusive, {} failed)",
        rows.len(),
        count("status", "accepted"),
        count("status", "rejected"),
        count("status", "inconclusive"),
        count("status", "failed")
    );
    assert!(
        stdout(&o).starts_with(&line),
        "{}\nexpected {line}",
        stdout(&o)
    );
    assert!(stdout(&o).contains(&format!("disagree     {} with", count("agrees", "false"))));
    let findings = std::fs::read_to_string(dir.path().join("findings.csv")).unwrap();
    let errors = findings.lines().filter(|l| l.contains(",error,")).count();
    let plural = if errors == 1 { "" } else { "s" };
    assert!(
        stdout(&o).contains(&format!("findings     {errors} error{plural},")),
        "{}",
        stdout(&o)
    );
}

const PERSONAL: &[&str] = &[
    "ALEX",
    "SAMPLE",
    "TESTER",
    "EXAMPLE",
    "X00000001",
    "FAKE0000000001",
    "1990-04-29",
];

fn all_output(dir: &Path) -> String {
    FILES
        .iter()
        .map(|f| read(dir, f))
        .collect::<Vec<_>>()
        .join("\n")
        .to_uppercase()
}

#[test]
fn personal_data_modes() {
    let tmp = tempfile::tempdir().unwrap();
    let key = tmp.path().join("key");
    std::fs::write(&key, "a-secret-key-of-enough-length\n").unwrap();
    for mode in ["omit", "mask", "hmac", "full"] {
        let out = tmp.path().join(mode);
        let files = testdata();
        let mut args: Vec<&str> = files.iter().map(String::as_str).collect();
        args.extend(["--out", out.to_str().unwrap(), "--pii", mode]);
        if mode == "hmac" {
            args.extend(["--pii-key-file", key.to_str().unwrap()]);
        }
        let o = report(&args);
        assert_eq!(o.status.code(), Some(1), "{mode}: {}", stderr(&o));
        let text = all_output(&out);
        for p in PERSONAL {
            assert_eq!(text.contains(p), mode == "full", "{mode}: {p}");
        }
        let archives = read(&out, "archives.csv");
        for (i, line) in archives.lines().enumerate().skip(1) {
            assert!(
                line.ends_with(&format!(",{mode}")),
                "{mode} row {i}: {line}"
            );
        }
        let personal = |column: &str| cell(&archives, "testdata/accepted.zip", column);
        let shown: Vec<String> = [
            "document_number",
            "first_name",
            "last_name",
            "date_of_birth",
        ]
        .iter()
        .map(|c| personal(c))
        .collect();
        match mode {
            "mask" => assert_eq!(
                shown,
                vec!["******001", "A*** S*****", "T***** E******", "****-**-**"]
            ),
            "hmac" => assert!(shown.iter().all(|v| v.starts_with("hmac:")), "{shown:?}"),
            "omit" => assert!(shown.iter().all(String::is_empty), "{shown:?}"),
            _ => {}
        }
    }
    // the same person links across archives under hmac: same document number, same pseudonym
    let hmac = read(&tmp.path().join("hmac"), "archives.csv");
    let mut rdr = csv::Reader::from_reader(hmac.as_bytes());
    let doc_col = rdr
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "document_number")
        .unwrap();
    let docs: Vec<String> = rdr
        .records()
        .map(|r| r.unwrap()[doc_col].to_owned())
        .filter(|d| !d.is_empty())
        .collect();
    // every bundled archive but the failed one shows the same invented document
    assert_eq!(docs.len(), 12);
    assert_eq!(docs.iter().collect::<BTreeSet<_>>().len(), 1, "{docs:?}");
}

#[test]
fn hmac_needs_a_key_and_never_takes_it_as_a_flag_value() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let o = report(&[
        "testdata/accepted.zip",
        "--out",
        out.to_str().unwrap(),
        "--pii",
        "hmac",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--pii hmac needs a key"),
        "{}",
        stderr(&o)
    );
    assert!(!out.join("archives.csv").exists());
    let o = Command::new(env!("CARGO_BIN_EXE_eid-audit"))
        .args([
            "report",
            "testdata/accepted.zip",
            "--out",
            out.to_str().unwrap(),
            "--pii",
            "hmac",
        ])
        .env("EID_AUDIT_PII_KEY", "an-environment-key-0123456789")
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn one_or_two_jobs_give_identical_files() {
    let (tmp, input) = batch_folder();
    let mut outputs = Vec::new();
    for jobs in ["1", "2"] {
        let out = tmp.path().join(format!("jobs-{jobs}"));
        let o = report(&[
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--jobs",
            jobs,
            "--crops",
            "--hash-members",
        ]);
        assert_eq!(o.status.code(), Some(2));
        outputs.push(FILES.iter().map(|f| read(&out, f)).collect::<Vec<_>>());
    }
    assert_eq!(outputs[0], outputs[1]);
}

#[test]
fn shards_together_are_the_whole() {
    let (tmp, input) = batch_folder();
    let whole_dir = tmp.path().join("whole");
    report(&[
        input.to_str().unwrap(),
        "--out",
        whole_dir.to_str().unwrap(),
    ]);
    for name in FILES {
        let whole: Vec<String> = read(&whole_dir, name)
            .lines()
            .skip(1)
            .map(str::to_owned)
            .collect();
        let mut parts = Vec::new();
        for k in 1..=3 {
            let d = tmp.path().join(format!("shard-{k}"));
            if !d.exists() {
                report(&[
                    input.to_str().unwrap(),
                    "--out",
                    d.to_str().unwrap(),
                    "--shard",
                    &format!("{k}/3"),
                ]);
            }
            parts.extend(read(&d, name).lines().skip(1).map(str::to_owned));
        }
        let mut sorted_whole = whole.clone();
        sorted_whole.sort();
        parts.sort();
        assert_eq!(parts, sorted_whole, "{name}");
    }
    let sizes: Vec<usize> = (1..=3)
        .map(|k| {
            read(&tmp.path().join(format!("shard-{k}")), "archives.csv")
                .lines()
                .count()
                - 1
        })
        .collect();
    assert_eq!(sizes.iter().sum::<usize>(), 17);
    assert!(sizes.iter().all(|n| *n < 17), "{sizes:?}");
}

#[test]
fn an_existing_report_needs_force() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    assert_eq!(
        report(&["testdata/accepted.zip", "--out", out.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let first = read(&out, "archives.csv");
    let again = report(&["testdata/failed.zip", "--out", out.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("a report is already here; use --force"),
        "{}",
        stderr(&again)
    );
    assert_eq!(read(&out, "archives.csv"), first, "untouched");
    let forced = report(&[
        "testdata/failed.zip",
        "--out",
        out.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(forced.status.code(), Some(0));
    assert!(read(&out, "archives.csv").contains("testdata/failed.zip"));
    assert!(!read(&out, "archives.csv").contains("testdata/accepted.zip"));
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_run_stopped_in_the_middle_leaves_no_report() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("many");
    std::fs::create_dir_all(&input).unwrap();
    let bytes = std::fs::read(root().join("testdata/nested-upper-case.zip")).unwrap();
    for i in 0..3000 {
        std::fs::write(input.join(format!("{i:05}.zip")), &bytes).unwrap();
    }
    let out = tmp.path().join("o");
    let mut child = Command::new(env!("CARGO_BIN_EXE_eid-audit"))
        .args([
            "report",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--jobs",
            "1",
            "--crops",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the run has started writing, then stop it hard.
    let started = std::time::Instant::now();
    while !out.join(".eid-audit-partial/crops").exists() && started.elapsed().as_secs() < 30 {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the run must still have been going when stopped"
    );
    for name in FILES {
        assert!(
            !out.join(name).exists(),
            "{name} exists after an interrupted run"
        );
    }
}

#[test]
fn paths_from_standard_input() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let mut child = Command::new(env!("CARGO_BIN_EXE_eid-audit"))
        .args(["report", "-", "--out", out.to_str().unwrap()])
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"testdata/failed.zip\ntestdata/accepted.zip\n\n")
        .unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(0));
    let archives = read(&out, "archives.csv");
    let names: Vec<&str> = archives
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(
        names,
        vec!["testdata/accepted.zip", "testdata/failed.zip"],
        "sorted by path"
    );
}

#[test]
fn member_hashes_are_the_sha256_of_each_member() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    assert_eq!(
        report(&[
            "testdata/agent-rejected.zip",
            "--out",
            out.to_str().unwrap(),
            "--hash-members"
        ])
        .status
        .code(),
        Some(0)
    );
    let mut zip = zip::ZipArchive::new(
        std::fs::File::open(root().join("testdata/agent-rejected.zip")).unwrap(),
    )
    .unwrap();
    let mut rdr = csv::Reader::from_path(out.join("members.csv")).unwrap();
    let mut n = 0;
    for r in rdr.records() {
        let r = r.unwrap();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut zip.by_name(&r[1]).unwrap(), &mut bytes).unwrap();
        use sha2::Digest;
        let expected: String = sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(&r[6], expected, "{}", &r[1]);
        n += 1;
    }
    assert_eq!(n, 7);
    // and the archive's own digest is that of its bytes
    let archives = read(&out, "archives.csv");
    use sha2::Digest;
    let whole: String =
        sha2::Sha256::digest(std::fs::read(root().join("testdata/agent-rejected.zip")).unwrap())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
    assert!(archives.contains(&whole));
}

#[test]
fn a_generated_corpus_is_reported_exactly_as_its_manifest_says() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    let options = eid_testkit::corpus::CorpusOptions {
        count: 400,
        seed: 7,
        realistic: false,
        broken_every: Some(37),
        layout: Default::default(),
    };
    let manifest = eid_testkit::corpus::generate(&corpus, &options).unwrap();
    let out = tmp.path().join("out");
    let o = report(&[corpus.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "broken archives are in the corpus"
    );
    let mut rdr = csv::Reader::from_path(out.join("archives.csv")).unwrap();
    let h = rdr.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), manifest.len());
    for (row, entry) in rows.iter().zip(&manifest) {
        assert!(
            row[col("archive")].ends_with(&entry.file),
            "order: {} vs {}",
            &row[col("archive")],
            entry.file
        );
        let got = if row[col("error")].is_empty() {
            &row[col("status")]
        } else {
            "error"
        };
        assert_eq!(
            got, entry.expected_status,
            "{} ({})",
            entry.file, entry.kind
        );
        if entry.expected_status != "error" {
            assert_eq!(
                &row[col("recorded_status")],
                entry.recorded_status,
                "{}",
                entry.file
            );
        }
    }
    let kinds: BTreeSet<&str> = manifest.iter().map(|e| e.kind).collect();
    assert!(
        kinds.len() >= 9,
        "the corpus mixes every scenario: {kinds:?}"
    );
    let text = all_output(&out);
    for p in ["SAMPLE", "TESTER", "PLACEHOLDER", "FAKE0"] {
        assert!(!text.contains(p), "{p} leaked");
    }
}

#[test]
fn two_archives_with_one_process_id_never_share_a_crops_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    let first = eid_testkit::Case::accepted();
    let mut second = eid_testkit::Case::inconclusive();
    second.process_id = first.process_id.clone();
    std::fs::write(input.join("a.zip"), first.to_zip()).unwrap();
    std::fs::write(input.join("b.zip"), second.to_zip()).unwrap();
    let out = tmp.path().join("out");
    let o = report(&[
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--crops",
        "--jobs",
        "2",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let folders: Vec<String> = std::fs::read_dir(out.join("crops"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(folders.len(), 2, "{folders:?}");
    // every crop file named in features.csv exists, and each archive's crops are its own
    let mut rdr = csv::Reader::from_path(out.join("features.csv")).unwrap();
    let col = rdr
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "crop_file")
        .unwrap();
    let mut named = 0;
    for r in rdr.records() {
        let r = r.unwrap();
        if !r[col].is_empty() {
            assert!(out.join(&r[col]).is_file(), "{}", &r[col]);
            named += 1;
        }
    }
    assert_eq!(
        named,
        5 + 3,
        "five crops of the accepted archive, three of the inconclusive one"
    );
    let total: usize = folders
        .iter()
        .map(|f| {
            std::fs::read_dir(out.join("crops").join(f))
                .unwrap()
                .count()
        })
        .sum();
    assert_eq!(
        total,
        named + 4,
        "plus the front as stored and its annotation, each"
    );
}

#[test]
fn a_what_if_policy_reports_transitions_not_contradictions() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("strict.toml");
    std::fs::write(
        &policy,
        "name = \"strict\"\nrequire_checks = [\"sidesMatch\"]\nignore_checks = [\"nonExpird\"]\n",
    )
    .unwrap();
    let out = dir.path().join("r");
    let o = report(&[
        "testdata/accepted.zip",
        "testdata/inconclusive.zip",
        "testdata/rejected-expired.zip",
        "--out",
        out.to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
    ]);
    // Every record agrees with the default rules: the policy only changes two statuses.
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o)
            .contains("policy       changes accepted → rejected: 1, inconclusive → rejected: 1\n"),
        "{}",
        stdout(&o)
    );
    let warning = "ignore_checks names \"nonExpird\", a security check eid-audit has never seen; did you mean \"nonExpired\"?";
    assert!(
        stderr(&o).contains(&format!("eid-audit: warning: policy strict: {warning}\n")),
        "{}",
        stderr(&o)
    );
    // And in summary.txt, where the memo is made from.
    let summary = std::fs::read_to_string(out.join("summary.txt")).unwrap();
    assert!(
        summary.contains(&format!("\npolicy warnings\n  {warning}\n")),
        "{summary}"
    );
    let mut csv = csv::Reader::from_path(out.join("archives.csv")).unwrap();
    let header = csv.headers().unwrap().clone();
    let col = |r: &csv::StringRecord, name: &str| {
        r[header.iter().position(|h| h == name).unwrap()].to_owned()
    };
    let rows: Vec<(String, String, String, String)> = csv
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                col(&r, "process_id"),
                col(&r, "status"),
                col(&r, "default_status"),
                col(&r, "agrees"),
            )
        })
        .collect();
    let statuses: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|(_, s, d, a)| (s.as_str(), d.as_str(), a.as_str()))
        .collect();
    assert_eq!(
        statuses,
        vec![
            ("rejected", "accepted", "true"),
            ("rejected", "inconclusive", "true"),
            ("rejected", "rejected", "true"),
        ]
    );
    let findings = std::fs::read_to_string(out.join("findings.csv")).unwrap();
    assert_eq!(findings.matches(",PolicyChange,").count(), 2, "{findings}");
    assert!(!findings.contains("StatusMismatch"), "{findings}");
}

#[cfg(unix)]
#[test]
fn pipes_devices_and_links_to_them_are_rows_never_reads() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::copy(root().join("testdata/accepted.zip"), input.join("good.zip")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", input.join("zero.zip")).unwrap();
    let fifo = input.join("fifo.zip");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let out = dir.path().join("r");
    let started = std::time::Instant::now();
    let o = report(&[
        input.to_str().unwrap(),
        "/dev/null",
        "--out",
        out.to_str().unwrap(),
    ]);
    // A pipe would block and /dev/zero never end: neither is opened.
    assert!(started.elapsed().as_secs() < 30, "it returned");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let rows = read(&out, "archives.csv");
    assert_eq!(rows.lines().count(), 1 + 4, "a row per input: {rows}");
    for (name, what) in [
        ("fifo.zip", "not an archive file: it is a named pipe"),
        ("zero.zip", "not an archive file: it is a device"),
        ("/dev/null", "not an archive file: it is a device"),
    ] {
        assert!(
            rows.lines().any(|l| l.contains(name) && l.contains(what)),
            "{name}: {rows}"
        );
    }
    let single = eid_audit(&["inspect", "/dev/zero"]);
    assert_eq!(single.status.code(), Some(2));
    assert_eq!(
        stderr(&single).trim_end(),
        "/dev/zero: not an archive file: it is a device"
    );
}

#[cfg(unix)]
#[test]
fn paths_on_standard_input_are_bytes_and_a_bad_line_is_a_row() {
    use std::io::Write;
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join(std::ffi::OsStr::from_bytes(b"caf\xe9.zip"));
    std::fs::copy(root().join("testdata/accepted.zip"), &odd).unwrap();
    let out = dir.path().join("r");
    let mut child = Command::new(env!("CARGO_BIN_EXE_eid-audit"))
        .args(["report", "-", "--out", out.to_str().unwrap()])
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(odd.as_os_str().as_bytes()).unwrap();
    stdin
        .write_all(b"\nbad\0line\ntestdata/accepted.zip\n")
        .unwrap();
    drop(stdin);
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let rows = read(&out, "archives.csv");
    assert_eq!(rows.lines().count(), 1 + 3, "{rows}");
    assert!(rows.contains("<stdin line 2>"), "{rows}");
    // recorded_status, status, agrees: the verdict columns come first.
    assert_eq!(
        rows.matches(",accepted,accepted,true,").count(),
        2,
        "{rows}"
    );
}

/// The bundled accepted archive rewritten member by member into `to`:
/// `edit` gets each member's name and bytes and returns the bytes to keep,
/// or `None` to leave the member out.
fn accepted_edited(to: &Path, edit: impl Fn(&str, Vec<u8>) -> Option<Vec<u8>>) {
    use std::io::{Read, Write};
    let mut from =
        zip::ZipArchive::new(std::fs::File::open(root().join("testdata/accepted.zip")).unwrap())
            .unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    for i in 0..from.len() {
        let mut m = from.by_index(i).unwrap();
        let name = m.name().unwrap().to_string();
        let mut bytes = Vec::new();
        m.read_to_end(&mut bytes).unwrap();
        let Some(bytes) = edit(&name, bytes) else {
            continue;
        };
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap();
}

#[test]
fn a_recorded_status_that_cannot_be_read_is_counted_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    // The bundled accepted archive, its recorded status mistyped.
    let typo = dir.path().join("typo.zip");
    accepted_edited(&typo, |name, bytes| {
        if name != "process.json" {
            return Some(bytes);
        }
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("\"status\": \"accepted\""));
        Some(
            text.replace("\"status\": \"accepted\"", "\"status\": \"acepted\"")
                .into_bytes(),
        )
    });
    let out = dir.path().join("r");
    let o = eid_audit(&[
        "report",
        typo.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("unreadable   1 archive whose recorded status cannot be read (UnreadableStatus; counted like a disagreement)"),
        "{text}"
    );
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["summary"]["unreadableStatus"], 1);
    assert_eq!(run["summary"]["disagreements"], 0);
}

#[cfg(unix)]
#[test]
fn no_control_bidi_or_zero_width_character_reaches_a_person() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    std::fs::create_dir(&store).unwrap();
    // A file name with an escape sequence, a bell, a right-to-left override,
    // the Arabic letter mark and a zero-width space: an error row names it.
    let raw = ["\u{1b}", "\u{7}", "\u{202e}", "\u{61c}", "\u{200b}"];
    let name = format!("x{}[31mred.zip", raw.concat());
    std::fs::write(store.join(&name), b"not a zip").unwrap();
    let out = dir.path().join("r");
    let o = eid_audit(&[
        "report",
        store.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--html",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let summary = std::fs::read_to_string(out.join("summary.txt")).unwrap();
    let index = std::fs::read_to_string(out.join("html/index.html")).unwrap();
    for (what, text) in [
        ("summary.txt", summary.as_str()),
        ("index.html", index.as_str()),
        ("stderr", &stderr(&o)),
        ("stdout", &stdout(&o)),
    ] {
        for c in raw {
            assert!(!text.contains(c), "{what} holds {:?} raw", c);
        }
    }
    for shown in ["\\u{1b}", "\\u{7}", "\\u{202e}", "\\u{61c}", "\\u{200b}"] {
        assert!(summary.contains(shown), "summary.txt: {shown}: {summary}");
        assert!(stderr(&o).contains(shown), "stderr: {shown}");
    }
}

#[test]
fn fail_on_error_exits_0_for_a_complete_audit_and_2_for_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r");
    let o = out.to_str().unwrap();
    // The bundled archives hold a disagreement: 1 by default, 0 with --fail-on error.
    let files = testdata();
    let mut args: Vec<&str> = vec!["report", "-q", "-o", o, "-f"];
    args.extend(files.iter().map(String::as_str));
    assert_eq!(eid_audit(&args).status.code(), Some(1));
    args.extend(["--fail-on", "error"]);
    let ok = eid_audit(&args);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    // An archive that cannot be read is still 2.
    let o2 = eid_audit(&[
        "report",
        "-q",
        "-o",
        o,
        "-f",
        "--fail-on",
        "error",
        "testdata/hostile/not-a-zip.zip",
    ]);
    assert_eq!(o2.status.code(), Some(2));
}

#[test]
fn run_json_records_the_shard_and_every_shard_saw_the_same_store() {
    let tmp = tempfile::tempdir().unwrap();
    let mut records = Vec::new();
    for k in 1..=3 {
        let out = tmp.path().join(format!("s{k}"));
        // The store spelled three ways: the shards still agree.
        let store = match k {
            1 => "testdata".to_owned(),
            2 => "./testdata".to_owned(),
            _ => root().join("testdata").display().to_string(),
        };
        let shard = format!("{k}/3");
        let o = eid_audit(&[
            "report",
            "-q",
            &store,
            "-o",
            out.to_str().unwrap(),
            "--shard",
            &shard,
            "--fail-on",
            "error",
        ]);
        assert_eq!(
            o.status.code().map(|c| c != 1),
            Some(true),
            "{}",
            stderr(&o)
        );
        let run: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
        records.push(run["shard"].clone());
    }
    let seen = records[0]["inputsSeen"].as_u64().unwrap();
    assert!(seen > 13, "the bundled store and its hostile set: {seen}");
    for (k, r) in records.iter().enumerate() {
        assert_eq!(r["index"], k + 1);
        assert_eq!(r["count"], 3);
        assert_eq!(r["inputsSeen"], seen);
        assert_eq!(r["keysDigest"], records[0]["keysDigest"]);
        assert_eq!(r["keysDigest"].as_str().unwrap().len(), 64);
    }
    let kept: u64 = records
        .iter()
        .map(|r| r["inputsKept"].as_u64().unwrap())
        .sum();
    assert_eq!(kept, seen, "the shards cover the store once");
}

#[test]
fn a_pending_process_without_ocr_is_counted_as_not_final_never_failed() {
    let dir = tempfile::tempdir().unwrap();
    // The bundled accepted archive, still pending, its OCR member removed.
    let pending = dir.path().join("pending.zip");
    accepted_edited(&pending, |name, bytes| match name {
        "eid-ocr.json" => None,
        "process.json" => {
            let mut v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            v["status"] = "pending".into();
            v.as_object_mut().unwrap().remove("providerSpecific");
            v.as_object_mut().unwrap().remove("finalResult");
            Some(serde_json::to_vec(&v).unwrap())
        }
        _ => Some(bytes),
    });
    let out = dir.path().join("r");
    let o = eid_audit(&[
        "report",
        pending.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.starts_with(
            "archives     1 (0 accepted, 0 rejected, 0 inconclusive, 0 failed, 1 not final)"
        ),
        "{text}"
    );
    let rows = std::fs::read_to_string(out.join("archives.csv")).unwrap();
    let row = rows.lines().nth(1).unwrap();
    // recorded_status, status, agrees (unknown), reasons; then, after the
    // dates, default_status, automatic_status, automatic_reasons.
    assert!(
        row.contains(",pending,notFinal,,ProcessNotFinal/pending,"),
        "{row}"
    );
    assert!(
        row.contains(",updatedAt,notFinal,notFinal,ProcessNotFinal/pending,"),
        "{row}"
    );
}

#[test]
fn verify_media_finds_a_jpeg_scan_cut_in_half_and_closed() {
    let dir = tempfile::tempdir().unwrap();
    // The bundled accepted archive, its front image cut in half and given an
    // end-of-image marker: the decoder alone takes it and fills the rest.
    let cut = dir.path().join("cut.zip");
    accepted_edited(&cut, |name, mut bytes| {
        if name == "front.jpeg" {
            bytes.truncate(bytes.len() / 2);
            bytes.extend_from_slice(&[0xFF, 0xD9]);
        }
        Some(bytes)
    });
    let out = dir.path().join("r");
    let report = |verify: bool| {
        let mut args = vec![
            "report",
            cut.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "-f",
        ];
        if verify {
            args.push("--verify-media");
        }
        let o = eid_audit(&args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        super::record::rows(&out.join("findings.csv"))
    };
    // Without the option the header alone is read: nothing to say.
    assert!(
        report(false)
            .iter()
            .all(|f| f["code"] != "UndecodableMedia")
    );
    let found: Vec<_> = report(true)
        .into_iter()
        .filter(|f| f["code"] == "UndecodableMedia")
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["subject"], "front.jpeg");
    assert_eq!(found[0]["severity"], "warning");
    assert_eq!(
        found[0]["message"],
        "truncated JPEG scan: scan 1 covers 1,908 of 4,080 MCUs (rows 0–183 of 404): the data ends"
    );
}

//! `report s3://bucket/prefix`: archives read straight from a real
//! S3-compatible server (moto, on loopback), compared with a local run of
//! the same files. SKIP without moto, unless EID_AUDIT_REQUIRE_S3 is set.

use super::{root, stderr, testdata};
use eid_testkit::s3::{S3Server, S3sFs, free_port};
use serde_json::json;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

/// Runs eid-audit with the server's environment (and none of the machine's
/// own AWS settings).
fn run(env: &[(&str, String)], args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_eid-audit"));
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("AWS_")) {
        c.env_remove(k);
    }
    c.args(args)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .current_dir(root())
        .output()
        .expect("eid-audit runs")
}

/// The rows of a CSV file, as maps of column to cell.
fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            header
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

/// Puts every bundled archive under `store/` (S3 keeps the SHA-256 of
/// each), and the process record kept beside one of them.
fn upload_bundled(s3: &S3Server, bucket: &str) {
    let mut ops = vec![json!({"op": "bucket", "bucket": bucket})];
    for f in testdata() {
        let name = Path::new(&f)
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        let file = root().join(&f);
        ops.push(
            json!({"op": "put", "bucket": bucket, "key": format!("store/{name}"),
                        "file": file, "checksum": true}),
        );
    }
    ops.push(
        json!({"op": "put", "bucket": bucket, "key": "store/process-beside.json",
                    "file": root().join("testdata/process-beside.json")}),
    );
    s3.run(&ops);
}

/// The columns that say where an archive was read from.
const LOCATION: [&str; 5] = [
    "archive",
    "process_record_file",
    "object_etag",
    "object_version",
    "stored_sha256",
];

#[test]
fn a_store_read_from_s3_gives_the_rows_of_a_local_run_of_the_same_files() {
    let Some(s3) = S3Server::start("store::same_rows") else {
        return;
    };
    upload_bundled(&s3, "kyc");
    let dir = tempfile::tempdir().unwrap();
    let (remote, local) = (dir.path().join("remote"), dir.path().join("local"));
    let o = run(
        &s3.env(),
        &[
            "report",
            "s3://kyc/store",
            "-q",
            "-o",
            remote.to_str().unwrap(),
        ],
    );
    let mut args = vec!["report", "-q", "-o", local.to_str().unwrap()];
    let files = testdata();
    args.extend(files.iter().map(String::as_str));
    let l = run(&[], &args);
    assert_eq!(o.status.code(), l.status.code(), "{}", stderr(&o));
    assert_eq!(
        o.status.code(),
        Some(1),
        "one bundled archive is contradicted"
    );
    let (r, l) = (
        rows(&remote.join("archives.csv")),
        rows(&local.join("archives.csv")),
    );
    assert_eq!(r.len(), 13);
    for (a, b) in r.iter().zip(&l) {
        assert_eq!(
            a["archive"],
            b["archive"].replace("testdata/", "s3://kyc/store/")
        );
        assert!(a["object_etag"].starts_with('"'), "{a:?}");
        // S3 kept the SHA-256 of each upload: the bytes read hash the same.
        assert_eq!(a["stored_sha256"], a["sha256"]);
        assert_eq!(b["object_etag"], "");
        for (k, v) in a {
            if !LOCATION.contains(&k.as_str()) {
                assert_eq!(v, &b[k], "column {k} of {}", a["archive"]);
            }
        }
    }
    let beside: Vec<_> = r
        .iter()
        .filter(|a| !a["process_record_file"].is_empty())
        .collect();
    assert_eq!(beside.len(), 1);
    assert_eq!(
        beside[0]["process_record_file"],
        "s3://kyc/store/process-beside.json"
    );
    for f in ["checks.csv", "features.csv", "findings.csv", "members.csv"] {
        let strip = |rows: Vec<BTreeMap<String, String>>| {
            rows.into_iter()
                .map(|mut m| {
                    m.remove("archive");
                    m
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            strip(rows(&remote.join(f))),
            strip(rows(&local.join(f))),
            "{f}"
        );
    }
}

#[test]
fn s3s_fs_serves_the_same_rows_as_a_local_run_of_the_same_files() {
    // A second implementation of S3: a folder served as a bucket.
    let dir = tempfile::tempdir().unwrap();
    let bucket = dir.path().join("root/kyc/store");
    std::fs::create_dir_all(&bucket).unwrap();
    for f in testdata()
        .iter()
        .chain(["testdata/process-beside.json".to_owned()].iter())
    {
        let name = Path::new(f).file_name().unwrap();
        std::fs::copy(root().join(f), bucket.join(name)).unwrap();
    }
    let Some(s3) = S3sFs::start("store::s3s_fs", &dir.path().join("root")) else {
        return;
    };
    let (remote, local) = (dir.path().join("remote"), dir.path().join("local"));
    let o = run(
        &s3.env(),
        &[
            "report",
            "s3://kyc/store",
            "-q",
            "-o",
            remote.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let mut args = vec!["report", "-q", "-o", local.to_str().unwrap()];
    let files = testdata();
    args.extend(files.iter().map(String::as_str));
    assert_eq!(run(&[], &args).status.code(), Some(1));
    let (r, l) = (
        rows(&remote.join("archives.csv")),
        rows(&local.join("archives.csv")),
    );
    assert_eq!(r.len(), 13);
    for (a, b) in r.iter().zip(&l) {
        assert_eq!(
            a["archive"],
            b["archive"].replace("testdata/", "s3://kyc/store/")
        );
        assert!(!a["object_etag"].is_empty(), "{a:?}");
        for (k, v) in a {
            if !LOCATION.contains(&k.as_str()) {
                assert_eq!(v, &b[k], "column {k} of {}", a["archive"]);
            }
        }
    }
}

#[test]
fn a_listing_of_more_keys_than_one_page_finds_the_archives_on_every_page() {
    let Some(s3) = S3Server::start("store::pages") else {
        return;
    };
    let accepted = root().join("testdata/accepted.zip");
    // S3 lists 1,000 keys a page: 1,200 other objects put one archive on
    // the first page and one on the second.
    s3.run(&[
        json!({"op": "bucket", "bucket": "kyc"}),
        json!({"op": "put", "bucket": "kyc", "key": "p/a.zip", "file": accepted}),
        json!({"op": "copies", "bucket": "kyc", "prefix": "p/m", "count": 1200, "body": "x"}),
        json!({"op": "put", "bucket": "kyc", "key": "p/z.zip", "file": accepted}),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let o = run(
        &s3.env(),
        &["report", "s3://kyc/p/", "-q", "-o", out.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let archives: Vec<String> = rows(&out.join("archives.csv"))
        .into_iter()
        .map(|r| r["archive"].clone())
        .collect();
    assert_eq!(archives, ["s3://kyc/p/a.zip", "s3://kyc/p/z.zip"]);
}

#[test]
fn a_stored_checksum_that_differs_from_the_bytes_is_an_error_finding_and_exit_2() {
    let Some(s3) = S3Server::start("store::checksum") else {
        return;
    };
    // A SHA-256 of other bytes, stated by the upload (S3 keeps it as given).
    let other = "lw0wzDR3QHyGU+phQGUJ+VJX+AlfuHuVjz7A7e+N0OM=";
    s3.run(&[
        json!({"op": "bucket", "bucket": "kyc"}),
        json!({"op": "put", "bucket": "kyc", "key": "s/accepted.zip",
               "file": root().join("testdata/accepted.zip"), "sha256": other}),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let o = run(
        &s3.env(),
        &["report", "s3://kyc/s", "-q", "-o", out.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let a = &rows(&out.join("archives.csv"))[0];
    assert_eq!(
        a["stored_sha256"],
        "970d30cc3477407c8653ea61406509f95257f8095fb87b958f3ec0edef8dd0e3"
    );
    assert_ne!(a["stored_sha256"], a["sha256"]);
    let findings = rows(&out.join("findings.csv"));
    let f = findings
        .iter()
        .find(|f| f["code"] == "StoredChecksumMismatch")
        .expect("the finding");
    assert_eq!(f["severity"], "error");
    let summary = std::fs::read_to_string(out.join("summary.txt")).unwrap();
    assert!(summary.contains("integrity"), "{summary}");
}

#[test]
fn a_server_that_keeps_failing_exits_75_a_retryable_failure() {
    // Nothing listens on this port: every request fails, and goes on failing.
    let port = free_port();
    let env = [
        ("AWS_ACCESS_KEY_ID", "k".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "k".to_owned()),
        ("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}")),
        ("AWS_ALLOW_HTTP", "true".to_owned()),
    ];
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    // The listing fails: no report, one line, 75.
    let o = run(
        &env,
        &[
            "report",
            "s3://kyc/store",
            "-q",
            "--retries",
            "1",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(75));
    let e = stderr(&o);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(
        e.starts_with("eid-audit: s3://kyc/store: cannot list: "),
        "{e}"
    );
    assert!(!out.exists());
    // Keys from a manifest: each read fails, an error row each, and 75.
    let manifest = dir.path().join("keys.txt");
    std::fs::write(&manifest, "store/a.zip\nstore/b.zip\n").unwrap();
    let o = run(
        &env,
        &[
            "report",
            "s3://kyc/store",
            "-q",
            "--retries",
            "1",
            "--manifest",
            manifest.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(75), "{}", stderr(&o));
    let r = rows(&out.join("archives.csv"));
    assert_eq!(r.len(), 2);
    assert!(r.iter().all(|r| r["error_code"] == "Storage"), "{r:?}");
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(record["summary"]["storageFailures"], 2);
}

#[test]
fn missing_credentials_are_one_line_and_exit_2() {
    let port = free_port();
    let env = [
        ("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}")),
        ("AWS_ALLOW_HTTP", "true".to_owned()),
        // Where instance credentials would be asked for: nothing answers.
        ("AWS_METADATA_ENDPOINT", format!("http://127.0.0.1:{port}")),
    ];
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let o = run(
        &env,
        &[
            "report",
            "s3://kyc/store",
            "-q",
            "--retries",
            "0",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(
        e.starts_with("eid-audit: s3://kyc/store: no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"),
        "{e}"
    );
}

#[test]
fn an_object_over_the_size_limit_is_refused_from_the_listing() {
    let Some(s3) = S3Server::start("store::too_large") else {
        return;
    };
    s3.run(&[
        json!({"op": "bucket", "bucket": "kyc"}),
        json!({"op": "put", "bucket": "kyc", "key": "s/accepted.zip",
               "file": root().join("testdata/accepted.zip")}),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let limits = dir.path().join("limits.toml");
    std::fs::write(&limits, "max_archive_bytes = 1000\n").unwrap();
    let out = dir.path().join("r");
    let o = run(
        &s3.env(),
        &[
            "report",
            "s3://kyc/s",
            "-q",
            "--limits",
            limits.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let a = &rows(&out.join("archives.csv"))[0];
    assert_eq!(a["error_code"], "TooLarge");
    assert!(
        a["error"].contains("over the limit of 1000 bytes (16975 bytes)"),
        "{a:?}"
    );
}

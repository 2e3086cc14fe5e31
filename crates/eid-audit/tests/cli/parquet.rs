//! `report --parquet`: the tables as Parquet files beside the CSV files
//! (the five of every run, and the duplicates, the sample and the retention
//! worklist), the same rows typed; the same bytes for the same input; hashed in
//! `run.json`; merged from shards into the file one run writes; and the
//! README's queries over them give the CSV's answers.

use super::record::{python_has, readme_blocks, rows, sha256_hex};
use super::{eid_audit, root, stderr, stdout};
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Int32Type, Int64Type, TimestampMicrosecondType, UInt64Type};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

const TABLES: [&str; 8] = [
    "archives",
    "checks",
    "features",
    "findings",
    "members",
    "duplicates",
    "sample",
    "retention",
];

/// What makes a report write every table: a sample and a retention
/// worklist (the duplicates are always listed).
const POPULATION: [&str; 8] = [
    "--sample",
    "3",
    "--seed",
    "parquet",
    "--retention-years",
    "5",
    "--as-of",
    "2026-06-10",
];

/// Every bundled archive and every hostile one: error rows, unreadable
/// checks, odd dates and names.
fn inputs() -> Vec<String> {
    let mut all = super::testdata();
    let hostile = root().join("testdata/hostile");
    let mut more: Vec<String> = std::fs::read_dir(hostile)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".zip"))
        .map(|n| format!("testdata/hostile/{n}"))
        .collect();
    more.sort();
    all.extend(more);
    all
}

/// A report of [`inputs`], and of a copy of the first one in the folder
/// of `out` (a group of duplicates to compare; one copy for every report
/// there, so that their rows name the same paths), with a sample and
/// retention rows.
fn report(out: &Path, extra: &[&str]) -> std::process::Output {
    let mut files = inputs();
    let copy = out.parent().unwrap().join("copy.zip");
    if !copy.exists() {
        std::fs::copy(root().join(&files[0]), &copy).unwrap();
    }
    files.push(copy.to_str().unwrap().to_owned());
    let mut args = vec!["report"];
    args.extend(files.iter().map(String::as_str));
    args.extend(["-o", out.to_str().unwrap(), "-q", "--fail-on", "error"]);
    args.extend_from_slice(&POPULATION);
    args.extend_from_slice(extra);
    eid_audit(&args)
}

/// A Parquet file read whole, with its footer's key-value metadata.
fn read(path: &Path) -> (RecordBatch, BTreeMap<String, String>, String) {
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(path).unwrap()).unwrap();
    let meta = builder.metadata().file_metadata();
    let kv = meta
        .key_value_metadata()
        .into_iter()
        .flatten()
        .filter(|kv| kv.key != "ARROW:schema")
        .map(|kv| (kv.key.clone(), kv.value.clone().unwrap_or_default()))
        .collect();
    let created_by = meta.created_by().unwrap_or_default().to_owned();
    let schema = builder.schema().clone();
    let batches: Vec<RecordBatch> = builder.build().unwrap().map(Result::unwrap).collect();
    let batch = arrow_select::concat::concat_batches(&schema, &batches).unwrap();
    (batch, kv, created_by)
}

/// `YYYY-MM-DD` of a day number (days since 1970-01-01).
fn day_text(days: i64) -> String {
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// A typed cell rendered as the CSV writes it: null as empty, a list
/// joined with `; ` (each value's `%` and `;` escaped), a timestamp in UTC.
fn render(a: &ArrayRef, i: usize) -> String {
    if a.is_null(i) {
        return String::new();
    }
    match a.data_type() {
        DataType::Utf8 => a.as_string::<i32>().value(i).to_owned(),
        DataType::Boolean => a.as_boolean().value(i).to_string(),
        DataType::UInt64 => a.as_primitive::<UInt64Type>().value(i).to_string(),
        DataType::Int64 => a.as_primitive::<Int64Type>().value(i).to_string(),
        DataType::Date32 => day_text(i64::from(a.as_primitive::<Date32Type>().value(i))),
        DataType::Timestamp(_, Some(tz)) if &**tz == "UTC" => {
            let us = a.as_primitive::<TimestampMicrosecondType>().value(i);
            let (s, f) = (us.div_euclid(1_000_000), us.rem_euclid(1_000_000));
            let t = s.rem_euclid(86_400);
            let fraction = format!(".{f:06}");
            let fraction = if f == 0 {
                ""
            } else {
                fraction.trim_end_matches('0')
            };
            format!(
                "{}T{:02}:{:02}:{:02}{fraction}Z",
                day_text(s.div_euclid(86_400)),
                t / 3600,
                t / 60 % 60,
                t % 60
            )
        }
        DataType::Dictionary(_, _) => {
            let d = a.as_dictionary::<Int32Type>();
            let key = d.keys().value(i) as usize;
            d.values().as_string::<i32>().value(key).to_owned()
        }
        DataType::List(_) => {
            let list = a.as_list::<i32>().value(i);
            let values = list.as_string::<i32>();
            (0..values.len())
                .map(|j| values.value(j).replace('%', "%25").replace(';', "%3B"))
                .collect::<Vec<_>>()
                .join("; ")
        }
        other => panic!("a type the report does not write: {other}"),
    }
}

#[test]
fn parquet_files_hold_the_csv_rows_typed_row_for_row() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let o = report(&out, &["--parquet"]);
    assert_eq!(o.status.code(), Some(2), "hostile inputs: {}", stderr(&o));
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
    let digest = run["policy"]["digest"].as_str().unwrap().to_owned();
    for table in TABLES {
        let csv = rows(&out.join(format!("{table}.csv")));
        let path = out.join(format!("{table}.parquet"));
        let (batch, kv, created_by) = read(&path);
        assert_eq!(batch.num_rows(), csv.len(), "{table}: the same rows");
        assert!(!csv.is_empty(), "{table}: rows to compare");
        // Every CSV column, in order; a `_text` twin after each column
        // whose value as written may not fit its type.
        let header: Vec<String> = csv::Reader::from_path(out.join(format!("{table}.csv")))
            .unwrap()
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        let schema = batch.schema();
        let names: Vec<&String> = schema
            .fields()
            .iter()
            .map(|f| f.name())
            .filter(|n| !(n.ends_with("_text") && header.contains(&n[..n.len() - 5].to_owned())))
            .collect();
        assert_eq!(names, header.iter().collect::<Vec<_>>(), "{table}: columns");
        for (i, row) in csv.iter().enumerate() {
            for name in &header {
                let typed = batch.column_by_name(name).unwrap();
                let twin = batch.column_by_name(&format!("{name}_text"));
                let got = match twin {
                    Some(t) if !t.is_null(i) => render(t, i),
                    _ => render(typed, i),
                };
                assert_eq!(got, row[name], "{table} row {i} column {name}");
            }
        }
        assert_eq!(
            kv["eid-audit.version"],
            env!("CARGO_PKG_VERSION"),
            "{table}"
        );
        assert_eq!(kv["eid-audit.policy_digest"], digest, "{table}");
        assert!(
            created_by.starts_with(&format!(
                "eid-audit version {} (parquet-rs",
                env!("CARGO_PKG_VERSION")
            )),
            "{created_by}"
        );
        // Hashed in run.json like every other file.
        let listed = run["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == format!("{table}.parquet"))
            .unwrap_or_else(|| panic!("{table}.parquet in outputs"));
        assert_eq!(listed["sha256"], sha256_hex(&std::fs::read(&path).unwrap()));
    }
    // The types an auditor filters and sorts by.
    let (archives, _, _) = read(&out.join("archives.parquet"));
    let ty = |n: &str| {
        archives
            .schema()
            .field_with_name(n)
            .unwrap()
            .data_type()
            .clone()
    };
    assert_eq!(ty("agrees"), DataType::Boolean);
    assert_eq!(ty("bytes"), DataType::UInt64);
    assert_eq!(ty("verification_date"), DataType::Date32);
    assert_eq!(ty("date_of_expiry"), DataType::Date32);
    assert!(matches!(ty("created_at"), DataType::Timestamp(_, Some(_))));
    assert!(matches!(ty("status"), DataType::Dictionary(_, _)));
    assert!(matches!(ty("reasons"), DataType::List(_)));
    assert_eq!(
        ty("date_of_birth"),
        DataType::Utf8,
        "personal data: masked text"
    );
}

#[test]
fn the_same_input_gives_the_same_parquet_bytes_and_no_parquet_without_the_option() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("c"),
    );
    report(&a, &["--parquet", "-j", "1"]);
    report(&b, &["--parquet", "-j", "3"]);
    report(&c, &[]);
    let excel = dir.path().join("excel");
    report(&excel, &["--parquet", "--excel"]);
    for table in TABLES {
        let name = format!("{table}.parquet");
        assert!(
            std::fs::read(a.join(&name)).unwrap() == std::fs::read(b.join(&name)).unwrap(),
            "{name} differs between two runs"
        );
        assert!(!c.join(&name).exists(), "{name} written without --parquet");
        // Typed values, not spreadsheet text: the same under --excel (the
        // population's files are read back from CSV files that mark
        // formula-like cells and begin with a byte-order mark).
        assert!(
            std::fs::read(a.join(&name)).unwrap() == std::fs::read(excel.join(&name)).unwrap(),
            "{name} differs under --excel"
        );
        let csv = format!("{table}.csv");
        assert_eq!(
            std::fs::read(a.join(&csv)).unwrap(),
            std::fs::read(c.join(&csv)).unwrap(),
            "{csv} is the same with or without --parquet"
        );
    }
    // A later run without --parquet replaces the whole report, Parquet
    // files included: nothing stale is left beside the new CSV files.
    let again = report(&a, &["-f"]);
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    assert!(!a.join("archives.parquet").exists());
}

/// Runs a block of Python from `dir`, returning what it printed.
fn python(dir: &Path, code: &str, arg: &str) -> String {
    let o = Command::new("python3")
        .args(["-c", code, arg])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{arg}\n{}", stderr(&o));
    stdout(&o)
}

/// Prints a DuckDB query's rows with lists joined as the CSV joins them, so
/// that the answers over CSV and over Parquet can be compared (an empty
/// list is an empty cell, which DuckDB reads from a CSV file as a null).
const DUCKDB: &str = "import duckdb, sys
rows = duckdb.sql(sys.argv[1]).fetchall()
j = lambda v: ('; '.join(v) or None) if isinstance(v, list) else v
print([tuple(j(v) for v in r) for r in rows])";

#[test]
fn the_readme_queries_over_parquet_give_the_csv_answers() {
    if !python_has(&["duckdb", "pandas", "pyarrow"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let files = super::testdata();
    let mut args = vec!["report"];
    args.extend(files.iter().map(String::as_str));
    let out = dir.path().join("report");
    args.extend(["-o", out.to_str().unwrap(), "--parquet"]);
    // As the README says the bundled report of its queries was made.
    args.extend(["--sample", "2", "--seed", "readme"]);
    args.extend(["--retention-years", "5", "--as-of", "2026-06-10"]);
    assert_eq!(eid_audit(&args).status.code(), Some(1));
    let csv = readme_blocks("sql");
    let parquet = readme_blocks("sql parquet");
    assert_eq!(csv.len(), parquet.len(), "one Parquet query per CSV query");
    for (c, p) in csv.iter().zip(&parquet) {
        assert!(p.contains("read_parquet("), "{p}");
        let (a, b) = (python(dir.path(), DUCKDB, c), python(dir.path(), DUCKDB, p));
        assert!(a.len() > 4, "an answer to compare: {c}\n{a}");
        assert_eq!(a, b, "{p}");
    }
    let py = readme_blocks("python parquet");
    assert_eq!(py.len(), 1);
    let text = python(dir.path(), &py[0], "");
    for expected in [
        "testdata/recorded-accepted-contradicted.zip",
        "agent-0042    2",
        "testdata/agent-accepted-expired.zip",
        "FeatureNotFound/OVI 1",
        "[SecurityCheckFailed/notBWCopy]",
        "2021-04            failed          1",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
}

#[test]
fn shard_folders_are_queried_together_and_merge_into_the_single_runs_parquet() {
    if !python_has(&["duckdb"]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let store = super::merge::store(tmp.path(), 40, true, true);
    let s = store.to_str().unwrap();
    // One HMAC key: documents are compared across shards, so the merged
    // duplicates are the single run's.
    let key = tmp.path().join("key");
    std::fs::write(&key, "a key of at least sixteen bytes\n").unwrap();
    let mut args = vec![s, "--parquet", "--fail-on", "error", "--pii", "hmac"];
    args.extend(["--pii-key-file", key.to_str().unwrap()]);
    args.extend(POPULATION);
    let single = tmp.path().join("single");
    let mut all = vec!["report"];
    all.extend_from_slice(&args);
    all.extend_from_slice(&["--out", single.to_str().unwrap(), "-q"]);
    let one = eid_audit(&all);
    assert_eq!(
        one.status.code(),
        Some(2),
        "broken archives: {}",
        stderr(&one)
    );
    let merged = tmp.path().join("merged");
    let (outs, m) = super::merge::shards_then_merge(
        tmp.path(),
        &args,
        b"",
        &["-o", merged.to_str().unwrap(), "--fail-on", "error"],
    );
    assert!(
        outs.iter()
            .all(|o| o.status.code() == Some(2) || o.status.code() == Some(0))
    );
    assert_eq!(m.status.code(), one.status.code(), "{}", stderr(&m));
    for table in TABLES {
        let name = format!("{table}.parquet");
        assert!(
            std::fs::read(single.join(&name)).unwrap()
                == std::fs::read(merged.join(&name)).unwrap(),
            "{name}: the merge's differs from the single run's"
        );
    }
    // The README's query over shard folders named by number.
    let block = readme_blocks("sql shards");
    assert_eq!(block.len(), 1);
    let json = "import duckdb, sys, json; print(json.dumps(duckdb.sql(sys.argv[1]).fetchall()))";
    let answer = python(tmp.path(), json, &block[0]);
    let by_shard: Vec<(String, String, u64)> = serde_json::from_str(&answer).unwrap();
    let whole: Vec<(Option<String>, u64)> = serde_json::from_str(&python(
        tmp.path(),
        json,
        "SELECT status, count(*) FROM read_parquet('single/archives.parquet') GROUP BY ALL ORDER BY ALL",
    ))
    .unwrap();
    let shards: std::collections::BTreeSet<&String> = by_shard.iter().map(|r| &r.0).collect();
    assert_eq!(shards.len(), 4, "every shard named: {answer}");
    let total: u64 = by_shard.iter().map(|r| r.2).sum();
    let expected: u64 = whole.iter().filter(|r| r.0.is_some()).map(|r| r.1).sum();
    assert!(expected > 30, "{answer}");
    assert_eq!(total, expected, "{answer}");
}

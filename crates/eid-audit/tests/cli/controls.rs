//! What a supervisor asks for (docs/controls.md), end to end: the
//! referee record and the required attributes as findings in a report, and
//! the monitoring figures of `run.json` and the HTML index, checked against
//! a generated corpus whose answers are known by construction (each
//! archive's scenario, similarity, failed checks, reviewer and day come from
//! the generator, not from the engine under test), and against a bundled
//! archive whose agent accepted an expired document.

use super::{eid_audit, merge::run_json, stderr};
use eid_testkit::corpus::{CorpusOptions, case, generate};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The similarity level as `archives.csv` writes it.
fn level(written: Option<&str>) -> String {
    match written.map(str::to_ascii_lowercase).as_deref() {
        None => "(none)".into(),
        Some("verylow") => "veryLow".into(),
        Some(other) => other.into(),
    }
}

type Tally = BTreeMap<String, u64>;

#[derive(Default)]
struct Expected {
    judged: u64,
    inconclusive: u64,
    overrides: Tally,
    similarity: Tally,
    failures: Tally,
}

impl Expected {
    fn json(&self) -> Value {
        let rate = (self.inconclusive as f64 / self.judged as f64 * 10_000.0).round() / 10_000.0;
        json!({
            "archivesJudged": self.judged,
            "inconclusive": self.inconclusive,
            "inconclusiveRate": rate,
            "agentOverridesByReviewer": self.overrides,
            "acceptedExpired": 0,
            "similarity": self.similarity,
            "failuresByCheck": self.failures,
        })
    }
}

#[test]
fn the_figures_are_those_of_a_corpus_whose_counts_are_known_in_a_run_and_a_merge() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let options = CorpusOptions {
        count: 400,
        seed: 24,
        realistic: false,
        broken_every: Some(50),
        layout: Default::default(),
    };
    let entries = generate(&store, &options).unwrap();
    let mut run = Expected::default();
    let mut months: BTreeMap<String, Expected> = BTreeMap::new();
    for (i, entry) in entries.iter().enumerate() {
        if entry.kind == "broken" {
            continue;
        }
        let (c, kind, _) = case(i, &options);
        let month = c.updated_at[..7].to_owned();
        for e in [&mut run, months.entry(month).or_default()] {
            e.judged += 1;
            e.inconclusive += u64::from(kind == "inconclusive");
            if kind == "agent-override" {
                // The generator's reviewer.
                *e.overrides.entry("agent-0042".into()).or_default() += 1;
            }
            let written = if kind == "failed" {
                None
            } else {
                c.similarity.as_deref()
            };
            *e.similarity.entry(level(written)).or_default() += 1;
            for (check, valid) in &c.checks {
                if !valid && kind != "failed" {
                    *e.failures.entry(check.clone()).or_default() += 1;
                }
            }
        }
    }
    assert!(run.inconclusive > 20 && !run.overrides.is_empty() && !run.failures.is_empty());

    let single = tmp.path().join("single");
    let o = eid_audit(&[
        "report",
        store.to_str().unwrap(),
        "--out",
        single.to_str().unwrap(),
        "--html",
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let got = run_json(&single)["monitoring"].clone();
    assert_eq!(got["run"], run.json());
    let by_month: BTreeMap<String, Value> =
        months.iter().map(|(m, e)| (m.clone(), e.json())).collect();
    assert_eq!(got["byMonth"], json!(by_month));
    assert!(got["definitions"]["inconclusiveRate"].is_string());

    // The index shows the same figures, with their definitions.
    let index = std::fs::read_to_string(single.join("html/index.html")).unwrap();
    assert!(index.contains(&format!(
        "<td data-monitoring=\"archivesJudged\">{}</td>",
        run.judged
    )));
    let overrides: u64 = run.overrides.values().sum();
    assert!(index.contains(&format!(
        "<td data-monitoring=\"agentOverridesByReviewer\">{overrides}</td>"
    )));
    assert!(index.contains("<h2 id=\"monitoring\">Monitoring figures</h2>"));
    assert_eq!(
        index.matches("<tr><td>20").count(),
        months.len(),
        "a row per month"
    );

    // Shards merged give the figures of the single run.
    let mut dirs = Vec::new();
    for s in 1..=3 {
        let dir = tmp.path().join(format!("shard-{s}"));
        let shard = format!("{s}/3");
        let o = eid_audit(&[
            "report",
            store.to_str().unwrap(),
            "--out",
            dir.to_str().unwrap(),
            "--shard",
            &shard,
            "-q",
        ]);
        assert!(o.status.code().is_some(), "{}", stderr(&o));
        dirs.push(dir.to_str().unwrap().to_owned());
    }
    let merged = tmp.path().join("merged");
    let mut args = vec!["merge"];
    args.extend(dirs.iter().map(String::as_str));
    args.extend(["--out", merged.to_str().unwrap()]);
    let o = eid_audit(&args);
    assert!(merged.join("run.json").exists(), "{}", stderr(&o));
    assert_eq!(run_json(&merged)["monitoring"], got);
}

#[test]
fn an_expired_document_the_agent_accepted_is_counted_once() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = eid_audit(&[
        "report",
        "testdata/agent-accepted-expired.zip",
        "testdata/accepted.zip",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.code().is_some(), "{}", stderr(&o));
    let m = &run_json(&out)["monitoring"];
    assert_eq!(m["run"]["archivesJudged"], 2);
    assert_eq!(m["run"]["acceptedExpired"], 1, "{m}");
    let findings = std::fs::read_to_string(out.join("findings.csv")).unwrap();
    assert!(
        findings.contains("ExpiredAtReview") || findings.contains("UncheckedExpiry"),
        "{findings}"
    );
}

#[test]
fn a_report_names_each_required_attribute_missing_and_each_incomplete_referee_record() {
    let tmp = tempfile::tempdir().unwrap();
    let mut c = eid_testkit::Case::agent_override();
    c.stem = "no-review-time".into();
    c.manual.as_mut().unwrap().verification_date = String::new();
    std::fs::write(tmp.path().join("no-review-time.zip"), c.to_zip()).unwrap();
    let policy = tmp.path().join("amla.toml");
    std::fs::write(
        &policy,
        "name = \"amla-cdd-draft\"\nrequired_attributes = [\"firstName\", \"placeOfBirth\", \"documentNumber\", \"dateOfBrith\"]\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let review = tmp.path().join("no-review-time.zip");
    let o = eid_audit(&[
        "report",
        "testdata/accepted.zip",
        review.to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.code().is_some(), "{}", stderr(&o));
    // A name never seen is a typo: said on the terminal, with the fix.
    assert!(
        stderr(&o).contains("required_attributes names \"dateOfBrith\", a document attribute eid-audit has never seen; did you mean \"dateOfBirth\"?"),
        "{}",
        stderr(&o)
    );
    let mut rows = csv::Reader::from_path(out.join("findings.csv")).unwrap();
    let found: Vec<(String, String, String)> = rows
        .records()
        .map(|r| r.unwrap())
        .filter(|r| matches!(&r[3], "AttributeMissing" | "RefereeRecordIncomplete"))
        .map(|r| {
            (
                r[0].rsplit('/').next().unwrap().to_owned(),
                r[3].to_owned(),
                r[4].to_owned(),
            )
        })
        .collect();
    let expected = |archive: &str, code: &str, subject: &str| {
        (archive.to_owned(), code.to_owned(), subject.to_owned())
    };
    assert_eq!(
        found,
        [
            // Inputs in path order: the temporary folder's first.
            expected(
                "no-review-time.zip",
                "RefereeRecordIncomplete",
                "verificationDate"
            ),
            expected("no-review-time.zip", "AttributeMissing", "placeOfBirth"),
            expected("no-review-time.zip", "AttributeMissing", "dateOfBrith"),
            expected("accepted.zip", "AttributeMissing", "placeOfBirth"),
            expected("accepted.zip", "AttributeMissing", "dateOfBrith"),
        ]
    );
    let run = run_json(&out);
    assert_eq!(
        run["policy"]["rules"]["requiredAttributes"],
        json!(["firstName", "placeOfBirth", "documentNumber", "dateOfBrith"])
    );
    assert_eq!(run["summary"]["agentOverrides"], 1);
}

//! `eid-audit pack`: a pack is made from a selection (every value must match,
//! else nothing is written), holds its archives verbatim and their evidence
//! under `--pii`, and is the same bytes twice. Its verification is in
//! `pack_verify.rs`, other tools' checks in `pack_tools.rs`.

use crate::{eid_audit, root, stderr};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};
use std::path::Path;
use std::process::Command;

pub(crate) const OVERRIDE: &str = "testdata/agent-override.zip";
pub(crate) const OVERRIDE_ID: &str = "00000000-0000-4000-8000-000000000007";

pub(crate) fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every member of a zip, by name, in the zip's order.
pub(crate) fn members(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().unwrap().into_owned(), bytes)
        })
        .collect()
}

/// Writes `members` as a zip at `path`.
pub(crate) fn rewrite(path: &Path, members: &[(String, Vec<u8>)]) {
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in members {
        z.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap();
}

pub(crate) fn pack(out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["pack", "-o", out.to_str().unwrap()];
    args.extend(extra);
    eid_audit(&args)
}

pub(crate) fn verify(path: &Path) -> std::process::Output {
    eid_audit(&["pack", "--verify", path.to_str().unwrap()])
}

/// The pack of agent-override.zip by its process id, checked to verify.
pub(crate) fn override_pack(dir: &Path, extra: &[&str]) -> std::path::PathBuf {
    let out = dir.join("pack.zip");
    let mut args = vec![OVERRIDE, "--process-id", OVERRIDE_ID];
    args.extend(extra);
    let o = pack(&out, &args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    out
}

fn names(m: &[(String, Vec<u8>)]) -> Vec<&str> {
    m.iter().map(|(n, _)| n.as_str()).collect()
}

#[test]
fn the_archive_is_packed_verbatim_with_its_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let out = override_pack(dir.path(), &["--pii", "full"]);
    let m: BTreeMap<String, Vec<u8>> = members(&out).into_iter().collect();
    let input = std::fs::read(root().join(OVERRIDE)).unwrap();
    let archive = m
        .iter()
        .find(|(n, _)| n.ends_with("/archive/agent-override.zip"))
        .unwrap();
    assert_eq!(archive.1, &input, "byte-identical");
    let run: serde_json::Value = serde_json::from_slice(&m["run.json"]).unwrap();
    assert_eq!(run["kind"], "pack");
    assert_eq!(run["pii"], "full");
    assert_eq!(run["policy"]["source"], "default");
    assert_eq!(run["cases"][0]["archive"]["sha256"], hex(&input));
    assert_eq!(run["cases"][0]["selectedBy"][0], "processId");
    assert_eq!(run["selection"]["processIds"][0], OVERRIDE_ID);
    // The default policy, rendered, is what decided.
    let policy = std::str::from_utf8(&m["policy.toml"]).unwrap();
    assert!(policy.contains("name = \"default\""), "{policy}");
    // The manifest lists every other member, sorted, in sha256sum's format.
    let manifest = std::str::from_utf8(&m["manifest.sha256"]).unwrap();
    let listed: Vec<&str> = manifest.lines().map(|l| &l[66..]).collect();
    let mut expected: Vec<&str> = m.keys().map(String::as_str).collect();
    expected.retain(|n| *n != "manifest.sha256");
    assert_eq!(listed, expected);
    for line in manifest.lines() {
        assert_eq!(&line[..64], hex(&m[&line[66..]]), "{line}");
    }
    // The agent overrode failed checks: no claims by default, and why.
    assert!(m.keys().any(|n| n.ends_with("/page.html")));
    assert!(m.keys().any(|n| n.contains("/exhibits/")));
    assert!(!m.keys().any(|n| n.ends_with("verified-claims.json")));
    let why = run["cases"][0]["verifiedClaims"]["whyNot"]
        .as_str()
        .unwrap();
    assert!(!why.is_empty());
}

#[test]
fn an_accepted_archive_under_pii_full_has_its_verified_claims() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p.zip");
    let sha = hex(&std::fs::read(root().join("testdata/accepted.zip")).unwrap());
    let o = pack(&out, &["testdata", "--sha256", &sha, "--pii", "full"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let m = members(&out);
    let claims = m
        .iter()
        .find(|(n, _)| n.ends_with("/verified-claims.json"))
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&claims.1).unwrap();
    assert!(v["verified_claims"].is_object());
    // Selected by hash from a folder: exactly that archive.
    let archives: Vec<&str> = names(&m)
        .into_iter()
        .filter(|n| n.contains("/archive/"))
        .collect();
    assert_eq!(archives.len(), 1, "{archives:?}");
    assert!(archives[0].ends_with("/archive/accepted.zip"));
}

#[test]
fn pii_applies_to_everything_but_the_archive() {
    let dir = tempfile::tempdir().unwrap();
    let input = std::fs::read(root().join(OVERRIDE)).unwrap();
    // The holder's values, as the archive's JSON has them.
    let personal = [
        "ALEX SAMPLE",
        "TESTER EXAMPLE",
        "X00000007",
        "X00000001",
        "FAKE0000000001",
        "1990-04-29",
    ];
    for mode in ["omit", "mask"] {
        let out = override_pack(dir.path(), &["--pii", mode, "-f"]);
        let (mut archives, mut exhibit_images) = (0, 0);
        for (name, bytes) in members(&out) {
            let text = String::from_utf8_lossy(&bytes);
            if name.contains("/archive/") {
                assert_eq!(bytes, input, "the archive stays verbatim");
                archives += 1;
                continue;
            }
            // Exhibits are images by the one rule for images, whatever
            // --pii says of the text; pixels are not text to search.
            if name.ends_with(".jpeg") || name.ends_with(".png") {
                assert!(name.contains("/exhibits/"), "{mode}: {name}");
                exhibit_images += 1;
                continue;
            }
            for value in personal {
                assert!(!text.contains(value), "{mode}: {name} holds {value}");
            }
            // A page shows an image only under --pii full.
            assert!(!text.contains("data:image/"), "{mode}: {name}");
        }
        assert_eq!(archives, 1);
        assert!(exhibit_images > 0, "{mode}: the exhibits hold their crops");
        // run.json says what the exhibits hold, as they hold it.
        let m: BTreeMap<String, Vec<u8>> = members(&out).into_iter().collect();
        let run: serde_json::Value = serde_json::from_slice(&m["run.json"]).unwrap();
        assert_eq!(
            run["images"]["exhibits"],
            "sides as stored, feature crops and annotations, as report --crops writes them, less what --crops-exclude names",
            "{mode}"
        );
    }
    // --crops-exclude leaves sides and faces out of the exhibits, as from
    // `report --crops`: no copy of a side, no face crop.
    let out = override_pack(
        dir.path(),
        &["--pii", "omit", "--crops-exclude", "front,back,Photo", "-f"],
    );
    let exhibits: Vec<String> = members(&out)
        .into_iter()
        .map(|(n, _)| n)
        .filter(|n| n.contains("/exhibits/"))
        .collect();
    assert!(!exhibits.is_empty());
    for name in exhibits {
        let file = name.rsplit('/').next().unwrap();
        assert!(
            !file.starts_with("front.") && !file.starts_with("back."),
            "{name}"
        );
        assert!(!file.to_lowercase().contains("photo"), "{name}");
    }
    // Under full they are there: the test above looks for what is there.
    let out = override_pack(dir.path(), &["--pii", "full", "-f"]);
    let m: BTreeMap<String, Vec<u8>> = members(&out).into_iter().collect();
    let inspect = m
        .iter()
        .find(|(n, _)| n.ends_with("/inspect.json"))
        .unwrap();
    assert!(String::from_utf8_lossy(inspect.1).contains("X00000007"));
}

#[test]
fn the_same_inputs_give_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p.zip");
    let args = [
        OVERRIDE,
        "testdata/accepted.zip",
        "--process-id",
        OVERRIDE_ID,
        "--pii",
        "full",
        "-f",
    ];
    let run = || {
        let mut all = vec!["pack", "-o", out.to_str().unwrap()];
        all.extend(args);
        let o = Command::new(env!("CARGO_BIN_EXE_eid-audit"))
            .args(&all)
            .current_dir(root())
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        std::fs::read(&out).unwrap()
    };
    let first = run();
    assert_eq!(first, run());
    let m: BTreeMap<String, Vec<u8>> = members(&out).into_iter().collect();
    let run: serde_json::Value = serde_json::from_slice(&m["run.json"]).unwrap();
    assert_eq!(run["started"], "2023-11-14T22:13:20Z");
}

#[test]
fn a_selector_that_matches_nothing_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p.zip");
    let o = pack(
        &out,
        &[
            OVERRIDE,
            "--process-id",
            OVERRIDE_ID,
            "--process-id",
            "no-such-id",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no archive has process id \"no-such-id\""),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
    let o = pack(&out, &[OVERRIDE, "--sha256", &"0".repeat(64)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(&format!("no archive has SHA-256 {}", "0".repeat(64))));
    assert!(!out.exists());
    let o = pack(&out, &[OVERRIDE]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("give --process-id, --sha256 or --from-sample"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no temporary file left"
    );
}

#[test]
fn an_existing_file_is_replaced_only_with_force_and_only_if_a_pack() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pack.zip");
    std::fs::write(&out, b"not mine").unwrap();
    let args = [OVERRIDE, "--process-id", OVERRIDE_ID];
    let o = pack(&out, &args);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("already exists; use --force"),
        "{}",
        stderr(&o)
    );
    let mut forced = args.to_vec();
    forced.push("--force");
    let o = pack(&out, &forced);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a pack eid-audit wrote"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"not mine");
    std::fs::remove_file(&out).unwrap();
    assert_eq!(pack(&out, &args).status.code(), Some(0));
    let o = pack(&out, &forced);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_sample_drawn_by_report_is_packed_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report");
    let o = eid_audit(&[
        "report",
        "testdata",
        "-o",
        report.to_str().unwrap(),
        "-q",
        "--sample",
        "3",
        "--seed",
        "pack",
    ]);
    assert!(matches!(o.status.code(), Some(0..=2)), "{}", stderr(&o));
    let sample = report.join("sample.csv");
    let mut drawn: Vec<String> = csv::Reader::from_path(&sample)
        .unwrap()
        .deserialize::<BTreeMap<String, String>>()
        .map(|r| r.unwrap()["sha256"].clone())
        .collect();
    drawn.sort();
    assert_eq!(drawn.len(), 3);
    // From the folder, and from the sample's own archive column.
    for paths in [vec!["testdata"], vec![]] {
        let out = dir.path().join("p.zip");
        let mut args = paths.clone();
        args.extend(["--from-sample", sample.to_str().unwrap(), "-f"]);
        let o = pack(&out, &args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let mut packed: Vec<String> = members(&out)
            .into_iter()
            .filter(|(n, _)| n.contains("/archive/"))
            .map(|(_, b)| hex(&b))
            .collect();
        packed.sort();
        assert_eq!(packed, drawn, "{paths:?}");
        // How the sample was drawn goes with it, verbatim.
        let m: BTreeMap<String, Vec<u8>> = members(&out).into_iter().collect();
        assert_eq!(m["selection/sample.csv"], std::fs::read(&sample).unwrap());
        let report_run = std::fs::read(report.join("run.json")).unwrap();
        assert_eq!(m["selection/report-run.json"], report_run);
        assert_eq!(verify(&out).status.code(), Some(0));
    }
}

#[test]
fn the_process_record_beside_an_archive_is_packed_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p.zip");
    let sha = hex(&std::fs::read(root().join("testdata/process-beside.zip")).unwrap());
    let o = pack(&out, &["testdata/process-beside.zip", "--sha256", &sha]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let beside = std::fs::read(root().join("testdata/process-beside.json")).unwrap();
    let m: BTreeMap<String, Vec<u8>> = members(&out).into_iter().collect();
    let (name, bytes) = m
        .iter()
        .find(|(n, _)| n.ends_with("/process-record/process-beside.json"))
        .unwrap();
    assert_eq!(bytes, &beside, "{name}: verbatim");
    let run: serde_json::Value = serde_json::from_slice(&m["run.json"]).unwrap();
    assert_eq!(run["cases"][0]["processRecord"]["sha256"], hex(&beside));
    assert_eq!(verify(&out).status.code(), Some(0));
}

#[test]
fn an_archive_selected_by_hash_that_cannot_be_read_is_packed_verbatim_with_its_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p.zip");
    let input = std::fs::read(root().join("testdata/hostile/not-a-zip.zip")).unwrap();
    let o = pack(&out, &["testdata/hostile", "--sha256", &hex(&input)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("testdata/hostile/not-a-zip.zip: "),
        "{}",
        stderr(&o)
    );
    let m: BTreeMap<String, Vec<u8>> = members(&out).into_iter().collect();
    let folder = format!("cases/{}", &hex(&input)[..12]);
    assert_eq!(m[&format!("{folder}/archive/not-a-zip.zip")], input);
    assert!(!m.contains_key(&format!("{folder}/inspect.json")));
    let run: serde_json::Value = serde_json::from_slice(&m["run.json"]).unwrap();
    assert!(
        run["cases"][0]["error"]
            .as_str()
            .unwrap()
            .contains("not a zip")
    );
    assert_eq!(verify(&out).status.code(), Some(0));
}

#[test]
fn a_policy_given_is_packed_as_given() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("strict.toml");
    let text = "# stricter than the default\nname = \"strict\"\nminimum_age = 21\n";
    std::fs::write(&policy, text).unwrap();
    let out = override_pack(dir.path(), &["--policy", policy.to_str().unwrap()]);
    let m: BTreeMap<String, Vec<u8>> = members(&out).into_iter().collect();
    assert_eq!(m["policy.toml"], text.as_bytes());
    let run: serde_json::Value = serde_json::from_slice(&m["run.json"]).unwrap();
    assert_eq!(run["policy"]["source"], "given");
    assert_eq!(run["policy"]["name"], "strict");
    assert_eq!(run["policy"]["text"], text);
    let inspect = m
        .iter()
        .find(|(n, _)| n.ends_with("/inspect.json"))
        .unwrap();
    let inspect: serde_json::Value = serde_json::from_slice(inspect.1).unwrap();
    assert_eq!(inspect["policy"]["name"], "strict");
}

#[test]
fn an_archive_named_strangely_is_packed_under_a_safe_name() {
    let dir = tempfile::tempdir().unwrap();
    let input = std::fs::read(root().join(OVERRIDE)).unwrap();
    let strange = dir.path().join("..Åsa's case (1) ;rm.zip");
    std::fs::write(&strange, &input).unwrap();
    let out = dir.path().join("p.zip");
    let o = pack(&out, &[strange.to_str().unwrap(), "--sha256", &hex(&input)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let m = members(&out);
    let safe = |n: &str| {
        n.split('/').all(|c| {
            !c.is_empty()
                && c != "."
                && c != ".."
                && c.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        })
    };
    for (name, _) in &m {
        assert!(safe(name), "{name}");
    }
    let (name, bytes) = m.iter().find(|(n, _)| n.contains("/archive/")).unwrap();
    assert!(
        name.ends_with("/archive/_._sa_s_case__1___rm.zip"),
        "{name}"
    );
    assert_eq!(bytes, &input);
    let run: serde_json::Value =
        serde_json::from_slice(&m.iter().find(|(n, _)| n == "run.json").unwrap().1).unwrap();
    assert_eq!(
        run["cases"][0]["archive"]["path"],
        strange.to_str().unwrap()
    );
}

//! `eid-audit pack --verify`: a pack round-trips (made, verified, one byte
//! changed, refused), a file taken out or put in is named, `run.json` must
//! agree with the archives' bytes, and what is not a pack is refused.

use super::pack::{OVERRIDE, OVERRIDE_ID, hex, members, override_pack, pack, rewrite, verify};
use crate::{eid_audit, root, stderr, stdout};

#[test]
fn pack_round_trips_made_verified_one_byte_changed_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = override_pack(dir.path(), &[]);
    let o = verify(&out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("verified: "), "{}", stdout(&o));
    let original = members(&out);
    let folder = original
        .iter()
        .find_map(|(n, _)| n.strip_suffix("/inspect.json"))
        .unwrap()
        .to_owned();
    assert!(
        folder.starts_with("cases/") && folder.ends_with(OVERRIDE_ID),
        "{folder}"
    );
    let inspect = format!("{folder}/inspect.json");

    // One byte of inspect.json changed (the zip rewritten whole, its CRC right).
    let mut changed = original.clone();
    let entry = changed.iter_mut().find(|(n, _)| *n == inspect).unwrap();
    entry.1[10] ^= 0x01;
    let bad = dir.path().join("changed.zip");
    rewrite(&bad, &changed);
    let o = verify(&bad);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&format!(
            "changed.zip: {inspect}: SHA-256 differs from the manifest"
        )),
        "{}",
        stderr(&o)
    );

    // A member taken out.
    let page = format!("{folder}/page.html");
    let fewer: Vec<_> = original
        .iter()
        .filter(|(n, _)| *n != page)
        .cloned()
        .collect();
    rewrite(&bad, &fewer);
    let o = verify(&bad);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&format!("{page}: in the manifest, missing from the pack")),
        "{}",
        stderr(&o)
    );

    // A member put in.
    let mut more = original.clone();
    more.push((format!("{folder}/note.txt"), b"added later".to_vec()));
    rewrite(&bad, &more);
    let o = verify(&bad);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&format!("{folder}/note.txt: not in the manifest")),
        "{}",
        stderr(&o)
    );

    // One raw byte of the file flipped inside the archive member, CRC left wrong.
    let mut raw = std::fs::read(&out).unwrap();
    let input = std::fs::read(root().join(OVERRIDE)).unwrap();
    let at = raw
        .windows(64)
        .position(|w| w == &input[1000..1064])
        .unwrap();
    raw[at + 5] ^= 0x01;
    std::fs::write(&bad, &raw).unwrap();
    let o = verify(&bad);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("/archive/agent-override.zip:"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn run_json_must_agree_with_the_archives_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let out = override_pack(dir.path(), &[]);
    let mut m = members(&out);
    // run.json says another SHA-256 for the archive; the manifest is made to
    // agree with the new run.json, so only run.json's own list can tell.
    let (_, run) = m.iter_mut().find(|(n, _)| n == "run.json").unwrap();
    let mut value: serde_json::Value = serde_json::from_slice(run).unwrap();
    let member = value["cases"][0]["archive"]["member"]
        .as_str()
        .unwrap()
        .to_owned();
    value["cases"][0]["archive"]["sha256"] = "f".repeat(64).into();
    *run = serde_json::to_vec(&value).unwrap();
    let new_run = hex(run);
    let (_, manifest) = m.iter_mut().find(|(n, _)| n == "manifest.sha256").unwrap();
    let text: String = std::str::from_utf8(manifest)
        .unwrap()
        .lines()
        .map(|l| match l.strip_suffix("  run.json") {
            Some(_) => format!("{new_run}  run.json\n"),
            None => format!("{l}\n"),
        })
        .collect();
    *manifest = text.into_bytes();
    let bad = dir.path().join("bad.zip");
    rewrite(&bad, &m);
    let o = verify(&bad);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&format!("{member}: SHA-256 differs from run.json")),
        "{}",
        stderr(&o)
    );
}

#[test]
fn bad_input_to_pack_is_refused_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let sample = dir.path().join("sample.csv");
    std::fs::write(
        &sample,
        format!("archive,sha256\na.zip,{}\nb.zip,xyz\n", "a".repeat(64)),
    )
    .unwrap();
    let out = dir.path().join("p.zip");
    let o = pack(&out, &[OVERRIDE, "--from-sample", sample.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("sample.csv: line 3: sha256 \"xyz\" is not a SHA-256"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
    let o = pack(&out, &[OVERRIDE, "--sha256", "abc"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not a SHA-256"), "{}", stderr(&o));
    // Verifying something that is not a pack, or with options that shape one.
    let o = verify(&root().join(OVERRIDE));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("manifest.sha256: missing: not a pack"),
        "{}",
        stderr(&o)
    );
    let o = verify(&root().join("testdata/hostile/not-a-zip.zip"));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a zip"), "{}", stderr(&o));
    let o = eid_audit(&["pack", "--verify", OVERRIDE, "--pii", "full"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot be used with"), "{}", stderr(&o));
}

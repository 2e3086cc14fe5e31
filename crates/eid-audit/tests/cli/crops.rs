use super::{eid_audit, stderr, stdout};
use std::path::Path;

fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(
                p.strip_prefix(dir.parent().unwrap())
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
    out.sort();
    out
}

#[test]
fn crops_output_of_every_bundled_archive() {
    insta::glob!("../../../../testdata", "*.zip", |path| {
        let dir = tempfile::tempdir().unwrap();
        let name = format!("testdata/{}", path.file_name().unwrap().to_string_lossy());
        let out = eid_audit(&["crops", &name, "--out", dir.path().to_str().unwrap()]);
        assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
        insta::with_settings!({filters => vec![(regex_escape(dir.path().to_str().unwrap()).as_str(), "[TMP]")]}, {
            insta::assert_snapshot!(stdout(&out));
        });
    });
}

fn regex_escape(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '/' || c == '_' {
                c.to_string()
            } else {
                format!("\\{c}")
            }
        })
        .collect()
}

#[test]
fn crops_writes_one_png_per_found_feature_and_one_annotated_per_side() {
    let dir = tempfile::tempdir().unwrap();
    let out = eid_audit(&[
        "crops",
        "testdata/nested-upper-case.zip",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let pid = "00000000-0000-4000-8000-000000000010";
    let files: Vec<String> = files_under(&dir.path().join(pid));
    let expected: Vec<String> = [
        "back-annotated.svg",
        "back-barcode.png",
        "back.jpeg",
        "data-header.png",
        "data-ovi-1.png",
        "data-ovi-2.png",
        "data-photo.png",
        "data-signature.png",
        "front-annotated.svg",
        "front.jpeg",
    ]
    .iter()
    .map(|f| format!("{pid}/{f}"))
    .collect();
    assert_eq!(files, expected);
    let photo = image::open(dir.path().join(pid).join("data-photo.png")).unwrap();
    assert_eq!((photo.width(), photo.height()), (141, 141));
}

#[test]
fn crops_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    assert_eq!(
        eid_audit(&[
            "crops",
            "testdata/recorded-accepted-contradicted.zip",
            "--out",
            d
        ])
        .status
        .code(),
        Some(1)
    );
    let missing = eid_audit(&["crops", "testdata/nope.zip", "--out", d]);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(stderr(&missing).lines().count(), 1);
    assert_eq!(
        eid_audit(&["crops", "testdata/accepted.zip"]).status.code(),
        Some(2),
        "--out is required"
    );
    // an output folder that cannot be created
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let blocked = eid_audit(&[
        "crops",
        "testdata/accepted.zip",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert_eq!(blocked.status.code(), Some(2));
    assert!(
        stderr(&blocked).starts_with("testdata/accepted.zip: "),
        "{}",
        stderr(&blocked)
    );
}

#[test]
fn the_input_archive_is_never_modified() {
    let dir = tempfile::tempdir().unwrap();
    let before = std::fs::read(super::root().join("testdata/png-media.zip")).unwrap();
    eid_audit(&[
        "crops",
        "testdata/png-media.zip",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(
        std::fs::read(super::root().join("testdata/png-media.zip")).unwrap(),
        before
    );
}

#[test]
fn no_annotated_writes_only_the_originals_and_the_crops() {
    let dir = tempfile::tempdir().unwrap();
    let out = eid_audit(&[
        "crops",
        "testdata/accepted.zip",
        "--out",
        dir.path().to_str().unwrap(),
        "--no-annotated",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let files = files_under(&dir.path().join("00000000-0000-4000-8000-000000000001"));
    assert_eq!(
        files.len(),
        6,
        "five crops and the front as stored: {files:?}"
    );
    assert!(files.iter().all(|f| !f.contains("annotated")));
    assert!(!stdout(&out).contains("(annotated)"));
}

#[test]
fn the_exhibit_in_the_docs_is_what_crops_writes() {
    let dir = tempfile::tempdir().unwrap();
    let out = eid_audit(&[
        "crops",
        "testdata/accepted.zip",
        "-o",
        dir.path().to_str().unwrap(),
        "--embed",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written = std::fs::read_to_string(
        dir.path()
            .join("00000000-0000-4000-8000-000000000001/front-annotated.svg"),
    )
    .unwrap();
    let committed =
        std::fs::read_to_string(super::root().join("docs/exhibit-accepted-front.svg")).unwrap();
    assert!(
        written == committed,
        "docs/exhibit-accepted-front.svg is stale: regenerate it with eid-audit crops testdata/accepted.zip --embed"
    );
}

#[test]
fn a_second_archive_with_the_same_process_id_never_mixes_with_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x");
    let o = out.to_str().unwrap();
    // Two archives with one process id: accepted.zip, and itself with its
    // front image left out (other bytes, other SHA-256).
    let first = eid_audit(&["crops", "testdata/accepted.zip", "-o", o]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let pid = "00000000-0000-4000-8000-000000000001";
    let before = crate::tree(&out.join(pid));
    let again = eid_audit(&[
        "crops",
        "testdata/accepted.zip",
        "-o",
        o,
        "--crops-exclude",
        "Photo",
    ]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(
        crate::tree(&out.join(pid)),
        before,
        "the first folder is untouched"
    );
    let sha = crate::record::sha256_hex(
        &std::fs::read(crate::root().join("testdata/accepted.zip")).unwrap(),
    );
    let second = out.join(format!("{pid}-{}", &sha[..12]));
    assert!(
        stdout(&again).contains(&format!("{pid}-{}", &sha[..12])),
        "{}",
        stdout(&again)
    );
    assert!(
        !second.join("data-photo.png").exists(),
        "the second run's own options"
    );
    // Both names taken: refused, and nothing of the third run is left.
    let third = eid_audit(&["crops", "testdata/accepted.zip", "-o", o]);
    assert_eq!(third.status.code(), Some(2));
    assert!(
        stderr(&third).contains("a report is already here") || stderr(&third).contains("already"),
        "{}",
        stderr(&third)
    );
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[cfg(unix)]
#[test]
fn crops_refuses_a_symlinked_or_file_out_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real");
    std::fs::create_dir(&real).unwrap();
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let o = eid_audit(&[
        "crops",
        "testdata/accepted.zip",
        "-o",
        link.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is a symbolic link; refusing to write through it"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_dir(&real).unwrap().count(),
        0,
        "nothing written through it"
    );
    let file = dir.path().join("file");
    std::fs::write(&file, "").unwrap();
    let o = eid_audit(&[
        "crops",
        "testdata/accepted.zip",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is a file, not a folder"),
        "{}",
        stderr(&o)
    );
}

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

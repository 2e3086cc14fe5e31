//! The one rule for images: what `--pii` and `--crops-exclude` let out of the
//! archives reaches no output in any form (a copy, a crop, an image embedded
//! in an SVG or a page, an annotation drawn over the pixels), and `run.json`
//! records exactly the image files that exist.

use crate::{eid_audit, stderr, testdata as bundled, tree};
use base64::Engine as _;
use eid_archive::evidence::Depiction;
use eid_archive::{Archive, ReadOptions};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

fn is_image(name: &str) -> bool {
    [".jpeg", ".jpg", ".png", ".svg"]
        .iter()
        .any(|e| name.ends_with(e))
}

/// The front and back images of every bundled archive, as stored.
fn sides() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for path in bundled() {
        let Ok(mut archive) = Archive::open(crate::root().join(&path), &ReadOptions::default())
        else {
            continue;
        };
        for side in [Depiction::Front, Depiction::Back] {
            if let Ok(Some(bytes)) = archive.image_bytes(side) {
                out.push(bytes.to_vec());
            }
        }
    }
    assert!(out.len() >= 10, "the bundled archives have sides to leak");
    out
}

fn report(out: &Path, extra: &[&str]) -> Value {
    let files = bundled();
    let mut args: Vec<&str> = vec!["report"];
    args.extend(files.iter().map(String::as_str));
    args.extend(["-o", out.to_str().unwrap(), "-q"]);
    args.extend(extra);
    let o = eid_audit(&args);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap()
}

/// The image files `run.json` lists, with their hashes checked against the
/// files as they are now; and the image files on disk: the same set.
fn listed_images_are_the_images_on_disk(out: &Path, run: &Value) -> BTreeSet<String> {
    let mut listed = BTreeSet::new();
    for f in run["outputs"].as_array().unwrap() {
        let path = f["path"].as_str().unwrap();
        let bytes = std::fs::read(out.join(path)).unwrap();
        assert_eq!(f["sha256"], crate::record::sha256_hex(&bytes), "{path}");
        if is_image(path) {
            listed.insert(path.to_owned());
        }
    }
    let on_disk: BTreeSet<String> = tree(out).into_keys().filter(|rel| is_image(rel)).collect();
    assert_eq!(listed, on_disk);
    listed
}

#[test]
fn excluded_sides_and_faces_reach_no_output_in_any_form() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let run = report(
        &out,
        &[
            "--crops",
            "--html",
            "--pii",
            "full",
            "--crops-exclude",
            "Photo,front,back",
        ],
    );
    let sides = sides();
    let encoded: Vec<String> = sides
        .iter()
        .map(|b| base64::engine::general_purpose::STANDARD.encode(&b[..b.len().min(300)]))
        .collect();
    for (rel, bytes) in tree(&out) {
        assert!(
            !sides.contains(&bytes),
            "{rel} is a copy of a front or back image"
        );
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !encoded.iter().any(|e| text.contains(e.as_str())),
            "{rel} embeds a front or back image"
        );
        assert!(!rel.contains("photo"), "{rel}: a face crop");
    }
    // The Photo rows say they were not cut.
    let features = std::fs::read_to_string(out.join("features.csv")).unwrap();
    let photo_rows: Vec<&str> = features.lines().filter(|l| l.contains(",Photo,")).collect();
    assert!(!photo_rows.is_empty());
    assert!(
        photo_rows.iter().all(|l| !l.contains("crops/")),
        "{photo_rows:?}"
    );

    let images = listed_images_are_the_images_on_disk(&out, &run);
    let files_record = &run["images"]["files"];
    assert_eq!(files_record["originals"], 0);
    assert_eq!(files_record["pageImages"], 0);
    let crops = images
        .iter()
        .filter(|p| p.starts_with("crops/") && p.ends_with(".png"))
        .count();
    assert!(crops > 0, "the other features are still cut");
    assert_eq!(files_record["crops"], crops);
    assert_eq!(
        files_record["annotations"],
        images
            .iter()
            .filter(|p| p.ends_with("-annotated.svg"))
            .count()
    );
    assert_eq!(
        run["images"]["excluded"],
        serde_json::json!(["Photo", "front", "back"])
    );
    assert_eq!(run["images"]["written"], true);
}

#[test]
fn pages_show_images_only_under_pii_full_and_run_json_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full");
    let run = report(
        &full,
        &["--html", "--pii", "full", "--crops-exclude", "back"],
    );
    let images = listed_images_are_the_images_on_disk(&full, &run);
    let copied: Vec<&String> = images.iter().filter(|p| p.starts_with("html/a/")).collect();
    assert!(
        copied.iter().any(|p| p.ends_with("-front.jpeg")),
        "{copied:?}"
    );
    assert!(!copied.iter().any(|p| p.contains("-back.")), "{copied:?}");
    assert_eq!(run["images"]["files"]["pageImages"], copied.len());
    assert!(
        run["images"]["note"]
            .as_str()
            .unwrap()
            .contains("beside its archive's page")
    );

    let omit = dir.path().join("omit");
    let run = report(&omit, &["--html"]);
    assert!(listed_images_are_the_images_on_disk(&omit, &run).is_empty());
    assert_eq!(run["images"]["written"], false);
    assert_eq!(run["images"]["note"], Value::Null);
}

#[test]
fn an_excluded_side_is_neither_embedded_nor_drawn_over() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("e");
    let o = eid_audit(&[
        "crops",
        "testdata/accepted.zip",
        "-o",
        out.to_str().unwrap(),
        "--embed",
        "--crops-exclude",
        "front",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let folder = out.join("00000000-0000-4000-8000-000000000001");
    let svg = std::fs::read_to_string(folder.join("front-annotated.svg")).unwrap();
    assert!(
        !svg.contains("data:image"),
        "the excluded front is embedded"
    );
    assert!(!folder.join("front.jpeg").exists());

    let png = dir.path().join("p");
    let o = eid_audit(&[
        "crops",
        "testdata/accepted.zip",
        "-o",
        png.to_str().unwrap(),
        "--annotated",
        "png",
        "--crops-exclude",
        "front",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let drawn = image::open(
        png.join("00000000-0000-4000-8000-000000000001")
            .join("front-annotated.png"),
    )
    .unwrap()
    .to_rgb8();
    let white = drawn.pixels().filter(|p| p.0 == [255, 255, 255]).count();
    let share = white as f64 / f64::from(drawn.width() * drawn.height());
    // Boxes, captions and a legend on an empty canvas: the document's
    // pixels (a textured card) would leave almost nothing pure white.
    assert!(share > 0.8, "{share}: the excluded front is drawn over");
}

#[test]
fn options_that_would_do_nothing_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    for (flags, message) in [
        (
            &["--embed"][..],
            "--embed shapes the exhibits: it does nothing without --crops",
        ),
        (
            &["--annotated", "png"][..],
            "--annotated shapes the exhibits",
        ),
        (
            &["--no-annotated"][..],
            "--no-annotated shapes the exhibits",
        ),
        (
            &["--exif-orientation"][..],
            "--exif-orientation shapes the exhibits",
        ),
        (
            &["--crops-exclude", "Photo"][..],
            "--crops-exclude leaves images out of the exhibits and the HTML pages: it does nothing without --crops or --html",
        ),
    ] {
        let mut args = vec![
            "report",
            "testdata/accepted.zip",
            "-o",
            out.to_str().unwrap(),
        ];
        args.extend(flags);
        let o = eid_audit(&args);
        assert_eq!(o.status.code(), Some(2), "{flags:?}");
        let err = stderr(&o);
        assert!(err.contains(message), "{flags:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(!out.exists(), "{flags:?}: nothing is written");
    }
    // With --html, the exclusions apply to the pages' images: accepted.
    let o = eid_audit(&[
        "report",
        "testdata/accepted.zip",
        "-o",
        out.to_str().unwrap(),
        "--html",
        "--crops-exclude",
        "front",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

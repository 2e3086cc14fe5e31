//! Exhibits checked by what they hold: the originals hash to the members,
//! every crop has the size of its box and the colour eid-testkit painted into
//! it (JPEG within a tolerance, PNG exactly), and every SVG parses as XML with
//! the image's own geometry and nothing active in it.

use super::support::{member_index, open};
use eid_archive::crops::{self, Annotation, CropOptions, CropOutcome, Crops};
use eid_archive::{Audit, AuditOptions, FindingCode, Limits};
use eid_testkit::{Case, FeatureSpec, ImageKind, feature_colour};
use std::path::{Path, PathBuf};

/// Exhibits written into a temporary folder.
struct Written {
    _root: tempfile::TempDir,
    dir: PathBuf,
    crops: Crops,
}

fn write_zip(zip: Vec<u8>, options: &CropOptions) -> Written {
    let root = tempfile::tempdir().unwrap();
    let mut archive = open("case.zip", zip).unwrap();
    let audit = Audit::of_archive(&mut archive, &AuditOptions::default()).unwrap();
    let crops = crops::write_into(&mut archive, &audit, root.path(), options).unwrap();
    let dir = root.path().join(&crops.folder);
    Written {
        _root: root,
        dir,
        crops,
    }
}

fn write_case(case: &Case) -> Written {
    write_zip(case.to_zip(), &CropOptions::default())
}

fn image(w: &Written, file: &str) -> image::RgbImage {
    image::open(w.dir.join(file))
        .unwrap_or_else(|e| panic!("{file}: {e}"))
        .to_rgb8()
}

fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn outcome<'a>(c: &'a Crops, feature: &str) -> &'a CropOutcome {
    &c.features
        .iter()
        .find(|f| f.feature == feature)
        .unwrap_or_else(|| panic!("no feature {feature}"))
        .outcome
}

/// Mean absolute difference per channel over the crop's interior (edges blur in JPEG).
fn colour_error(img: &image::RgbImage, colour: [u8; 3]) -> f64 {
    let (w, h) = img.dimensions();
    let (mx, my) = ((w / 4).min(4), (h / 4).min(4));
    let mut sum = 0f64;
    let mut n = 0f64;
    for y in my..h - my {
        for x in mx..w - mx {
            let p = img.get_pixel(x, y).0;
            for c in 0..3 {
                sum += (f64::from(p[c]) - f64::from(colour[c])).abs();
                n += 1.0;
            }
        }
    }
    sum / n
}

fn assert_cut_matches(case: &Case, exact: bool) {
    let w = write_case(case);
    let mut cut = 0;
    for spec in case.features.iter().filter(|f| f.found) {
        let (x, y, bw, bh) = spec.bbox.unwrap();
        let CropOutcome::Cut {
            file,
            region,
            clipped,
        } = outcome(&w.crops, &spec.name)
        else {
            panic!("{} not cut: {:?}", spec.name, outcome(&w.crops, &spec.name));
        };
        assert!(!clipped, "{}", spec.name);
        assert_eq!(*region, (x as u32, y as u32, bw as u32, bh as u32));
        let img = image(&w, file);
        assert_eq!(img.dimensions(), (bw as u32, bh as u32), "{file}");
        let colour = feature_colour(&spec.name);
        if exact {
            assert!(
                img.pixels().all(|p| p.0 == colour),
                "{file} is not exactly {colour:?}"
            );
        } else {
            let err = colour_error(&img, colour);
            assert!(err < 6.0, "{file}: mean error {err} from {colour:?}");
        }
        cut += 1;
    }
    assert!(cut >= 3);
}

#[test]
fn jpeg_crops_have_the_box_size_and_the_painted_colour() {
    assert_cut_matches(&Case::accepted(), false);
    assert_cut_matches(&Case::nested_upper(), false);
    assert_cut_matches(&Case::native(), false);
}

#[test]
fn png_crops_are_exact() {
    let mut case = Case::accepted();
    case.image = ImageKind::Png;
    assert_cut_matches(&case, true);
}

#[test]
fn the_originals_are_the_evidence_byte_for_byte() {
    let case = Case::nested_upper();
    let zip = case.to_zip();
    let w = write_zip(zip.clone(), &CropOptions::default());
    let mut archive = open("case.zip", zip).unwrap();
    for (side, member) in [
        ("front", "Result/Raw/FRONT.JPEG"),
        ("back", "Result/Raw/BACK.JPEG"),
    ] {
        let original = w
            .crops
            .originals
            .iter()
            .find(|o| o.side.as_str() == side)
            .unwrap();
        let file = original.file.as_deref().unwrap();
        assert_eq!(file, format!("{side}.jpeg"));
        let on_disk = std::fs::read(w.dir.join(file)).unwrap();
        let member_sha = archive
            .member_sha256(member_index(&archive, member))
            .unwrap();
        assert_eq!(original.sha256, member_sha, "{side}");
        assert_eq!(
            eid_archive_sha256(&on_disk),
            member_sha,
            "{side}: copied, not re-encoded"
        );
    }
    // The native dialect's embedded image is written as its decoded bytes.
    let native = write_case(&Case::native());
    assert!(
        native
            .crops
            .originals
            .iter()
            .any(|o| o.file.as_deref() == Some("front.jpeg"))
    );
}

fn eid_archive_sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn a_box_leaving_the_image_is_clipped_and_said_so() {
    let w = write_case(&Case::png_media());
    let CropOutcome::Cut {
        file,
        region,
        clipped,
    } = outcome(&w.crops, "Signature")
    else {
        panic!()
    };
    assert!(*clipped);
    assert_eq!(*region, (201, 136, 119, 30));
    let img = image(&w, file);
    assert_eq!(img.dimensions(), (119, 30));
    assert!(img.pixels().all(|p| p.0 == feature_colour("Signature")));
}

#[test]
fn boxes_that_cannot_be_cut_say_why() {
    let mut case = Case::accepted();
    case.image = ImageKind::Png;
    case.features = vec![
        FeatureSpec::found("Outside", 700, 10, 20, 20),
        FeatureSpec::found("Flat", 10, 10, 0, 20),
        FeatureSpec::found("Backside", 10, 10, 20, 20).on("back"),
        FeatureSpec::found("Sideways", 10, 10, 20, 20).on("left"),
        FeatureSpec::missing("OVI 1"),
    ];
    let w = write_case(&case);
    let code = |f: &str| match outcome(&w.crops, f) {
        CropOutcome::NotCut(why) => why.code().to_owned(),
        other => panic!("{f} was cut: {other:?}"),
    };
    assert_eq!(code("Outside"), "BBoxOutOfBounds");
    assert_eq!(code("Flat"), "BBoxEmpty");
    assert_eq!(code("Backside"), "MissingMedia");
    assert_eq!(code("Sideways"), "UnknownSide");
    assert_eq!(code("OVI 1"), "FeatureNotFound");
    // Only the original and its annotation are written.
    assert_eq!(files(&w.dir), vec!["front-annotated.svg", "front.png"]);
}

#[test]
fn hostile_names_never_leave_the_output_folder_and_never_collide() {
    let mut case = Case::accepted();
    case.image = ImageKind::Png;
    let long = "L".repeat(5000);
    case.process_id = "../../../escape/../..".into();
    case.features = [
        "../../x",
        "/abs",
        "a\\b",
        "",
        &long,
        "OVI 1",
        "ovi-1",
        "annotated",
    ]
    .iter()
    .enumerate()
    .map(|(i, n)| FeatureSpec::found(n, 10 + 20 * i as i64, 10, 10, 10))
    .collect();
    case.features[7] = case.features[7].clone().on("front");
    let w = write_case(&case);
    assert_eq!(w.crops.folder, "escape");
    let expected_long = format!("data-{}.png", "l".repeat(60));
    let mut expected = vec![
        "data-x.png",
        "data-abs.png",
        "data-a-b.png",
        expected_long.as_str(),
        "data-ovi-1.png",
        "data-ovi-1-2.png",
        "front-annotated-2.png",
        "front-annotated.svg",
        "front.png",
    ];
    expected.sort();
    assert_eq!(files(&w.dir), expected);
    // An empty name is no name: the entry cannot be read, and is not cut.
    assert!(
        matches!(outcome(&w.crops, "?"), CropOutcome::NotCut(why) if why.code() == "FeatureUnreadable")
    );
    // Nothing at all was created beside the process folder.
    assert_eq!(files(w.dir.parent().unwrap()), vec!["escape"]);
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_in_the_way_is_refused_or_replaced_never_followed() {
    let root = tempfile::tempdir().unwrap();
    let elsewhere = root.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let case = Case::png_media();
    let mut archive = open("case.zip", case.to_zip()).unwrap();
    let audit = Audit::of_archive(&mut archive, &AuditOptions::default()).unwrap();
    let dir = root.path().join("out").join(&case.process_id);
    std::fs::create_dir_all(dir.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &dir).unwrap();
    let err = crops::write(&mut archive, &audit, &dir, &CropOptions::default()).unwrap_err();
    assert!(err.to_string().contains("symbolic link"), "{err}");
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);

    // A link planted where a crop file goes is replaced, not followed.
    let dir2 = root.path().join("out2").join(&case.process_id);
    std::fs::create_dir_all(&dir2).unwrap();
    let target = root.path().join("victim.png");
    std::fs::write(&target, b"keep").unwrap();
    std::os::unix::fs::symlink(&target, dir2.join("data-photo.png")).unwrap();
    crops::write(&mut archive, &audit, &dir2, &CropOptions::default()).unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), b"keep");
    assert!(
        !std::fs::symlink_metadata(dir2.join("data-photo.png"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn a_giant_image_header_is_refused_without_allocating_it() {
    let png = eid_testkit::hostile::png_header_only(40_000, 40_000);
    let err = eid_archive::media::decode(&png, &Limits::default()).unwrap_err();
    assert!(err.to_string().contains("40000×40000"), "{err}");

    let case = Case::accepted();
    let mut members = case.members();
    members.retain(|(n, _)| !n.starts_with("front"));
    members.push(("front.png".into(), png));
    let w = write_zip(eid_testkit::zip_members(&members), &CropOptions::default());
    assert!(
        matches!(outcome(&w.crops, "Photo"), CropOutcome::NotCut(why) if why.code() == "UndecodableMedia")
    );
}

#[test]
fn a_truncated_image_is_a_finding_and_the_other_side_is_still_cut() {
    let case = Case::nested_upper();
    let mut members = case.members();
    for (name, bytes) in &mut members {
        if name.ends_with("FRONT.JPEG") {
            bytes.truncate(bytes.len() / 3);
        }
    }
    let w = write_zip(eid_testkit::zip_members(&members), &CropOptions::default());
    let c = &w.crops;
    assert_eq!(c.findings.len(), 1);
    assert_eq!(c.findings[0].code, FindingCode::UndecodableMedia);
    assert_eq!(c.findings[0].subject, "Result/Raw/FRONT.JPEG");
    assert!(
        matches!(outcome(c, "Photo"), CropOutcome::NotCut(why) if why.code() == "UndecodableMedia")
    );
    assert!(matches!(outcome(c, "Barcode"), CropOutcome::Cut { .. }));
    let written = files(&w.dir);
    assert!(
        written.contains(&"back-barcode.png".to_owned()),
        "{written:?}"
    );
    // The truncated original is still the evidence, copied as it is.
    assert!(written.contains(&"front.jpeg".to_owned()), "{written:?}");
}

#[test]
fn the_png_annotation_draws_every_box_on_the_full_image() {
    let case = Case::png_media();
    let w = write_zip(
        case.to_zip(),
        &CropOptions::default().with_annotation(Annotation::Png),
    );
    let a = &w.crops.annotated[0];
    assert_eq!((a.file.as_str(), a.width), ("front-annotated.png", 320));
    let img = image(&w, "front-annotated.png");
    // The stored image sits between a caption band and a legend band.
    assert!(img.height() > 202, "{}", img.height());
    let top = caption_band(&img);
    let photo = feature_colour("Photo");
    assert_ne!(
        img.get_pixel(16, 120 + top).0,
        photo,
        "outline drawn on the left edge"
    );
    assert_eq!(img.get_pixel(50, 120 + top).0, photo);
}

/// The height of the white caption band above the image: rows from the top
/// until the first row that is not mostly white.
fn caption_band(img: &image::RgbImage) -> u32 {
    (0..img.height())
        .find(|y| {
            let white = (0..img.width())
                .filter(|x| img.get_pixel(*x, *y).0 == [255, 255, 255])
                .count();
            white < img.width() as usize / 2
        })
        .unwrap_or(0)
}

/// Inserts an EXIF block saying "rotate 90° clockwise" (orientation 6) after the JPEG's SOI.
fn with_exif_orientation_6(jpeg: &[u8]) -> Vec<u8> {
    let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    tiff.extend_from_slice(&[0, 1]); // one entry
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]); // Orientation = 6
    tiff.extend_from_slice(&[0, 0, 0, 0]); // no next IFD
    let mut app1 = b"Exif\x00\x00".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

#[test]
fn exif_orientation_is_an_option_applied_after_cutting() {
    let case = Case::accepted();
    let mut members = case.members();
    for (name, bytes) in &mut members {
        if name == "front.jpeg" {
            *bytes = with_exif_orientation_6(bytes);
        }
    }
    let zip = eid_testkit::zip_members(&members);
    let stored = write_zip(zip.clone(), &CropOptions::default());
    let CropOutcome::Cut { file, .. } = outcome(&stored.crops, "Signature") else {
        panic!()
    };
    assert_eq!(
        image(&stored, file).dimensions(),
        (217, 60),
        "boxes are cut in stored pixels"
    );
    let upright = write_zip(
        zip,
        &CropOptions::default()
            .with_exif_orientation(true)
            .with_annotation(Annotation::Png),
    );
    let CropOutcome::Cut { file, region, .. } = outcome(&upright.crops, "Signature") else {
        panic!()
    };
    assert_eq!(*region, (402, 273, 217, 60), "the same region is cut");
    assert_eq!(
        image(&upright, file).dimensions(),
        (60, 217),
        "then turned upright"
    );
    // Turned a quarter: the stored width (640) becomes the height; the caption
    // and legend bands, added to the height before turning, widen it.
    let annotated = image(&upright, "front-annotated.png");
    assert_eq!(annotated.height(), 640);
    assert!(annotated.width() > 404, "{}", annotated.width());
}

#[test]
fn annotations_can_be_left_out_and_features_excluded() {
    let case = Case::nested_upper();
    let w = write_zip(
        case.to_zip(),
        &CropOptions::default()
            .with_annotation(Annotation::None)
            .with_exclude(vec!["photo".into(), "back".into()]),
    );
    let written = files(&w.dir);
    assert!(
        written.iter().all(|f| !f.contains("annotated")),
        "{written:?}"
    );
    assert!(w.crops.annotated.is_empty());
    assert!(
        matches!(outcome(&w.crops, "Photo"), CropOutcome::NotCut(why) if why.code() == "Excluded")
    );
    assert!(!written.contains(&"data-photo.png".to_owned()));
    assert!(
        !written.contains(&"back.jpeg".to_owned()),
        "the back original is left out"
    );
    let back = w
        .crops
        .originals
        .iter()
        .find(|o| o.side.as_str() == "back")
        .unwrap();
    assert_eq!(back.file, None);
    assert_eq!(back.sha256.len(), 64, "still fingerprinted");
}

#[test]
fn giant_boxes_on_a_tiny_image_stay_within_the_crop_budget() {
    let mut case = Case::accepted();
    case.image = ImageKind::Png;
    case.front = Some((64, 40));
    case.features = (0..8)
        .map(|i| {
            FeatureSpec::found(
                &format!("F{i}"),
                0,
                0,
                i64::from(i32::MAX),
                i64::from(i32::MAX),
            )
        })
        .collect();
    let w = write_case(&case);
    let cut = w
        .crops
        .features
        .iter()
        .filter(|f| matches!(f.outcome, CropOutcome::Cut { .. }))
        .count();
    assert_eq!(cut, 2, "twice the image's pixels, then the budget is spent");
    let over: Vec<&str> = w
        .crops
        .findings
        .iter()
        .filter(|f| f.code == FindingCode::CropBudget)
        .map(|f| f.subject.as_str())
        .collect();
    assert_eq!(over, vec!["F2", "F3", "F4", "F5", "F6", "F7"]);
}

/// Every SVG the tests write: parsed as XML, with the checks issue #13 asks for.
fn check_svg(w: &Written, side: &str, width: u32, height: u32) -> String {
    let text = std::fs::read_to_string(w.dir.join(format!("{side}-annotated.svg"))).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let root = doc.root_element();
    // The image's own pixel grid, with the caption strip above it (negative
    // y) and the legend strip below it, both outside the image.
    let vb: Vec<i64> = root
        .attribute("viewBox")
        .unwrap()
        .split(' ')
        .map(|v| v.parse().unwrap())
        .collect();
    let (wi, hi) = (i64::from(width), i64::from(height));
    assert_eq!((vb[0], vb[2]), (0, wi), "{vb:?}");
    assert!(vb[1] < 0 && vb[1] + vb[3] > hi, "{vb:?}");
    for strip in ["caption", "legend"] {
        let g = doc
            .descendants()
            .find(|n| n.attribute("class") == Some(strip))
            .unwrap();
        let r = g.children().find(|n| n.has_tag_name("rect")).unwrap();
        let num = |a: &str| r.attribute(a).unwrap().parse::<i64>().unwrap();
        let (y, h) = (num("y"), num("height"));
        assert!(y + h <= 0 || y >= hi, "the {strip} covers the image");
    }
    for n in doc.descendants().filter(|n| n.is_element()) {
        let name = n.tag_name().name();
        assert!(
            !matches!(name, "script" | "foreignObject" | "iframe"),
            "{name}"
        );
        for a in n.attributes() {
            assert!(!a.name().starts_with("on"), "{} on {name}", a.name());
            if a.name() == "href" {
                // The only reference: the side's original beside the SVG.
                assert!(
                    a.value() == format!("{side}.jpeg")
                        || a.value() == format!("{side}.png")
                        || a.value().starts_with("data:image/"),
                    "{}",
                    a.value()
                );
            }
        }
    }
    text
}

#[test]
fn the_svg_annotation_has_the_image_geometry_and_every_feature() {
    let mut case = Case::png_media();
    case.features.push(FeatureSpec::missing("OVI 9"));
    let w = write_case(&case);
    let text = check_svg(&w, "front", 320, 202);
    let doc = roxmltree::Document::parse(&text).unwrap();
    let groups: Vec<(String, String, bool)> = doc
        .descendants()
        .filter(|n| {
            n.has_tag_name("g")
                && n.attribute("class")
                    .is_some_and(|c| c.split(' ').any(|c| c == "feature"))
        })
        .map(|g| {
            (
                g.attribute("data-feature").unwrap().to_owned(),
                g.attribute("data-bbox").unwrap().to_owned(),
                g.attribute("class").unwrap().contains("clipped"),
            )
        })
        .collect();
    for spec in case.features.iter().filter(|f| f.found) {
        let (x, y, bw, bh) = spec.bbox.unwrap();
        let (_, bbox, clipped) = groups
            .iter()
            .find(|(n, ..)| *n == spec.name)
            .unwrap_or_else(|| panic!("{} has no box", spec.name));
        assert_eq!(bbox, &format!("{x},{y},{bw},{bh}"));
        assert_eq!(*clipped, spec.name == "Signature", "{}", spec.name);
    }
    assert_eq!(
        groups.len(),
        case.features.iter().filter(|f| f.found).count()
    );
    let texts: String = doc.descendants().filter_map(|n| n.text()).collect();
    assert!(
        texts.contains("OVI 9: not found"),
        "the missing feature is in the legend"
    );
    let sha = &w.crops.originals[0].sha256[..12];
    assert!(
        texts.contains(sha),
        "the caption names the image by its hash"
    );
}

#[test]
fn hostile_feature_names_stay_text_in_the_svg() {
    let mut case = Case::accepted();
    case.features[0].name = "</text><script>alert(1)</script>".into();
    case.features[1].name = "\"><g onload=\"x\">".into();
    let w = write_case(&case);
    let text = check_svg(&w, "front", 640, 404);
    let doc = roxmltree::Document::parse(&text).unwrap();
    let names: Vec<&str> = doc
        .descendants()
        .filter_map(|n| n.attribute("data-feature"))
        .collect();
    assert!(
        names.contains(&"</text><script>alert(1)</script>"),
        "{names:?}"
    );
    assert!(names.contains(&"\"><g onload=\"x\">"), "{names:?}");
}

#[test]
fn an_embedded_svg_stands_alone() {
    let w = write_zip(
        Case::png_media().to_zip(),
        &CropOptions::default().with_embedded_images(true),
    );
    let text = check_svg(&w, "front", 320, 202);
    assert!(text.contains("href=\"data:image/png;base64,"));
}

#[test]
fn the_svg_of_a_bundled_archive() {
    let zip =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/accepted.zip"))
            .unwrap();
    let w = write_zip(zip, &CropOptions::default());
    let text = check_svg(&w, "front", 640, 404);
    insta::assert_snapshot!(text);
}

#[test]
fn an_archive_with_nothing_to_write_leaves_no_folder() {
    let root = tempfile::tempdir().unwrap();
    let path = root.path().join("no-images.zip");
    eid_archive::doc_example_archive(&path).unwrap();
    let out = root.path().join("exhibits");
    let audit = Audit::of_file(&path, &AuditOptions::default()).unwrap();
    let mut archive = eid_archive::Archive::open(&path, &Default::default()).unwrap();
    let c = crops::write_into(&mut archive, &audit, &out, &CropOptions::default()).unwrap();
    assert!(c.originals.is_empty() && c.annotated.is_empty());
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        0,
        "no folder, no leftover"
    );
}

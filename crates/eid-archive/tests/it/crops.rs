//! Crops checked by their pixels: every crop has the size of its box and the
//! colour eid-testkit painted into it (JPEG within a tolerance, PNG exactly).

use super::support::open;
use eid_archive::Limits;
use eid_archive::crops::{self, CropOptions, CropOutcome, Crops};
use eid_testkit::{Case, FeatureSpec, ImageKind, feature_colour};

fn cut_case(case: &Case) -> Crops {
    cut_zip(case.to_zip(), &case.process_id)
}

fn cut_zip(zip: Vec<u8>, process_id: &str) -> Crops {
    let mut archive = open("case.zip", zip).unwrap();
    crops::cut(&mut archive, process_id, &CropOptions::default())
}

fn image<'a>(c: &'a Crops, file: &str) -> &'a image::RgbImage {
    c.images()
        .find(|(n, _)| *n == file)
        .unwrap_or_else(|| panic!("no image {file}"))
        .1
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
    let c = cut_case(case);
    let mut cut = 0;
    for spec in case.features.iter().filter(|f| f.found) {
        let (x, y, w, h) = spec.bbox.unwrap();
        let CropOutcome::Cut {
            file,
            region,
            clipped,
        } = outcome(&c, &spec.name)
        else {
            panic!("{} not cut: {:?}", spec.name, outcome(&c, &spec.name));
        };
        assert!(!clipped, "{}", spec.name);
        assert_eq!(*region, (x as u32, y as u32, w as u32, h as u32));
        let img = image(&c, file);
        assert_eq!(img.dimensions(), (w as u32, h as u32), "{file}");
        let colour = feature_colour(&spec.name);
        if exact {
            assert!(
                img.pixels().all(|p| p.0 == colour),
                "{file} is not exactly {colour:?}"
            );
        } else {
            let err = colour_error(img, colour);
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
fn a_box_leaving_the_image_is_clipped_and_said_so() {
    let c = cut_case(&Case::png_media());
    let CropOutcome::Cut {
        file,
        region,
        clipped,
    } = outcome(&c, "Signature")
    else {
        panic!()
    };
    assert!(*clipped);
    assert_eq!(*region, (201, 136, 119, 30));
    let img = image(&c, file);
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
    let c = cut_case(&case);
    let code = |f: &str| match outcome(&c, f) {
        CropOutcome::NotCut(why) => why.code().to_owned(),
        other => panic!("{f} was cut: {other:?}"),
    };
    assert_eq!(code("Outside"), "BBoxOutOfBounds");
    assert_eq!(code("Flat"), "BBoxEmpty");
    assert_eq!(code("Backside"), "MissingMedia");
    assert_eq!(code("Sideways"), "UnknownSide");
    assert_eq!(code("OVI 1"), "FeatureNotFound");
    // only the annotated front image is left to write
    assert_eq!(
        c.images().map(|(n, _)| n).collect::<Vec<_>>(),
        vec!["front-annotated.png"]
    );
}

#[test]
fn hostile_names_never_leave_the_output_folder_and_never_collide() {
    let mut case = Case::accepted();
    case.image = ImageKind::Png;
    let long = "L".repeat(5000);
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
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    let c = cut_zip(case.to_zip(), "../../../escape/../..");
    let written = c.write(&out).unwrap();
    assert_eq!(c.folder, "escape");
    let names: Vec<String> = written
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let expected_long = format!("data-{}.png", "l".repeat(60));
    assert_eq!(
        names,
        vec![
            "data-x.png",
            "data-abs.png",
            "data-a-b.png",
            "data-feature.png",
            expected_long.as_str(),
            "data-ovi-1.png",
            "data-ovi-1-2.png",
            "front-annotated-2.png",
            "front-annotated.png"
        ]
    );
    for p in &written {
        assert!(p.starts_with(out.join("escape")), "{} escaped", p.display());
    }
    // nothing at all was created beside the output folder
    let beside: Vec<_> = std::fs::read_dir(root.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(beside, vec![std::ffi::OsString::from("out")]);
    // writing again replaces the files rather than failing or adding copies
    assert_eq!(c.write(&out).unwrap().len(), written.len());
    assert_eq!(
        std::fs::read_dir(out.join("escape")).unwrap().count(),
        written.len()
    );
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_in_the_way_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    let elsewhere = root.path().join("elsewhere");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    let case = Case::png_media();
    std::os::unix::fs::symlink(&elsewhere, out.join(&case.process_id)).unwrap();
    let err = cut_case(&case).write(&out).unwrap_err();
    assert!(err.to_string().contains("symbolic link"), "{err}");
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);

    // a link planted where a crop file goes is replaced, not followed
    let out2 = root.path().join("out2");
    let dir = out2.join(&case.process_id);
    std::fs::create_dir_all(&dir).unwrap();
    let target = root.path().join("victim.png");
    std::fs::write(&target, b"keep").unwrap();
    std::os::unix::fs::symlink(&target, dir.join("data-photo.png")).unwrap();
    cut_case(&case).write(&out2).unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), b"keep");
    assert!(
        !std::fs::symlink_metadata(dir.join("data-photo.png"))
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
    let c = cut_zip(eid_testkit::zip_members(&members), "giant");
    assert!(
        matches!(outcome(&c, "Photo"), CropOutcome::NotCut(why) if why.code() == "UndecodableMedia")
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
    let c = cut_zip(eid_testkit::zip_members(&members), &case.process_id);
    assert_eq!(c.findings.len(), 1);
    assert_eq!(
        c.findings[0].code,
        eid_archive::FindingCode::UndecodableMedia
    );
    assert_eq!(c.findings[0].subject, "Result/Raw/FRONT.JPEG");
    assert!(
        matches!(outcome(&c, "Photo"), CropOutcome::NotCut(why) if why.code() == "UndecodableMedia")
    );
    assert!(matches!(outcome(&c, "Barcode"), CropOutcome::Cut { .. }));
    let files: Vec<&str> = c.images().map(|(n, _)| n).collect();
    assert_eq!(files, vec!["back-barcode.png", "back-annotated.png"]);
}

#[test]
fn the_annotated_image_shows_every_box_on_the_full_image() {
    let case = Case::png_media();
    let c = cut_case(&case);
    let img = image(&c, "front-annotated.png");
    assert_eq!(img.dimensions(), (320, 202));
    // the outline sits on the box's edge; the painted interior is untouched
    let photo = feature_colour("Photo");
    assert_ne!(
        img.get_pixel(16, 120).0,
        photo,
        "outline drawn on the left edge"
    );
    assert_eq!(img.get_pixel(50, 120).0, photo);
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
    let stored = cut_zip(zip.clone(), "p");
    let CropOutcome::Cut { file, .. } = outcome(&stored, "Signature") else {
        panic!()
    };
    assert_eq!(
        image(&stored, file).dimensions(),
        (217, 60),
        "boxes are cut in stored pixels"
    );

    let mut archive = open("case.zip", zip).unwrap();
    let upright = crops::cut(
        &mut archive,
        "p",
        &CropOptions::default().with_exif_orientation(true),
    );
    let CropOutcome::Cut { file, region, .. } = outcome(&upright, "Signature") else {
        panic!()
    };
    assert_eq!(*region, (402, 273, 217, 60), "the same region is cut");
    assert_eq!(
        image(&upright, file).dimensions(),
        (60, 217),
        "then turned upright"
    );
    assert_eq!(
        image(&upright, "front-annotated.png").dimensions(),
        (404, 640)
    );
}

#[test]
fn annotated_images_can_be_left_out() {
    let case = Case::nested_upper();
    let mut archive = open("case.zip", case.to_zip()).unwrap();
    let c = crops::cut(
        &mut archive,
        "p",
        &CropOptions::default().with_skip_annotated(true),
    );
    let files: Vec<&str> = c.images().map(|(n, _)| n).collect();
    assert_eq!(files.len(), 6, "{files:?}");
    assert!(files.iter().all(|f| !f.contains("annotated")), "{files:?}");
    assert!(c.annotated.is_empty());
}

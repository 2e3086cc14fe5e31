//! `--verify-media` (and the crops) against JPEG scans that stop short of
//! their frame: the bundled accepted archive with its front image cut in half
//! and closed with an end marker, or with a frame header taller than its
//! scan, is an `UndecodableMedia` finding naming the member and how much of
//! the frame is coded; intact images, progressive ones and ones with restart
//! markers are not.

use super::support;
use eid_archive::crops::{self, CropOptions, CropOutcome, NotCut};
use eid_archive::{Audit, AuditOptions, FindingCode};
use std::io::Read;
use std::path::Path;

/// The bundled accepted archive's members, the front image replaced by
/// what `front` makes of it.
fn accepted_with_front(front: impl FnOnce(Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/accepted.zip");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut members = Vec::new();
    let mut front = Some(front);
    for i in 0..zip.len() {
        let mut m = zip.by_index(i).unwrap();
        let name = m.name().unwrap().to_string();
        let mut bytes = Vec::new();
        m.read_to_end(&mut bytes).unwrap();
        if name == "front.jpeg" {
            bytes = front.take().unwrap()(bytes);
        }
        members.push((name, bytes));
    }
    assert!(front.is_none(), "the accepted archive has a front image");
    eid_testkit::zip_members(&members)
}

/// `(subject, message)` of the `UndecodableMedia` findings with `--verify-media`.
fn verified(zip: Vec<u8>) -> Vec<(String, String)> {
    let mut archive = support::open("scan.zip", zip).unwrap();
    let options = AuditOptions::default().with_media_verified(true);
    let a = Audit::of_archive(&mut archive, &options).unwrap();
    a.verdict
        .findings
        .iter()
        .filter(|f| f.code == FindingCode::UndecodableMedia)
        .map(|f| (f.subject.clone(), f.message.clone()))
        .collect()
}

/// The bytes up to half the image, then an end-of-image marker.
fn cut_in_half(b: Vec<u8>) -> Vec<u8> {
    let mut c = b[..b.len() / 2].to_vec();
    c.extend_from_slice(&[0xFF, 0xD9]);
    c
}

/// The image with its frame header's height doubled.
fn twice_as_tall(mut b: Vec<u8>) -> Vec<u8> {
    let sof = (0..b.len() - 1)
        .find(|&i| b[i] == 0xFF && matches!(b[i + 1], 0xC0 | 0xC2))
        .unwrap();
    let h = u16::from_be_bytes([b[sof + 5], b[sof + 6]]);
    b[sof + 5..sof + 7].copy_from_slice(&(h * 2).to_be_bytes());
    b
}

/// A busy picture written by the second encoder, progressive or with
/// restart markers.
fn encoded(progressive: bool, restart: u16) -> Vec<u8> {
    let (w, h) = (320u16, 200u16);
    let img = image::RgbImage::from_fn(u32::from(w), u32::from(h), |x, y| {
        image::Rgb([
            (x * 7 % 251) as u8,
            (y * 13 % 241) as u8,
            ((x ^ y) % 256) as u8,
        ])
    });
    let mut out = Vec::new();
    let mut e = jpeg_encoder::Encoder::new(&mut out, 85);
    e.set_progressive(progressive);
    e.set_restart_interval(restart);
    e.encode(img.as_raw(), w, h, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    out
}

#[test]
fn the_intact_accepted_archive_verifies_clean() {
    assert_eq!(verified(accepted_with_front(|b| b)), []);
}

#[test]
fn a_front_cut_in_half_and_closed_is_found_with_its_coverage() {
    let found = verified(accepted_with_front(cut_in_half));
    assert_eq!(found.len(), 1, "{found:?}");
    // The decoder alone takes it and fills the rest: the walk says how much
    // the data codes (the front is 640 × 404, MCUs of 8 × 8).
    assert_eq!(
        found[0],
        (
            "front.jpeg".to_owned(),
            "truncated JPEG scan: scan 1 covers 1,908 of 4,080 MCUs (rows 0–183 of 404): the data ends"
                .to_owned()
        )
    );
}

#[test]
fn a_front_whose_frame_is_taller_than_its_scan_is_found() {
    let found = verified(accepted_with_front(twice_as_tall));
    // Exactly the image's own 404 rows (51 MCU rows) are coded.
    assert_eq!(
        found,
        [(
            "front.jpeg".to_owned(),
            "truncated JPEG scan: scan 1 covers 4,080 of 8,080 MCUs (rows 0–407 of 808): the data ends"
                .to_owned()
        )]
    );
}

#[test]
fn progressive_and_restart_marker_fronts_verify_clean_and_are_found_cut() {
    for (progressive, restart) in [(true, 0), (false, 4), (true, 3)] {
        let intact = encoded(progressive, restart);
        assert_eq!(
            verified(accepted_with_front(|_| intact.clone())),
            [],
            "progressive {progressive}, restart {restart}"
        );
        let found = verified(accepted_with_front(|_| cut_in_half(intact)));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].1.starts_with("truncated JPEG scan: scan "),
            "{found:?}"
        );
    }
}

#[test]
fn a_scan_cut_short_is_never_cropped() {
    let zip = accepted_with_front(cut_in_half);
    let mut archive = support::open("scan.zip", zip).unwrap();
    let a = Audit::of_archive(&mut archive, &AuditOptions::default()).unwrap();
    let out = tempfile::tempdir().unwrap();
    let c = crops::write(&mut archive, &a, out.path(), &CropOptions::default()).unwrap();
    // The accepted archive's features are all on the front: none is cut.
    assert!(!c.features.is_empty());
    for f in &c.features {
        assert!(
            matches!(
                &f.outcome,
                CropOutcome::NotCut(NotCut::Undecodable(_, why)) if why.starts_with("truncated JPEG scan")
            ),
            "{f:#?}"
        );
    }
    assert!(
        c.findings
            .iter()
            .any(|f| f.code == FindingCode::UndecodableMedia && f.subject == "front.jpeg")
    );
}

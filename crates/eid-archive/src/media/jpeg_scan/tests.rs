use super::*;
use eid_testkit::ImageKind;
use image::RgbImage;
use jpeg_encoder::{ColorType, Encoder, SamplingFactor};
use proptest::prelude::*;

/// A busy picture (gradients and noise), so that every block has
/// coefficients and a cut lands inside real data.
fn picture(w: u32, h: u32) -> RgbImage {
    let mut seed: u32 = 0x2545_F491;
    RgbImage::from_fn(w, h, |x, y| {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let n = (seed >> 24) as u8 / 4;
        image::Rgb([
            (x * 255 / w.max(1)) as u8 ^ n,
            (y * 255 / h.max(1)) as u8 ^ n,
            ((x + y) % 97) as u8 + n,
        ])
    })
}

/// Baseline, as the image crate (and so the bundled test data) writes it.
fn baseline(w: u32, h: u32) -> Vec<u8> {
    eid_testkit::encode(&picture(w, h), ImageKind::Jpeg)
}

/// Written by the second encoder, with its settings changed by `set`.
fn encoded(w: u16, h: u16, set: impl FnOnce(&mut Encoder<&mut Vec<u8>>)) -> Vec<u8> {
    let img = picture(u32::from(w), u32::from(h));
    let mut out = Vec::new();
    let mut e = Encoder::new(&mut out, 85);
    set(&mut e);
    e.encode(img.as_raw(), w, h, ColorType::Rgb).unwrap();
    out
}

/// libjpeg-turbo's progressive script (successive approximation: every
/// refinement kind), 4:2:0, a restart marker after each MCU row; see the
/// fixtures' README.
const REFINED: &[u8] =
    include_bytes!("../../../tests/fixtures/jpeg/progressive-refined-restart.jpg");

/// Offset of the first segment with `marker`, walked from SOI.
fn segment(b: &[u8], marker: u8) -> Option<usize> {
    let mut i = 2;
    while i + 4 <= b.len() && b[i] == 0xFF {
        if b[i + 1] == marker {
            return Some(i);
        }
        i += 2 + usize::from(u16::from_be_bytes([b[i + 2], b[i + 3]]));
    }
    None
}

/// The bytes cut at `at` (a share of the whole), closed with an end marker.
fn cut_and_closed(b: &[u8], at: f64) -> Vec<u8> {
    let mut c = b[..(b.len() as f64 * at) as usize].to_vec();
    c.extend_from_slice(&[0xFF, 0xD9]);
    c
}

/// The same image with the frame header's height set to `h`.
fn with_height(b: &[u8], h: u16) -> Vec<u8> {
    let mut b = b.to_vec();
    let sof = segment(&b, 0xC0).or_else(|| segment(&b, 0xC2)).unwrap();
    b[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
    b
}

fn incomplete(c: Coverage) -> String {
    match c {
        Coverage::Incomplete(why) => why,
        other => panic!("expected the scan to fall short, got {other:?}"),
    }
}

#[test]
fn intact_images_are_covered() {
    for (w, h) in [(1, 1), (7, 9), (17, 300), (640, 404), (1280, 808)] {
        assert_eq!(
            scan_coverage(&baseline(w, h)),
            Coverage::Complete,
            "{w}×{h}"
        );
    }
    assert_eq!(scan_coverage(REFINED), Coverage::Complete);
}

#[test]
fn restart_markers_progressive_and_sampling_variants_are_covered() {
    let samplings = [
        SamplingFactor::R_4_4_4,
        SamplingFactor::R_4_2_2,
        SamplingFactor::R_4_2_0,
        SamplingFactor::R_4_4_0,
        SamplingFactor::R_4_1_1,
    ];
    for sampling in samplings {
        for progressive in [false, true] {
            for restart in [0, 1, 3, 7, 64] {
                for (w, h) in [(1, 1), (33, 17), (200, 120)] {
                    let b = encoded(w, h, |e| {
                        e.set_sampling_factor(sampling);
                        e.set_progressive(progressive);
                        e.set_restart_interval(restart);
                    });
                    let what =
                        format!("{sampling:?} progressive {progressive} restart {restart} {w}×{h}");
                    assert_eq!(scan_coverage(&b), Coverage::Complete, "{what}");
                    if w > 100 {
                        let cut = scan_coverage(&cut_and_closed(&b, 0.6));
                        assert!(matches!(cut, Coverage::Incomplete(_)), "{what}: {cut:?}");
                    }
                }
            }
        }
    }
}

#[test]
fn a_scan_cut_in_half_and_closed_falls_short() {
    let b = baseline(640, 404);
    // The decoder alone takes it: this is the gap the walk closes.
    assert!(image::load_from_memory(&cut_and_closed(&b, 0.5)).is_ok());
    let why = incomplete(scan_coverage(&cut_and_closed(&b, 0.5)));
    assert!(why.starts_with("scan 1 covers "), "{why}");
    assert!(why.contains(" of 4,080 MCUs (rows 0–"), "{why}");
    assert!(why.ends_with(" of 404): the data ends"), "{why}");
    for at in [0.2, 0.35, 0.8, 0.95, 0.99] {
        incomplete(scan_coverage(&cut_and_closed(&b, at)));
    }
}

#[test]
fn a_frame_taller_than_its_scan_falls_short() {
    let b = baseline(640, 404);
    let why = incomplete(scan_coverage(&with_height(&b, 808)));
    // MCUs of 8×8 (4:4:4): the scan codes the 51 rows of 80 the image has
    // (404 rows, rounded up); the taller frame calls for 101.
    assert_eq!(
        why,
        "scan 1 covers 4,080 of 8,080 MCUs (rows 0–407 of 808): the data ends"
    );
    // So does a progressive one.
    let p = encoded(200, 120, |e| e.set_progressive(true));
    let why = incomplete(scan_coverage(&with_height(&p, 240)));
    assert!(
        why.starts_with("scan 1 (coefficients 0–0) covers "),
        "{why}"
    );
    incomplete(scan_coverage(&with_height(REFINED, 96)));
    // A shorter frame is covered: its rows are all there.
    assert_eq!(scan_coverage(&with_height(&b, 200)), Coverage::Complete);
}

#[test]
fn every_cut_of_a_refined_progressive_image_falls_short() {
    // Cuts in every scan, and between scans: the last scans missing leave
    // coefficients unrefined.
    let sos: Vec<usize> = (0..REFINED.len() - 1)
        .filter(|&i| REFINED[i] == 0xFF && REFINED[i + 1] == 0xDA)
        .collect();
    assert_eq!(sos.len(), 10, "libjpeg's script for three components");
    for at in (40..REFINED.len() - 2)
        .step_by(7)
        .chain(sos.iter().copied())
    {
        let mut c = REFINED[..at].to_vec();
        c.extend_from_slice(&[0xFF, 0xD9]);
        assert!(
            !matches!(scan_coverage(&c), Coverage::Complete),
            "cut at {at} of {}",
            REFINED.len()
        );
    }
    let why = incomplete(scan_coverage(&[&REFINED[..sos[9]], &[0xFF, 0xD9]].concat()));
    assert_eq!(
        why,
        "the scans end before component 1's coefficients 1–63 are refined (their bits below 1 are missing)"
    );
}

#[test]
fn restart_markers_out_of_sequence_fall_short() {
    let b = encoded(64, 64, |e| e.set_restart_interval(2));
    let rst: Vec<usize> = (0..b.len() - 1)
        .filter(|&i| b[i] == 0xFF && (0xD0..=0xD7).contains(&b[i + 1]))
        .collect();
    assert_eq!(rst.len(), 7); // 16 MCUs of 16×16, one marker every two
    let mut swapped = b.clone();
    swapped[rst[2] + 1] = 0xD5;
    let why = incomplete(scan_coverage(&swapped));
    assert_eq!(
        why,
        "scan 1 covers 6 of 16 MCUs (rows 0–15 of 64): restart marker 5 comes where 2 is due"
    );
    // An interval dropped whole (its marker and data): the next number is wrong.
    let dropped = [&b[..rst[2]], &b[rst[3]..]].concat();
    incomplete(scan_coverage(&dropped));
}

#[test]
fn a_lying_header_is_answered_from_the_data_alone() {
    // 65535×65535 claimed over a few bytes of data: no buffer follows the
    // claim, and the walk stops where the data does.
    let b = with_height(&baseline(64, 64), 65535);
    let why = incomplete(scan_coverage(&b));
    assert!(
        why.contains("covers 64 of 65,536 MCUs (rows 0–63 of 65,535)"),
        "{why}"
    );
    let mut wide = b.clone();
    let sof = segment(&wide, 0xC0).unwrap();
    wide[sof + 7..sof + 9].copy_from_slice(&65535u16.to_be_bytes());
    let why = incomplete(scan_coverage(&wide));
    assert!(
        why.contains("covers 64 of 67,108,864 MCUs (no whole row of 65,535)"),
        "{why}"
    );
}

#[test]
fn codings_the_walk_does_not_read_are_not_checked() {
    let b = baseline(16, 16);
    let sof = segment(&b, 0xC0).unwrap();
    for (marker, words) in [
        (0xC9, "arithmetic coding is not read"),
        (0xC3, "lossless coding is not read"),
        (0xC5, "hierarchical (differential) coding is not read"),
    ] {
        let mut other = b.clone();
        other[sof + 1] = marker;
        assert_eq!(scan_coverage(&other), Coverage::NotChecked(words.into()));
    }
    let no_height = with_height(&b, 0);
    assert!(matches!(scan_coverage(&no_height), Coverage::NotChecked(w) if w.contains("DNL")));
}

#[test]
fn decode_refuses_a_scan_that_falls_short() {
    let limits = crate::Limits::default();
    let b = baseline(320, 200);
    assert!(crate::media::decode(&b, &limits).is_ok());
    let e = crate::media::decode(&cut_and_closed(&b, 0.5), &limits).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("truncated JPEG scan: scan 1 covers "),
        "{e}"
    );
    let e = crate::media::decode(&with_height(&b, 400), &limits).unwrap_err();
    assert!(
        e.to_string()
            .contains("covers 1,000 of 2,000 MCUs (rows 0–199 of 400)"),
        "{e}"
    );
}

#[test]
fn counts_are_grouped_by_thousands() {
    for (n, s) in [
        (0, "0"),
        (999, "999"),
        (1000, "1,000"),
        (67_108_864, "67,108,864"),
    ] {
        assert_eq!(grouped(n), s);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Hostile bytes: flipped, cut, repeated anywhere, the walk answers
    /// without panicking; an image it calls covered still has every scan.
    #[test]
    fn damaged_images_never_panic(
        which in 0usize..3,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..12),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut b = match which {
            0 => baseline(48, 40),
            1 => REFINED.to_vec(),
            _ => encoded(40, 24, |e| { e.set_progressive(true); e.set_restart_interval(1) }),
        };
        for (at, byte) in edits {
            let i = at.index(b.len());
            b[i] = byte;
        }
        b.truncate(cut.index(b.len()) + 1);
        let _ = scan_coverage(&b);
    }

    #[test]
    fn random_bytes_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..600)) {
        let mut b = vec![0xFF, 0xD8];
        b.extend(tail);
        let _ = scan_coverage(&b);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Real headers (progressive with restarts, or baseline) over random
    /// scan data: every path of the walk meets garbage.
    #[test]
    fn random_scan_data_never_panics(
        progressive in any::<bool>(),
        data in proptest::collection::vec(any::<u8>(), 0..2000),
    ) {
        let b = if progressive { REFINED.to_vec() } else { baseline(48, 40) };
        let sos = segment(&b, 0xDA).unwrap();
        let header_end = sos + 2 + usize::from(u16::from_be_bytes([b[sos + 2], b[sos + 3]]));
        let mut c = b[..header_end].to_vec();
        c.extend(data);
        c.extend_from_slice(&[0xFF, 0xD9]);
        let _ = scan_coverage(&c);
    }
}

/// An AC table of the usual shape (the code counts of the example tables
/// in the JPEG standard), whose symbols include end of block and the run
/// of sixteen zeros and every value size up to ten bits. With `long_eob`,
/// end of block has the longest code, so that blocks mostly run to their
/// 63rd coefficient.
fn ac_table(long_eob: bool) -> bits::Huffman {
    let counts = [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d];
    let mut symbols: Vec<u8> = vec![0x00, 0xF0];
    symbols.extend((0u8..=255).filter(|rs| rs & 15 != 0 && rs & 15 <= 10));
    symbols.truncate(162);
    // Spread the long runs among the short codes too.
    symbols.sort_by_key(|rs| (rs.wrapping_mul(37) ^ 0x5A, *rs));
    if long_eob {
        symbols.retain(|rs| *rs != 0x00);
        symbols.push(0x00);
    }
    bits::Huffman::new(&counts, &symbols).expect("a complete table")
}

/// What a block's AC reads gave, read back one symbol at a time: the
/// reference for the loop that keeps the reader in registers.
fn ac_by_symbol(b: &mut bits::Bits<'_>, ac: &bits::Huffman) -> Result<(), bits::Stop> {
    let mut k = 1u32;
    while k < 64 {
        let rs = b.symbol_and_bits(ac, |rs| u32::from(rs & 15))?;
        let (r, s) = (u32::from(rs >> 4), rs & 15);
        if s == 0 {
            if r != 15 {
                break;
            }
            k += 16;
        } else {
            k += r + 1;
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The block loop and the word-at-a-time refill read exactly what the
    /// symbol-by-symbol reads do: the same outcome for every block, then
    /// the same bits, overrun and end, over data thick with FF bytes,
    /// stuffed bytes and markers.
    #[test]
    fn the_block_loop_reads_what_the_symbol_reads_do(
        data in proptest::collection::vec(
            prop_oneof![4 => any::<u8>(), 1 => Just(0xFFu8), 1 => Just(0x00u8)], 0..600),
        start in 0usize..8,
        long_eob in any::<bool>(),
    ) {
        let ac = ac_table(long_eob);
        let start = start.min(data.len());
        let (mut fast, mut slow) = (bits::Bits::new(&data, start), bits::Bits::new(&data, start).bytewise());
        for _ in 0..40 {
            let (a, b) = (fast.sequential_ac(&ac), ac_by_symbol(&mut slow, &ac));
            prop_assert_eq!(a, b);
            prop_assert_eq!(fast.overrun(), slow.overrun());
            if a.is_err() {
                break;
            }
        }
        for _ in 0..3 {
            prop_assert_eq!(fast.read(16), slow.read(16));
        }
        prop_assert_eq!(fast.overrun(), slow.overrun());
        prop_assert_eq!(fast.end(), slow.end());
    }
}

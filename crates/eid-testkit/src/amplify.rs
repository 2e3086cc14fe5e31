//! Small inputs that read two ways or cost out of proportion to their size:
//! each within every documented limit, each built to make one part of the
//! reader, the decision, the report or the crops do a great deal of work (or
//! pick one reading silently). The tests run each one and assert an exact
//! outcome and, through the binary, a memory ceiling.
//!
//! [`committed_set`] is written under `testdata/hostile/` by
//! `eid-testkit hostile`; [`large_set`] (megabytes each, or slow to build) is
//! built where it is tested, and by `eid-testkit hostile --large`.

use crate::{Case, FeatureSpec, ImageKind, zip_members};
use serde_json::{Value, json};
use std::io::Write;

/// What every member name, feature name and process id of [`escape_sequences`]
/// tries to paint on a terminal: a green "all verified" over the real line.
pub const ANSI_LIE: &str = "\u{1b}[2K\r\u{1b}[32mOK: all evidence verified\u{1b}[0m";

fn accepted_with(name: &str, bytes: Vec<u8>) -> Vec<u8> {
    let mut members = Case::accepted().members();
    members.retain(|(n, _)| n != name);
    members.push((name.to_owned(), bytes));
    zip_members(&members)
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).expect("JSON values always serialise")
}

/// The accepted case's OCR text with `"key": <PLACEHOLDER>` where `repeat`
/// copies of `item` (comma-separated) go: built as text because a `Value`
/// of five million entries is the very cost under test.
fn ocr_with_repeated(key: &str, open: &str, item: &str, close: &str, repeat: usize) -> Vec<u8> {
    let mut ocr = Case::accepted().ocr_json().expect("accepted has OCR");
    ocr[key] = json!("@@REPEAT@@");
    let text = pretty(&ocr);
    let (head, tail) = text
        .split_once("\"@@REPEAT@@\"")
        .expect("the placeholder is in the text");
    let mut out = Vec::with_capacity(head.len() + tail.len() + repeat * (item.len() + 1) + 2);
    out.extend_from_slice(head.as_bytes());
    out.extend_from_slice(open.as_bytes());
    for i in 0..repeat {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(item.replace("{i}", &i.to_string()).as_bytes());
    }
    out.extend_from_slice(close.as_bytes());
    out.extend_from_slice(tail.as_bytes());
    out
}

/// The accepted OCR with `"valid": false,` written first inside `nonExpired`:
/// a reader keeping the last value passes the check, one keeping the first
/// fails it.
pub fn duplicate_key() -> Vec<u8> {
    let text = pretty(&Case::accepted().ocr_json().expect("accepted has OCR"));
    let text = text.replacen(
        "\"nonExpired\": {",
        "\"nonExpired\": {\n      \"valid\": false,",
        1,
    );
    accepted_with("eid-ocr.json", text.into_bytes())
}

/// A check that says two things: `{"valid": true, "passed": false}`.
pub fn check_says_two_things() -> Vec<u8> {
    let mut ocr = Case::accepted().ocr_json().expect("accepted has OCR");
    ocr["securityChecks"]["dataIntegrity"] = json!({"valid": true, "passed": false});
    accepted_with("eid-ocr.json", pretty(&ocr).into_bytes())
}

/// `n` empty feature entries (`{}`): 5,000,000 fit in a zip of about 31 KB.
pub fn blank_features(n: usize) -> Vec<u8> {
    accepted_with(
        "eid-ocr.json",
        ocr_with_repeated("features", "[", "{}", "]", n),
    )
}

/// `n` security checks of an unreadable shape (`"c<i>": 1`).
pub fn unreadable_checks(n: usize) -> Vec<u8> {
    accepted_with(
        "eid-ocr.json",
        ocr_with_repeated("securityChecks", "{", "\"c{i}\":1", "}", n),
    )
}

/// `n` unknown keys inside one unknown object of the OCR (schema drift).
pub fn unknown_keys(n: usize) -> Vec<u8> {
    accepted_with(
        "eid-ocr.json",
        ocr_with_repeated("futureBlock", "{", "\"k{i}\":0", "}", n),
    )
}

/// One unknown key `len` bytes long: a text table padding every row to it
/// would print `len` × rows.
pub fn giant_key(len: usize) -> Vec<u8> {
    let mut ocr = Case::accepted().ocr_json().expect("accepted has OCR");
    ocr["K".repeat(len)] = json!("a long key");
    accepted_with("eid-ocr.json", pretty(&ocr).into_bytes())
}

/// `n` found features all named `Photo`, each boxed inside the front image.
pub fn same_name_features(n: usize) -> Vec<u8> {
    accepted_with(
        "eid-ocr.json",
        ocr_with_repeated(
            "features",
            "[",
            r#"{"name":"Photo","found":true,"side":"data","bbox":{"x":32,"y":168,"width":8,"height":8}}"#,
            "]",
            n,
        ),
    )
}

/// A grey JPEG of `side` × `side` pixels whose scan codes every block, with
/// `boxes` found features each boxed `0,0 2147483647×2147483647`. Its header
/// tells the truth (a frame taller than its scan is refused before any
/// crop): the image is megabytes of zero bits that deflate to a few KB.
pub fn giant_boxes(side: u16, boxes: usize) -> Vec<u8> {
    boxed(grey_jpeg(side), boxes)
}

/// A JPEG of `side` × `side` pixels of noise, whose crops no compression
/// shrinks, with `boxes` found features each boxed `0,0 2147483647×2147483647`:
/// megabytes of exhibits from one image (built where tested: the noise is as
/// large zipped).
pub fn noisy_boxes(side: u32, boxes: usize) -> Vec<u8> {
    let mut seed: u32 = 0x9E37_79B9;
    let noise = image::RgbImage::from_fn(side, side, |_, _| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let [r, g, b, _] = seed.to_le_bytes();
        image::Rgb([r, g, b])
    });
    boxed(crate::encode(&noise, ImageKind::Jpeg), boxes)
}

/// The accepted case with `jpeg` as its front image and `boxes` giant boxes.
fn boxed(jpeg: Vec<u8>, boxes: usize) -> Vec<u8> {
    let mut case = Case::accepted();
    case.features = (0..boxes)
        .map(|i| FeatureSpec::found(&format!("Box {i}"), 0, 0, 2_147_483_647, 2_147_483_647))
        .collect();
    let mut members = case.members();
    members.retain(|(n, _)| n != "front.jpeg");
    members.push(("front.jpeg".into(), jpeg));
    zip_members(&members)
}

/// A baseline JPEG of `side` × `side` mid-grey pixels (three components, no
/// subsampling) written by hand: its Huffman tables have one one-bit code
/// each, a DC difference of 0 and the end of block, so every block is two
/// zero bits.
fn grey_jpeg(side: u16) -> Vec<u8> {
    let mut j = vec![0xFF, 0xD8];
    // DQT: table 0, all ones (every coefficient is zero anyway).
    j.extend_from_slice(&[0xFF, 0xDB, 0x00, 0x43, 0x00]);
    j.extend_from_slice(&[1; 64]);
    // SOF0: 8 bits, side × side, components 1–3 sampled 1×1 on table 0.
    j.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08]);
    j.extend_from_slice(&side.to_be_bytes());
    j.extend_from_slice(&side.to_be_bytes());
    j.push(3);
    for id in 1..=3 {
        j.extend_from_slice(&[id, 0x11, 0x00]);
    }
    // DHT: DC table 0, then AC table 0, each one code of one bit for symbol 0.
    for class in [0x00, 0x10] {
        j.extend_from_slice(&[0xFF, 0xC4, 0x00, 0x14, class, 1]);
        j.extend_from_slice(&[0; 16]);
    }
    // SOS: the three components on tables 0, coefficients 0–63.
    j.extend_from_slice(&[
        0xFF, 0xDA, 0x00, 0x0C, 3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 63, 0,
    ]);
    let bits = u64::from(side).div_ceil(8).pow(2) * 3 * 2;
    let mut data = vec![0u8; usize::try_from(bits.div_ceil(8)).expect("a few MB")];
    if let (Some(last), used @ 1..) = (data.last_mut(), bits % 8) {
        *last = 0xFF >> used; // the last byte's fill bits are ones
    }
    j.extend(data);
    j.extend_from_slice(&[0xFF, 0xD9]);
    j
}

fn png_chunk(png: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
    png.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = png.len();
    png.extend_from_slice(kind);
    png.extend_from_slice(data);
    let crc = crate::crafted::crc32(&png[start..]);
    png.extend_from_slice(&crc.to_be_bytes());
}

/// `size` zero bytes, zlib-compressed (about a thousandth of `size`).
fn zlib_zeros(size: usize) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let block = vec![0u8; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(block.len());
        z.write_all(&block[..n]).expect("in memory");
        left -= n;
    }
    z.finish().expect("in memory")
}

/// The accepted front image as a PNG carrying an `iCCP` profile and a `zTXt`
/// comment that each inflate to `size` bytes: metadata, not pixels.
pub fn metadata_bomb(size: usize) -> Vec<u8> {
    let front = Case::accepted()
        .side_image(false)
        .expect("accepted has a front");
    let png = crate::encode(&front, ImageKind::Png);
    // Signature (8) and IHDR (25) come first; the bombs go right after them.
    let (head, rest) = png.split_at(33);
    let deflated = zlib_zeros(size);
    let mut out = head.to_vec();
    let mut iccp = b"bomb\0\0".to_vec();
    iccp.extend_from_slice(&deflated);
    png_chunk(&mut out, b"iCCP", &iccp);
    let mut ztxt = b"Comment\0\0".to_vec();
    ztxt.extend_from_slice(&deflated);
    png_chunk(&mut out, b"zTXt", &ztxt);
    out.extend_from_slice(rest);
    let mut members = Case::accepted().members();
    members.retain(|(n, _)| n != "front.jpeg");
    members.push(("front.png".into(), out));
    zip_members(&members)
}

/// Member names, feature names and the process id that carry [`ANSI_LIE`].
pub fn escape_sequences() -> Vec<u8> {
    let mut case = Case::accepted();
    case.process_id = format!("p{ANSI_LIE}");
    case.features[0].name = format!("Header{ANSI_LIE}");
    let mut members = case.members();
    members.push((format!("notes{ANSI_LIE}.txt"), b"terminal paint".to_vec()));
    zip_members(&members)
}

/// The amplifying and two-way archives small enough to commit, by file name.
pub fn committed_set() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("json-duplicate-key.zip", duplicate_key()),
        ("check-says-two-things.zip", check_says_two_things()),
        ("features-5000000-blank.zip", blank_features(5_000_000)),
        ("key-256kb.zip", giant_key(256 << 10)),
        ("jpeg-11999-boxes-8.zip", giant_boxes(11_999, 8)),
        ("escape-sequences.zip", escape_sequences()),
        ("features-60000-same-name.zip", same_name_features(60_000)),
        ("png-metadata-1gib.zip", metadata_bomb(1 << 30)),
    ]
}

/// The amplifying archives too big to commit (megabytes each).
pub fn large_set() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "checks-1100000-unreadable.zip",
            unreadable_checks(1_100_000),
        ),
        ("keys-1000000-unknown.zip", unknown_keys(1_000_000)),
    ]
}

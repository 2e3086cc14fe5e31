//! Arbitrary bytes as the JSON data file of an otherwise well-formed archive,
//! so the fuzzer spends its time in the dialect readers and the decision.
#![no_main]

use eid_archive::{Archive, Policy, ReadOptions, judge};
use libfuzzer_sys::fuzz_target;
use std::io::Write;

fuzz_target!(|data: &[u8]| {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    if w.start_file("data.json", opts).is_err() || w.write_all(data).is_err() {
        return;
    }
    let Ok(cursor) = w.finish() else { return };
    if let Ok(archive) = Archive::from_bytes("fuzz.zip", cursor.into_inner(), &ReadOptions::default()) {
        let _ = judge(archive.evidence(), &Policy::default());
    }
});

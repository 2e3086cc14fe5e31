//! Arbitrary bytes as an archive: open, read evidence, judge, cut crops.
#![no_main]

use eid_archive::{Archive, Limits, Policy, crops, judge};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Small limits keep each run fast; the code paths are the same.
    let limits = Limits { max_image_dimension: 2048, max_total_bytes: 64 << 20, ..Limits::default() };
    if let Ok(mut archive) = Archive::from_bytes("fuzz.zip", data.to_vec(), None, &limits) {
        let _ = judge(archive.evidence(), &Policy::default());
        let _ = crops::cut(&mut archive, "fuzz", &Default::default());
    }
});

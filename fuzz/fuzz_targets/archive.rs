//! Arbitrary bytes as an archive: open, read evidence, judge, cut crops.
#![no_main]

use eid_archive::evidence::Depiction;
use eid_archive::{Archive, Limits, Policy, ReadOptions, judge, media};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Small limits keep each run fast; the code paths are the same.
    let mut limits = Limits::default();
    limits.max_image_dimension = 2048;
    limits.max_total_bytes = 64 << 20;
    let read = ReadOptions::default().with_limits(limits);
    if let Ok(mut archive) = Archive::from_bytes("fuzz.zip", data.to_vec(), &read) {
        let _ = judge(archive.evidence(), &Policy::default());
        // The decoders the crops use, on every side's bytes (no files written).
        for side in [Depiction::Front, Depiction::Back] {
            if let Ok(Some(bytes)) = archive.image_bytes(side) {
                let _ = media::decode(&bytes, &limits);
            }
        }
    }
});

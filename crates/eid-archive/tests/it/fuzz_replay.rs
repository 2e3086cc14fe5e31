//! Replays inputs kept from fuzzing (`fuzz/regressions/`) through the same
//! path as the fuzz target: each must give a verdict or a one-line error that
//! names the archive, never a panic.

use super::support::{limits, open_with};
use eid_archive::{AuditOptions, Policy, crops, judge};
use std::path::Path;

#[test]
fn kept_fuzz_inputs_never_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions/archive");
    let mut n = 0;
    let mut opened = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let bytes = std::fs::read(e.unwrap().path()).unwrap();
        let limits = limits(|l| {
            l.max_image_dimension = 2048;
            l.max_total_bytes = 64 << 20;
        });
        match open_with("fuzz.zip", bytes, limits) {
            Ok(mut archive) => {
                opened += 1;
                let _ = judge(archive.evidence(), &Policy::default());
                if let Ok(audit) =
                    eid_archive::Audit::of_archive(&mut archive, &AuditOptions::default())
                {
                    let out = tempfile::tempdir().unwrap();
                    let dir = out.path().join("exhibits");
                    let _ = crops::write(&mut archive, &audit, &dir, &Default::default());
                }
            }
            Err(e) => {
                let text = e.to_string();
                assert!(text.starts_with("fuzz.zip: "), "{text}");
                assert_eq!(text.lines().count(), 1, "{text}");
            }
        }
        n += 1;
    }
    assert!(n >= 30, "{n} inputs kept");
    // The fuzzer's mutations of valid archives used to open: most change a
    // name or size in one header only, which the structure checks now refuse
    // as ambiguous (a local header that disagrees with the directory).
    assert!(opened < n, "refused inputs: {} of {n}", n - opened);
}

//! The committed `testdata/` must be exactly what the generator writes today,
//! so that snapshots and the README describe archives anyone can rebuild.

// Tests may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used)]

use std::path::Path;

#[test]
fn committed_testdata_is_what_the_generator_writes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata");
    let fresh = tempfile_dir();
    let mut stale = Vec::new();
    for case in eid_testkit::Case::testdata() {
        let written = case.write_to(&fresh).expect("write");
        for ext in ["zip", "json"] {
            let name = format!("{}.{ext}", case.stem);
            let new = written.with_file_name(&name);
            if !new.exists() {
                continue;
            }
            let committed = std::fs::read(root.join(&name)).unwrap_or_default();
            if committed != std::fs::read(&new).unwrap() {
                stale.push(name);
            }
        }
    }
    for (name, bytes) in eid_testkit::hostile::small_set() {
        if std::fs::read(root.join("hostile").join(name))
            .ok()
            .as_deref()
            != Some(bytes.as_slice())
        {
            stale.push(format!("hostile/{name}"));
        }
    }
    let _ = std::fs::remove_dir_all(&fresh);
    assert!(
        stale.is_empty(),
        "testdata/ is stale for {stale:?}: run `cargo run -p eid-testkit -- testdata testdata` and `cargo run -p eid-testkit -- hostile testdata/hostile`"
    );
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("eid-testkit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

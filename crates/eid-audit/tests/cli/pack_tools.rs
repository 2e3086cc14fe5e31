//! A pack checked with other tools than eid-audit: `sha256sum -c` after
//! `unzip`, and a detached `openssl cms` signature made and checked as
//! docs/pack.md says. A missing tool skips its test (SKIP), unless
//! EID_AUDIT_REQUIRE_TOOLS is set.

use super::pack::override_pack;
use crate::{stderr, stdout};
use std::process::Command;

/// True when every tool named runs; a missing one skips the test (SKIP),
/// unless EID_AUDIT_REQUIRE_TOOLS is set.
fn have(tools: &[&str]) -> bool {
    let missing: Vec<&&str> = tools
        .iter()
        .filter(|t| Command::new(t).arg("--version").output().is_err())
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var_os("EID_AUDIT_REQUIRE_TOOLS").is_none(),
        "{missing:?} required"
    );
    eprintln!("SKIP: {missing:?} not installed");
    false
}

#[test]
fn sha256sum_checks_an_unzipped_pack() {
    if !have(&["sha256sum", "unzip"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = override_pack(dir.path(), &["--pii", "full"]);
    let into = dir.path().join("x");
    let o = Command::new("unzip")
        .args(["-q", out.to_str().unwrap(), "-d", into.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = Command::new("sha256sum")
        .args(["-c", "--strict", "manifest.sha256"])
        .current_dir(&into)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn a_detached_openssl_signature_verifies_and_fails_on_a_changed_pack() {
    if !have(&["openssl"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = override_pack(dir.path(), &[]);
    let ssl = |args: &[&str]| {
        let o = Command::new("openssl")
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        (o.status.success(), stderr(&o))
    };
    // A throwaway self-signed certificate, as docs/pack.md makes one.
    let (ok, err) = ssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "key.pem",
        "-out",
        "cert.pem",
        "-days",
        "1",
        "-subj",
        "/CN=eid-audit pack test",
    ]);
    assert!(ok, "{err}");
    let (ok, err) = ssl(&[
        "cms",
        "-sign",
        "-binary",
        "-in",
        "pack.zip",
        "-signer",
        "cert.pem",
        "-inkey",
        "key.pem",
        "-outform",
        "DER",
        "-out",
        "pack.zip.p7s",
    ]);
    assert!(ok, "{err}");
    let check = [
        "cms",
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        "pack.zip.p7s",
        "-content",
        "pack.zip",
        "-CAfile",
        "cert.pem",
        "-out",
        "/dev/null",
    ];
    let (ok, err) = ssl(&check);
    assert!(ok, "{err}");
    let mut bytes = std::fs::read(&out).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    std::fs::write(&out, bytes).unwrap();
    assert!(!ssl(&check).0, "a changed pack fails its signature");
}

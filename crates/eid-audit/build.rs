//! Records the git commit the binary is built from, when built from a
//! checkout, so that `run.json` can name it. Outside a checkout it says nothing.

fn main() {
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| s.len() == 40);
    if let Some(commit) = commit {
        println!("cargo:rustc-env=EID_AUDIT_GIT_COMMIT={commit}");
    }
    println!("cargo:rerun-if-changed=../../.git/HEAD");
    println!("cargo:rerun-if-changed=../../.git/refs/heads");
}

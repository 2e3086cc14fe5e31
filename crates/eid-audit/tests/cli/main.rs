//! CLI tests: one binary, a module per subcommand. The binary runs from the
//! workspace root with relative paths, and insta filters map temporary folders
//! to `[TMP]`, so snapshots hold no machine paths.

// Tests may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used)]

mod controls;
mod crops;
mod crops_zip;
mod folder;
mod html;
mod ida;
mod images;
mod inspect;
mod merge;
mod pack;
mod pack_tools;
mod pack_verify;
mod parquet;
mod population;
mod population_merge;
mod record;
mod report;
mod resources;
mod slurm;
mod store;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// Runs `eid-audit` from the workspace root.
pub(crate) fn eid_audit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eid-audit"))
        .args(args)
        .current_dir(root())
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("eid-audit runs")
}

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 stdout")
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("UTF-8 stderr")
}

/// The bundled archives, as paths relative to the workspace root.
pub(crate) fn testdata() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root().join("testdata"))
        .expect("testdata/")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".zip"))
        .map(|n| format!("testdata/{n}"))
        .collect();
    v.sort();
    v
}

/// Every file under `root`, by path relative to it, with its bytes.
pub(crate) fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

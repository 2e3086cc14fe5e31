//! Files copied whole from the shards: the exhibits under `crops/`, and
//! (with `--html`) each shard's pages. Only what a shard's `run.json`
//! lists is copied (and it was checked against its SHA-256 first), so
//! nothing a shard folder gained since is carried along.

use super::Refusal;
use super::shards::ShardReport;
use crate::error::OutputError;
use std::collections::BTreeMap;
use std::path::Path;

/// Why a copy stopped.
#[derive(Debug)]
pub(super) enum CopyError {
    Refused(Refusal),
    Output(OutputError),
}

/// Copies every shard's exhibits folders, `crops/<name>/`, under the same
/// names into `staging/crops/`. `features.csv` names the crops by those
/// paths, so the names are kept; a name that two shards both use (two
/// archives with one process id, in different shards) is refused: one run
/// would have named the second `<processId>-<sha256 prefix>`, and the rows
/// that name it cannot be rewritten to match.
pub(super) fn crops(shards: &[ShardReport], staging: &Path) -> Result<usize, CopyError> {
    let mut owner: BTreeMap<&str, usize> = BTreeMap::new();
    for (s, shard) in shards.iter().enumerate() {
        for path in shard.outputs.keys() {
            let mut parts = path.splitn(3, '/');
            let (Some("crops"), Some(name)) = (parts.next(), parts.next()) else {
                continue;
            };
            match owner.get(name) {
                Some(o) if *o != s => {
                    return Err(CopyError::Refused(shard.refuse(format!(
                        "its exhibits folder crops/{name} is also shard {}'s: two archives of one process id in two shards cannot be named as one run names them",
                        shards[*o].index
                    ))));
                }
                Some(_) => {}
                None => {
                    owner.insert(name, s);
                }
            }
        }
    }
    let mut n = 0;
    for shard in shards {
        n += copy_under(shard, "crops/", staging, "crops/")?;
    }
    Ok(n)
}

/// Copies the files `shard` lists under `from` to `staging/<to><rest>`.
pub(super) fn copy_under(
    shard: &ShardReport,
    from: &str,
    staging: &Path,
    to: &str,
) -> Result<usize, CopyError> {
    let mut n = 0;
    for path in shard.outputs.keys() {
        let Some(rest) = path.strip_prefix(from) else {
            continue;
        };
        let target = staging.join(format!("{to}{rest}"));
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| CopyError::Output(OutputError::io(parent)(e)))?;
        }
        let source = shard.dir.join(path);
        std::fs::copy(&source, &target)
            .map_err(|e| CopyError::Output(OutputError::io(&source)(e)))?;
        n += 1;
    }
    Ok(n)
}

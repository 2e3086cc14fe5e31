//! Splitting a store across machines: shard `K/N` keeps the inputs whose
//! key hashes to `K-1` modulo `N`, the same on every machine, however the
//! store is spelled or mounted (the key is the path relative to the folder
//! named: see [`Input::key`]).

use super::Input;
use crate::codes::hex;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// A shard `K/N` (1-based): the inputs whose path hashes to `K-1` modulo `N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which one, 1 to `count`.
    pub index: u32,
    /// How many.
    pub count: u32,
}

/// A shard that is not `K/N` with `1 <= K <= N`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
#[doc(hidden)]
pub struct ParseShardError(String);

impl std::str::FromStr for Shard {
    type Err = ParseShardError;
    fn from_str(s: &str) -> Result<Shard, ParseShardError> {
        let err = |m: String| ParseShardError(m);
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| err("a shard is K/N, e.g. 2/8".into()))?;
        let index: u32 = k
            .trim()
            .parse()
            .map_err(|_| err(format!("shard index {k:?} is not a number")))?;
        let count: u32 = n
            .trim()
            .parse()
            .map_err(|_| err(format!("shard count {n:?} is not a number")))?;
        if count == 0 || index == 0 || index > count {
            return Err(err(format!("shard {index}/{count}: K must be 1 to N")));
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// True when the key belongs to this shard. The hash (FNV-1a, 64 bits,
    /// of the key's UTF-8 bytes) is the same on every machine.
    pub fn contains(&self, key: &str) -> bool {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in key.as_bytes() {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        h % u64::from(self.count) == u64::from(self.index - 1)
    }

    /// Keeps this shard's inputs, and says what it saw: the record `run.json`
    /// keeps, from which a merge can prove that the shards are disjoint and
    /// cover one store.
    pub fn select(&self, inputs: &mut Vec<Input>) -> ShardRecord {
        let mut keys: Vec<&str> = inputs.iter().map(Input::key).collect();
        keys.sort_unstable();
        let mut digest = Sha256::new();
        for k in &keys {
            digest.update(k.as_bytes());
            digest.update(b"\n");
        }
        let seen = inputs.len();
        let keys_digest = hex(&digest.finalize());
        inputs.retain(|i| self.contains(i.key()));
        ShardRecord {
            index: self.index,
            count: self.count,
            inputs_seen: seen,
            inputs_kept: inputs.len(),
            inputs_not_archives: inputs.iter().filter(|i| !i.is_archive()).count(),
            keys_digest,
        }
    }
}

/// What a shard saw and kept, as `run.json` records it (`shard`).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShardRecord {
    /// Which shard, 1 to `count`.
    pub index: u32,
    /// How many shards.
    pub count: u32,
    /// Inputs listed before the split (the whole store).
    pub inputs_seen: usize,
    /// Inputs of this shard.
    pub inputs_kept: usize,
    /// Of those, the inputs that are not archives to read (a folder that
    /// could not be listed, a line that is not a path): their rows come
    /// last, so a merge tells them from archives that failed to open.
    pub inputs_not_archives: usize,
    /// SHA-256 over the sorted keys of every input seen, one a line: equal
    /// in every shard of one store.
    pub keys_digest: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::discover;
    use std::path::PathBuf;

    #[test]
    fn shards_partition_the_inputs() {
        let paths: Vec<String> = (0..300).map(|i| format!("store/{i}.zip")).collect();
        let shards: Vec<Shard> = (1..=3).map(|k| format!("{k}/3").parse().unwrap()).collect();
        for p in &paths {
            assert_eq!(shards.iter().filter(|s| s.contains(p)).count(), 1, "{p}");
        }
        let sizes: Vec<usize> = shards
            .iter()
            .map(|s| paths.iter().filter(|p| s.contains(p)).count())
            .collect();
        assert!(sizes.iter().all(|n| *n > 70), "{sizes:?}");
        for bad in ["0/3", "4/3", "1/0", "x/2", "3"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_assignment_does_not_depend_on_how_the_store_is_spelled() {
        let tmp = tempfile::tempdir().unwrap();
        let store = tmp.path().join("store");
        for i in 0..40 {
            let dir = store.join(format!("d{}", i % 4));
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(format!("{i}.zip")), b"").unwrap();
        }
        let shard: Shard = "2/4".parse().unwrap();
        let kept = |root: PathBuf| {
            let mut inputs = discover(&[root], &mut std::io::empty());
            let record = shard.select(&mut inputs);
            let keys: Vec<String> = inputs.iter().map(|i| i.key().to_owned()).collect();
            (keys, record)
        };
        let (plain, r1) = kept(store.clone());
        let (dotted, r2) = kept(store.join(".").join("d0").join(".."));
        // Another mount point of the same tree: a copy elsewhere.
        let other = tmp.path().join("mnt/elsewhere/store");
        std::fs::create_dir_all(other.parent().unwrap()).unwrap();
        std::fs::rename(&store, &other).unwrap();
        let (moved, r3) = kept(other);
        assert_eq!(plain, dotted);
        assert_eq!(plain, moved);
        assert!(!plain.is_empty() && plain.len() < 40, "{plain:?}");
        assert!(
            plain
                .iter()
                .all(|k| k.starts_with('d') && !k.contains("store")),
            "{plain:?}"
        );
        assert_eq!((r1.inputs_seen, r1.count), (40, 4));
        assert_eq!(r1, r2);
        assert_eq!(r1, r3);
        // Four shards cover the store once.
        let all: usize = (1..=4)
            .map(|k| {
                let s: Shard = format!("{k}/4").parse().unwrap();
                let mut inputs = discover(
                    &[tmp.path().join("mnt/elsewhere/store")],
                    &mut std::io::empty(),
                );
                s.select(&mut inputs).inputs_kept
            })
            .sum();
        assert_eq!(all, 40);
    }
}

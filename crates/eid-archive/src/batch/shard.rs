//! Splitting a store across machines: shard `K/N` keeps the paths whose hash
//! is `K-1` modulo `N`, the same on every machine.

use std::path::Path;

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
    /// True when the path belongs to this shard. The hash (FNV-1a, 64 bits, of
    /// the path's bytes as given) is the same on every machine.
    pub fn contains(&self, path: &Path) -> bool {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in path.as_os_str().as_encoded_bytes() {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        h % u64::from(self.count) == u64::from(self.index - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn shards_partition_the_inputs() {
        let paths: Vec<PathBuf> = (0..300)
            .map(|i| PathBuf::from(format!("store/{i}.zip")))
            .collect();
        let shards: Vec<Shard> = (1..=3).map(|k| format!("{k}/3").parse().unwrap()).collect();
        for p in &paths {
            assert_eq!(
                shards.iter().filter(|s| s.contains(p)).count(),
                1,
                "{}",
                p.display()
            );
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
}

//! The cross-archive index: four compact vectors of (key, archive position)
//! filled as the archives arrive, then sorted and grouped once at the end.
//! No map, no string: an archive costs 16 bytes for its contents, 16 for
//! its process id, 24 for its document and 16 per image (about 100 bytes
//! for an archive with three images), and the grouping sorts in place,
//! adding two arrays of 4 bytes per archive while it runs.

use super::keys::{Holder, Key};
use std::collections::BTreeSet;

/// The kinds of duplicates, in the order `duplicates.csv` lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Kind {
    /// The same bytes (SHA-256) at two paths.
    SameArchive,
    /// One process id in archives whose content differs.
    ProcessIdCollision,
    /// An image member with the same SHA-256 in two different processes.
    ImageReused,
    /// One document (issuing country, type, number) in several processes,
    /// for one holder.
    DocumentReused,
    /// One document in several processes under another name or birth date.
    DocumentReusedOtherHolder,
}

impl Kind {
    /// Every kind, in order.
    pub(crate) const ALL: [Kind; 5] = [
        Kind::SameArchive,
        Kind::ProcessIdCollision,
        Kind::ImageReused,
        Kind::DocumentReused,
        Kind::DocumentReusedOtherHolder,
    ];

    /// The kind as every output spells it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Kind::SameArchive => "SameArchive",
            Kind::ProcessIdCollision => "ProcessIdCollision",
            Kind::ImageReused => "ImageReused",
            Kind::DocumentReused => "DocumentReused",
            Kind::DocumentReusedOtherHolder => "DocumentReusedOtherHolder",
        }
    }
}

/// A group of archives for review: their positions in the inputs, in order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Group {
    /// What they share.
    pub(crate) kind: Kind,
    /// Their positions, ascending, each once.
    pub(crate) members: Vec<u32>,
}

/// What one archive puts into the index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Entry {
    /// Its contents (its SHA-256), when its bytes could be read.
    pub(crate) archive: Option<Key>,
    /// Its process id, when it was audited.
    pub(crate) process: Option<Key>,
    /// Its document and holder, when the evidence gives a document number.
    pub(crate) document: Option<(Key, Holder)>,
    /// Its image members' contents.
    pub(crate) images: Vec<Key>,
}

/// The index of a run (or of a merge): what each archive put in it, by
/// position.
#[derive(Debug, Default)]
pub(crate) struct Index {
    archives: Vec<(Key, u32)>,
    processes: Vec<(Key, u32)>,
    documents: Vec<(Key, Holder, u32)>,
    images: Vec<(Key, u32)>,
    /// One more than the greatest position added.
    len: u32,
}

impl Index {
    /// An index for about `archives` archives: the vectors of one entry per
    /// archive are reserved whole, so they never grow by doubling.
    pub(crate) fn with_capacity(archives: usize) -> Index {
        Index {
            archives: Vec::with_capacity(archives),
            processes: Vec::with_capacity(archives),
            documents: Vec::with_capacity(archives),
            images: Vec::new(),
            len: 0,
        }
    }

    /// Adds the archive at `position`.
    pub(crate) fn add(&mut self, position: u32, e: &Entry) {
        self.len = self.len.max(position + 1);
        if let Some(k) = e.archive {
            self.archives.push((k, position));
        }
        if let Some(k) = e.process {
            self.processes.push((k, position));
        }
        if let Some((k, h)) = e.document {
            self.documents.push((k, h, position));
        }
        for k in &e.images {
            self.images.push((*k, position));
        }
    }

    /// The bytes the index holds now (its vectors' capacities).
    #[cfg(test)]
    pub(crate) fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.archives.capacity() * size_of::<(Key, u32)>()
            + self.processes.capacity() * size_of::<(Key, u32)>()
            + self.documents.capacity() * size_of::<(Key, Holder, u32)>()
            + self.images.capacity() * size_of::<(Key, u32)>()
    }

    /// Sorts and groups: every group of each kind, each once, in the order
    /// of kinds and then of their first archive. Deterministic: positions
    /// are input order, whatever the threads.
    pub(crate) fn groups(mut self) -> Vec<Group> {
        let mut out = Vec::new();
        let n = self.len as usize;
        // Each archive's contents and process, as the first position that
        // has the same (u32::MAX for none).
        let same = classes(&mut self.archives, n, |members| {
            out.push(Group {
                kind: Kind::SameArchive,
                members,
            });
        });
        self.archives = Vec::new();
        let process = classes(&mut self.processes, n, |_| {});
        // A process id shared by archives whose contents differ.
        for run in runs(&self.processes, |e| e.0) {
            let members: Vec<u32> = run.iter().map(|e| e.1).collect();
            if distinct(&members, &same) {
                out.push(Group {
                    kind: Kind::ProcessIdCollision,
                    members,
                });
            }
        }
        self.processes = Vec::new();
        self.documents.sort_unstable();
        for run in runs(&self.documents, |e| e.0) {
            let members: Vec<u32> = run.iter().map(|e| e.2).collect();
            if distinct(&members, &process) {
                let other = run.iter().any(|e| e.1 != run[0].1);
                out.push(Group {
                    kind: if other {
                        Kind::DocumentReusedOtherHolder
                    } else {
                        Kind::DocumentReused
                    },
                    members: ascending(members),
                });
            }
        }
        self.documents = Vec::new();
        self.images.sort_unstable();
        for run in runs(&self.images, |e| e.0) {
            let members: Vec<u32> = run.iter().map(|e| e.1).collect();
            if distinct(&members, &process) {
                out.push(Group {
                    kind: Kind::ImageReused,
                    members: ascending(members),
                });
            }
        }
        // The front and the portrait cut from it are reused together: one
        // group of the same archives is enough.
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Sorts `entries` by key and gives each position the first position with
/// its key; hands each run of two or more positions to `group`.
fn classes(entries: &mut [(Key, u32)], n: usize, mut group: impl FnMut(Vec<u32>)) -> Vec<u32> {
    entries.sort_unstable();
    let mut class = vec![u32::MAX; n];
    for run in runs(entries, |e| e.0) {
        for e in run {
            class[e.1 as usize] = run[0].1;
        }
        if run.len() > 1 {
            group(run.iter().map(|e| e.1).collect());
        }
    }
    class
}

/// The runs of equal keys in a sorted slice.
fn runs<T, K: PartialEq>(sorted: &[T], key: impl Fn(&T) -> K) -> impl Iterator<Item = &[T]> {
    sorted.chunk_by(move |a, b| key(a) == key(b))
}

/// True when the positions fall into two classes or more.
fn distinct(members: &[u32], class: &[u32]) -> bool {
    let first = class[members[0] as usize];
    members.iter().any(|m| class[*m as usize] != first)
}

/// Positions ascending, each once (an archive may hold one image twice).
fn ascending(members: Vec<u32>) -> Vec<u32> {
    members
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(b: u8) -> Key {
        [b; 12]
    }

    fn entry(archive: u8, process: u8, document: Option<(u8, u8)>, images: &[u8]) -> Entry {
        Entry {
            archive: Some(k(archive)),
            process: Some(k(process)),
            document: document.map(|(d, h)| (k(d), [h; 8])),
            images: images.iter().map(|i| k(*i)).collect(),
        }
    }

    fn kinds(groups: &[Group]) -> Vec<(&'static str, Vec<u32>)> {
        groups
            .iter()
            .map(|g| (g.kind.as_str(), g.members.clone()))
            .collect()
    }

    #[test]
    fn one_group_per_kind_and_nothing_for_what_differs() {
        let mut i = Index::with_capacity(8);
        // 0 and 1: the same bytes (and so the same process, images, document).
        i.add(0, &entry(1, 1, Some((1, 1)), &[1]));
        i.add(1, &entry(1, 1, Some((1, 1)), &[1]));
        // 2 and 3: one process id, other bytes.
        i.add(2, &entry(2, 2, None, &[2]));
        i.add(3, &entry(3, 2, None, &[3]));
        // 4 and 5: one image, two processes.
        i.add(4, &entry(4, 4, None, &[4, 40]));
        i.add(5, &entry(5, 5, None, &[4, 50]));
        // 6 and 7: one document, two processes, the same holder; 8 another holder.
        i.add(6, &entry(6, 6, Some((6, 1)), &[]));
        i.add(7, &entry(7, 7, Some((6, 1)), &[]));
        i.add(8, &entry(8, 8, Some((8, 1)), &[]));
        i.add(9, &entry(9, 9, Some((8, 2)), &[]));
        // 10: unique in everything; 11: an error row with only its bytes.
        i.add(10, &entry(10, 10, Some((10, 1)), &[10]));
        i.add(
            11,
            &Entry {
                archive: Some(k(11)),
                ..Entry::default()
            },
        );
        assert_eq!(
            kinds(&i.groups()),
            vec![
                ("SameArchive", vec![0, 1]),
                ("ProcessIdCollision", vec![2, 3]),
                ("ImageReused", vec![4, 5]),
                ("DocumentReused", vec![6, 7]),
                ("DocumentReusedOtherHolder", vec![8, 9]),
            ]
        );
    }

    #[test]
    fn the_same_set_twice_is_one_group() {
        let mut i = Index::default();
        i.add(0, &entry(1, 1, None, &[7, 8, 7]));
        i.add(3, &entry(2, 2, None, &[7, 8]));
        assert_eq!(kinds(&i.groups()), vec![("ImageReused", vec![0, 3])]);
    }

    #[test]
    fn an_entry_costs_what_the_module_says() {
        use std::mem::size_of;
        assert_eq!(size_of::<(Key, u32)>(), 16);
        assert_eq!(size_of::<(Key, Holder, u32)>(), 24);
        let i = Index::with_capacity(1000);
        assert_eq!(i.heap_bytes(), 1000 * (16 + 16 + 24));
    }
}

/// The index of 100,000 archives shaped as real ones (a document for nine
/// in ten, two or three images each), measured: its bytes, and the time to
/// group it. Run by hand (BENCHMARKS.md):
/// `cargo test --release -p eid-archive --lib index_of_100000 -- --ignored --nocapture`
#[cfg(test)]
mod measure {
    use super::*;
    use sha2::{Digest, Sha256};

    fn key(tag: &str, i: u64) -> Key {
        let mut k = [0u8; 12];
        k.copy_from_slice(&Sha256::digest(format!("{tag}{i}"))[..12]);
        k
    }

    #[test]
    #[ignore = "a measurement, not a test: run it by hand"]
    fn index_of_100000_archives() {
        let n: u32 = 100_000;
        let started = std::time::Instant::now();
        let mut index = Index::with_capacity(n as usize);
        for i in 0..n {
            let j = u64::from(i);
            let images = 2 + u64::from(i % 3 == 0);
            index.add(
                i,
                &Entry {
                    archive: Some(key("a", j)),
                    process: Some(key("p", j)),
                    document: (i % 10 != 0).then(|| {
                        let mut h = [0u8; 8];
                        h.copy_from_slice(&key("h", j)[..8]);
                        (key("d", j), h)
                    }),
                    images: (0..images).map(|m| key("i", j * 4 + m)).collect(),
                },
            );
        }
        let filled = started.elapsed();
        let bytes = index.heap_bytes();
        let started = std::time::Instant::now();
        let groups = index.groups();
        println!(
            "{n} archives: index {bytes} bytes ({:.1} per archive), filled in {filled:?}, grouped in {:?} \
             (adding {} bytes of classes while grouping), {} groups",
            bytes as f64 / f64::from(n),
            started.elapsed(),
            2 * 4 * n,
            groups.len()
        );
        assert!(groups.is_empty());
    }
}

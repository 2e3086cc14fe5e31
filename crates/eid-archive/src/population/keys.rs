//! The fixed-size keys the duplicates index compares: 12 bytes each (the
//! first 12 of a SHA-256 or an HMAC-SHA256), so that an archive costs the
//! index a few dozen bytes whatever its paths and names, and 10 million
//! archives fit in about a gigabyte. Ninety-six bits make a chance
//! collision among 30 million keys about one in 10^14: never a false row.
//!
//! Archive contents, process ids and images are keyed by a plain SHA-256:
//! none is personal data by itself, and shards compare them without
//! sharing a secret. A document and its holder are personal data: they are
//! keyed by an HMAC under the run's key (see [`RunKey`]), so no key leaves a
//! run linkable to a person.

use crate::archive::{Archive, MemberKind};
use crate::audit::{Audit, MemberHash};
use crate::codes::hex;
use crate::pii::{Pii, hmac_sha256};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization as _;

/// A key of the index: the first 12 bytes of a hash.
pub(crate) type Key = [u8; 12];

/// The first 8 bytes of the holder's keyed hash: it is only ever compared
/// within one document's entries, a handful, where 64 bits never collide.
pub(crate) type Holder = [u8; 8];

/// The key the document comparisons of a run are made under.
#[derive(Clone)]
pub(crate) enum RunKey {
    /// `--pii hmac`: the run's pseudonym key. Shards given the same key
    /// file make the same document keys, so a merge compares them across
    /// shards.
    Hmac(Vec<u8>),
    /// Any other mode: a random key made for this run and never written,
    /// so the document keys link nothing outside it.
    Random([u8; 32]),
}

impl std::fmt::Debug for RunKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key never reaches a log.
        f.write_str(self.kind())
    }
}

impl RunKey {
    /// The key of a run under `pii`.
    pub(crate) fn for_run(pii: &Pii) -> RunKey {
        match pii {
            Pii::Hmac(key) => RunKey::Hmac(key.clone()),
            _ => RunKey::Random(random_key()),
        }
    }

    /// `hmac` or `run`, as `run.json` says it.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            RunKey::Hmac(_) => "hmac",
            RunKey::Random(_) => "run",
        }
    }

    /// A value that is equal for two runs under the same HMAC key and says
    /// nothing of the key: a merge compares it to know whether the shards'
    /// document keys compare. `None` for a random key, which no other run has.
    pub(crate) fn check(&self) -> Option<String> {
        match self {
            RunKey::Hmac(k) => Some(hex(&hmac_sha256(k, b"eid-audit duplicates key check")[..8])),
            RunKey::Random(_) => None,
        }
    }

    fn mac(&self, message: &[u8]) -> [u8; 32] {
        match self {
            RunKey::Hmac(k) => hmac_sha256(k, message),
            RunKey::Random(k) => hmac_sha256(k, message),
        }
    }

    /// The document's key and its holder's, when the evidence gives a
    /// document number: the document is (issuing country, type, number),
    /// the holder (name, date of birth), each normalised (Unicode NFC,
    /// upper case, spaces collapsed; the number without spaces and `-`,
    /// which OCR and agents write inconsistently).
    pub(crate) fn document(&self, audit: &Audit) -> Option<(Key, Holder)> {
        let e = &audit.evidence;
        let field = |name: &str| normal(e.document_value(name).unwrap_or_default());
        let number: String = field("documentNumber")
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if number.is_empty() {
            return None;
        }
        let country = match field("issuingCountry") {
            c if c.is_empty() => field("nationality"),
            c => c,
        };
        let document = format!(
            "duplicates/document\u{1f}{country}\u{1f}{}\u{1f}{number}",
            field("documentType")
        );
        let holder = format!(
            "duplicates/holder\u{1f}{} {}\u{1f}{}",
            field("firstName"),
            field("lastName"),
            field("dateOfBirth")
        );
        let mut key = [0u8; 12];
        key.copy_from_slice(&self.mac(document.as_bytes())[..12]);
        let mut who = [0u8; 8];
        who.copy_from_slice(&self.mac(holder.as_bytes())[..8]);
        Some((key, who))
    }
}

/// A value as the document comparisons read it: NFC, upper case, runs of
/// white space made one space, trimmed.
fn normal(value: &str) -> String {
    let nfc: String = value.nfc().collect();
    nfc.to_uppercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// 32 random bytes. The standard library seeds each thread's hash keys
/// from the operating system's random source; four fresh hashers give 128
/// bits of it, which SHA-256 spreads over the key. No one can recompute a
/// key that was never written, which is all it is for.
fn random_key() -> [u8; 32] {
    use std::hash::{BuildHasher, Hasher};
    let mut h = Sha256::new();
    for i in 0u64..4 {
        let mut s = std::collections::hash_map::RandomState::new().build_hasher();
        s.write_u64(i);
        h.update(s.finish().to_le_bytes());
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    h.update(now.to_le_bytes());
    h.update(std::process::id().to_le_bytes());
    h.finalize().into()
}

/// The key of a lower-case hex SHA-256 (its first 12 bytes); `None` for
/// anything else.
pub(crate) fn of_hex(sha256: &str) -> Option<Key> {
    let b = sha256.as_bytes();
    if b.len() < 24 {
        return None;
    }
    let mut key = [0u8; 12];
    for (i, k) in key.iter_mut().enumerate() {
        *k = (nibble(b[2 * i])? << 4) | nibble(b[2 * i + 1])?;
    }
    Some(key)
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// The key of a process id: the first 12 bytes of its SHA-256.
pub(crate) fn of_process(process_id: &str) -> Key {
    let mut key = [0u8; 12];
    key.copy_from_slice(&Sha256::digest(format!("duplicates/process\u{1f}{process_id}"))[..12]);
    key
}

/// How much of a JPEG a fingerprint reads: 4 KiB holds its headers (with
/// the camera's EXIF data) and the start of its pixels.
const FINGERPRINT_PREFIX: u64 = 4096;

/// The keys of an archive's image members, in member order. With the
/// member hashes (`--hash-members`, `--ida`), the first 12 bytes of each
/// image's SHA-256. Without them, a JPEG's key is a fingerprint that costs
/// no inflating of the whole image: the SHA-256 of the CRC-32 and size the
/// archive declares for it and of its first 4 KiB, inflated. A copy of the
/// bytes always has the same; two different JPEGs share it only if they
/// share size, first 4 KiB and CRC-32. Any other image is hashed whole:
/// a PNG ends every chunk with the CRC-32 of the chunk, which makes the
/// CRC-32 of the whole file the same for any two PNGs whose chunks have
/// the same lengths (a CRC-32 over data and its own CRC-32 is a constant),
/// so for a PNG the zip's CRC-32 says nothing. A member that cannot be read
/// has no key (`--hash-members` reports it).
pub(crate) fn of_images(archive: &mut Archive, audit: &Audit) -> Vec<Key> {
    let images = audit
        .members
        .iter()
        .enumerate()
        .filter(|(_, m)| matches!(m.kind, MemberKind::Image(_)));
    if let Some(hashes) = &audit.member_hashes {
        return images
            .filter_map(|(i, _)| match hashes.get(i) {
                Some(MemberHash::Sha256(s)) => of_hex(s),
                _ => None,
            })
            .collect();
    }
    let mut keys = Vec::new();
    for (i, m) in images {
        let Ok(prefix) = archive.member_prefix(i, FINGERPRINT_PREFIX) else {
            continue;
        };
        if !prefix.starts_with(&[0xFF, 0xD8, 0xFF]) {
            if let Some(key) = archive.member_sha256(i).ok().and_then(|s| of_hex(&s)) {
                keys.push(key);
            }
            continue;
        }
        let digest = Sha256::new()
            .chain_update(b"duplicates/jpeg-fingerprint\x1f")
            .chain_update(m.crc32.to_le_bytes())
            .chain_update(m.size.to_le_bytes())
            .chain_update(&prefix)
            .finalize();
        let mut key = [0u8; 12];
        key.copy_from_slice(&digest[..12]);
        keys.push(key);
    }
    keys
}

/// A key as 24 hex digits (the shard index file).
pub(crate) fn to_hex(key: &[u8]) -> String {
    hex(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_keys_round_trip_and_refuse_what_is_not_hex() {
        let sha = "9c1d0a1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddee";
        let key = of_hex(sha).unwrap();
        assert_eq!(to_hex(&key), &sha[..24]);
        assert!(of_hex("9c1d").is_none());
        assert!(of_hex("zz1d0a1b2c3d4e5f60718293a4b5").is_none());
    }

    #[test]
    fn random_keys_differ_and_hmac_keys_check_equal() {
        assert_ne!(random_key(), random_key());
        let a = RunKey::for_run(&Pii::Hmac(b"0123456789abcdef".to_vec()));
        let b = RunKey::for_run(&Pii::Hmac(b"0123456789abcdef".to_vec()));
        let c = RunKey::for_run(&Pii::Hmac(b"fedcba9876543210".to_vec()));
        assert_eq!(a.check(), b.check());
        assert_ne!(a.check(), c.check());
        assert_eq!(RunKey::for_run(&Pii::Omit).check(), None);
        assert_eq!(format!("{a:?}"), "hmac");
    }

    #[test]
    fn names_are_read_alike_however_spaced_or_composed() {
        assert_eq!(
            normal(" jo\u{e3}o  da silva "),
            normal("JOA\u{303}O DA SILVA")
        );
    }
}

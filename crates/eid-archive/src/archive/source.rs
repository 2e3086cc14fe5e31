//! Reading an archive file once: the bytes are hashed as they are read, so the
//! fingerprint is of exactly the bytes read, and small archives are kept in
//! memory for the zip reader. The input is only ever opened read-only.

use crate::codes::hex;
use crate::error::Fingerprint;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, BufReader, Cursor, Read, Seek, SeekFrom};
use std::path::Path;

/// Archives up to this size are read into memory in the one pass that hashes
/// them; larger ones are hashed in a streaming pass and then read from disk.
const IN_MEMORY_MAX: u64 = 256 << 20;

/// The bytes of an archive, in memory or on disk.
pub(crate) enum Bytes {
    Memory(Cursor<Vec<u8>>),
    Disk(BufReader<File>),
}

impl Read for Bytes {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Bytes::Memory(c) => c.read(buf),
            Bytes::Disk(f) => f.read(buf),
        }
    }
}

impl Seek for Bytes {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        match self {
            Bytes::Memory(c) => c.seek(pos),
            Bytes::Disk(f) => f.seek(pos),
        }
    }
}

/// A reader that hashes everything read through it.
pub(crate) struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    read: u64,
}

impl<R: Read> HashingReader<R> {
    pub(crate) fn new(inner: R) -> Self {
        HashingReader {
            inner,
            hasher: Sha256::new(),
            read: 0,
        }
    }

    /// The fingerprint of every byte read so far, and the reader back.
    pub(crate) fn finish(self) -> (Fingerprint, R) {
        let fingerprint = Fingerprint {
            sha256: hex(&self.hasher.finalize()),
            bytes: self.read,
        };
        (fingerprint, self.inner)
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.read += n as u64;
        Ok(n)
    }
}

/// Reads an archive file, fingerprinting it in the same pass.
pub(crate) fn read_file(path: &Path) -> io::Result<(Bytes, Fingerprint)> {
    let file = File::open(path)?;
    let len = file.metadata()?.len();
    let mut reader = HashingReader::new(file);
    if len <= IN_MEMORY_MAX {
        // One pass over the file, straight into the buffer the zip reader uses.
        let mut data = Vec::with_capacity(len as usize + 1);
        reader.read_to_end(&mut data)?;
        let (fingerprint, _) = reader.finish();
        Ok((Bytes::Memory(Cursor::new(data)), fingerprint))
    } else {
        io::copy(&mut reader, &mut io::sink())?;
        let (fingerprint, mut file) = reader.finish();
        file.seek(SeekFrom::Start(0))?;
        Ok((Bytes::Disk(BufReader::new(file)), fingerprint))
    }
}

/// Fingerprints bytes already in memory.
pub(crate) fn fingerprint(bytes: &[u8]) -> Fingerprint {
    Fingerprint {
        sha256: hex(&Sha256::digest(bytes)),
        bytes: bytes.len() as u64,
    }
}

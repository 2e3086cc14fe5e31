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

/// Why an archive file could not be read.
pub(crate) enum ReadFailure {
    /// The file system refused.
    Io(io::Error),
    /// Not a regular file (a folder, a pipe, a device, a socket): never opened.
    NotAFile(&'static str),
    /// Larger than the limit.
    TooLarge(u64),
    /// The file changed while it was being read.
    Changed,
}

impl From<io::Error> for ReadFailure {
    fn from(e: io::Error) -> Self {
        ReadFailure::Io(e)
    }
}

/// What a path is when it is not a regular file.
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

/// Reads an archive file, fingerprinting it in the same pass. Only a regular
/// file is opened (a link is followed and its target checked first: a pipe
/// would block, a device never end), and at most the size first seen is read.
pub(crate) fn read_file(path: &Path, max_bytes: u64) -> Result<(Bytes, Fingerprint), ReadFailure> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(ReadFailure::NotAFile(kind_of(&meta)));
    }
    let len = meta.len();
    if len > max_bytes {
        return Err(ReadFailure::TooLarge(len));
    }
    let file = File::open(path)?;
    let mut reader = HashingReader::new(file.take(len));
    if len <= IN_MEMORY_MAX {
        // One pass over the file, straight into the buffer the zip reader uses.
        let mut data = Vec::with_capacity(len as usize);
        reader.read_to_end(&mut data)?;
        let (fingerprint, _) = reader.finish();
        if fingerprint.bytes != len {
            return Err(ReadFailure::Changed);
        }
        Ok((Bytes::Memory(Cursor::new(data)), fingerprint))
    } else {
        io::copy(&mut reader, &mut io::sink())?;
        let (fingerprint, file) = reader.finish();
        let mut file = file.into_inner();
        if fingerprint.bytes != len {
            return Err(ReadFailure::Changed);
        }
        file.seek(SeekFrom::Start(0))?;
        Ok((Bytes::Disk(BufReader::new(file)), fingerprint))
    }
}

/// For an archive too large to keep in memory, which is parsed from disk,
/// hashes the file again after it was parsed: the fingerprint reported must
/// be of the bytes judged, so a file that changed in between is refused.
/// An archive kept in memory cannot change.
pub(crate) fn verify_unchanged(path: &Path, fingerprint: &Fingerprint) -> Result<(), ReadFailure> {
    if fingerprint.bytes <= IN_MEMORY_MAX {
        return Ok(());
    }
    let file = File::open(path)?;
    let mut reader = HashingReader::new(file.take(fingerprint.bytes + 1));
    io::copy(&mut reader, &mut io::sink())?;
    let (again, _) = reader.finish();
    if again != *fingerprint {
        return Err(ReadFailure::Changed);
    }
    Ok(())
}

/// Fingerprints bytes already in memory.
pub(crate) fn fingerprint(bytes: &[u8]) -> Fingerprint {
    Fingerprint {
        sha256: hex(&Sha256::digest(bytes)),
        bytes: bytes.len() as u64,
    }
}

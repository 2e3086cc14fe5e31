//! Reading an archive file once: the bytes are hashed as they are read, so the
//! fingerprint is of exactly the bytes read, and small archives are kept in
//! memory for the zip reader. The input is only ever opened read-only.

use crate::codes::hex;
use crate::error::Fingerprint;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, BufReader, Cursor, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;

/// Archives up to this size are read into memory in the one pass that hashes
/// them; larger ones are hashed in a streaming pass and then read from disk.
const IN_MEMORY_MAX: u64 = 256 << 20;

/// The bytes of an archive, in memory or on disk. [`Bytes::handle`] gives a
/// second reader over the same bytes, with a position of its own, so the
/// structure checks can read raw headers beside the zip reader.
pub(crate) enum Bytes {
    Memory(Cursor<Shared>),
    Disk(BufReader<DiskReader>),
}

/// Bytes in memory, shared by every handle on them.
#[derive(Clone)]
pub(crate) struct Shared(Arc<Spare>);

impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        &self.0.0
    }
}

/// An archive's buffer, handed back to its thread when the last handle on
/// it goes: a worker reads archive after archive into the same memory
/// rather than asking the allocator (and the kernel, page by page) for a
/// fresh one each time.
struct Spare(Vec<u8>);

/// The largest buffer a thread keeps between archives.
const SPARE_MAX: usize = 64 << 20;

thread_local! {
    static SPARE: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl Drop for Spare {
    fn drop(&mut self) {
        let bytes = std::mem::take(&mut self.0);
        if bytes.capacity() <= SPARE_MAX {
            // A thread being torn down keeps nothing.
            let _ = SPARE.try_with(|s| {
                if let Ok(mut s) = s.try_borrow_mut()
                    && s.capacity() < bytes.capacity()
                {
                    *s = bytes;
                }
            });
        }
    }
}

/// An empty buffer that holds `len` bytes: this thread's spare one when it
/// has one (its old contents are never read: it is emptied first).
fn buffer(len: usize) -> Vec<u8> {
    let mut v = SPARE
        .try_with(|s| {
            s.try_borrow_mut()
                .map(|mut s| std::mem::take(&mut *s))
                .unwrap_or_default()
        })
        .unwrap_or_default();
    v.clear();
    v.reserve(len);
    v
}

/// A file read at a position of its own: every read seeks first, so handles
/// sharing the one open file never move each other.
pub(crate) struct DiskReader {
    file: Arc<File>,
    pos: u64,
    len: u64,
}

impl Read for DiskReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut file = &*self.file;
        file.seek(SeekFrom::Start(self.pos))?;
        let n = file.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for DiskReader {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let to = match pos {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = to.ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek before the start of the file",
            )
        })?;
        Ok(self.pos)
    }
}

impl Bytes {
    /// Bytes held in memory.
    pub(crate) fn memory(bytes: Vec<u8>) -> Bytes {
        Bytes::Memory(Cursor::new(Shared(Arc::new(Spare(bytes)))))
    }

    /// Another reader over the same bytes, starting at 0.
    pub(crate) fn handle(&self) -> Bytes {
        match self {
            Bytes::Memory(c) => Bytes::Memory(Cursor::new(c.get_ref().clone())),
            Bytes::Disk(r) => {
                let d = r.get_ref();
                Bytes::Disk(BufReader::new(DiskReader {
                    file: Arc::clone(&d.file),
                    pos: 0,
                    len: d.len,
                }))
            }
        }
    }

    /// The number of bytes.
    pub(crate) fn len(&self) -> u64 {
        match self {
            Bytes::Memory(c) => c.get_ref().as_ref().len() as u64,
            Bytes::Disk(r) => r.get_ref().len,
        }
    }

    /// At most `len` bytes from `offset` (fewer at the end of the file).
    pub(crate) fn read_at(&mut self, offset: u64, len: usize) -> io::Result<Vec<u8>> {
        let len = len.min(self.len().saturating_sub(offset) as usize);
        let mut buf = vec![0; len];
        self.seek(SeekFrom::Start(offset))?;
        self.read_exact(&mut buf)?;
        Ok(buf)
    }
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
pub(super) fn kind_of(meta: &std::fs::Metadata) -> &'static str {
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
    if len <= IN_MEMORY_MAX {
        // Straight into the buffer the zip reader uses (a file reads into
        // spare capacity without zeroing it first), then hashed there while
        // it is still in the cache: the fingerprint is of exactly these bytes.
        let mut data = buffer(len as usize);
        file.take(len).read_to_end(&mut data)?;
        if data.len() as u64 != len {
            return Err(ReadFailure::Changed);
        }
        let fingerprint = fingerprint(&data);
        Ok((Bytes::memory(data), fingerprint))
    } else {
        let mut reader = HashingReader::new(file.take(len));
        io::copy(&mut reader, &mut io::sink())?;
        let (fingerprint, file) = reader.finish();
        if fingerprint.bytes != len {
            return Err(ReadFailure::Changed);
        }
        // The disk reader keeps its own position, so no seek back is needed.
        let disk = DiskReader {
            file: Arc::new(file.into_inner()),
            pos: 0,
            len: fingerprint.bytes,
        };
        Ok((Bytes::Disk(BufReader::new(disk)), fingerprint))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Two handles on one file never move each other, on disk as in memory.
    #[test]
    fn handles_keep_their_own_position() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bytes");
        let data: Vec<u8> = (0..=255).collect();
        std::fs::write(&path, &data).unwrap();
        let file = File::open(&path).unwrap();
        let disk = Bytes::Disk(BufReader::new(DiskReader {
            file: Arc::new(file),
            pos: 0,
            len: 256,
        }));
        for mut a in [disk, Bytes::memory(data)] {
            let mut b = a.handle();
            assert_eq!((a.len(), b.len()), (256, 256));
            let mut one = [0u8; 2];
            a.seek(SeekFrom::Start(10)).unwrap();
            assert_eq!(b.read_at(200, 3).unwrap(), [200, 201, 202]);
            a.read_exact(&mut one).unwrap();
            assert_eq!(one, [10, 11]);
            b.read_exact(&mut one).unwrap();
            assert_eq!(one, [203, 204]);
            assert_eq!(a.read_at(250, 100).unwrap(), [250, 251, 252, 253, 254, 255]);
            assert!(a.seek(SeekFrom::Current(-1000)).is_err());
        }
    }
}

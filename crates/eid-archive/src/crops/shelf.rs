//! Where an archive's exhibits are put: files in its own folder, or bytes
//! held for one zip of the whole run (`report --crops-into zip`), which
//! spares the file system thousands of small files.

use crate::error::OutputError;
use crate::fsio;
use std::io::{self, Write};
use std::path::Path;

/// The most one archive's exhibits may hold in memory: far above any real
/// archive's (a few megabytes), far below what a crafted one could ask.
pub(crate) const HELD_MAX: u64 = 128 << 20;

/// An archive's exhibits, held in memory: `(file name, bytes)` in the order
/// written, to be stored under the archive's folder in one zip.
#[doc(hidden)]
pub type Held = Vec<(String, Vec<u8>)>;

/// Where each exhibit goes.
pub(crate) enum Shelf<'a> {
    /// Files in this folder, each written atomically.
    Folder(&'a Path),
    /// Files in a fresh folder of a run's own that is moved into place whole
    /// when complete (a batch's staging): each file is created new, once,
    /// with no temporary name and rename of its own.
    Staged(&'a Path),
    /// Bytes kept in memory, at most [`HELD_MAX`] in all.
    Memory {
        /// What is held so far.
        files: &'a mut Held,
        /// Their bytes.
        held: u64,
    },
}

impl Shelf<'_> {
    /// Puts one exhibit named `name`, made by `write`.
    pub(crate) fn put(
        &mut self,
        name: &str,
        write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), OutputError> {
        match self {
            Shelf::Folder(dir) => fsio::write_atomic(dir, name, |w| write(w)).map(|_| ()),
            Shelf::Staged(dir) => {
                let path = dir.join(name);
                // `create_new` never follows or replaces anything already there.
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&path)
                    .map_err(OutputError::io(&path))?;
                let mut w = io::BufWriter::with_capacity(64 << 10, file);
                write(&mut w)
                    .and_then(|()| w.flush())
                    .map_err(OutputError::io(&path))
            }
            Shelf::Memory { files, held } => {
                let room = HELD_MAX.saturating_sub(*held);
                let mut capped = Capped {
                    bytes: Vec::new(),
                    room: usize::try_from(room).unwrap_or(usize::MAX),
                };
                // What does not fit is refused whole, and takes no room; the
                // encoder stops at the cap instead of growing a buffer past it.
                write(&mut capped).map_err(|e| {
                    let e = if capped.room == 0 {
                        io::Error::other(format!(
                            "the archive's exhibits would hold more than {} MiB; not kept",
                            HELD_MAX >> 20
                        ))
                    } else {
                        e
                    };
                    OutputError::io(Path::new(name))(e)
                })?;
                *held += capped.bytes.len() as u64;
                files.push((name.to_owned(), capped.bytes));
                Ok(())
            }
        }
    }
}

/// A buffer that refuses to grow past `room` bytes.
struct Capped {
    bytes: Vec<u8>,
    room: usize,
}

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.len() > self.room {
            self.room = 0;
            return Err(io::Error::other("over the cap"));
        }
        self.room -= buf.len();
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

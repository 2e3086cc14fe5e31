//! Writing files safely, in one place: every file the tool writes (report
//! files, crops, images) is written under a temporary name in its final
//! folder and renamed into place only when complete (a rename replaces a
//! symbolic link rather than following it), and no folder that is a symbolic
//! link is ever written through.

use crate::error::OutputError;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// Creates `dir` (and its parents) unless it exists; refuses a symbolic
/// link, and says so when a file stands there.
pub(crate) fn ensure_dir(dir: &Path) -> Result<(), OutputError> {
    if let Ok(meta) = fs::symlink_metadata(dir) {
        if meta.file_type().is_symlink() {
            return Err(OutputError::Symlink {
                path: dir.to_owned(),
            });
        }
        if !meta.is_dir() {
            return Err(OutputError::NotAFolder {
                path: dir.to_owned(),
            });
        }
    }
    fs::create_dir_all(dir).map_err(OutputError::io(dir))
}

/// A file being written under a temporary name beside its final path, through
/// a writer `W` made from the file. It is removed if dropped before
/// [`PartialFile::persist`].
pub(crate) struct PartialFile<W = BufWriter<File>> {
    path: PathBuf,
    temp: NamedTempFile<W>,
}

impl PartialFile {
    /// Starts `dir/name` as a hidden temporary file in `dir`, buffered.
    pub(crate) fn create(dir: &Path, name: &str) -> Result<PartialFile, OutputError> {
        PartialFile::create_with(dir, name, |f| BufWriter::with_capacity(256 << 10, f))
    }
}

/// A writer that can push everything it buffered to its file.
pub(crate) trait Flush {
    /// Writes out every buffered byte.
    fn flush_all(&mut self) -> io::Result<()>;
}

impl Flush for BufWriter<File> {
    fn flush_all(&mut self) -> io::Result<()> {
        self.flush()
    }
}

impl Flush for csv::Writer<File> {
    fn flush_all(&mut self) -> io::Result<()> {
        self.flush()
    }
}

impl<W: Flush> PartialFile<W> {
    /// Starts `dir/name` as a hidden temporary file in `dir`, written through `make(file)`.
    pub(crate) fn create_with(
        dir: &Path,
        name: &str,
        make: impl FnOnce(File) -> W,
    ) -> Result<PartialFile<W>, OutputError> {
        let path = dir.join(name);
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{name}.partial-"))
            .make_in(dir, |p| {
                fs::OpenOptions::new().write(true).create_new(true).open(p)
            })
            .map_err(OutputError::io(&path))?;
        let (file, temp_path) = temp.into_parts();
        let temp = NamedTempFile::from_parts(make(file), temp_path);
        Ok(PartialFile { path, temp })
    }

    /// The writer.
    pub(crate) fn writer(&mut self) -> &mut W {
        self.temp.as_file_mut()
    }

    /// The final path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes and renames the file into place.
    pub(crate) fn persist(mut self) -> Result<PathBuf, OutputError> {
        let path = self.path;
        self.temp
            .as_file_mut()
            .flush_all()
            .map_err(OutputError::io(&path))?;
        self.temp
            .persist(&path)
            .map_err(|e| OutputError::io(&path)(e.error))?;
        Ok(path)
    }
}

/// Writes `dir/name` atomically with `write`.
pub(crate) fn write_atomic(
    dir: &Path,
    name: &str,
    write: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> Result<PathBuf, OutputError> {
    let mut file = PartialFile::create(dir, name)?;
    write(file.writer()).map_err(OutputError::io(file.path()))?;
    file.persist()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_appear_only_when_complete() {
        let dir = tempfile::tempdir().unwrap();
        let mut f = PartialFile::create(dir.path(), "a.csv").unwrap();
        f.writer().write_all(b"x").unwrap();
        assert!(!dir.path().join("a.csv").exists());
        drop(f);
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            0,
            "dropped partial files vanish"
        );
        let path = write_atomic(dir.path(), "b.csv", |w| w.write_all(b"done")).unwrap();
        assert_eq!(fs::read(path).unwrap(), b"done");
    }

    #[cfg(unix)]
    #[test]
    fn links_are_replaced_or_refused_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target.txt");
        fs::write(&target, b"keep").unwrap();
        std::os::unix::fs::symlink(&target, dir.path().join("out.png")).unwrap();
        write_atomic(dir.path(), "out.png", |w| w.write_all(b"new")).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"keep");
        let linked = dir.path().join("linked-dir");
        std::os::unix::fs::symlink(dir.path(), &linked).unwrap();
        assert!(matches!(
            ensure_dir(&linked),
            Err(OutputError::Symlink { .. })
        ));
    }
}

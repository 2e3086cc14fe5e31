//! `crops.zip`: a run's exhibits in one uncompressed zip with the folders'
//! layout (`crops/<folder>/<file>`), written as the archives arrive in input
//! order. One file instead of thousands: faster to write, copy and hash.

use super::shelf::Held;
use crate::error::OutputError;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// `crops.zip` being written.
pub(crate) struct Bundle {
    path: PathBuf,
    zip: zip::ZipWriter<BufWriter<File>>,
}

impl Bundle {
    /// Starts the zip at `path` (a new file in a run's staging folder).
    pub(crate) fn create(path: &Path) -> Result<Bundle, OutputError> {
        let file = File::create(path).map_err(OutputError::io(path))?;
        Ok(Bundle {
            path: path.to_owned(),
            zip: zip::ZipWriter::new(BufWriter::with_capacity(1 << 20, file)),
        })
    }

    /// Stores one archive's exhibits as `crops/<folder>/<file>`: unzipped in
    /// the report folder, the layout is that of `--crops` into folders.
    /// Stored, not compressed (the images are compressed already), with a
    /// fixed time, so the same run gives the same bytes.
    pub(crate) fn store(&mut self, folder: &str, files: &Held) -> Result<(), OutputError> {
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(0o644);
        for (name, bytes) in files {
            self.zip
                .start_file(format!("crops/{folder}/{name}"), options)
                .map_err(|e| OutputError::io(&self.path)(plain(e)))?;
            self.zip
                .write_all(bytes)
                .map_err(OutputError::io(&self.path))?;
        }
        Ok(())
    }

    /// Writes the central directory and flushes.
    pub(crate) fn finish(self) -> Result<(), OutputError> {
        let path = self.path;
        let mut w = self
            .zip
            .finish()
            .map_err(|e| OutputError::io(&path)(plain(e)))?;
        w.flush().map_err(OutputError::io(&path))
    }
}

/// A zip writer's error as the plain I/O error under it (a full disk says
/// "No space left on device", once), else its one-line text.
fn plain(e: zip::result::ZipError) -> io::Error {
    match e {
        zip::result::ZipError::Io(e) => e,
        other => io::Error::other(other.to_string()),
    }
}

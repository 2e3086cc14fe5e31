//! `duplicates-index.csv`: a shard's index entries, one line per row of
//! its `archives.csv`, in the same order, so that a merge can rebuild the
//! index of the whole store and find the duplicates that span shards.
//! Hashes only: the archive's, the process id's and the images' (plain
//! SHA-256, truncated), and the document's and holder's under the run's
//! key (comparable across shards only under `--pii hmac` with one key).

use super::csv_out::CsvOut;
use super::index::Entry;
use super::keys::{Holder, Key, to_hex};
use crate::error::OutputError;
use std::io;
use std::path::Path;

/// The file's name.
pub(crate) const NAME: &str = "duplicates-index.csv";

const COLUMNS: [&str; 6] = [
    "row",
    "archive_key",
    "process_key",
    "document_key",
    "holder_key",
    "image_keys",
];

/// The file being written by a shard.
pub(crate) struct Writer {
    out: CsvOut,
    rows: usize,
}

impl Writer {
    pub(crate) fn create(dir: &Path) -> Result<Writer, OutputError> {
        Ok(Writer {
            out: CsvOut::create(&dir.join(NAME), &COLUMNS, false)?,
            rows: 0,
        })
    }

    /// The line of the next row of `archives.csv`.
    pub(crate) fn add(&mut self, e: &Entry) -> Result<(), OutputError> {
        self.rows += 1;
        let hex = |k: Option<&Key>| k.map(|k| to_hex(k)).unwrap_or_default();
        let images: Vec<String> = e.images.iter().map(|k| to_hex(k)).collect();
        self.out.row(&[
            self.rows.to_string(),
            hex(e.archive.as_ref()),
            hex(e.process.as_ref()),
            hex(e.document.as_ref().map(|d| &d.0)),
            e.document.map(|d| to_hex(&d.1)).unwrap_or_default(),
            images.join("; "),
        ])
    }

    pub(crate) fn close(self) -> Result<(), OutputError> {
        self.out.close()
    }
}

/// A shard's file, read line by line.
pub(crate) struct Reader {
    reader: csv::Reader<std::fs::File>,
    record: csv::StringRecord,
    rows: usize,
}

impl Reader {
    pub(crate) fn open(path: &Path) -> Result<Reader, OutputError> {
        let reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_path(path)
            .map_err(|e| OutputError::io(path)(io::Error::from(e)))?;
        Ok(Reader {
            reader,
            record: csv::StringRecord::new(),
            rows: 0,
        })
    }

    /// The entry of the next row, or what is wrong with the line.
    pub(crate) fn next(&mut self) -> Result<Option<Entry>, String> {
        match self.reader.read_record(&mut self.record) {
            Ok(true) => {}
            Ok(false) => return Ok(None),
            Err(e) => return Err(format!("{NAME}: {e}")),
        }
        self.rows += 1;
        let r = &self.record;
        let bad = || format!("{NAME}: line {} cannot be read", self.rows + 1);
        if r.get(0) != Some(self.rows.to_string().as_str()) {
            return Err(format!(
                "{NAME}: line {} is not row {}: not in the order of archives.csv",
                self.rows + 1,
                self.rows
            ));
        }
        let key = |i: usize| -> Result<Option<Key>, String> {
            match r.get(i).unwrap_or("") {
                "" => Ok(None),
                s if s.len() == 24 => super::keys::of_hex(s).map(Some).ok_or_else(bad),
                _ => Err(bad()),
            }
        };
        let holder: Option<Holder> = match r.get(4).unwrap_or("") {
            "" => None,
            s => {
                let k = super::keys::of_hex(&format!("{s:0<24}")).ok_or_else(bad)?;
                let mut h = [0u8; 8];
                h.copy_from_slice(&k[..8]);
                Some(h)
            }
        };
        let mut images = Vec::new();
        for s in r.get(5).unwrap_or("").split("; ").filter(|s| !s.is_empty()) {
            images.push(
                super::keys::of_hex(s)
                    .filter(|_| s.len() == 24)
                    .ok_or_else(bad)?,
            );
        }
        Ok(Some(Entry {
            archive: key(1)?,
            process: key(2)?,
            document: key(3)?.map(|d| (d, holder.unwrap_or_default())),
            images,
        }))
    }
}

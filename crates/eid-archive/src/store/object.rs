//! One object: read whole by the worker that opens it, pinned to the ETag
//! of the listing, within the archive size limit.

use super::checksum::{self, StoredChecksum};
use super::{Store, is_retryable, one_line, runtime};
use crate::archive::{Archive, ReadOptions, StoredObject};
use crate::batch::Remote;
use crate::error::{Error, ErrorKind, Measure, Sized};
use futures::TryStreamExt;
use object_store::{GetOptions, ObjectMeta};
use std::sync::Arc;

/// An object to read, as listed.
#[derive(Debug)]
pub(super) struct Object {
    store: Arc<Store>,
    meta: ObjectMeta,
    beside: Option<ObjectMeta>,
    /// True when `meta` came from a listing (its size and ETag are known).
    listed: bool,
}

impl Object {
    pub(super) fn new(
        store: Arc<Store>,
        meta: ObjectMeta,
        beside: Option<ObjectMeta>,
        listed: bool,
    ) -> Object {
        Object {
            store,
            meta,
            beside,
            listed,
        }
    }
}

/// What one GET brought: the bytes, the object as read, the store's checksum.
struct Got {
    bytes: Vec<u8>,
    meta: ObjectMeta,
    checksum: Option<StoredChecksum>,
}

impl Remote for Object {
    fn open(&self, label: &str, options: &ReadOptions) -> Result<Archive, Error> {
        let limits = &options.limits;
        let fail = |kind| Error::new(label, None, kind);
        let too_large = |size, measured| ErrorKind::TooLarge {
            what: Sized::ArchiveFile,
            measured,
            size,
            limit: limits.max_archive_bytes,
        };
        // Refused from the listing, before any request.
        if self.listed && self.meta.size > limits.max_archive_bytes {
            return Err(fail(too_large(self.meta.size, Measure::Declared)));
        }
        let got = runtime()
            .block_on(self.get(&self.meta, limits.max_archive_bytes))
            .map_err(|e| fail(e.into_kind(&self.meta, ArchiveLimit(limits.max_archive_bytes))))?;
        let beside = match &self.beside {
            Some(meta) => {
                let file = format!("{}{}", base_of(label, &self.meta), meta.location);
                let got = runtime()
                    .block_on(self.get(meta, limits.max_json_bytes))
                    .map_err(|e| {
                        Error::new(
                            file.clone(),
                            None,
                            e.into_kind(meta, JsonLimit(limits.max_json_bytes)),
                        )
                    })?;
                Some((file, got.bytes))
            }
            None => None,
        };
        let stored = StoredObject {
            etag: got.meta.e_tag.clone(),
            version: got.meta.version.clone(),
            sha256: got.checksum.as_ref().map(checksum::as_hex),
        };
        Archive::from_stored(label.to_owned(), got.bytes, stored, beside, options)
    }
}

impl Object {
    /// Reads an object whole, pinned to its listed ETag, refusing it as soon
    /// as it is known to be over `limit` bytes.
    async fn get(&self, meta: &ObjectMeta, limit: u64) -> Result<Got, Failure> {
        let mut get = GetOptions::default();
        if self.listed {
            get.if_match = meta.e_tag.clone();
        }
        // A manifest may name a version (S3 Inventory does).
        get.version = meta.version.clone();
        let result = self
            .store
            .inner
            .get_opts(&meta.location, get)
            .await
            .map_err(Failure::Store)?;
        let checksum = result.extensions.get::<StoredChecksum>().cloned();
        let read = result.meta.clone();
        if read.size > limit {
            return Err(Failure::TooLarge(read.size, Measure::Declared));
        }
        let mut bytes = Vec::with_capacity(usize::try_from(read.size).unwrap_or(0));
        let mut stream = result.into_stream();
        while let Some(chunk) = stream.try_next().await.map_err(Failure::Store)? {
            let total = bytes.len() as u64 + chunk.len() as u64;
            if total > limit {
                return Err(Failure::TooLarge(total, Measure::Inflated));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Got {
            bytes,
            meta: read,
            checksum,
        })
    }
}

/// Why a read failed.
enum Failure {
    Store(object_store::Error),
    TooLarge(u64, Measure),
}

/// The size limit of an archive, or of a process record.
struct ArchiveLimit(u64);
struct JsonLimit(u64);

trait Limit {
    fn kind(&self, size: u64, measured: Measure) -> ErrorKind;
}

impl Limit for ArchiveLimit {
    fn kind(&self, size: u64, measured: Measure) -> ErrorKind {
        ErrorKind::TooLarge {
            what: Sized::ArchiveFile,
            measured,
            size,
            limit: self.0,
        }
    }
}

impl Limit for JsonLimit {
    fn kind(&self, size: u64, measured: Measure) -> ErrorKind {
        ErrorKind::TooLarge {
            what: Sized::ProcessFile,
            measured,
            size,
            limit: self.0,
        }
    }
}

impl Failure {
    fn into_kind(self, meta: &ObjectMeta, limit: impl Limit) -> ErrorKind {
        match self {
            Failure::TooLarge(size, measured) => limit.kind(size, measured),
            Failure::Store(object_store::Error::Precondition { .. }) => {
                ErrorKind::ObjectChanged(meta.e_tag.clone().unwrap_or_default())
            }
            Failure::Store(object_store::Error::NotFound { .. }) => ErrorKind::Io(
                std::io::Error::new(std::io::ErrorKind::NotFound, "no such object"),
            ),
            Failure::Store(e) if is_retryable(&e) => ErrorKind::Storage(one_line(&e)),
            Failure::Store(e) => ErrorKind::Io(std::io::Error::other(one_line(&e))),
        }
    }
}

/// `scheme://bucket/` of an object's label.
fn base_of<'a>(label: &'a str, meta: &ObjectMeta) -> &'a str {
    label.strip_suffix(meta.location.as_ref()).unwrap_or(label)
}

//! Safe access to one zip archive, along the flow: [`source`] reads and
//! fingerprints the file once, [`index`] lists and classifies the members,
//! [`inflate`] is the one bounded read every member goes through, and
//! [`assemble`] turns the members into [`Evidence`], refusing archives that
//! can be read two ways.

mod assemble;
mod copies;
mod ends;
mod index;
mod inflate;
mod outside;
mod source;
mod structure;

pub use index::{Member, MemberKind};

use crate::dialect::decode_base64;
use crate::error::{Error, ErrorKind, Fingerprint, Sized};
use crate::evidence::{Depiction, Evidence, Source};
use crate::limits::Limits;
use inflate::{Inflater, Want};
use std::path::{Path, PathBuf};
use zip::ZipArchive;

/// Where the process record of an archive comes from.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ProcessSource {
    /// Inside the zip, or beside an archive file with the same file stem and
    /// `.json`, as integrators store it.
    #[default]
    Auto,
    /// This file (the CLI's `--process`).
    File(PathBuf),
    /// Only inside the zip.
    InsideOnly,
}

/// How to read an archive: the limits, and where its process record is.
#[non_exhaustive]
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Resource limits.
    pub limits: Limits,
    /// Where the process record comes from.
    pub process: ProcessSource,
}

impl ReadOptions {
    /// These options with other limits.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// These options with the process record taken from elsewhere.
    pub fn with_process(mut self, process: ProcessSource) -> Self {
        self.process = process;
        self
    }
}

/// What object storage said of the object an archive was read from: the
/// version read, and the store's own checksum of it, when it keeps one.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredObject {
    /// The ETag the read was pinned to.
    pub etag: Option<String>,
    /// The object's version, on a versioned bucket.
    pub version: Option<String>,
    /// The store's SHA-256 of the whole object (S3's
    /// `x-amz-checksum-sha256`, as lower-case hex), when it has one.
    pub sha256: Option<String>,
}

/// An opened archive: its fingerprint, its member index and the evidence read from it.
///
/// Opening reads the central directory, every data (JSON) member and the
/// header of every image; it never decodes pixels. The input is only ever read.
///
/// ```
/// # let dir = tempfile::tempdir()?;
/// # let path = dir.path().join("accepted.zip");
/// # eid_archive::doc_example_archive(&path)?;
/// use eid_archive::{Archive, ReadOptions};
///
/// let archive = Archive::open(&path, &ReadOptions::default())?;
/// assert_eq!(archive.evidence().recorded_status_word(), Some("accepted"));
/// assert_eq!(archive.fingerprint().sha256.len(), 64);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Archive {
    label: String,
    fingerprint: Fingerprint,
    inflater: Inflater,
    limits: Limits,
    members: Vec<Member>,
    evidence: Evidence,
    /// Base64 images from native JSON, decoded only when a crop needs the pixels.
    embedded: Vec<(Depiction, String)>,
    /// Where it was read from, when that was object storage.
    stored: Option<StoredObject>,
    /// Prefixes already inflated, by member: (member, length asked, bytes).
    /// An image's header probe and its fingerprint for the duplicates read
    /// one prefix, so the member's inflate stream is started once.
    prefixes: Vec<(usize, u64, Vec<u8>)>,
}

/// The least a prefix read inflates: an image's header and its duplicates
/// fingerprint both lie within it.
const PREFIX_READ: u64 = 4 << 10;

impl std::fmt::Debug for Archive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Archive")
            .field("label", &self.label)
            .field("sha256", &self.fingerprint.sha256)
            .field("members", &self.members.len())
            .finish_non_exhaustive()
    }
}

impl Archive {
    /// Opens an archive file read-only, fingerprinting it in the same pass
    /// that reads it, with the process record the options say.
    pub fn open(path: impl AsRef<Path>, options: &ReadOptions) -> Result<Archive, Error> {
        let path = path.as_ref();
        let label = path.display().to_string();
        let outside = match &options.process {
            ProcessSource::File(p) => Some(outside::ProcessFile::read(p, &options.limits)),
            ProcessSource::Auto => match outside::sidecar_path(path) {
                Ok(p) => p.map(|p| outside::ProcessFile::read(&p, &options.limits)),
                Err(e) => Some(Err(e)),
            },
            ProcessSource::InsideOnly => None,
        }
        .transpose()
        .map_err(|(file, kind)| Error::new(file, None, kind))?;
        let limit = options.limits.max_archive_bytes;
        let failed = |e| Error::new(label.clone(), None, read_failure(e, limit));
        let (bytes, fingerprint) = source::read_file(path, limit).map_err(failed)?;
        let archive =
            Archive::from_source(label.clone(), bytes, fingerprint, outside, &options.limits)?;
        source::verify_unchanged(path, &archive.fingerprint)
            .map_err(|e| failed(e).with_fingerprint(&archive.fingerprint))?;
        Ok(archive)
    }

    /// Opens an archive held in memory; `label` names it in messages. A
    /// process record is read from a file only when the options name one.
    pub fn from_bytes(
        label: impl Into<String>,
        bytes: Vec<u8>,
        options: &ReadOptions,
    ) -> Result<Archive, Error> {
        let label = label.into();
        let outside = match &options.process {
            ProcessSource::File(p) => Some(
                outside::ProcessFile::read(p, &options.limits)
                    .map_err(|(file, kind)| Error::new(file, None, kind))?,
            ),
            _ => None,
        };
        let fingerprint = source::fingerprint(&bytes);
        let bytes = source::Bytes::memory(bytes);
        Archive::from_source(label, bytes, fingerprint, outside, &options.limits)
    }

    /// Opens an archive read from object storage: its bytes, what the store
    /// said of it, and the process record stored beside it (its label and
    /// bytes), when there is one and the options do not name another.
    #[cfg(feature = "store")]
    pub(crate) fn from_stored(
        label: String,
        bytes: Vec<u8>,
        stored: StoredObject,
        beside: Option<(String, Vec<u8>)>,
        options: &ReadOptions,
    ) -> Result<Archive, Error> {
        let outside = match (&options.process, beside) {
            (ProcessSource::File(p), _) => Some(
                outside::ProcessFile::read(p, &options.limits)
                    .map_err(|(file, kind)| Error::new(file, None, kind))?,
            ),
            (ProcessSource::Auto, Some((label, bytes))) => {
                Some(outside::ProcessFile { label, bytes })
            }
            _ => None,
        };
        let fingerprint = source::fingerprint(&bytes);
        let bytes = source::Bytes::memory(bytes);
        let mut archive =
            Archive::from_source(label, bytes, fingerprint, outside, &options.limits)?;
        archive.stored = Some(stored);
        Ok(archive)
    }

    fn from_source(
        label: String,
        bytes: source::Bytes,
        fingerprint: Fingerprint,
        outside: Option<outside::ProcessFile>,
        limits: &Limits,
    ) -> Result<Archive, Error> {
        let fail = |member: Option<&str>, kind| {
            Error::new(label.clone(), member, kind).with_fingerprint(&fingerprint)
        };
        // A second reader over the same bytes, for the raw headers.
        let mut raw = bytes.handle();
        let mut zip = ZipArchive::new(bytes).map_err(|e| fail(None, unreadable(e, &mut raw)))?;
        let members = index::build(&mut zip, &mut raw, limits).map_err(|kind| fail(None, kind))?;
        let mut archive = Archive {
            label: label.clone(),
            fingerprint: fingerprint.clone(),
            inflater: Inflater::new(zip, limits.max_total_bytes),
            limits: *limits,
            members,
            evidence: Evidence::default(),
            embedded: Vec::new(),
            stored: None,
            prefixes: Vec::new(),
        };
        let (evidence, embedded) = assemble::read_evidence(&mut archive, outside)
            .map_err(|e| e.with_fingerprint(&fingerprint))?;
        archive.evidence = evidence;
        archive.embedded = embedded;
        Ok(archive)
    }

    fn err(&self, member: Option<&str>, kind: ErrorKind) -> Error {
        Error::new(self.label.clone(), member, kind)
    }

    /// Reads (part of) member `index` into `sink` through the one bounded inflater.
    fn inflate_into(
        &mut self,
        index: usize,
        want: Want,
        sink: &mut impl std::io::Write,
    ) -> Result<u64, Error> {
        let member = &self.members[index];
        self.inflater
            .inflate(member, want, sink)
            .map_err(|(kind, of_member)| {
                let name = of_member.then(|| member.name.clone());
                Error::new(self.label.clone(), name.as_deref(), kind)
            })
    }

    /// The whole member, within `limit` bytes of kind `what`.
    fn read_member(&mut self, index: usize, limit: u64, what: Sized) -> Result<Vec<u8>, Error> {
        let declared = self.members[index].size;
        let mut buf = Vec::with_capacity(declared.min(limit).min(64 << 20) as usize);
        self.inflate_into(index, Want::All { limit, what }, &mut buf)?;
        Ok(buf)
    }

    /// At most the first `len` bytes of a member, and one more when there
    /// are more. Read once at [`PREFIX_READ`] bytes and kept: a later read
    /// of no more is served from it, as the same inflation would give it.
    fn read_prefix(&mut self, index: usize, len: u64) -> Result<Vec<u8>, Error> {
        // A prefix of `asked` bytes holds `asked + 1` when the member is
        // longer, so it answers any request up to `asked`, and any at all
        // when it is the whole member.
        // What a read of `len` gives: at most `len + 1` bytes of a prefix.
        let answer = |bytes: &[u8]| {
            let most = usize::try_from(len.saturating_add(1)).unwrap_or(usize::MAX);
            bytes[..bytes.len().min(most)].to_vec()
        };
        let kept = self.prefixes.iter().find(|(i, asked, bytes)| {
            *i == index && (*asked >= len || (bytes.len() as u64) <= *asked)
        });
        if let Some((_, _, bytes)) = kept {
            return Ok(answer(bytes));
        }
        let asked = len.max(PREFIX_READ);
        let mut buf = Vec::new();
        match self.inflate_into(index, Want::Prefix(asked), &mut buf) {
            Ok(_) => {
                let out = answer(&buf);
                self.prefixes.push((index, asked, buf));
                Ok(out)
            }
            // Damage past what was asked for is not this read's to report:
            // read exactly what was asked, as if nothing were kept.
            Err(_) if asked > len => {
                let mut buf = Vec::new();
                self.inflate_into(index, Want::Prefix(len), &mut buf)?;
                Ok(buf)
            }
            Err(e) => Err(e),
        }
    }

    /// At most the first `len` inflated bytes of a member: an image's
    /// fingerprint for the duplicates index, without inflating it whole.
    pub(crate) fn member_prefix(&mut self, index: usize, len: u64) -> Result<Vec<u8>, Error> {
        if index >= self.members.len() {
            return Err(self.err(None, ErrorKind::Internal(format!("no member {index}"))));
        }
        self.read_prefix(index, len)
    }

    /// SHA-256 of one member's inflated bytes, streamed (never held in memory),
    /// within the archive's total inflated-bytes limit. Inflating the whole
    /// member also verifies its CRC and declared size.
    pub fn member_sha256(&mut self, index: usize) -> Result<String, Error> {
        use sha2::Digest;
        if index >= self.members.len() {
            return Err(self.err(None, ErrorKind::Internal(format!("no member {index}"))));
        }
        let mut hasher = HashWriter(sha2::Sha256::new());
        self.inflate_into(
            index,
            Want::All {
                limit: u64::MAX,
                what: Sized::Member,
            },
            &mut hasher,
        )?;
        Ok(crate::codes::hex(&hasher.0.finalize()))
    }

    /// The archive as the caller named it.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// SHA-256 and size of the archive's bytes.
    pub fn fingerprint(&self) -> &Fingerprint {
        &self.fingerprint
    }

    /// What object storage said of the object, when it was read from one.
    pub fn stored(&self) -> Option<&StoredObject> {
        self.stored.as_ref()
    }

    /// The member index, in central-directory order.
    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// The evidence read from the archive.
    pub fn evidence(&self) -> &Evidence {
        &self.evidence
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The bytes of the image of `depiction`: the media member, else an image
    /// embedded in native JSON. Bounded by the image limits.
    pub fn image_bytes(&mut self, depiction: Depiction) -> Result<Option<Vec<u8>>, Error> {
        let source = self.evidence.media_of(depiction).map(|m| m.source.clone());
        match source {
            Some(Source::Member(name)) => {
                let Some(index) = self.members.iter().position(|m| m.name == name) else {
                    return Ok(None);
                };
                self.read_member(index, self.limits.max_image_bytes, Sized::ImageMember)
                    .map(Some)
            }
            Some(_) => Ok(self
                .embedded
                .iter()
                .find(|(d, _)| *d == depiction)
                .and_then(|(_, text)| decode_base64(text))),
            None => Ok(None),
        }
    }
}

/// A failure to read the archive file, as an error kind.
fn read_failure(e: source::ReadFailure, limit: u64) -> ErrorKind {
    match e {
        source::ReadFailure::Io(e) => ErrorKind::Io(e),
        source::ReadFailure::NotAFile(what) => ErrorKind::NotAFile(what),
        source::ReadFailure::Changed => ErrorKind::Changed,
        source::ReadFailure::TooLarge(size) => ErrorKind::TooLarge {
            what: Sized::ArchiveFile,
            measured: crate::error::Measure::Declared,
            size,
            limit,
        },
    }
}

/// A `Write` that feeds a SHA-256.
struct HashWriter(sha2::Sha256);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        sha2::Digest::update(&mut self.0, buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Why the zip reader could not open an archive: a zip64 record that lies,
/// said with what it claims, else the reader's error in this crate's words.
fn unreadable(e: zip::result::ZipError, raw: &mut source::Bytes) -> ErrorKind {
    let kind = zip_error(e);
    if matches!(kind, ErrorKind::NoCentralDirectory | ErrorKind::Zip(_))
        && let Ok(Some(problem)) = ends::zip64_problem(raw)
    {
        return ErrorKind::Zip64(problem);
    }
    if matches!(kind, ErrorKind::NoCentralDirectory) {
        return no_end_record(raw);
    }
    kind
}

/// Why a file has no end record, from its first bytes: empty, a zip cut
/// short (it begins with a local header), or another kind of file.
fn no_end_record(raw: &mut source::Bytes) -> ErrorKind {
    if raw.len() == 0 {
        return ErrorKind::Empty;
    }
    let head = raw.read_at(0, 8).unwrap_or_default();
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x07\x08") {
        return ErrorKind::Truncated;
    }
    let known: [(&[u8], &str); 7] = [
        (b"%PDF", "like a PDF document"),
        (b"\x89PNG", "like a PNG image"),
        (b"\xff\xd8\xff", "like a JPEG image"),
        (b"\x1f\x8b", "like gzip data"),
        (b"{", "like JSON"),
        (b"<", "like HTML or XML"),
        (b"Rar!", "like a RAR archive"),
    ];
    let what = known
        .iter()
        .find(|(magic, _)| head.starts_with(magic))
        .map(|(_, name)| (*name).to_owned())
        .unwrap_or_else(|| {
            let hex: Vec<String> = head.iter().take(4).map(|b| format!("{b:02x}")).collect();
            format!("with the bytes {}", hex.join(" "))
        });
    ErrorKind::NotAZip(what)
}

/// The zip reader's errors in this crate's words.
fn zip_error(e: zip::result::ZipError) -> ErrorKind {
    use zip::result::ZipError;
    match e {
        ZipError::Io(io) => ErrorKind::Corrupt(crate::error::Corruption::Data(io.to_string())),
        ZipError::CompressionMethodNotSupported(99) => ErrorKind::AesEncrypted,
        ZipError::CompressionMethodNotSupported(method) => {
            ErrorKind::UnsupportedCompression { method }
        }
        ZipError::UnsupportedArchive(msg) if msg.to_ascii_lowercase().contains("password") => {
            ErrorKind::Encrypted
        }
        ZipError::InvalidPassword => ErrorKind::Encrypted,
        other => {
            let text = other.to_string();
            let text = text.strip_prefix("invalid Zip archive: ").unwrap_or(&text);
            if text.contains("EOCD") {
                ErrorKind::NoCentralDirectory
            } else {
                ErrorKind::Zip(text.to_owned())
            }
        }
    }
}

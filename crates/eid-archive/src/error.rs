//! Typed errors. An archive error names the archive and, where there is one,
//! the member; its kind says what is wrong in fields a program can match on.
//! Configuration files and outputs have their own error types, each carrying
//! the path and the underlying cause.

mod ambiguity;
mod zip_format;

pub use ambiguity::Ambiguity;
pub use zip_format::Zip64Problem;
pub(crate) use zip_format::method_name;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// An archive could not be read or judged.
///
/// Its `Display` is the one line the CLI prints: `archive: member: what is wrong`.
#[derive(Debug)]
pub struct Error(Box<Inner>);

/// The fields of an [`Error`], boxed so that results stay small on the happy path.
#[derive(Debug)]
struct Inner {
    archive: String,
    member: Option<String>,
    kind: ErrorKind,
    fingerprint: Option<Fingerprint>,
}

/// SHA-256 and size of an archive's bytes: even an archive that cannot be
/// judged is fingerprinted, so the report can prove which file it refused.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Fingerprint {
    /// Lower-case hex SHA-256 of the bytes.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
}

impl Error {
    pub(crate) fn new(archive: impl Into<String>, member: Option<&str>, kind: ErrorKind) -> Self {
        Error(Box::new(Inner {
            archive: archive.into(),
            member: member.map(str::to_owned),
            kind,
            fingerprint: None,
        }))
    }

    pub(crate) fn with_fingerprint(mut self, fingerprint: &Fingerprint) -> Self {
        self.0.fingerprint = Some(fingerprint.clone());
        self
    }

    /// The archive, as the caller named it.
    pub fn archive(&self) -> &str {
        &self.0.archive
    }

    /// The member inside the archive the problem is in, if any.
    pub fn member(&self) -> Option<&str> {
        self.0.member.as_deref()
    }

    /// What is wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// The archive's fingerprint, when its bytes could be read.
    pub fn fingerprint(&self) -> Option<&Fingerprint> {
        self.0.fingerprint.as_ref()
    }

    /// A short stable code for the kind of error, for reports (`TooLarge`, `Json`, ...).
    pub fn code(&self) -> &'static str {
        self.0.kind.code()
    }

    /// The message without the archive's name: `member: what is wrong`.
    /// Reports that already name the archive in another column use this.
    pub fn detail(&self) -> String {
        match &self.0.member {
            Some(m) => format!("{m}: {}", self.0.kind),
            None => self.0.kind.to_string(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.0.archive)?;
        if let Some(member) = &self.0.member {
            write!(f, "{member}: ")?;
        }
        write!(f, "{}", self.0.kind)
    }
}

// The line already says the cause (`cannot read: ...`): it is not a
// `source` too, or a chain printer would say it twice.
impl std::error::Error for Error {}

/// What is wrong with an archive. New kinds may be added.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum ErrorKind {
    /// The file could not be read.
    #[error("cannot read: {0}")]
    Io(#[from] io::Error),
    /// The path is not a regular file (a folder, a named pipe, a device):
    /// it is never opened, since reading it could block or never end.
    #[error("not an archive file: it is {0}")]
    NotAFile(&'static str),
    /// The file changed while it was being read: the bytes judged would not
    /// be the bytes fingerprinted.
    #[error("the file changed while it was being read; refusing to judge it")]
    Changed,
    /// No end-of-central-directory record: empty, truncated, or not a zip file.
    #[error(
        "not a readable zip archive: no end-of-central-directory record (empty, truncated, or not a zip file)"
    )]
    NoCentralDirectory,
    /// The file is empty.
    #[error("empty file (0 bytes): not a zip archive")]
    Empty,
    /// The file begins with zip entries but has no end-of-central-directory
    /// record: cut short, as an interrupted download or copy leaves it.
    #[error(
        "truncated zip archive: it begins with zip entries but its end (the central directory) is missing, as an interrupted download or copy leaves it"
    )]
    Truncated,
    /// Neither the start nor the end of the file is zip: another kind of file.
    #[error("not a zip archive: it begins {0}")]
    NotAZip(String),
    /// The zip structure cannot be walked; the detail comes from the zip reader.
    #[error("not a readable zip archive: {0}")]
    Zip(String),
    /// A zip64 end-of-central-directory record or locator that lies: what it claims.
    #[error("not a readable zip archive: {0}")]
    Zip64(Zip64Problem),
    /// More members than [`Limits::max_members`](crate::Limits::max_members).
    #[error("{count} members, over the limit of {limit}")]
    TooManyMembers {
        /// Members in the central directory.
        count: usize,
        /// The limit in force.
        limit: usize,
    },
    /// A size over a limit, as declared by a header or as measured while inflating.
    #[error("{} is over the limit of {limit} bytes ({size} bytes)", describe_size(*.what, *.measured))]
    TooLarge {
        /// What was measured.
        what: Sized,
        /// How the size was known.
        measured: Measure,
        /// The size seen, or the byte count at which reading stopped.
        size: u64,
        /// The limit in force.
        limit: u64,
    },
    /// The archive can be read more than one way; the reader refuses to pick one.
    #[error("ambiguous archive: {0}")]
    Ambiguous(Ambiguity),
    /// An encrypted member; evidence must be readable without a secret.
    #[error("member is encrypted; eid-audit does not decrypt evidence")]
    Encrypted,
    /// A member encrypted with AES (WinZip AE-1/AE-2, compression method 99).
    #[error("member is AES-encrypted; eid-audit does not decrypt evidence")]
    AesEncrypted,
    /// A member compressed with a method the reader lacks (only stored and
    /// Deflate are read).
    #[error(
        "member uses compression method {method} ({}), which eid-audit does not read",
        method_name(*.method)
    )]
    UnsupportedCompression {
        /// The method number (APPNOTE 4.4.5: 14 is LZMA, 12 bzip2, 93 Zstandard, ...).
        method: u16,
    },
    /// A member whose data does not match its headers.
    #[error("corrupt member: {0}")]
    Corrupt(Corruption),
    /// A JSON member that is not valid JSON.
    #[error("invalid JSON: {0}")]
    Json(String),
    /// A JSON member nested deeper than [`Limits::max_json_depth`](crate::Limits::max_json_depth).
    #[error("JSON nested deeper than {limit} levels")]
    JsonTooDeep {
        /// The limit in force.
        limit: usize,
    },
    /// A process record beside the archive (or given with `--process`) that
    /// cannot be read as a file: a folder, a pipe, a dangling link. It is
    /// never skipped: the record it would hold could contradict the archive.
    #[error("process record: {0}")]
    ProcessRecordUnreadable(String),
    /// A process record given beside the archive (or with `--process`) that is not one.
    #[error("process record: not an Assure process record (needs processId and status)")]
    NotAProcessRecord,
    /// Nothing in the archive allows a decision to be reproduced.
    #[error("cannot be judged: {0}")]
    CannotJudge(CannotJudge),
    /// Object storage failed to answer, after its retries (a network
    /// failure, a server error, a throttle that did not end): nothing is
    /// known to be wrong with the archive, and a later run may read it.
    #[error("object storage failed, after retries: {0}")]
    Storage(String),
    /// The object changed between the listing and the read: the bytes
    /// judged would not be the object listed.
    #[error(
        "the object changed after it was listed (it no longer has ETag {0}); refusing to judge it"
    )]
    ObjectChanged(String),
    /// A bug in eid-audit or a dependency (a panic), caught and confined to this archive.
    #[error("internal error while reading this archive (please report it): {0}")]
    Internal(String),
}

impl ErrorKind {
    /// A short stable code for reports.
    pub fn code(&self) -> &'static str {
        match self {
            ErrorKind::Io(_)
            | ErrorKind::NotAFile(_)
            | ErrorKind::Changed
            | ErrorKind::ObjectChanged(_) => "Io",
            ErrorKind::Storage(_) => "Storage",
            ErrorKind::NoCentralDirectory | ErrorKind::Zip(_) | ErrorKind::Zip64(_) => "Zip",
            ErrorKind::Empty => "Empty",
            ErrorKind::Truncated => "Truncated",
            ErrorKind::NotAZip(_) => "NotAZip",
            ErrorKind::TooManyMembers { .. } => "TooManyMembers",
            ErrorKind::TooLarge { .. } => "TooLarge",
            ErrorKind::Ambiguous(_) => "Ambiguous",
            ErrorKind::Encrypted | ErrorKind::AesEncrypted => "Encrypted",
            ErrorKind::UnsupportedCompression { .. } => "UnsupportedCompression",
            ErrorKind::Corrupt(_) => "Corrupt",
            ErrorKind::Json(_) => "Json",
            ErrorKind::JsonTooDeep { .. } => "JsonTooDeep",
            ErrorKind::NotAProcessRecord | ErrorKind::ProcessRecordUnreadable(_) => "ProcessRecord",
            ErrorKind::CannotJudge(_) => "NoEvidence",
            ErrorKind::Internal(_) => "Internal",
        }
    }
}

/// The archive cannot be judged (no OCR evidence and no fail reason): the
/// engine's one refusal, defined here, below it, so that the error type
/// needs nothing from the engine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CannotJudge(pub(crate) String);

/// What a size limit was checked on.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sized {
    /// One JSON (or other data) member.
    JsonMember,
    /// One image member.
    ImageMember,
    /// A member of another kind (e.g. hashed for the manifest).
    Member,
    /// All inflated bytes of one archive together.
    WholeArchive,
    /// A process record file kept outside the archive.
    ProcessFile,
    /// The archive file itself.
    ArchiveFile,
}

/// How a size was known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// As a zip header (or the file system) declared it, before reading.
    Declared,
    /// As counted while inflating: the header understated it.
    Inflated,
}

fn describe_size(what: Sized, measured: Measure) -> &'static str {
    match (what, measured) {
        (Sized::JsonMember, Measure::Declared) => "declared size of a JSON member",
        (Sized::JsonMember, Measure::Inflated) => {
            "inflated size of a JSON member (its header understated it)"
        }
        (Sized::ImageMember, Measure::Declared) => "declared size of an image member",
        (Sized::ImageMember, Measure::Inflated) => {
            "inflated size of an image member (its header understated it)"
        }
        (Sized::Member, Measure::Declared) => "declared size of a member",
        (Sized::Member, Measure::Inflated) => "inflated size of a member",
        (Sized::WholeArchive, _) => "inflated bytes of the whole archive",
        (Sized::ProcessFile, _) => "process record file",
        (Sized::ArchiveFile, _) => "archive file",
    }
}

/// How a member's data fails its headers.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Corruption {
    /// The data ends before the size its headers declare.
    Short {
        /// Bytes inflated.
        got: u64,
        /// Bytes declared.
        declared: u64,
    },
    /// The inflater or the CRC check refused the data.
    Data(String),
}

impl fmt::Display for Corruption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Corruption::Short { got, declared } => write!(
                f,
                "inflates to {got} bytes, smaller than the {declared} its header declares"
            ),
            Corruption::Data(detail) => f.write_str(detail),
        }
    }
}

/// Something the tool writes (a report file, a crop) could not be written.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The file system refused.
    #[error("{}: {cause}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        cause: io::Error,
    },
    /// The report folder could not be created.
    #[error("{}: cannot create the report folder: {cause}", path.display())]
    Folder {
        /// The folder.
        path: PathBuf,
        /// Why.
        cause: io::Error,
    },
    /// Another run is writing the report folder.
    #[error("{}: another eid-audit run is writing this report folder; if none is, delete this file", path.display())]
    Locked {
        /// The lock file.
        path: PathBuf,
    },
    /// A report is already in the folder and `--force` was not given.
    #[error("{}: a report is already here; use --force to replace it", path.display())]
    Exists {
        /// The file found.
        path: PathBuf,
    },
    /// Both names an archive's exhibits may take are taken by earlier ones.
    #[error("{}: exhibits are already here (and under the process id alone); remove them or choose another --out", path.display())]
    Taken {
        /// The folder.
        path: PathBuf,
    },
    /// A file stands where the output folder is to be.
    #[error("{}: is a file, not a folder: the output goes into a folder", path.display())]
    NotAFolder {
        /// The file.
        path: PathBuf,
    },
    /// A symbolic link stands where a folder would be written; it is never followed.
    #[error("{}: is a symbolic link; refusing to write through it", path.display())]
    Symlink {
        /// The link.
        path: PathBuf,
    },
    /// A report entry that a forced run would replace holds something no
    /// eid-audit report recorded as its own.
    #[error("{}: not replaced: {} was not written by an eid-audit report (no run.json there lists it); move it away or choose another --out", path.display(), foreign.display())]
    NotOurs {
        /// The entry (`crops`, `archives.csv`, ...).
        path: PathBuf,
        /// The first file in it that the previous report did not write.
        foreign: PathBuf,
    },
    /// The report's options ask for something it must not write (verified
    /// claims, which are personal data, under a mode that leaves it out).
    #[error("{0}")]
    Options(String),
}

impl OutputError {
    /// An I/O error at `path`.
    pub(crate) fn io(path: &Path) -> impl Fn(io::Error) -> OutputError + '_ {
        move |cause| OutputError::Io {
            path: path.to_owned(),
            cause,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_say_how_they_were_known() {
        let e = ErrorKind::TooLarge {
            what: Sized::JsonMember,
            measured: Measure::Inflated,
            size: 10,
            limit: 5,
        };
        assert_eq!(
            e.to_string(),
            "inflated size of a JSON member (its header understated it) is over the limit of 5 bytes (10 bytes)"
        );
    }
}

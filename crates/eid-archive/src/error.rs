//! Typed errors. Every error names the archive and, where there is one, the member.

use std::fmt;

/// An archive could not be read or judged.
///
/// Its `Display` is the one line the CLI prints: `archive: member: what is wrong`.
#[derive(Debug)]
pub struct Error {
    /// The archive, as the caller named it (a path or a label).
    pub archive: String,
    /// The member inside the archive the problem is in, if any.
    pub member: Option<String>,
    /// What is wrong.
    pub kind: ErrorKind,
    /// SHA-256 and size of the archive's bytes, when they could be read: even an
    /// archive that cannot be judged is fingerprinted.
    pub digest: Option<(String, u64)>,
}

impl Error {
    pub(crate) fn new(archive: impl Into<String>, member: Option<&str>, kind: ErrorKind) -> Self {
        Error {
            archive: archive.into(),
            member: member.map(str::to_owned),
            kind,
            digest: None,
        }
    }

    pub(crate) fn with_digest(mut self, sha256: &str, bytes: u64) -> Self {
        self.digest = Some((sha256.to_owned(), bytes));
        self
    }

    /// A short stable code for the kind of error, for reports (`TooLarge`, `Json`, ...).
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.archive)?;
        if let Some(member) = &self.member {
            write!(f, "{member}: ")?;
        }
        write!(f, "{}", self.kind)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Io(e) => Some(e),
            _ => None,
        }
    }
}

/// What is wrong with an archive. New kinds may be added.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum ErrorKind {
    /// The file could not be read.
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    /// The bytes are not a zip archive the reader can walk.
    #[error("not a readable zip archive: {0}")]
    Zip(String),
    /// More members than [`Limits::max_members`](crate::Limits::max_members).
    #[error("{count} members, over the limit of {limit}")]
    TooManyMembers {
        /// Members in the central directory.
        count: usize,
        /// The limit in force.
        limit: usize,
    },
    /// A size (declared or actually inflated) over a limit.
    #[error("{what} is over the limit of {limit} bytes ({size} bytes)")]
    TooLarge {
        /// What was measured, e.g. "declared size of a JSON member".
        what: &'static str,
        /// The size seen, or the byte count at which reading stopped.
        size: u64,
        /// The limit in force.
        limit: u64,
    },
    /// The archive can be read more than one way; the reader refuses to pick one.
    #[error("ambiguous archive: {0}")]
    Ambiguous(String),
    /// An encrypted member; evidence must be readable without a secret.
    #[error("member is encrypted; eid-audit does not decrypt evidence")]
    Encrypted,
    /// A member whose data does not match its headers (CRC, truncation, bad compression).
    #[error("corrupt member: {0}")]
    Corrupt(String),
    /// A JSON member that is not valid JSON.
    #[error("invalid JSON: {0}")]
    Json(String),
    /// A JSON member nested deeper than [`Limits::max_json_depth`](crate::Limits::max_json_depth).
    #[error("JSON nested deeper than {limit} levels")]
    JsonTooDeep {
        /// The limit in force.
        limit: usize,
    },
    /// A process record given beside the archive that cannot be used.
    #[error("process record: {0}")]
    ProcessRecord(String),
    /// Nothing in the archive allows a decision to be reproduced.
    #[error("cannot be judged: {0}")]
    NoEvidence(String),
    /// A bug in eid-audit or a dependency (a panic), caught and confined to this archive.
    #[error("internal error while reading this archive (please report it): {0}")]
    Internal(String),
}

impl ErrorKind {
    /// A short stable code for reports.
    pub fn code(&self) -> &'static str {
        match self {
            ErrorKind::Io(_) => "Io",
            ErrorKind::Zip(_) => "Zip",
            ErrorKind::TooManyMembers { .. } => "TooManyMembers",
            ErrorKind::TooLarge { .. } => "TooLarge",
            ErrorKind::Ambiguous(_) => "Ambiguous",
            ErrorKind::Encrypted => "Encrypted",
            ErrorKind::Corrupt(_) => "Corrupt",
            ErrorKind::Json(_) => "Json",
            ErrorKind::JsonTooDeep { .. } => "JsonTooDeep",
            ErrorKind::ProcessRecord(_) => "ProcessRecord",
            ErrorKind::NoEvidence(_) => "NoEvidence",
            ErrorKind::Internal(_) => "Internal",
        }
    }
}

//! The ways an archive can be read more than one way. Each is refused: the
//! reader never picks one reading silently.

use std::fmt;

/// How an archive can be read more than one way.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ambiguity {
    /// Two central-directory entries with one name.
    DuplicateNames,
    /// Entries whose data overlap.
    OverlappingEntries,
    /// Two or more members carry one kind of evidence.
    SeveralMembers {
        /// What they carry (`OCR evidence`, `manual approvals`, `a process record`).
        what: &'static str,
        /// The members.
        members: Vec<String>,
    },
    /// Two or more images of one depiction.
    SeveralImages {
        /// The depiction (`front`, `back`, ...).
        depiction: &'static str,
        /// The members (or embedded images).
        sources: Vec<String>,
    },
    /// A JSON object repeats a key: parsers differ on which value they keep.
    DuplicateKey {
        /// The key, quoted.
        key: String,
        /// Where the object is in the document (`securityChecks.nonExpired`,
        /// `features[2]`); empty for the top level.
        path: String,
    },
    /// One record is both a member and embedded in another member, and the
    /// two copies say different things.
    CopiesDiffer {
        /// What the record is (`OCR evidence`, `the agent's review`).
        what: &'static str,
        /// The member.
        member: String,
        /// The embedded copy.
        embedded: String,
    },
    /// An embedded image's base64 goes on after its padding: a reader that
    /// stops there and one that reads on see two images.
    Base64AfterPadding {
        /// Where the image is (`front`, a JSON path).
        image: String,
        /// Bytes when read to the padding.
        stopped: u64,
        /// Bytes when read on.
        read_on: u64,
    },
    /// A process record inside the archive and one given outside it disagree.
    ProcessRecordsDisagree {
        /// The one inside.
        inside: String,
        /// The one outside.
        outside: String,
    },
    /// A member's local header says another thing than its central-directory
    /// entry: readers that walk the local headers (streaming readers, some
    /// repair tools) read another archive than readers that use the directory.
    LocalHeaderMismatch {
        /// The member, as the central directory names it.
        member: String,
        /// What differs (`name`, `CRC-32`, `compressed size`, ...).
        field: &'static str,
        /// What the local header says.
        local: String,
        /// What the central directory says.
        central: String,
    },
    /// A local header that the central directory does not list: a member
    /// that only readers walking the local headers see.
    UnlistedLocalEntry {
        /// Where the local header starts.
        offset: u64,
        /// The name in that header.
        name: String,
    },
    /// Local and central headers disagree in a way the reader could not pin
    /// to one member; the detail comes from the zip reader.
    HeadersDisagree {
        /// What the zip reader found.
        detail: String,
    },
    /// A data descriptor (general purpose bit 3) says another thing than the
    /// central directory: streaming readers take the descriptor.
    DataDescriptorMismatch {
        /// The member.
        member: String,
        /// What differs (`CRC-32`, `compressed size`, `size`), or `signature`
        /// when no descriptor is where it should be.
        field: &'static str,
        /// What the descriptor says.
        descriptor: String,
        /// What the central directory says.
        central: String,
    },
    /// The archive does not start at the start of the file and its offsets
    /// are off by as much: something was put before it (a prefix, a
    /// self-extractor stub, or another zip).
    ShiftedOffsets {
        /// How many bytes come before the archive.
        offset: u64,
    },
    /// Bytes before the first local header, the offsets pointing past them:
    /// a prefix or a self-extractor stub.
    DataBeforeFirstEntry {
        /// How many bytes come before the first local header.
        bytes: u64,
    },
    /// After the end-of-central-directory record, another zip begins.
    TrailingZip {
        /// Where the first zip signature after the end record is.
        offset: u64,
    },
    /// The archive comment holds an end-of-central-directory signature:
    /// readers that search from the end find it before the real record.
    EndRecordInComment {
        /// Where the signature in the comment is.
        offset: u64,
    },
    /// More than one end-of-central-directory record after the members.
    SeveralEndRecords {
        /// Where they are.
        offsets: Vec<u64>,
    },
    /// A member's Info-ZIP Unicode Path extra field (0x7075) names another
    /// file than its header: readers that honour the field and readers that
    /// do not see different names.
    UnicodePathDiffers {
        /// The name in the header.
        member: String,
        /// The name in the extra field.
        unicode: String,
    },
    /// A member name ending in a backslash: a folder for readers that take
    /// `\` as a separator, a file for others (Python's zipfile, jar).
    BackslashName {
        /// The member.
        member: String,
    },
}

/// A name from an archive, its control characters escaped, so a message stays one line.
struct Name<'a>(&'a str);

impl fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Ambiguity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ambiguity::DuplicateNames => {
                f.write_str("two members have the same name; refusing to pick one")
            }
            Ambiguity::OverlappingEntries => {
                f.write_str("members share bytes (overlapping entries)")
            }
            Ambiguity::SeveralMembers { what, members } => write!(
                f,
                "more than one member carries {what}: {}",
                members.join(", ")
            ),
            Ambiguity::SeveralImages { depiction, sources } => {
                write!(f, "more than one {depiction} image: {}", sources.join(", "))
            }
            Ambiguity::DuplicateKey { key, path } => {
                let at = if path.is_empty() {
                    "the top-level object"
                } else {
                    path
                };
                write!(
                    f,
                    "the key {key} appears twice in {at}; parsers differ on which value counts"
                )
            }
            Ambiguity::Base64AfterPadding {
                image,
                stopped,
                read_on,
            } => write!(
                f,
                "the embedded image {} goes on after its base64 padding: {stopped} bytes read to the padding, {read_on} read on; refusing to pick one",
                Name(image)
            ),
            Ambiguity::CopiesDiffer {
                what,
                member,
                embedded,
            } => write!(
                f,
                "{what} is both {member} and {embedded}, and the two copies differ; refusing to pick one"
            ),
            Ambiguity::ProcessRecordsDisagree { inside, outside } => write!(
                f,
                "process record {inside} and {outside} differ; refusing to pick one"
            ),
            Ambiguity::LocalHeaderMismatch {
                member,
                field,
                local,
                central,
            } => write!(
                f,
                "the local header of {} gives {field} {local}, the central directory {central}",
                Name(member)
            ),
            Ambiguity::UnlistedLocalEntry { offset, name } => write!(
                f,
                "a local header at offset {offset} ({}) is not listed in the central directory",
                Name(name)
            ),
            Ambiguity::HeadersDisagree { detail } => {
                write!(f, "local and central headers disagree: {}", Name(detail))
            }
            Ambiguity::DataDescriptorMismatch {
                member,
                field: "signature",
                ..
            } => write!(
                f,
                "{} says a data descriptor follows its data, and none does",
                Name(member)
            ),
            Ambiguity::DataDescriptorMismatch {
                member,
                field,
                descriptor,
                central,
            } => write!(
                f,
                "the data descriptor of {} gives {field} {descriptor}, the central directory {central}",
                Name(member)
            ),
            Ambiguity::ShiftedOffsets { offset } => write!(
                f,
                "the archive starts {offset} bytes into the file and its offsets are off by as much \
                 (a prefix, a self-extractor stub or another zip before it)"
            ),
            Ambiguity::DataBeforeFirstEntry { bytes } => write!(
                f,
                "{bytes} bytes before the first local header (a prefix or a self-extractor stub)"
            ),
            Ambiguity::TrailingZip { offset } => write!(
                f,
                "another zip begins after the end-of-central-directory record (a zip signature at offset {offset})"
            ),
            Ambiguity::EndRecordInComment { offset } => write!(
                f,
                "the archive comment holds an end-of-central-directory signature (PK\\x05\\x06) at offset {offset}; \
                 readers differ on which record is the archive's"
            ),
            Ambiguity::SeveralEndRecords { offsets } => write!(
                f,
                "end-of-central-directory records at offsets {}; readers differ on which one is the archive's",
                offsets
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Ambiguity::UnicodePathDiffers { member, unicode } => write!(
                f,
                "{} has an Info-ZIP Unicode Path extra field (0x7075) that names another file, {}",
                Name(member),
                Name(unicode)
            ),
            Ambiguity::BackslashName { member } => write!(
                f,
                "member name {} ends in a backslash: a folder for some readers, a file for others",
                Name(member)
            ),
        }
    }
}

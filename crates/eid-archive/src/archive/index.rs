//! The member index: one entry per central-directory record, classified by
//! name (media) or marked as a data candidate (classified later by content).
//! Archives whose directory can be read two ways are refused here (the zip
//! structure itself in [`super::structure`]).

use super::source::Bytes;
use crate::dialect::JsonKind;
use crate::error::{Ambiguity, ErrorKind};
use crate::evidence::{Depiction, MediaFormat};
use crate::limits::Limits;
use serde::{Serialize, Serializer};
use std::fmt;
use zip::ZipArchive;

/// What a member of the archive is.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberKind {
    /// A folder entry.
    Directory,
    /// A JSON data file, classified by its content.
    Json(JsonKind),
    /// An image named after its depiction (`front.jpeg`, `SELFIE.png`, ...).
    Image(Depiction),
    /// A video (`.mp4`, `.mov`, `.webm`); never decoded.
    Video,
    /// Anything else; reported as unknown evidence.
    Other,
}

impl fmt::Display for MemberKind {
    /// `directory`, `json:ocrAssure`, `image:front`, `video`, `other`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MemberKind::Directory => f.write_str("directory"),
            MemberKind::Json(j) => write!(f, "json:{j}"),
            MemberKind::Image(d) => write!(f, "image:{d}"),
            MemberKind::Video => f.write_str("video"),
            MemberKind::Other => f.write_str("other"),
        }
    }
}

impl Serialize for MemberKind {
    /// `{"type": "json", "of": "ocrAssure"}`: the type, and what it is of where that applies.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let (kind, of) = match self {
            MemberKind::Directory => ("directory", None),
            MemberKind::Json(j) => ("json", Some(j.as_str())),
            MemberKind::Image(d) => ("image", Some(d.as_str())),
            MemberKind::Video => ("video", None),
            MemberKind::Other => ("other", None),
        };
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("type", kind)?;
        if let Some(of) = of {
            m.serialize_entry("of", of)?;
        }
        m.end()
    }
}

/// A CRC-32 as 8 lower-case hex digits.
fn crc32_hex<S: serde::Serializer>(crc: &u32, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{crc:08x}"))
}

/// One entry of the archive's central directory.
#[non_exhaustive]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    /// Position in the central directory.
    pub index: usize,
    /// The name as stored (invalid UTF-8 replaced), never used as a path.
    pub name: String,
    /// What the member is.
    pub kind: MemberKind,
    /// Inflated size as declared in the central directory (can lie).
    pub size: u64,
    /// Compressed size as declared.
    pub compressed_size: u64,
    /// CRC-32 as declared. The JSON writes it as 8 lower-case hex digits,
    /// as `members.csv` and every zip tool print it: an identity, not a
    /// number to compute with.
    #[serde(serialize_with = "crc32_hex")]
    pub crc32: u32,
    /// Encrypted members are listed but never read.
    pub encrypted: bool,
    /// Compression method (APPNOTE 4.4.5); only stored (0) and Deflate (8) are read.
    #[serde(skip)]
    pub(crate) method: u16,
    /// The name is not UTF-8 and has no UTF-8 flag: it was read as code page
    /// 437, as APPNOTE says.
    #[serde(skip)]
    pub(crate) code_page_437: bool,
}

impl Member {
    /// Why this member cannot be read, before anything is inflated: it is
    /// encrypted, or compressed with a method the reader lacks.
    pub(crate) fn unreadable(&self) -> Option<ErrorKind> {
        match self.method {
            99 => Some(ErrorKind::AesEncrypted),
            _ if self.encrypted => Some(ErrorKind::Encrypted),
            0 | 8 => None,
            method => Some(ErrorKind::UnsupportedCompression { method }),
        }
    }
}

/// Builds the member index from the central directory, refusing ambiguous
/// archives. Nothing is inflated.
pub(super) fn build(
    zip: &mut ZipArchive<Bytes>,
    raw: &mut Bytes,
    limits: &Limits,
) -> Result<Vec<Member>, ErrorKind> {
    let count = zip.len();
    if count > limits.max_members {
        return Err(ErrorKind::TooManyMembers {
            count,
            limit: limits.max_members,
        });
    }
    // The zip crate keys members by name, so a repeated name would hide a member.
    if zip.has_duplicate_names() {
        return Err(ErrorKind::Ambiguous(Ambiguity::DuplicateNames));
    }
    if zip.has_overlapping_entries().map_err(super::zip_error)? {
        return Err(ErrorKind::Ambiguous(Ambiguity::OverlappingEntries));
    }
    super::structure::check(zip, raw)?;
    let mut members = Vec::with_capacity(count);
    for index in 0..count {
        let entry = zip.by_index_data(index).map_err(super::zip_error)?;
        // Without the UTF-8 flag (bit 11) a name is code page 437 (APPNOTE
        // 4.4.4); with it, bytes that are not UTF-8 stay unreadable.
        let raw_name = entry.name_raw();
        let utf8_flag = entry.flags().as_u16() & 0x0800 != 0;
        let code_page_437 = std::str::from_utf8(raw_name).is_err() && !utf8_flag;
        let name = if code_page_437 {
            super::structure::decode_name(raw_name)
        } else {
            String::from_utf8_lossy(raw_name).into_owned()
        };
        let kind = if entry.is_dir() {
            MemberKind::Directory
        } else {
            kind_by_name(&name)
        };
        members.push(Member {
            index,
            name,
            kind,
            size: entry.size(),
            compressed_size: entry.compressed_size(),
            crc32: entry.crc32(),
            encrypted: entry.encrypted(),
            method: method_number(entry.compression()),
            code_page_437,
        });
    }
    Ok(members)
}

/// The number of a compression method, as the headers write it.
#[allow(deprecated)] // `to_u16` is the crate's only way to the number of every method
fn method_number(method: zip::CompressionMethod) -> u16 {
    method.to_u16()
}

/// Why a member name would be unsafe as a path, if it would.
pub(super) fn unsafe_name(name: &str) -> Option<&'static str> {
    let b = name.as_bytes();
    if name.contains('\u{FFFD}') {
        Some("is not valid UTF-8")
    } else if name.chars().any(char::is_control) {
        Some("contains control characters")
    } else if name.starts_with('/') || name.starts_with('\\') {
        Some("is absolute")
    } else if b.len() >= 2 && b[1] == b':' && b[0].is_ascii_alphabetic() {
        Some("starts with a drive letter")
    } else if name.split(['/', '\\']).any(|c| c == "..") {
        Some("climbs out of the archive with ..")
    } else {
        None
    }
}

/// The last path component, lower-cased; `/` and `\` both separate.
fn base_name(name: &str) -> String {
    name.rsplit(['/', '\\'])
        .next()
        .unwrap_or(name)
        .to_ascii_lowercase()
}

/// The media format a member's name says it has.
pub(super) fn format_by_name(name: &str) -> Option<MediaFormat> {
    let base = base_name(name);
    let ext = base.rsplit_once('.')?.1;
    match ext {
        "jpeg" | "jpg" => Some(MediaFormat::Jpeg),
        "png" => Some(MediaFormat::Png),
        "mp4" => Some(MediaFormat::Mp4),
        "mov" => Some(MediaFormat::Mov),
        "webm" => Some(MediaFormat::Webm),
        _ => None,
    }
}

/// True for the metadata macOS adds to the zips it makes: the `__MACOSX/`
/// folder and AppleDouble files `._name`. They are not evidence (a
/// `__MACOSX/._front.jpeg` is no second front image) and are never read.
pub(super) fn macos_metadata(name: &str) -> bool {
    name.split(['/', '\\'])
        .any(|part| part.eq_ignore_ascii_case("__MACOSX"))
        || base_name(name).starts_with("._")
}

/// Media by depiction name at any depth, case-insensitively; JSON candidates
/// (members named `.json`) otherwise. macOS metadata is neither.
fn kind_by_name(name: &str) -> MemberKind {
    if macos_metadata(name) {
        return MemberKind::Other;
    }
    let base = base_name(name);
    let stem = base.rsplit_once('.').map_or(base.as_str(), |(s, _)| s);
    match format_by_name(name) {
        Some(f) if f.is_image() => match stem {
            "front" => MemberKind::Image(Depiction::Front),
            "back" => MemberKind::Image(Depiction::Back),
            "selfie" => MemberKind::Image(Depiction::Selfie),
            "portrait" => MemberKind::Image(Depiction::Portrait),
            _ => MemberKind::Other,
        },
        Some(_) => MemberKind::Video,
        None if base.ends_with(".json") => MemberKind::Json(JsonKind::Unknown),
        None => MemberKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_classified_by_name_at_any_depth() {
        assert_eq!(
            kind_by_name("a/b/FRONT.JPG"),
            MemberKind::Image(Depiction::Front)
        );
        assert_eq!(kind_by_name("back.png"), MemberKind::Image(Depiction::Back));
        assert_eq!(
            kind_by_name("x\\Selfie.jpeg"),
            MemberKind::Image(Depiction::Selfie)
        );
        assert_eq!(kind_by_name("video/abc.MOV"), MemberKind::Video);
        assert_eq!(
            kind_by_name("raw/ocr.JSON"),
            MemberKind::Json(JsonKind::Unknown)
        );
        assert_eq!(kind_by_name("logo.png"), MemberKind::Other);
        assert_eq!(kind_by_name("readme"), MemberKind::Other);
        assert_eq!(kind_by_name("__MACOSX/._front.jpeg"), MemberKind::Other);
        assert_eq!(kind_by_name("Result/._ocr.json"), MemberKind::Other);
    }

    #[test]
    fn kinds_have_one_spelling() {
        assert_eq!(
            MemberKind::Json(JsonKind::OcrAssure).to_string(),
            "json:ocrAssure"
        );
        assert_eq!(
            serde_json::to_string(&MemberKind::Image(Depiction::Front)).unwrap(),
            r#"{"type":"image","of":"front"}"#
        );
        assert_eq!(
            serde_json::to_string(&MemberKind::Video).unwrap(),
            r#"{"type":"video"}"#
        );
    }

    #[test]
    fn unsafe_names_say_why() {
        assert_eq!(unsafe_name("a/b.json"), None);
        assert_eq!(
            unsafe_name("../x"),
            Some("climbs out of the archive with ..")
        );
        assert_eq!(unsafe_name("/etc/x"), Some("is absolute"));
        assert_eq!(unsafe_name("C:\\x"), Some("starts with a drive letter"));
        assert_eq!(unsafe_name("a\\b"), None, "a legacy separator, not unsafe");
        assert_eq!(
            unsafe_name("a\u{1b}[31m"),
            Some("contains control characters")
        );
    }
}

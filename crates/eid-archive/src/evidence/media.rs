//! Media: the images and the video of an archive, described from their
//! headers (never decoded here).

use super::Source;
use crate::codes::string_enum;
use serde::Serialize;

string_enum! {
    /// What a media member depicts.
    pub enum Depiction {
        /// The document's front (data page).
        Front => "front",
        /// The document's back.
        Back => "back",
        /// The end-user's selfie.
        Selfie => "selfie",
        /// The photo on the document.
        Portrait => "portrait",
        /// The capture video (never decoded).
        Video => "video",
    }
}

string_enum! {
    /// Container format of a media member.
    #[non_exhaustive]
    pub enum MediaFormat {
        /// `.jpeg` / `.jpg`.
        Jpeg => "jpeg",
        /// `.png`.
        Png => "png",
        /// `.mp4`.
        Mp4 => "mp4",
        /// `.mov`.
        Mov => "mov",
        /// `.webm`.
        Webm => "webm",
    }
}

impl MediaFormat {
    /// True for still images.
    pub fn is_image(self) -> bool {
        matches!(self, MediaFormat::Jpeg | MediaFormat::Png)
    }
}

/// One media item: a member of the archive, or an image embedded in native JSON.
#[non_exhaustive]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Media {
    /// Where it is.
    pub source: Source,
    /// What it depicts.
    pub depiction: Depiction,
    /// Its format, from the name (embedded images: from the bytes).
    pub format: MediaFormat,
    /// Inflated size in bytes (declared size for videos, which are never inflated).
    pub bytes: u64,
    /// Pixel size from the image header, if it could be read.
    pub dimensions: Option<Dimensions>,
    /// Why the header could not be read, or why the image is refused.
    pub problem: Option<String>,
}

impl Media {
    /// A media item read from `source`, depicting `depiction`, in `format`,
    /// of `bytes` bytes and (when its header was read) these dimensions.
    pub fn new(
        source: Source,
        depiction: Depiction,
        format: MediaFormat,
        bytes: u64,
        dimensions: Option<Dimensions>,
    ) -> Media {
        Media {
            source,
            depiction,
            format,
            bytes,
            dimensions,
            problem: None,
        }
    }
}

impl Dimensions {
    /// Width and height.
    pub fn new(width: u32, height: u32) -> Dimensions {
        Dimensions { width, height }
    }
}

/// Width and height in pixels.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Dimensions {
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

//! Resource limits, enforced before allocation and again while inflating.

use serde::Serialize;

/// Limits on what one archive may make the reader allocate or do.
///
/// Sizes declared in zip headers are checked first, then enforced again while
/// inflating, since headers can lie. Image dimensions are read from the image
/// header and checked before any pixel buffer exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    /// Members in the central directory.
    pub max_members: usize,
    /// Inflated bytes of one JSON (or other data) member.
    pub max_json_bytes: u64,
    /// Inflated bytes of one image member.
    pub max_image_bytes: u64,
    /// Width and height of one image, in pixels.
    pub max_image_dimension: u32,
    /// Inflated bytes read from one archive, all members together.
    pub max_total_bytes: u64,
    /// Nesting of arrays and objects in one JSON document. serde_json refuses
    /// more than 128 whatever this says, so larger values act as 128.
    pub max_json_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_members: 10_000,
            max_json_bytes: 16 << 20,
            max_image_bytes: 64 << 20,
            max_image_dimension: 12_000,
            max_total_bytes: 1 << 30,
            max_json_depth: 128,
        }
    }
}

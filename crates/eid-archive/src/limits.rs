//! Resource limits, enforced before allocation and again while inflating.

use crate::config::{ConfigError, load_toml, parse_toml};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Limits on what one archive may make the reader allocate or do.
///
/// Sizes declared in zip headers are checked first, then enforced again while
/// inflating, since headers can lie. Image dimensions are read from the image
/// header and checked before any pixel buffer exists.
///
/// A limits file (TOML) overrides any of them; unknown keys are refused:
///
/// ```
/// let l = eid_archive::Limits::from_toml("max_members = 500\nmax_image_dimension = 8000")?;
/// assert_eq!((l.max_members, l.max_image_dimension), (500, 8000));
/// assert_eq!(l.max_json_depth, 128);
/// # Ok::<(), eid_archive::ConfigError>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
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
    /// Bytes of the archive file itself.
    pub max_archive_bytes: u64,
}

impl Limits {
    /// Parses limits from TOML (`max_members`, `max_json_bytes`, `max_image_bytes`,
    /// `max_image_dimension`, `max_total_bytes`, `max_json_depth`, `max_archive_bytes`).
    pub fn from_toml(text: &str) -> Result<Limits, ConfigError> {
        parse_toml(text).map_err(|kind| ConfigError::new("limits", None, kind))
    }

    /// Reads a limits file.
    pub fn load(path: impl AsRef<Path>) -> Result<Limits, ConfigError> {
        load_toml("limits", path.as_ref())
    }
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
            max_archive_bytes: 4 << 30,
        }
    }
}

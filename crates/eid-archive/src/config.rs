//! Configuration files (the policy, the limits): read once, at most 1 MiB,
//! parsed from TOML with unknown keys refused, every error on one line with
//! its file and position.

use std::io;
use std::path::{Path, PathBuf};

/// A policy or limits file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{what} {}: {kind}", origin.as_ref().map_or_else(|| "(inline)".to_owned(), |p| p.display().to_string()))]
pub struct ConfigError {
    what: &'static str,
    origin: Option<PathBuf>,
    kind: ConfigErrorKind,
}

/// What is wrong with a configuration file.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum ConfigErrorKind {
    /// It could not be read.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// It is larger than any sensible configuration.
    #[error("larger than {limit} bytes")]
    TooLarge {
        /// The largest size accepted.
        limit: u64,
    },
    /// It is not valid TOML for this configuration (an unknown key, a bad value).
    #[error("{}{message}", position.map_or_else(String::new, |(l, c)| format!("line {l}, column {c}: ")))]
    Toml {
        /// Line and column (1-based) where the problem starts, when known.
        position: Option<(usize, usize)>,
        /// What is wrong, on one line.
        message: String,
    },
    /// The values contradict each other or name nothing.
    #[error("{0}")]
    Invalid(String),
}

impl ConfigError {
    pub(crate) fn new(what: &'static str, origin: Option<&Path>, kind: ConfigErrorKind) -> Self {
        ConfigError {
            what,
            origin: origin.map(Path::to_owned),
            kind,
        }
    }

    /// What is wrong.
    pub fn kind(&self) -> &ConfigErrorKind {
        &self.kind
    }

    /// The file, when the configuration came from one.
    pub fn origin(&self) -> Option<&Path> {
        self.origin.as_deref()
    }
}

/// Reads a small TOML configuration file of type `T`; refuses files over 1 MiB
/// and unknown keys (the types deny them), keeping the error's line and column.
pub(crate) fn load_toml<T: serde::de::DeserializeOwned>(
    what: &'static str,
    path: &Path,
) -> Result<T, ConfigError> {
    let text = read_text(what, path)?;
    parse_toml(&text).map_err(|kind| ConfigError::new(what, Some(path), kind))
}

/// Parses TOML text, turning the parser's multi-line message into one line
/// with the position of the problem.
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ConfigErrorKind> {
    toml::from_str(text).map_err(|e| {
        let position = e.span().map(|span| {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            (line, column)
        });
        ConfigErrorKind::Toml {
            position,
            message: e.message().trim().replace('\n', " "),
        }
    })
}

/// Reads the text of a small configuration file (at most 1 MiB): the text a
/// run parses is the text its record keeps.
pub(crate) fn read_text(what: &'static str, path: &Path) -> Result<String, ConfigError> {
    use std::io::Read;
    const LIMIT: u64 = 1 << 20;
    let err = |kind| ConfigError::new(what, Some(path), kind);
    // Read at most one byte past the limit, whatever the file claims: a
    // device or a pipe (`/dev/zero`) states no size and never ends.
    let file = std::fs::File::open(path).map_err(|e| err(ConfigErrorKind::Io(e)))?;
    let mut bytes = Vec::new();
    file.take(LIMIT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| err(ConfigErrorKind::Io(e)))?;
    if bytes.len() as u64 > LIMIT {
        return Err(err(ConfigErrorKind::TooLarge { limit: LIMIT }));
    }
    String::from_utf8(bytes).map_err(|e| {
        err(ConfigErrorKind::Io(io::Error::new(
            io::ErrorKind::InvalidData,
            e.utf8_error(),
        )))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Conf {
        a: u32,
    }

    #[cfg(unix)]
    #[test]
    fn a_file_that_never_ends_is_read_to_the_limit_and_refused() {
        let e = read_text("policy", Path::new("/dev/zero")).unwrap_err();
        assert_eq!(e.to_string(), "policy /dev/zero: larger than 1048576 bytes");
    }

    #[test]
    fn toml_errors_keep_their_position_on_one_line() {
        let e = parse_toml::<Conf>("\n\nb = 3\n").unwrap_err();
        let text = e.to_string();
        assert!(text.starts_with("line 3, column 1: "), "{text}");
        assert!(text.contains("unknown field `b`"), "{text}");
        assert!(!text.contains('\n'));
    }
}

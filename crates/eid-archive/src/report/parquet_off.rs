//! `report --parquet` in a build without the `parquet` feature: asking for
//! Parquet files is refused with a reason, and nothing else changes.

use super::rows::Rows;
use crate::error::OutputError;
use std::path::Path;

/// What a Parquet footer would say.
#[derive(Debug, Clone, Default)]
pub(crate) struct Footer;

impl Footer {
    pub(crate) fn new(_version: &str, _policy_digest: &str) -> Footer {
        Footer
    }
}

/// No Parquet files: there is never a value of this type.
pub(crate) enum Tables {}

impl Tables {
    pub(crate) fn create(_dir: &Path, _footer: &Footer) -> Result<Tables, OutputError> {
        Err(OutputError::Options(
            "this eid-audit was built without Parquet support (the `parquet` feature)".into(),
        ))
    }

    pub(crate) fn write(&mut self, _rows: &Rows) -> Result<(), OutputError> {
        match *self {}
    }

    pub(crate) fn close(self) -> Result<(), OutputError> {
        match self {}
    }
}

/// No Parquet twins of the population's files (never reached: a run that
/// asks for Parquet is refused first).
pub(crate) fn write_population(
    _dir: &Path,
    _footer: &Footer,
    _names: &[&str],
) -> Result<(), OutputError> {
    Ok(())
}

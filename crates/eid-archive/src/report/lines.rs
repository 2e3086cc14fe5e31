//! The line of `audits.jsonl` for one event: the JSON of `inspect --format
//! json` for an audited archive, with personal data under the mode in
//! force, or what is known of an archive that could not be read.

use crate::error::Error;
use crate::event::Event;
use crate::pii::Pii;
use serde_json::Value;
use std::path::Path;

/// The line of `audits.jsonl` for `event`.
pub(crate) fn audit_line(event: &Event<'_>, pii: &Pii) -> Value {
    match event.outcome {
        Ok(a) => a.audit.to_json(pii),
        Err(e) => error_json(event.path, e),
    }
}

/// An archive that could not be read.
fn error_json(path: &Path, e: &Error) -> Value {
    serde_json::json!({
        "archive": {
            "path": path.display().to_string(),
            "sha256": e.fingerprint().map(|f| f.sha256.clone()),
            "bytes": e.fingerprint().map(|f| f.bytes),
        },
        "error": {"code": e.code(), "message": e.detail()},
    })
}

//! # eid-archive
//!
//! Reads Signicat Assure **Electronic IDentification (EID)** full-result
//! archives offline, safely, and reproduces the provider's decision from the
//! evidence they hold.
//!
//! The flow runs one way: zip bytes → [`Archive`] (member index, limits
//! enforced) → [`Evidence`] (typed, dialect-free) → [`Verdict`] (recomputed
//! status, reasons, agreement with the recorded status, findings), made into
//! an [`Audit`] by the one way to audit ([`Audit::of_archive`]). A report run
//! ([`run::report`]) maps that over many archives on a thread pool and hands
//! each archive, as one [`Event`] (its audit, exhibits and final findings),
//! to every output side by side: the CSV files, the JSON lines, the exhibits
//! ([`crops`]), the HTML pages ([`html`]), the verified claims ([`ida`]) and
//! the run's one [`Tally`]. Which images may leave an archive is one
//! [`ImageRule`] per run. The rules are stated in the repository's
//! `docs/decision.md`, what the reader accepts in `docs/archive-format.md`.
//!
//! ```
//! # let dir = tempfile::tempdir()?;
//! # let path = dir.path().join("accepted.zip");
//! # eid_archive::doc_example_archive(&path)?;
//! use eid_archive::{Audit, AuditOptions, Status};
//!
//! let audit = Audit::of_file(&path, &AuditOptions::default())?;
//! assert_eq!(audit.verdict.decision.status, Status::Accepted);
//! assert_eq!(audit.verdict.agrees, Some(true));
//! println!("{} {} ({})", audit.process_id, audit.verdict.decision.status, audit.archive.fingerprint.sha256);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod archive;
mod audit;
mod base64;
pub mod batch;
mod codes;
mod config;
pub mod crops;
mod dates;
mod dialect;
mod draw;
mod error;
mod event;
pub mod evidence;
mod fsio;
pub mod html;
pub mod ida;
mod images;
mod inert;
mod limits;
#[doc(hidden)]
pub mod media;
pub mod merge;
pub mod pack;
mod pii;
pub mod population;
mod report;
pub mod run;
#[cfg(feature = "store")]
pub mod store;
mod tally;
mod verdict;
mod visible;

pub use archive::{Archive, Member, MemberKind, ProcessSource, ReadOptions, StoredObject};
pub use audit::{ArchiveInfo, Audit, AuditOptions, MemberHash};
pub use config::{ConfigError, ConfigErrorKind};
pub use dates::Date;
pub use dialect::JsonKind;
pub use error::{
    Ambiguity, CannotJudge, Corruption, Error, ErrorKind, Fingerprint, Measure, OutputError, Sized,
    Zip64Problem,
};
pub use event::{Audited, Event};
pub use evidence::Evidence;
pub use images::ImageRule;
pub use limits::Limits;
pub use pii::{Pii, PiiField};
pub use report::Tool;
pub use tally::Tally;
pub use verdict::{
    Decision, Finding, FindingCode, LeapDayBirthday, ManualRule, Policy, Reason, ReasonCode,
    RecordedStatus, Review, ReviewDecision, Severity, Status, Verdict, VerificationDate, judge,
};

/// What the benches and the binary need that is no part of the API.
#[doc(hidden)]
pub mod internals {
    pub use crate::batch::panic_message;
    pub use crate::visible::visible;

    /// One event's rows of the five CSV files, serialised as a report
    /// writes them (for the benches).
    pub fn csv_rows(event: &crate::Event<'_>, pii: &crate::Pii, policy: &crate::Policy) -> Vec<u8> {
        let options = crate::report::RowOptions {
            pii,
            crops_prefix: "crops/",
            policy,
        };
        crate::report::Rows::of_event(event, &options).to_csv()
    }
}

/// Writes a small archive holding the provider page's accepted example (a
/// process record with its OCR, no images), for the examples in these docs.
#[doc(hidden)]
pub fn doc_example_archive(path: &std::path::Path) -> std::io::Result<()> {
    use std::io::Write;
    let record = serde_json::json!({
        "status": "accepted",
        "processId": "e0dea380-4219-4388-81bb-61a56ed73ef3",
        "provider": "eid",
        "processType": "substantial",
        "createdAt": "2021-06-09T10:04:42Z",
        "updatedAt": "2021-06-09T10:05:41Z",
        "finalResult": {"firstName": "ALEX", "lastName": "SAMPLE", "documentNumber": "X00000001",
                        "dateOfExpiry": "2030-10-05", "dateOfBirth": "1990-04-29"},
        "providerSpecific": {"ocr": {
            "similarityScore": "high",
            "livenessDetected": "true",
            "features": [{"name": "Header", "found": true, "side": "data",
                          "bbox": {"x": 84, "y": 28, "width": 248, "height": 32}}],
            "securityChecks": {"nonExpired": {"valid": true}, "notUnderage": {"valid": true},
                               "dataIntegrity": {"valid": true}},
            "firstName": "ALEX", "lastName": "SAMPLE", "documentNumber": "X00000001",
            "dateOfExpiry": "2030-10-05", "dateOfBirth": "1990-04-29"
        }}
    });
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path)?);
    zip.start_file("process.json", zip::write::SimpleFileOptions::default())
        .map_err(std::io::Error::other)?;
    zip.write_all(record.to_string().as_bytes())?;
    zip.finish().map_err(std::io::Error::other)?;
    Ok(())
}

//! The retention worklist: for each archive, until when it must be kept
//! and whether that day has passed. eid-audit deletes nothing.
//!
//! The anchor is the end of the customer relationship, where the
//! relationship-end file gives it, and the verification date otherwise
//! (AMLR Art. 77: five years after the end of the business relationship,
//! or after the occasional transaction). Where both are known the later
//! counts: a relationship cannot end before the verification that opened
//! it, and keeping a record longer is the error that can be undone.
//! `retain_until` is the anchor plus the years; a 29 February anchor ends
//! on 28 February of a common year (Regulation 1182/71, Art. 3(2)(c): a
//! period in years whose last month lacks the day ends on that month's last
//! day). The archive is eligible for deletion when the day of the check is
//! after `retain_until`: the last day of the period is still kept. With no
//! date at all, or a relationship the file marks as ongoing, it is never
//! eligible, and the row says why.

use super::csv_out::CsvOut;
use crate::dates::Date;
use crate::error::OutputError;
use crate::event::Event;
use crate::pii::{Pii, PiiField};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// How the retention worklist is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionOptions {
    /// Years a record is kept after its anchor.
    pub years: u32,
    /// The day the worklist is made for (default: the run's day, UTC).
    pub as_of: Option<Date>,
    /// The relationship-end file, when given.
    pub relationship_end: Option<PathBuf>,
}

/// The end of a relationship, as the file gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// It ended that day.
    On(Date),
    /// It has not ended.
    Ongoing,
}

/// The relationship-end file, read: each key's end, keyed by the first 16
/// bytes of the key's SHA-256 (a process id or a document pseudonym).
#[derive(Debug, Default)]
pub(crate) struct Ends {
    ends: HashMap<[u8; 16], End>,
    /// SHA-256 of the file, and its rows.
    pub(crate) sha256: String,
    pub(crate) rows: usize,
    pseudonyms: bool,
}

fn key16(key: &str) -> [u8; 16] {
    let mut k = [0u8; 16];
    k.copy_from_slice(&Sha256::digest(key.trim().as_bytes())[..16]);
    k
}

impl Ends {
    /// Reads the file: a CSV with the header `key,relationship_end`; a key
    /// is a process id or a document pseudonym (`hmac:` and 32 hex digits,
    /// as `eid-audit pseudonym --field documentNumber` prints it); the end
    /// is `YYYY-MM-DD`, or `ongoing` (or empty) for a relationship that
    /// continues. A key given twice keeps the later end (ongoing is the
    /// latest). Anything else refuses the file, naming the line.
    pub(crate) fn read(path: &Path, pii: &Pii) -> Result<Ends, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| format!("{}: not UTF-8 text", path.display()))?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .trim(csv::Trim::All)
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let header = reader
            .headers()
            .map_err(|e| format!("{}: {e}", path.display()))?
            .clone();
        if header.len() < 2 || &header[0] != "key" || &header[1] != "relationship_end" {
            return Err(format!(
                "{}: the first line must be the header key,relationship_end",
                path.display()
            ));
        }
        let mut ends = Ends {
            sha256: crate::codes::hex(&Sha256::digest(&bytes)),
            ..Ends::default()
        };
        for (i, record) in reader.records().enumerate() {
            let line = i + 2;
            let r = record.map_err(|e| format!("{}: line {line}: {e}", path.display()))?;
            let (key, end) = (r.get(0).unwrap_or(""), r.get(1).unwrap_or(""));
            if key.is_empty() {
                return Err(format!("{}: line {line}: no key", path.display()));
            }
            let end = match end {
                "" | "ongoing" => End::Ongoing,
                d if d.len() == 10 => End::On(Date::parse(d).ok_or_else(|| {
                    format!("{}: line {line}: {d:?} is not a date", path.display())
                })?),
                d => {
                    return Err(format!(
                        "{}: line {line}: {d:?} is not a date (YYYY-MM-DD) nor ongoing",
                        path.display()
                    ));
                }
            };
            if key.starts_with("hmac:") {
                if !matches!(pii, Pii::Hmac(_)) {
                    return Err(format!(
                        "{}: line {line}: a document pseudonym matches only under --pii hmac, with the key it was made with",
                        path.display()
                    ));
                }
                ends.pseudonyms = true;
            }
            let slot = ends.ends.entry(key16(key)).or_insert(end);
            *slot = later(*slot, end);
            ends.rows += 1;
        }
        Ok(ends)
    }

    /// The end of the relationship of a process id, or of a document
    /// pseudonym; the later when both are given.
    fn of(&self, process_id: &str, pseudonym: Option<&str>) -> Option<End> {
        let by_process = self.ends.get(&key16(process_id)).copied();
        let by_document = pseudonym
            .filter(|_| self.pseudonyms)
            .and_then(|p| self.ends.get(&key16(p)).copied());
        match (by_process, by_document) {
            (Some(a), Some(b)) => Some(later(a, b)),
            (a, b) => a.or(b),
        }
    }
}

fn later(a: End, b: End) -> End {
    match (a, b) {
        (End::On(x), End::On(y)) => End::On(x.max(y)),
        _ => End::Ongoing,
    }
}

/// `day` plus `years`: the same day of the same month, or the 28th for
/// a 29 February that the later year lacks.
pub(crate) fn add_years(day: Date, years: u32) -> Date {
    let year = day.year + i32::try_from(years).unwrap_or(i32::MAX - day.year);
    let leap_day = day.month == 2 && day.day == 29;
    Date {
        year,
        month: day.month,
        day: if leap_day && !Date::is_leap_year(year) {
            28
        } else {
            day.day
        },
    }
}

/// What `run.json` says of the worklist.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RetentionRecord {
    pub(crate) years: u32,
    pub(crate) as_of: String,
    pub(crate) rule: String,
    /// The relationship-end file: its SHA-256 and rows.
    pub(crate) relationship_end: Option<EndsRecord>,
    pub(crate) eligible: usize,
    pub(crate) retained: usize,
    /// Never eligible: no date to count from.
    pub(crate) undated: usize,
    /// Never eligible: the relationship is ongoing.
    pub(crate) ongoing: usize,
}

/// The relationship-end file, as `run.json` records it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct EndsRecord {
    pub(crate) sha256: String,
    pub(crate) rows: usize,
}

/// The columns of `retention.csv`.
pub(crate) const COLUMNS: [&str; 8] = [
    "archive",
    "sha256",
    "process_id",
    "anchor_date",
    "anchor_source",
    "retain_until",
    "eligible_for_deletion",
    "reason",
];

/// `retention.csv` being written, one row per input in input order.
pub(crate) struct Retention {
    out: CsvOut,
    ends: Ends,
    pii: Pii,
    pub(crate) record: RetentionRecord,
    as_of: Date,
}

impl Retention {
    /// Starts `retention.csv` in `dir`, for the day `as_of`.
    pub(crate) fn create(
        dir: &Path,
        excel: bool,
        years: u32,
        as_of: Date,
        ends: Ends,
        pii: &Pii,
    ) -> Result<Retention, OutputError> {
        let record = RetentionRecord {
            years,
            as_of: as_of.to_string(),
            rule: "anchor = the later of the relationship end and the verification date; retain_until = anchor + years (29 February to 28 February); eligible when asOf > retain_until; no date or an ongoing relationship: never".into(),
            relationship_end: (ends.rows > 0 || !ends.sha256.is_empty()).then(|| EndsRecord {
                sha256: ends.sha256.clone(),
                rows: ends.rows,
            }),
            ..RetentionRecord::default()
        };
        Ok(Retention {
            out: CsvOut::create(&dir.join("retention.csv"), &COLUMNS, excel)?,
            ends,
            pii: pii.clone(),
            record,
            as_of,
        })
    }

    /// Writes the row of one input.
    pub(crate) fn add(&mut self, event: &Event<'_>) -> Result<(), OutputError> {
        let archive = event.path.display().to_string();
        let a = match event.outcome {
            Ok(a) => &a.audit,
            Err(e) => {
                self.record.undated += 1;
                let sha = e
                    .fingerprint()
                    .map(|f| f.sha256.clone())
                    .unwrap_or_default();
                let why = "not audited: no date to count from";
                return self
                    .out
                    .row(&[&archive, &sha, "", "", "", "", "false", why]);
            }
        };
        let verified = a.verdict.verification_date.map(|d| d.date);
        let pseudonym = match &self.pii {
            Pii::Hmac(_) => Some(self.pii.apply(
                PiiField::DocumentNumber,
                a.evidence.document_value("documentNumber"),
            )),
            _ => None,
        };
        let end = self.ends.of(&a.process_id, pseudonym.as_deref());
        let (anchor, source, why) = match (end, verified) {
            (Some(End::Ongoing), _) => {
                self.record.ongoing += 1;
                let row = [
                    &archive[..],
                    &a.archive.fingerprint.sha256,
                    &a.process_id,
                    "",
                    "relationshipEnd",
                    "",
                    "false",
                    "the relationship is ongoing",
                ];
                return self.out.row(&row);
            }
            (Some(End::On(e)), Some(v)) if v > e => (
                v,
                "verificationDate",
                "the relationship end given precedes the verification date",
            ),
            (Some(End::On(e)), _) => (e, "relationshipEnd", ""),
            (None, Some(v)) => (v, "verificationDate", ""),
            (None, None) => {
                self.record.undated += 1;
                let row = [
                    &archive[..],
                    &a.archive.fingerprint.sha256,
                    &a.process_id,
                    "",
                    "",
                    "",
                    "false",
                    "no verification date and no relationship end",
                ];
                return self.out.row(&row);
            }
        };
        let until = add_years(anchor, self.record.years);
        let eligible = self.as_of > until;
        if eligible {
            self.record.eligible += 1;
        } else {
            self.record.retained += 1;
        }
        self.out.row(&[
            &archive[..],
            &a.archive.fingerprint.sha256,
            &a.process_id,
            &anchor.to_string(),
            source,
            &until.to_string(),
            if eligible { "true" } else { "false" },
            why,
        ])
    }

    /// Closes `retention.csv`.
    pub(crate) fn finish(self) -> Result<RetentionRecord, OutputError> {
        self.out.close()?;
        Ok(self.record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn a_leap_day_ends_on_the_28th_of_a_common_year() {
        assert_eq!(add_years(d("2024-02-29"), 5), d("2029-02-28"));
        assert_eq!(add_years(d("2024-02-29"), 4), d("2028-02-29"));
        assert_eq!(add_years(d("2024-02-28"), 5), d("2029-02-28"));
        assert_eq!(add_years(d("2024-03-01"), 5), d("2029-03-01"));
        assert_eq!(add_years(d("2021-12-31"), 5), d("2026-12-31"));
    }

    #[test]
    fn the_file_keeps_the_later_end_and_refuses_what_it_cannot_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ends.csv");
        let write = |text: &str| std::fs::write(&path, text).unwrap();
        write(
            "key,relationship_end\np-1,2020-01-01\np-1,2022-06-30\np-2,ongoing\np-2,2019-01-01\np-3,\n",
        );
        let ends = Ends::read(&path, &Pii::Omit).unwrap();
        assert_eq!(ends.rows, 5);
        assert_eq!(ends.of("p-1", None), Some(End::On(d("2022-06-30"))));
        assert_eq!(ends.of("p-2", None), Some(End::Ongoing));
        assert_eq!(ends.of("p-3", None), Some(End::Ongoing));
        assert_eq!(ends.of("p-4", None), None);
        write("key,relationship_end\np-1,2021-02-30\n");
        let e = Ends::read(&path, &Pii::Omit).unwrap_err();
        assert!(e.contains("line 2") && e.contains("not a date"), "{e}");
        write("process,end\np-1,2021-02-03\n");
        assert!(
            Ends::read(&path, &Pii::Omit)
                .unwrap_err()
                .contains("header")
        );
        write("key,relationship_end\nhmac:00112233445566778899aabbccddeeff,2021-02-03\n");
        let e = Ends::read(&path, &Pii::Omit).unwrap_err();
        assert!(e.contains("--pii hmac"), "{e}");
        let key = Pii::Hmac(b"0123456789abcdef".to_vec());
        let ends = Ends::read(&path, &key).unwrap();
        assert_eq!(
            ends.of("p-9", Some("hmac:00112233445566778899aabbccddeeff")),
            Some(End::On(d("2021-02-03")))
        );
    }
}

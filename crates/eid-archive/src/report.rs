//! Compliance reports: one row type per CSV file, personal-data modes, the
//! batch summary, and a writer that replaces a report only when it is complete.

use crate::archive::hex;
use crate::batch::{Input, Outcome};
use crate::decision::{ReasonCode, Status};
use crate::evidence::DocumentFields;
use crate::findings::{Finding, Severity};
use crate::{Audit, MemberKind};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

/// How personal data is written into reports.
#[derive(Clone, PartialEq, Eq)]
pub enum Pii {
    /// Left out (empty cells). The default.
    Omit,
    /// A recognisable shape: `M**** P****`, `*******890`, `****-**-**`.
    Mask,
    /// A keyed HMAC-SHA256 pseudonym: the same value links across rows and
    /// runs with the same key, without being named.
    Hmac(Vec<u8>),
    /// As written in the evidence.
    Full,
}

impl std::fmt::Debug for Pii {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key never reaches a log.
        f.write_str(self.name())
    }
}

/// The kinds of personal data, masked each in its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PiiField {
    /// First or last name.
    Name,
    /// Document number.
    DocumentNumber,
    /// Date of birth.
    DateOfBirth,
    /// Personal identification number.
    PersonalNumber,
    /// Postal address.
    Address,
}

impl PiiField {
    fn as_str(self) -> &'static str {
        match self {
            PiiField::Name => "name",
            PiiField::DocumentNumber => "documentNumber",
            PiiField::DateOfBirth => "dateOfBirth",
            PiiField::PersonalNumber => "personalNumber",
            PiiField::Address => "address",
        }
    }
}

impl Pii {
    /// `omit`, `mask`, `hmac` or `full`, as written into every row.
    pub fn name(&self) -> &'static str {
        match self {
            Pii::Omit => "omit",
            Pii::Mask => "mask",
            Pii::Hmac(_) => "hmac",
            Pii::Full => "full",
        }
    }

    /// The value as this mode writes it.
    ///
    /// ```
    /// use eid_archive::report::{Pii, PiiField};
    /// assert_eq!(Pii::Mask.apply(PiiField::Name, Some("MARIA PAULA")), "M**** P****");
    /// assert_eq!(Pii::Mask.apply(PiiField::DocumentNumber, Some("1234567890")), "*******890");
    /// assert_eq!(Pii::Omit.apply(PiiField::Name, Some("MARIA")), "");
    /// ```
    pub fn apply(&self, field: PiiField, value: Option<&str>) -> String {
        let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
            return String::new();
        };
        match self {
            Pii::Omit => String::new(),
            Pii::Full => value.to_owned(),
            Pii::Mask => mask(field, value),
            Pii::Hmac(key) => {
                // Scoped by field and normalised, so the same document number links
                // across rows but never matches a name that happens to be equal.
                let message = format!("{}:{}", field.as_str(), value.to_uppercase());
                let mac = hmac_sha256(key, message.as_bytes());
                format!("hmac:{}", hex(&mac[..16]))
            }
        }
    }
}

fn mask(field: PiiField, value: &str) -> String {
    match field {
        PiiField::Name | PiiField::Address => value
            .split_whitespace()
            .map(|w| {
                let mut cs = w.chars();
                let first = cs.next().map(String::from).unwrap_or_default();
                first + &"*".repeat(cs.count())
            })
            .collect::<Vec<_>>()
            .join(" "),
        PiiField::DateOfBirth => value
            .chars()
            .map(|c| if c.is_ascii_digit() { '*' } else { c })
            .collect(),
        PiiField::DocumentNumber | PiiField::PersonalNumber => {
            let n = value.chars().count();
            let keep = if n > 4 { 3 } else { 0 };
            value
                .chars()
                .enumerate()
                .map(|(i, c)| if i < n - keep { '*' } else { c })
                .collect()
        }
    }
}

/// HMAC-SHA256 (RFC 2104).
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let inner = Sha256::new()
        .chain_update(k.map(|b| b ^ 0x36))
        .chain_update(message)
        .finalize();
    let outer = Sha256::new()
        .chain_update(k.map(|b| b ^ 0x5c))
        .chain_update(inner)
        .finalize();
    let mut out = [0u8; 32];
    out.copy_from_slice(&outer);
    out
}

/// A row of `archives.csv`: one per input archive, error rows included.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ArchiveRow {
    /// The archive's path as given or found.
    pub archive: String,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// Its size.
    pub bytes: Option<u64>,
    /// `processId`, else native `id`, else the file stem.
    pub process_id: String,
    /// `provider`.
    pub provider: String,
    /// `processType`.
    pub process_type: String,
    /// `createdAt`.
    pub created_at: String,
    /// `updatedAt`.
    pub updated_at: String,
    /// The day the verification is judged on.
    pub verification_date: String,
    /// The recorded status.
    pub recorded_status: String,
    /// The recomputed final status.
    pub status: String,
    /// The automatic status (before any agent's decision).
    pub automatic_status: String,
    /// Recorded equals recomputed (empty when nothing was recorded).
    pub agrees: Option<bool>,
    /// `code/subject` of every reason, `; `-separated.
    pub reasons: String,
    /// Invalid or unreadable security checks, `; `-separated.
    pub checks_failed: String,
    /// Features not found, `; `-separated.
    pub features_missing: String,
    /// `similarityScore` as written.
    pub similarity: String,
    /// `livenessDetected`.
    pub liveness: Option<bool>,
    /// `documentType`.
    pub document_type: String,
    /// `issuingCountry`.
    pub issuing_country: String,
    /// `nationality`.
    pub nationality: String,
    /// `documentNumber`, under the personal-data mode.
    pub document_number: String,
    /// `firstName`, under the personal-data mode.
    pub first_name: String,
    /// `lastName`, under the personal-data mode.
    pub last_name: String,
    /// `dateOfBirth`, under the personal-data mode.
    pub date_of_birth: String,
    /// `personalIdentificationNumber`, under the personal-data mode.
    pub personal_number: String,
    /// `address`, under the personal-data mode.
    pub address: String,
    /// Number of findings.
    pub findings: usize,
    /// The most severe finding's severity.
    pub max_severity: String,
    /// The error's code, for error rows.
    pub error_code: String,
    /// The one-line error, for error rows.
    pub error: String,
    /// The policy in force, by name.
    pub policy: String,
    /// The policy's fingerprint ([`Policy::digest`](crate::Policy::digest)).
    pub policy_digest: String,
    /// The personal-data mode in force.
    pub pii: &'static str,
}

/// A row of `checks.csv`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckRow {
    /// The archive.
    pub archive: String,
    /// Its process id.
    pub process_id: String,
    /// The check's name as written.
    pub check: String,
    /// `true`, `false` or `unreadable`.
    pub valid: &'static str,
    /// The personal-data mode in force.
    pub pii: &'static str,
}

/// A row of `features.csv`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FeatureRow {
    /// The archive.
    pub archive: String,
    /// Its process id.
    pub process_id: String,
    /// The feature's name (`?` for an unreadable entry).
    pub feature: String,
    /// `found` (empty when unreadable).
    pub found: Option<bool>,
    /// The side word as written.
    pub side: String,
    /// Box left edge.
    pub x: Option<i64>,
    /// Box top edge.
    pub y: Option<i64>,
    /// Box width.
    pub width: Option<i64>,
    /// Box height.
    pub height: Option<i64>,
    /// The crop's path relative to the report folder, with `--crops`.
    pub crop_file: String,
    /// The personal-data mode in force.
    pub pii: &'static str,
}

/// A row of `findings.csv`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FindingRow {
    /// The archive.
    pub archive: String,
    /// Its process id.
    pub process_id: String,
    /// `info`, `warning` or `error`.
    pub severity: Severity,
    /// The finding code.
    pub code: &'static str,
    /// What it is about.
    pub subject: String,
    /// In words (never personal data).
    pub message: String,
    /// The personal-data mode in force.
    pub pii: &'static str,
}

/// A row of `members.csv`: the evidence manifest.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MemberRow {
    /// The archive.
    pub archive: String,
    /// The member's name as stored.
    pub member: String,
    /// What it is (`json:ocrAssure`, `image:front`, `video`, ...).
    pub kind: String,
    /// Declared inflated size.
    pub bytes: u64,
    /// Declared compressed size.
    pub compressed_bytes: u64,
    /// Declared CRC-32, 8 hex digits.
    pub crc32: String,
    /// SHA-256 of the inflated bytes, with `--hash-members`.
    pub sha256: String,
    /// The personal-data mode in force.
    pub pii: &'static str,
}

/// Every row one archive contributes.
#[derive(Debug, Clone, Default)]
pub struct Rows {
    /// Its row of `archives.csv`.
    pub archive: ArchiveRow,
    /// Its rows of `checks.csv`.
    pub checks: Vec<CheckRow>,
    /// Its rows of `features.csv`.
    pub features: Vec<FeatureRow>,
    /// Its rows of `findings.csv`.
    pub findings: Vec<FindingRow>,
    /// Its rows of `members.csv`.
    pub members: Vec<MemberRow>,
}

fn member_kind(kind: MemberKind) -> String {
    match kind {
        MemberKind::Directory => "directory".into(),
        MemberKind::Json(j) => format!(
            "json:{}",
            serde_json::to_value(j)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        ),
        MemberKind::Image(d) => format!("image:{}", d.as_str()),
        MemberKind::Video => "video".into(),
        MemberKind::Other => "other".into(),
    }
}

impl Rows {
    /// The rows of one batch outcome. `crops_prefix` is the crops folder relative to the report.
    pub fn of(outcome: &Outcome, pii: &Pii, policy: &crate::Policy, crops_prefix: &str) -> Rows {
        let archive = outcome.input.path().display().to_string();
        let p = pii.name();
        match &outcome.result {
            Err(e) => {
                let mut row = ArchiveRow {
                    archive: archive.clone(),
                    process_id: crate::file_stem(&outcome.input.path().to_string_lossy()),
                    error_code: e.code().to_owned(),
                    error: e.to_string(),
                    policy: policy.name.clone(),
                    policy_digest: policy.digest(),
                    pii: p,
                    ..ArchiveRow::default()
                };
                if let Some((sha, bytes)) = &e.digest {
                    row.sha256 = sha.clone();
                    row.bytes = Some(*bytes);
                }
                if let Input::Unreadable(..) = outcome.input {
                    row.error_code = "Io".into();
                }
                Rows {
                    archive: row,
                    ..Rows::default()
                }
            }
            Ok(processed) => {
                let a = &processed.audit;
                let crops = processed.crops.as_ref().and_then(|c| c.as_ref().ok());
                let mut rows = Rows {
                    archive: archive_row(&archive, a, pii, policy),
                    ..Rows::default()
                };
                for c in a.checks() {
                    rows.checks.push(CheckRow {
                        archive: archive.clone(),
                        process_id: a.process_id.clone(),
                        check: c.name.clone(),
                        valid: match c.valid {
                            Some(true) => "true",
                            Some(false) => "false",
                            None => "unreadable",
                        },
                        pii: p,
                    });
                }
                for (i, f) in a.features().iter().enumerate() {
                    let crop_file = crops
                        .and_then(|c| c.features.get(i))
                        .and_then(|fc| match &fc.outcome {
                            crate::crops::CropOutcome::Cut { file, .. } => Some(format!(
                                "{crops_prefix}{}/{file}",
                                crops.map_or("", |c| c.folder.as_str())
                            )),
                            crate::crops::CropOutcome::NotCut { .. } => None,
                        })
                        .unwrap_or_default();
                    rows.features.push(FeatureRow {
                        archive: archive.clone(),
                        process_id: a.process_id.clone(),
                        feature: f.label().to_owned(),
                        found: f.found,
                        side: f.side.clone().unwrap_or_default(),
                        x: f.bbox.map(|b| b.x),
                        y: f.bbox.map(|b| b.y),
                        width: f.bbox.map(|b| b.width),
                        height: f.bbox.map(|b| b.height),
                        crop_file,
                        pii: p,
                    });
                }
                let mut findings: Vec<&Finding> = a.verdict.findings.iter().collect();
                if let Some(c) = crops {
                    findings.extend(c.findings.iter());
                }
                for f in findings {
                    rows.findings.push(FindingRow {
                        archive: archive.clone(),
                        process_id: a.process_id.clone(),
                        severity: f.severity,
                        code: f.code.as_str(),
                        subject: f.subject.clone(),
                        message: f.message.clone(),
                        pii: p,
                    });
                }
                if let Some(Err(why)) = &processed.crops {
                    rows.findings.push(FindingRow {
                        archive: archive.clone(),
                        process_id: a.process_id.clone(),
                        severity: Severity::Error,
                        code: "CropsNotWritten",
                        subject: "crops".into(),
                        message: why.clone(),
                        pii: p,
                    });
                }
                rows.archive.findings = rows.findings.len();
                for (i, m) in a.members.iter().enumerate() {
                    let sha256 = match processed.member_hashes.as_ref().and_then(|h| h.get(i)) {
                        Some(Ok(h)) => h.clone(),
                        Some(Err(e)) => format!("error: {e}"),
                        None => String::new(),
                    };
                    rows.members.push(MemberRow {
                        archive: archive.clone(),
                        member: m.name.clone(),
                        kind: member_kind(m.kind),
                        bytes: m.size,
                        compressed_bytes: m.compressed_size,
                        crc32: format!("{:08x}", m.crc32),
                        sha256,
                        pii: p,
                    });
                }
                rows
            }
        }
    }
}

fn archive_row(archive: &str, a: &Audit, pii: &Pii, policy: &crate::Policy) -> ArchiveRow {
    let v = &a.verdict;
    let e = &a.evidence;
    let process = e.process.as_ref();
    let ocr = e.ocr.as_ref();
    let empty = DocumentFields::new();
    let doc = ocr.map_or(&empty, |o| &o.document);
    // The OCR's document data, else the agent's, else finalResult.
    let field = |k: &str| -> Option<&str> {
        doc.get(k)
            .or_else(|| e.manual.as_ref().and_then(|m| m.document.get(k)))
            .or_else(|| {
                process
                    .and_then(|p| p.final_result.as_ref())
                    .and_then(|f| f.document.get(k))
            })
            .map(String::as_str)
    };
    let s = |o: Option<&String>| o.cloned().unwrap_or_default();
    let join = |it: Vec<String>| it.join("; ");
    ArchiveRow {
        archive: archive.to_owned(),
        sha256: a.archive.sha256.clone(),
        bytes: Some(a.archive.bytes),
        process_id: a.process_id.clone(),
        provider: s(process.and_then(|p| p.provider.as_ref())),
        process_type: s(process.and_then(|p| p.process_type.as_ref())),
        created_at: s(process.and_then(|p| p.created_at.as_ref())),
        updated_at: s(process.and_then(|p| p.updated_at.as_ref())),
        verification_date: v
            .verification_date
            .map(|d| d.date.to_string())
            .unwrap_or_default(),
        recorded_status: v.recorded_status.clone().unwrap_or_default(),
        status: v.decision.status.as_str().to_owned(),
        automatic_status: v.automatic.status.as_str().to_owned(),
        agrees: v.agrees,
        reasons: join(v.decision.reasons.iter().map(ToString::to_string).collect()),
        checks_failed: join(
            v.automatic
                .reasons
                .iter()
                .filter(|r| {
                    matches!(
                        r.code,
                        ReasonCode::SecurityCheckFailed | ReasonCode::SecurityCheckUnreadable
                    )
                })
                .map(|r| r.subject.clone())
                .collect(),
        ),
        features_missing: join(
            v.automatic
                .reasons
                .iter()
                .filter(|r| r.code == ReasonCode::FeatureNotFound)
                .map(|r| r.subject.clone())
                .collect(),
        ),
        similarity: s(ocr.and_then(|o| o.similarity.as_ref())),
        liveness: ocr.and_then(|o| o.liveness_detected),
        document_type: field("documentType").unwrap_or_default().to_owned(),
        issuing_country: field("issuingCountry").unwrap_or_default().to_owned(),
        nationality: field("nationality").unwrap_or_default().to_owned(),
        document_number: pii.apply(PiiField::DocumentNumber, field("documentNumber")),
        first_name: pii.apply(PiiField::Name, field("firstName")),
        last_name: pii.apply(PiiField::Name, field("lastName")),
        date_of_birth: pii.apply(PiiField::DateOfBirth, field("dateOfBirth")),
        personal_number: pii.apply(
            PiiField::PersonalNumber,
            field("personalIdentificationNumber"),
        ),
        address: pii.apply(PiiField::Address, field("address")),
        findings: v.findings.len(),
        max_severity: v
            .findings
            .iter()
            .map(|f| f.severity)
            .max()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        error_code: String::new(),
        error: String::new(),
        policy: policy.name.clone(),
        policy_digest: policy.digest(),
        pii: pii.name(),
    }
}

/// Counts for the end-of-run summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Rows written.
    pub archives: usize,
    /// Archives by recomputed status.
    pub by_status: BTreeMap<Status, usize>,
    /// Recomputed status differs from the recorded one.
    pub disagreements: usize,
    /// No recorded status to compare with.
    pub unrecorded: usize,
    /// Findings by severity.
    pub findings: BTreeMap<Severity, usize>,
    /// Archives that could not be read or judged.
    pub errors: usize,
    /// Bytes of the archives read.
    pub bytes: u64,
}

impl Summary {
    /// Counts one outcome.
    pub fn add(&mut self, outcome: &Outcome, rows: &Rows) {
        self.archives += 1;
        self.bytes += rows.archive.bytes.unwrap_or(0);
        match &outcome.result {
            Err(_) => self.errors += 1,
            Ok(p) => {
                *self
                    .by_status
                    .entry(p.audit.verdict.decision.status)
                    .or_default() += 1;
                match p.audit.verdict.agrees {
                    Some(false) => self.disagreements += 1,
                    None => self.unrecorded += 1,
                    Some(true) => {}
                }
                for f in &rows.findings {
                    *self.findings.entry(f.severity).or_default() += 1;
                }
            }
        }
    }

    /// The summary in words; `seconds` is the elapsed wall time.
    pub fn render(&self, seconds: f64) -> String {
        let status: Vec<String> = Status::ALL
            .iter()
            .map(|s| format!("{} {}", self.by_status.get(s).copied().unwrap_or(0), s))
            .collect();
        let findings: Vec<String> = [Severity::Error, Severity::Warning, Severity::Info]
            .iter()
            .map(|s| format!("{} {}", self.findings.get(s).copied().unwrap_or(0), s))
            .collect();
        let rate = if seconds > 0.0 {
            self.archives as f64 / seconds
        } else {
            0.0
        };
        let mb = self.bytes as f64 / 1e6;
        format!(
            "archives     {} ({})\ndisagree     {} with the recorded status ({} had none recorded)\nfindings     {}\nerrors       {}\nelapsed      {seconds:.2} s, {rate:.1} archives/s, {:.1} MB/s\n",
            self.archives,
            status.join(", "),
            self.disagreements,
            self.unrecorded,
            findings.join(", "),
            self.errors,
            if seconds > 0.0 { mb / seconds } else { 0.0 },
        )
    }
}

/// The report's file names, in the order they are written.
pub const REPORT_FILES: [&str; 5] = [
    "archives.csv",
    "checks.csv",
    "features.csv",
    "findings.csv",
    "members.csv",
];

/// A report that cannot be started or finished.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ReportError {
    /// The file or folder.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
}

fn rerr(path: &Path) -> impl Fn(io::Error) -> ReportError + '_ {
    move |e| ReportError {
        path: path.to_owned(),
        message: e.to_string(),
    }
}

/// The five CSV files of a report, written under temporary names and renamed
/// into place only by [`ReportWriter::finish`]: an interrupted run leaves no
/// half-written report, and an earlier report stays whole until the new one is.
pub struct ReportWriter {
    dir: PathBuf,
    temps: Vec<PathBuf>,
    archives: csv::Writer<BufWriter<File>>,
    checks: csv::Writer<BufWriter<File>>,
    features: csv::Writer<BufWriter<File>>,
    findings: csv::Writer<BufWriter<File>>,
    members: csv::Writer<BufWriter<File>>,
    finished: bool,
}

impl ReportWriter {
    /// Starts a report in `dir`, which is created if needed. An existing report
    /// is refused unless `force`.
    pub fn create(dir: &Path, force: bool) -> Result<ReportWriter, ReportError> {
        fs::create_dir_all(dir).map_err(rerr(dir))?;
        if !force {
            for name in REPORT_FILES {
                let p = dir.join(name);
                if fs::symlink_metadata(&p).is_ok() {
                    return Err(ReportError {
                        path: p,
                        message: "a report is already here; use --force to replace it".into(),
                    });
                }
            }
        }
        let mut temps = Vec::new();
        let mut open = |name: &str| -> Result<csv::Writer<BufWriter<File>>, ReportError> {
            let p = dir.join(format!(".{name}.partial-{}", std::process::id()));
            let f = OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&p)
                .map_err(rerr(&p))?;
            temps.push(p);
            Ok(csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(BufWriter::with_capacity(256 << 10, f)))
        };
        let archives = open(REPORT_FILES[0])?;
        let checks = open(REPORT_FILES[1])?;
        let features = open(REPORT_FILES[2])?;
        let findings = open(REPORT_FILES[3])?;
        let members = open(REPORT_FILES[4])?;
        let mut w = ReportWriter {
            dir: dir.to_owned(),
            temps,
            archives,
            checks,
            features,
            findings,
            members,
            finished: false,
        };
        // Headers even for an empty report: a file with no rows still says what it holds.
        w.headers().map_err(|e| ReportError {
            path: w.dir.clone(),
            message: e.to_string(),
        })?;
        Ok(w)
    }

    fn headers(&mut self) -> io::Result<()> {
        write_header::<ArchiveRow>(&mut self.archives)?;
        write_header::<CheckRow>(&mut self.checks)?;
        write_header::<FeatureRow>(&mut self.features)?;
        write_header::<FindingRow>(&mut self.findings)?;
        write_header::<MemberRow>(&mut self.members)
    }

    /// Appends one archive's rows.
    pub fn write(&mut self, rows: &Rows) -> Result<(), ReportError> {
        let e = |e: csv::Error| ReportError {
            path: self.dir.clone(),
            message: e.to_string(),
        };
        let r = (|| -> csv::Result<()> {
            self.archives.serialize(&rows.archive)?;
            for r in &rows.checks {
                self.checks.serialize(r)?;
            }
            for r in &rows.features {
                self.features.serialize(r)?;
            }
            for r in &rows.findings {
                self.findings.serialize(r)?;
            }
            for r in &rows.members {
                self.members.serialize(r)?;
            }
            Ok(())
        })();
        r.map_err(e)
    }

    /// Flushes and renames every file into place; returns the final paths.
    pub fn finish(mut self) -> Result<Vec<PathBuf>, ReportError> {
        for w in [
            &mut self.archives,
            &mut self.checks,
            &mut self.features,
            &mut self.findings,
            &mut self.members,
        ] {
            w.flush().map_err(rerr(&self.dir))?;
        }
        let mut done = Vec::new();
        for (tmp, name) in self.temps.iter().zip(REPORT_FILES) {
            let path = self.dir.join(name);
            fs::rename(tmp, &path).map_err(rerr(&path))?;
            done.push(path);
        }
        self.finished = true;
        Ok(done)
    }
}

/// Writes the header row of `T` (its field names, as serde names them), so the
/// header is right even for a file that gets no rows.
fn write_header<T: Serialize + Default>(w: &mut csv::Writer<BufWriter<File>>) -> io::Result<()> {
    let mut probe = csv::Writer::from_writer(Vec::new());
    probe.serialize(T::default()).map_err(io::Error::other)?;
    let bytes = probe
        .into_inner()
        .map_err(|e| io::Error::other(e.to_string()))?;
    let header = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes.as_slice())
        .records()
        .next()
        .transpose()
        .map_err(io::Error::other)?
        .unwrap_or_default();
    w.write_record(&header).map_err(io::Error::other)
}

impl Drop for ReportWriter {
    fn drop(&mut self) {
        if !self.finished {
            for t in &self.temps {
                let _ = fs::remove_file(t);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex(&mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn masks_keep_a_shape() {
        assert_eq!(mask(PiiField::Name, "MARIA PAULA"), "M**** P****");
        assert_eq!(mask(PiiField::DocumentNumber, "1234567890"), "*******890");
        assert_eq!(mask(PiiField::DocumentNumber, "1234"), "****");
        assert_eq!(mask(PiiField::DateOfBirth, "2002-04-29"), "****-**-**");
        assert_eq!(mask(PiiField::Address, "22043 HAMBURG"), "2**** H******");
    }

    #[test]
    fn hmac_pseudonyms_link_without_naming() {
        let p = Pii::Hmac(b"k".to_vec());
        let a = p.apply(PiiField::DocumentNumber, Some("AB123"));
        assert_eq!(a, p.apply(PiiField::DocumentNumber, Some(" ab123 ")));
        assert_ne!(a, p.apply(PiiField::Name, Some("AB123")));
        assert_ne!(
            a,
            Pii::Hmac(b"other".to_vec()).apply(PiiField::DocumentNumber, Some("AB123"))
        );
        assert!(!a.contains("AB123"));
        assert_eq!(format!("{p:?}"), "hmac");
    }
}

//! One audited archive: the event every output consumes. The text and JSON
//! of `inspect`, the CSV rows, the crops and the exports are each made from
//! an [`Audit`], none from another.

use crate::archive::{Archive, Member, ReadOptions};
use crate::error::{Error, ErrorKind, Fingerprint};
use crate::evidence::Depiction;
use crate::evidence::{self, Evidence};
use crate::pii::Pii;
use crate::verdict::{Finding, FindingCode, Policy, Severity, Verdict, judge};
use serde::Serialize;
use std::path::Path;

/// How to audit an archive: how to read it, the policy to judge it by, and
/// how much of it to check beyond what the decision reads.
#[non_exhaustive]
#[derive(Debug, Clone, Default)]
pub struct AuditOptions {
    /// Limits, and where the process record is.
    pub read: ReadOptions,
    /// The decision policy.
    pub policy: Policy,
    /// Inflate and hash every member (SHA-256), which also verifies its CRC
    /// and size: a member that fails is a `MemberCorrupt` error finding.
    pub hash_members: bool,
    /// Decode every image, so that one whose header reads but whose data is
    /// broken is an `UndecodableMedia` finding whatever else is asked.
    pub verify_media: bool,
}

impl AuditOptions {
    /// These options with another way of reading.
    pub fn with_read(mut self, read: ReadOptions) -> Self {
        self.read = read;
        self
    }

    /// These options with another policy.
    pub fn with_policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// These options, hashing every member or not.
    pub fn with_member_hashes(mut self, hash: bool) -> Self {
        self.hash_members = hash;
        self
    }

    /// These options, decoding every image or not.
    pub fn with_media_verified(mut self, verify: bool) -> Self {
        self.verify_media = verify;
        self
    }
}

/// One audited archive: what it is, what it holds, and the verdict.
///
/// It serialises to the JSON of `eid-audit inspect --format json`: the
/// verdict's keys (`recordedStatus`, `decision`, `agrees`, `findings`, ...) at
/// the top, beside `processId`, `checks`, `features` and `media`.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct Audit {
    /// The archive file.
    pub archive: ArchiveInfo,
    /// The process record's id, else the native `id`, else the archive's file stem.
    pub process_id: String,
    /// The recomputed decision and findings.
    pub verdict: Verdict,
    /// The evidence it was computed from.
    pub evidence: Evidence,
    /// The member index.
    pub members: Vec<Member>,
    /// SHA-256 of every member, in member order, when they were hashed
    /// ([`AuditOptions::hash_members`]).
    pub member_hashes: Option<Vec<MemberHash>>,
    /// The policy in force.
    pub policy: Policy,
}

/// A member's SHA-256, or why it could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum MemberHash {
    /// Lower-case hex SHA-256 of the inflated bytes.
    Sha256(String),
    /// The member could not be inflated whole (its CRC or size fails, or a limit).
    Failed(String),
}

/// The archive file itself, so that any copy can be proven identical.
#[non_exhaustive]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchiveInfo {
    /// As named by the caller.
    pub path: String,
    /// SHA-256 and size of its bytes.
    #[serde(flatten)]
    pub fingerprint: Fingerprint,
    /// What object storage said of it, when it was read from one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stored: Option<crate::archive::StoredObject>,
}

impl Audit {
    /// Opens, reads and judges one archive file.
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// # let path = dir.path().join("accepted.zip");
    /// # eid_archive::doc_example_archive(&path)?;
    /// use eid_archive::{Audit, AuditOptions, Status};
    ///
    /// let audit = Audit::of_file(&path, &AuditOptions::default())?;
    /// assert_eq!(audit.verdict.decision.status, Status::Accepted);
    /// for finding in &audit.verdict.findings {
    ///     println!("{} {} {}", finding.severity, finding.code, finding.message);
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn of_file(path: impl AsRef<Path>, options: &AuditOptions) -> Result<Audit, Error> {
        let mut archive = Archive::open(path, &options.read)?;
        Audit::of_archive(&mut archive, options)
    }

    /// Judges an opened archive, then hashes its members and decodes its
    /// images as `options` ask: the one way an archive is audited, so its
    /// findings are final when this returns. The archive stays open for the
    /// caller (exhibits, pages) to read its images.
    pub fn of_archive(archive: &mut Archive, options: &AuditOptions) -> Result<Audit, Error> {
        let evidence = archive.evidence();
        let verdict = judge(evidence, &options.policy).map_err(|e| {
            Error::new(archive.label(), None, ErrorKind::CannotJudge(e))
                .with_fingerprint(archive.fingerprint())
        })?;
        let process_id = evidence
            .process_id()
            .map(str::to_owned)
            .unwrap_or_else(|| file_stem(archive.label()));
        let mut audit = Audit {
            archive: ArchiveInfo {
                path: archive.label().to_owned(),
                fingerprint: archive.fingerprint().clone(),
                stored: archive.stored().cloned(),
            },
            process_id,
            verdict,
            evidence: evidence.clone(),
            members: archive.members().to_vec(),
            member_hashes: None,
            policy: options.policy.clone(),
        };
        audit.compare_stored_checksum();
        if options.hash_members {
            audit.hash_members(archive);
        }
        if options.verify_media {
            audit.verify_media(archive);
        }
        Ok(audit)
    }

    /// Hashes every member of `archive` (the one this audit was made from),
    /// inflating each in full, which also verifies its CRC and size. A member
    /// that fails is an error finding (`MemberCorrupt`): the evidence is damaged.
    /// The store's own SHA-256 of the object, when it keeps one, must be
    /// the SHA-256 of the bytes read: an error finding otherwise (the
    /// evidence was damaged at rest or in transfer).
    fn compare_stored_checksum(&mut self) {
        let Some(stored) = self.archive.stored.as_ref().and_then(|s| s.sha256.as_ref()) else {
            return;
        };
        if *stored != self.archive.fingerprint.sha256 {
            let detail = format!(
                "the store's SHA-256 of the object is {stored}, the bytes read hash to {}",
                self.archive.fingerprint.sha256
            );
            self.verdict.findings.push(Finding::new(
                Severity::Error,
                FindingCode::StoredChecksumMismatch,
                String::new(),
                detail,
            ));
        }
    }

    fn hash_members(&mut self, archive: &mut Archive) {
        let mut hashes = Vec::with_capacity(archive.members().len());
        for i in 0..archive.members().len() {
            match archive.member_sha256(i) {
                Ok(h) => hashes.push(MemberHash::Sha256(h)),
                Err(e) => {
                    let name = archive.members()[i].name.clone();
                    let problem = e.kind().to_string();
                    self.verdict.findings.push(Finding::new(
                        Severity::Error,
                        FindingCode::MemberCorrupt,
                        name,
                        format!("the member fails its integrity check: {problem}"),
                    ));
                    hashes.push(MemberHash::Failed(problem));
                }
            }
        }
        self.member_hashes = Some(hashes);
    }

    /// Decodes every image of `archive` (the one this audit was made from),
    /// so that an image whose header reads but whose data is broken (a
    /// truncated JPEG) is found whatever else is asked: `UndecodableMedia`.
    fn verify_media(&mut self, archive: &mut Archive) {
        let images: Vec<(Depiction, String)> = self
            .evidence
            .media
            .iter()
            .filter(|m| m.format.is_image() && m.problem.is_none())
            .map(|m| (m.depiction, m.source.to_string()))
            .collect();
        for (depiction, subject) in images {
            let problem = match archive.image_bytes(depiction) {
                Ok(Some(bytes)) => crate::media::decode(&bytes, archive.limits())
                    .err()
                    .map(|e| e.to_string()),
                Ok(None) => None,
                Err(e) => Some(e.kind().to_string()),
            };
            if let Some(problem) = problem {
                self.verdict.findings.push(Finding::new(
                    Severity::Warning,
                    FindingCode::UndecodableMedia,
                    subject,
                    problem,
                ));
            }
        }
    }

    /// The headline, as `eid-audit inspect` prints it: process id,
    /// recomputed status, and agreement with the record
    /// (`p-1  REJECTED  (recorded accepted: DISAGREES)`). Archive text is
    /// not escaped here.
    pub fn verdict_line(&self) -> String {
        let v = &self.verdict;
        let agreement = match (&v.recorded_status, v.agrees) {
            (Some(r), Some(true)) => format!("recorded {r}: agrees"),
            (Some(r), _) => format!("recorded {r}: DISAGREES"),
            (None, _) => "no recorded status".to_owned(),
        };
        format!(
            "{}  {}  ({agreement})",
            self.process_id,
            v.decision.status.as_str().to_uppercase()
        )
    }

    /// The JSON of `eid-audit inspect --format json` (the serialised audit),
    /// with personal data written under the mode `pii`, which it names.
    pub fn to_json(&self, pii: &Pii) -> serde_json::Value {
        let mut value = serde_json::to_value(self).unwrap_or(serde_json::Value::Null);
        pii.redact_json(&mut value);
        if let serde_json::Value::Object(map) = &mut value {
            map.insert("pii".into(), pii.name().into());
        }
        value
    }

    /// The similarity as the outputs write it: the level (`high`, `medium`,
    /// `low`, `veryLow`), else the word written; empty without one.
    pub(crate) fn similarity_text(&self) -> String {
        let Some(ocr) = self.evidence.ocr.as_ref() else {
            return String::new();
        };
        match ocr.similarity.as_ref() {
            Some(s) => s.level().map_or_else(
                || ocr.similarity_word().unwrap_or_default().to_owned(),
                |l| l.to_string(),
            ),
            None => String::new(),
        }
    }

    /// The security checks, in the order written.
    pub fn checks(&self) -> &[evidence::SecurityCheck] {
        self.evidence.ocr.as_ref().map_or(&[], |o| &o.checks)
    }

    /// The features, in the order written.
    pub fn features(&self) -> &[evidence::Feature] {
        self.evidence.ocr.as_ref().map_or(&[], |o| &o.features)
    }
}

/// The serialised shape of an [`Audit`]: the CLI contract's keys first.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AuditView<'a> {
    process_id: &'a str,
    archive: &'a ArchiveInfo,
    provider: Option<&'a str>,
    process_type: Option<&'a str>,
    #[serde(flatten)]
    verdict: &'a Verdict,
    checks: &'a [evidence::SecurityCheck],
    features: &'a [evidence::Feature],
    media: &'a [evidence::Media],
    similarity: Option<&'a evidence::SimilarityScore>,
    liveness_detected: Option<bool>,
    document: Option<&'a evidence::DocumentFields>,
    process: Option<&'a evidence::ProcessRecord>,
    ocr_source: Option<&'a evidence::Source>,
    ocr_dialect: Option<evidence::Dialect>,
    manual_approval: Option<&'a evidence::ManualApproval>,
    members: &'a [Member],
    #[serde(skip_serializing_if = "Option::is_none")]
    member_hashes: Option<&'a [MemberHash]>,
    policy: serde_json::Value,
}

impl Serialize for Audit {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let ocr = self.evidence.ocr.as_ref();
        AuditView {
            process_id: &self.process_id,
            archive: &self.archive,
            provider: self
                .evidence
                .process
                .as_ref()
                .and_then(|p| p.provider.as_deref()),
            process_type: self.evidence.process_type(),
            verdict: &self.verdict,
            checks: self.checks(),
            features: self.features(),
            media: &self.evidence.media,
            similarity: ocr.and_then(|o| o.similarity.as_ref()),
            liveness_detected: ocr.and_then(|o| o.liveness_detected),
            document: ocr.map(|o| &o.document),
            process: self.evidence.process.as_ref(),
            ocr_source: ocr.map(|o| &o.source),
            ocr_dialect: ocr.map(|o| o.dialect),
            manual_approval: self.evidence.manual.as_ref(),
            members: &self.members,
            member_hashes: self.member_hashes.as_deref(),
            policy: self.policy.to_json(),
        }
        .serialize(s)
    }
}

/// The file stem of a path given as text: the process id of last resort.
pub(crate) fn file_stem(label: &str) -> String {
    Path::new(label)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| label.to_owned())
}

//! One case of a pack: what is written beside its archive, made while the
//! archive is open: `inspect.json`, `page.html`, `verified-claims.json`
//! (where it qualifies, under `--pii full`) and `exhibits/`.

use super::PackOptions;
use super::manifest::safe_file_name;
use super::record::{ArchiveRecord, CaseRecord, Written};
use super::scan::{Chosen, guarded};
use crate::archive::Archive;
use crate::audit::Audit;
use crate::crops;
use crate::ida::VerifiedClaims;
use crate::images::ImageRule;
use crate::pii::Pii;

/// A case's members (name in the pack, bytes), its archive aside, and its record.
pub(super) struct Built {
    pub(super) members: Vec<(String, Vec<u8>)>,
    pub(super) record: CaseRecord,
}

/// Builds the case of `chosen`. An archive that cannot be read is still
/// packed: its record says why, and it has no other file.
pub(super) fn build(chosen: &Chosen, o: &PackOptions) -> Built {
    let s = &chosen.scanned;
    let name = s
        .path
        .file_name()
        .map(|n| safe_file_name(&n.to_string_lossy()))
        .unwrap_or_else(|| "archive.zip".to_owned());
    let mut record = CaseRecord {
        folder: String::new(),
        archive: ArchiveRecord {
            path: s.path.display().to_string(),
            member: String::new(),
            sha256: s.sha256.clone(),
            bytes: s.bytes,
            also_at: chosen.also_at.clone(),
        },
        selected_by: chosen.selected_by.clone(),
        process_id: None,
        process_record: None,
        status: None,
        agrees: None,
        error: None,
        files: Vec::new(),
        verified_claims: Written {
            file: None,
            why_not: None,
        },
        exhibit_findings: Vec::new(),
    };
    let opened = guarded(|| {
        let mut archive = Archive::open(&s.path, &o.audit.read)?;
        // The page lists every member's hash; the claims' attachments carry them.
        let options = o.audit.clone().with_member_hashes(true);
        let audit = Audit::of_archive(&mut archive, &options)?;
        Ok::<_, crate::Error>((archive, audit))
    })
    .and_then(|r| r.map_err(|e| e.to_string()))
    .and_then(|(archive, audit)| {
        if audit.archive.fingerprint.sha256 == s.sha256 {
            Ok((archive, audit))
        } else {
            Err(format!("{}: changed while it was packed", s.path.display()))
        }
    });
    let short = &s.sha256[..12];
    let (mut archive, audit) = match opened {
        Ok(pair) => pair,
        Err(e) => {
            record.folder = format!("cases/{short}");
            record.archive.member = format!("{}/archive/{name}", record.folder);
            record.verified_claims.why_not = Some("the archive cannot be read".into());
            record.error = Some(e);
            return Built {
                members: Vec::new(),
                record,
            };
        }
    };
    let folder = format!("cases/{short}-{}", crops::safe_component(&audit.process_id));
    record.archive.member = format!("{folder}/archive/{name}");
    record.process_id = Some(audit.process_id.clone());
    record.status = Some(audit.verdict.decision.status.to_string());
    record.agrees = audit.verdict.agrees;
    let mut members = Vec::new();
    if let Some(outside) = &audit.evidence.outside_record {
        match outside_record(outside, o, &folder) {
            Ok((kept, bytes)) => {
                members.push((kept.member.clone(), bytes));
                record.process_record = Some(kept);
            }
            Err(e) => record.error = Some(e),
        }
    }
    let mut inspect = serde_json::to_vec_pretty(&audit.to_json(&o.pii)).unwrap_or_default();
    inspect.push(b'\n');
    members.push((format!("{folder}/inspect.json"), inspect));
    let exclude = o.crops.images.excluded().to_vec();
    let page_rule = ImageRule::new(&o.pii, exclude.clone());
    let page =
        guarded(|| crate::html::standalone_page_under(&mut archive, &audit, &o.pii, &page_rule));
    match page {
        Ok(html) => members.push((format!("{folder}/page.html"), html.into_bytes())),
        Err(e) => record.error = Some(format!("{}: page.html: {e}", s.path.display())),
    }
    record.verified_claims = claims(&audit, o, &folder, &mut members);
    exhibits(
        &mut archive,
        &audit,
        o,
        exclude,
        &folder,
        &mut members,
        &mut record,
    );
    record.folder = folder;
    record.files = members.iter().map(|(n, _)| n.clone()).collect();
    Built { members, record }
}

/// The process record read beside the archive, as the audit read it (the
/// same SHA-256), to go verbatim under `process-record/`.
fn outside_record(
    outside: &crate::evidence::OutsideFile,
    o: &PackOptions,
    folder: &str,
) -> Result<(ArchiveRecord, Vec<u8>), String> {
    use std::io::Read as _;
    let path = std::path::Path::new(&outside.path);
    let max = o.audit.read.limits.max_json_bytes;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(max + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("{}: cannot be read again: {e}", outside.path))?;
    let sha256 = crate::codes::hex(&<sha2::Sha256 as sha2::Digest>::digest(&bytes));
    if sha256 != outside.sha256 {
        return Err(format!("{}: changed while it was packed", outside.path));
    }
    let name = path
        .file_name()
        .map(|n| safe_file_name(&n.to_string_lossy()))
        .unwrap_or_else(|| "process.json".to_owned());
    let kept = ArchiveRecord {
        path: outside.path.clone(),
        member: format!("{folder}/process-record/{name}"),
        sha256,
        bytes: bytes.len() as u64,
        also_at: Vec::new(),
    };
    Ok((kept, bytes))
}

/// `verified-claims.json` where the archive qualifies, else why not.
fn claims(
    audit: &Audit,
    o: &PackOptions,
    folder: &str,
    members: &mut Vec<(String, Vec<u8>)>,
) -> Written {
    if o.pii != Pii::Full {
        return Written {
            file: None,
            why_not: Some(
                "verified claims carry names, birth dates and document numbers: they need --pii full"
                    .into(),
            ),
        };
    }
    match VerifiedClaims::from_audit(audit, &o.ida) {
        Ok(claims) => {
            let name = format!("{folder}/verified-claims.json");
            let mut json = serde_json::to_vec_pretty(&claims.envelope()).unwrap_or_default();
            json.push(b'\n');
            members.push((name.clone(), json));
            Written {
                file: Some(name),
                why_not: None,
            }
        }
        Err(e) => Written {
            file: None,
            why_not: Some(e.why().to_string()),
        },
    }
}

/// The exhibits, as `crops` makes them, under `exhibits/`, by the one rule
/// for images: asking for exhibits is asking for the images, whatever
/// `--pii` says of the text (the archive itself, verbatim beside them, holds
/// every image anyway); `--crops-exclude` leaves features and sides out.
fn exhibits(
    archive: &mut Archive,
    audit: &Audit,
    o: &PackOptions,
    exclude: Vec<String>,
    folder: &str,
    members: &mut Vec<(String, Vec<u8>)>,
    record: &mut CaseRecord,
) {
    let options = o.crops.clone().with_images(ImageRule::new(&o.pii, exclude));
    match guarded(|| crops::hold(archive, audit, &options)) {
        Ok(Ok((crops, held))) => {
            for (name, bytes) in held {
                members.push((format!("{folder}/exhibits/{name}"), bytes));
            }
            record.exhibit_findings = crops
                .findings
                .iter()
                .map(|f| format!("{} {}: {}", f.code, f.subject, f.message))
                .collect();
        }
        Ok(Err(e)) => record.exhibit_findings.push(e.to_string()),
        Err(e) => record.exhibit_findings.push(e),
    }
}

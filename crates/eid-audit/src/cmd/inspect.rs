//! `eid-audit inspect ARCHIVE`: one archive, the verdict first, then why.

use super::{Format, JudgeArgs, Outcome};
use crate::table::Table;
use eid_archive::evidence::Source;
use eid_archive::ida::VerifiedClaims;
use eid_archive::{Archive, Audit, MemberKind, Pii, PiiField, ReviewDecision};
use std::fmt::Write as _;
use std::io::{self, Write as _};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The full-result zip.
    archive: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// The process record ("Get process" JSON) kept outside the zip. Without it,
    /// a `.json` with the archive's file stem beside it is used when present.
    #[arg(long, value_name = "FILE")]
    process: Option<PathBuf>,
    /// Decode every image, so that a broken one is a finding.
    #[arg(long)]
    verify_media: bool,
    #[command(flatten)]
    personal: super::PiiArgs,
    #[command(flatten)]
    export: super::IdaArgs,
    #[command(flatten)]
    judge: JudgeArgs,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    if args.format == Format::Ida {
        return ida(&args);
    }
    let options = args
        .judge
        .options(args.process.clone())?
        .with_media_verified(args.verify_media)
        // The page's member manifest shows every member's hash.
        .with_member_hashes(args.format == Format::Html);
    let pii = args.personal.pii()?;
    let opened = Archive::open(&args.archive, &options.read).and_then(|mut archive| {
        let audit = Audit::of_archive(&mut archive, &options)?;
        Ok((archive, audit))
    });
    let (mut archive, audit) = match opened {
        Ok(a) => a,
        Err(e) => {
            crate::warn_line!("{e}");
            return Ok(Outcome::Unreadable);
        }
    };
    let mut out = io::stdout().lock();
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &audit.to_json(&pii))
                .map_err(io::Error::from)?;
            writeln!(out)?;
        }
        Format::Html => out
            .write_all(eid_archive::html::standalone_page(&mut archive, &audit, &pii).as_bytes())?,
        // `ida` returned above.
        Format::Text | Format::Ida => {
            let text = crate::terminal::clean(&render(&audit, &pii)).into_owned();
            let status = audit.verdict.decision.status.to_string().to_uppercase();
            out.write_all(crate::colour::inspect(&text, &status).as_bytes())?
        }
    }
    out.flush()?;
    // A recorded status that cannot be read is never a silent success.
    let unreadable = matches!(
        audit.verdict.recorded_status,
        Some(eid_archive::RecordedStatus::Unreadable(_))
    );
    Ok(if audit.verdict.agrees == Some(false) || unreadable {
        Outcome::Disagrees
    } else {
        Outcome::Agrees
    })
}

/// `--format ida`: the verified claims, with the members hashed for the
/// attachments' digests; or one line saying why there are none, and exit 2.
fn ida(args: &Args) -> anyhow::Result<Outcome> {
    if !args.personal.is_full() {
        crate::warn_line!(
            "eid-audit: --format ida writes names, birth dates and document numbers: it needs --pii full"
        );
        return Ok(Outcome::Unreadable);
    }
    let export = args.export.options()?;
    // The attachments' digests are the members' SHA-256.
    let options = args
        .judge
        .options(args.process.clone())?
        .with_member_hashes(true);
    let audited = Audit::of_file(&args.archive, &options);
    let claims = audited
        .map_err(|e| e.to_string())
        .and_then(|audit| VerifiedClaims::from_audit(&audit, &export).map_err(|e| e.to_string()));
    match claims {
        Ok(claims) => {
            let mut out = io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &claims.envelope()).map_err(io::Error::from)?;
            writeln!(out)?;
            out.flush()?;
            Ok(Outcome::Agrees)
        }
        Err(why) => {
            crate::warn_line!("{why}");
            Ok(Outcome::Unreadable)
        }
    }
}

/// The headline: process id, recomputed status, and agreement with the
/// record, made safe for a terminal.
pub fn verdict_line(a: &Audit) -> String {
    crate::terminal::escape(&a.verdict_line()).into_owned()
}

/// The document the evidence describes: what it is and its dates (the
/// expiry behind a failed `nonExpired` on screen), and the holder's fields
/// as the personal-data mode allows.
fn document(a: &Audit, pii: &Pii) -> Option<Table> {
    let e = &a.evidence;
    let plain = [
        ("type", "documentType"),
        ("country", "issuingCountry"),
        ("nationality", "nationality"),
        ("issued", "dateOfIssue"),
        ("expires", "dateOfExpiry"),
    ];
    let personal = [
        ("first name", "firstName", PiiField::Name),
        ("last name", "lastName", PiiField::Name),
        ("born", "dateOfBirth", PiiField::DateOfBirth),
        ("number", "documentNumber", PiiField::DocumentNumber),
        (
            "personal no",
            "personalIdentificationNumber",
            PiiField::PersonalNumber,
        ),
        ("address", "address", PiiField::Address),
    ];
    let mut t = Table::key_values();
    for (label, key) in plain {
        if let Some(v) = e.document_value(key) {
            t.row([label.into(), v.to_owned()]);
        }
    }
    let mut withheld = 0;
    for (label, key, field) in personal {
        if let Some(v) = e.document_value(key) {
            match pii.apply(field, Some(v)) {
                shown if shown.is_empty() => withheld += 1,
                shown => t.row([label.into(), shown]),
            }
        }
    }
    if withheld > 0 {
        t.row([
            "personal".into(),
            format!("{withheld} fields left out (--pii {})", pii.name()),
        ]);
    }
    (!t.is_empty()).then_some(t)
}

/// The text form: what an auditor reads at a terminal.
pub fn render(a: &Audit, pii: &Pii) -> String {
    let v = &a.verdict;
    let mut out = String::new();
    let _ = writeln!(out, "{}", verdict_line(a));
    let mut head = Table::key_values();
    head.row([
        "archive".into(),
        format!(
            "{} ({} bytes, sha256 {})",
            a.archive.path, a.archive.fingerprint.bytes, a.archive.fingerprint.sha256
        ),
    ]);
    if let Some(p) = &a.evidence.process {
        head.row([
            "process".into(),
            format!(
                "{} / {}",
                p.provider.as_deref().unwrap_or("?"),
                p.process_type.as_deref().unwrap_or("?")
            ),
        ]);
    }
    if let Some(ocr) = &a.evidence.ocr {
        head.row([
            "ocr".into(),
            format!("{} ({} dialect)", ocr.source, ocr.dialect),
        ]);
    }
    if let Some(review) = &v.review {
        let who = review.verifier.as_deref().unwrap_or("an unnamed agent");
        let on = review
            .date
            .map_or_else(|| "an unknown day".to_owned(), |d| d.to_string());
        let what = match review.decision {
            ReviewDecision::Accepted => format!("{who} accepted on {on}"),
            ReviewDecision::Rejected => format!("{who} rejected on {on}"),
            _ => format!(
                "no decision: {}",
                review.why_no_decision.as_deref().unwrap_or("unreadable")
            ),
        };
        head.row(["agent".into(), what]);
    }
    head.row(["automatic".into(), v.automatic_summary()]);
    if let Some(default) = v.default_summary() {
        head.row(["default".into(), default]);
    }
    head.row([
        "judged on".into(),
        match v.verification_date {
            Some(d) => format!("{} ({})", d.date, d.source),
            None => "unknown".into(),
        },
    ]);
    head.row([
        "policy".into(),
        format!("{} ({})", a.policy.name, a.policy.digest()),
    ]);
    out.push_str(&head.render_plain());
    if let Some(doc) = document(a, pii) {
        let _ = writeln!(out, "\ndocument");
        out.push_str(&doc.render_rows_indented());
    }

    section(
        &mut out,
        "reasons",
        if v.decision.reasons.is_empty() {
            None
        } else {
            let mut t = Table::new(&["CODE", "SUBJECT", "MESSAGE"]);
            for r in &v.decision.reasons {
                t.row([r.code.to_string(), r.subject.clone(), r.message.clone()]);
            }
            Some(t)
        },
    );
    if v.automatic != v.decision && !v.automatic.reasons.is_empty() {
        let mut t = Table::new(&["CODE", "SUBJECT", "MESSAGE"]);
        for r in &v.automatic.reasons {
            t.row([r.code.to_string(), r.subject.clone(), r.message.clone()]);
        }
        section(&mut out, "automatic reasons", Some(t));
    }
    section(
        &mut out,
        "security checks",
        (!a.checks().is_empty()).then(|| {
            let mut t = Table::new(&["CHECK", "RESULT"]);
            for c in a.checks() {
                let r = match c.valid {
                    Some(true) => "valid",
                    Some(false) => "NOT VALID",
                    None => "unreadable",
                };
                t.row([c.name.clone(), r.into()]);
            }
            t
        }),
    );
    section(
        &mut out,
        "features",
        (!a.features().is_empty()).then(|| {
            let mut t = Table::new(&["FEATURE", "FOUND", "SIDE", "BOX (x,y w×h)"]);
            for f in a.features() {
                let found = match f.found {
                    Some(true) => "yes",
                    Some(false) => "NO",
                    None => "unreadable",
                };
                t.row([
                    f.label().to_owned(),
                    found.into(),
                    f.side.clone().unwrap_or_else(|| "-".into()),
                    f.bbox.map_or_else(|| "-".into(), |b| b.to_string()),
                ]);
            }
            t
        }),
    );
    section(
        &mut out,
        "media",
        (!a.evidence.media.is_empty()).then(|| {
            let mut t = Table::new(&["DEPICTION", "SOURCE", "FORMAT", "PIXELS", "BYTES"]);
            for m in &a.evidence.media {
                let source = match &m.source {
                    Source::Member(n) => n.clone(),
                    other => other.to_string(),
                };
                t.row([
                    m.depiction.as_str().into(),
                    source,
                    m.format.to_string(),
                    m.dimensions
                        .map_or_else(|| "-".into(), |d| format!("{}×{}", d.width, d.height)),
                    m.bytes.to_string(),
                ]);
            }
            t
        }),
    );
    section(
        &mut out,
        "findings",
        (!v.findings.is_empty()).then(|| {
            let mut t = Table::new(&["SEVERITY", "CODE", "SUBJECT", "MESSAGE"]);
            for f in &v.findings {
                t.row([
                    f.severity.as_str().into(),
                    f.code.as_str().into(),
                    f.subject.clone(),
                    f.message.clone(),
                ]);
            }
            t
        }),
    );
    let unknown = a
        .members
        .iter()
        .filter(|m| m.kind == MemberKind::Other)
        .count();
    let _ = writeln!(
        out,
        "\n{} ({unknown} not understood); {}",
        plural(a.members.len(), "member"),
        plural(v.findings.len(), "finding")
    );
    out
}

fn section(out: &mut String, title: &str, table: Option<Table>) {
    let _ = writeln!(out, "\n{title}");
    match table {
        Some(t) => out.push_str(&t.render_indented()),
        None => out.push_str("  (none)\n"),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

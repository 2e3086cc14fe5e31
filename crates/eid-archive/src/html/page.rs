//! One archive's page, why first: the verdict line as `inspect` prints it,
//! banners for what must not be missed, the reasons, the agent's review and
//! the findings; then the features beside the sides they sit on, what was
//! judged and how, the checks, the document data under the personal-data
//! mode, the media, the member manifest and the policy.

use super::escape::Esc;
use super::layout::{self, Assets};
use super::sides::{self, SideImage};
use crate::audit::{Audit, MemberHash};
use crate::error::Error;
use crate::event::is_integrity;
use crate::evidence::{CheckResult, Source};
use crate::pii::{Pii, PiiField};
use crate::verdict::{Decision, Finding, FindingCode, ReviewDecision};
use std::fmt::Write as _;
use std::path::Path;

/// Everything one archive's page is made of.
pub(crate) struct PageParts<'a> {
    /// The audit.
    pub(crate) audit: &'a Audit,
    /// Its final findings (the verdict's and the exhibits').
    pub(crate) findings: &'a [Finding],
    /// The images shown under `--pii full`, by side.
    pub(crate) images: &'a [SideImage],
    /// The personal-data mode.
    pub(crate) pii: &'a Pii,
    /// Linked or inline assets.
    pub(crate) assets: Assets,
    /// Navigation links (fixed targets), HTML.
    pub(crate) nav: &'a str,
}

/// The whole page.
pub(crate) fn render(p: &PageParts<'_>) -> String {
    let a = p.audit;
    let v = &a.verdict;
    let mut out = String::with_capacity(32 << 10);
    let title = format!("{} · eid-audit", a.process_id);
    layout::open(&mut out, &title, p.assets, p.pii, p.nav);
    let _ = writeln!(
        out,
        "<h1>Archive <span class=\"pid\">{}</span></h1>",
        Esc(&a.process_id)
    );
    let agrees = match v.agrees {
        Some(true) => "true",
        Some(false) => "false",
        None => "none",
    };
    let _ = write!(
        out,
        "<p class=\"verdict\" data-agrees=\"{agrees}\" data-status=\"{}\"><code id=\"verdict\">{}</code> ",
        v.decision.status,
        Esc(&a.verdict_line())
    );
    layout::status_badge(&mut out, v.decision.status.as_str());
    out.push_str("</p>\n");
    // Why first: what a reviewer opens the page for is right under the
    // verdict, before the pictures and the tables of evidence.
    banners(&mut out, a, p.findings);
    out.push_str("<div class=\"cols why\">\n<section>\n");
    decision(&mut out, "reasons", "Reasons", &v.decision);
    if v.automatic != v.decision && !v.automatic.reasons.is_empty() {
        decision(
            &mut out,
            "automatic-reasons",
            "Automatic reasons (before the agent's decision)",
            &v.automatic,
        );
    }
    out.push_str("</section>\n<section>\n");
    review(&mut out, a);
    out.push_str("</section>\n</div>\n");
    findings(&mut out, p.findings);
    sides::features_and_sides(&mut out, a, p.images, p.pii);
    out.push_str("<div class=\"cols\">\n<section>\n");
    head(&mut out, a);
    checks(&mut out, a);
    out.push_str("</section>\n<section>\n");
    document(&mut out, a, p.pii);
    out.push_str("</section>\n</div>\n");
    media(&mut out, a);
    members(&mut out, a, p.images);
    policy(&mut out, a);
    layout::close(&mut out, p.assets, p.pii);
    out
}

/// The banners of what a reviewer must not miss: an agent who overrode the
/// automatic status, a document expired on the day judged or at the review,
/// a member that fails its integrity check. Each is a finding or a check
/// already listed below; the banner only puts it where it is seen first.
fn banners(out: &mut String, a: &Audit, findings: &[Finding]) {
    let has = |code: FindingCode| findings.iter().find(|f| f.code == code);
    let mut shown: Vec<(&str, String)> = Vec::new();
    if let Some(f) = has(FindingCode::AgentOverride) {
        shown.push(("override", format!("Agent override: {}", f.message)));
    }
    let expired_check = a
        .checks()
        .iter()
        .any(|c| c.name == "nonExpired" && c.result() == CheckResult::Invalid);
    if let Some(f) = has(FindingCode::ExpiredAtReview) {
        shown.push(("expired", format!("Expired document: {}", f.message)));
    } else if expired_check {
        let expiry = a
            .evidence
            .document_value("dateOfExpiry")
            .map_or_else(String::new, |d| format!(" (date of expiry {d})"));
        shown.push((
            "expired",
            format!("Expired document: the nonExpired check is not valid{expiry}"),
        ));
    }
    for f in findings.iter().filter(|f| is_integrity(f.code)) {
        shown.push((
            "integrity",
            format!("Integrity failure: {} {}: {}", f.code, f.subject, f.message),
        ));
    }
    if shown.is_empty() {
        return;
    }
    out.push_str("<ul class=\"banners\">\n");
    for (kind, text) in shown {
        let _ = writeln!(
            out,
            "<li class=\"banner banner-{kind}\" data-banner=\"{kind}\">{}</li>",
            Esc(&text)
        );
    }
    out.push_str("</ul>\n");
}

/// What was judged, and how: the key/value block `inspect` prints.
fn head(out: &mut String, a: &Audit) {
    let v = &a.verdict;
    let mut rows: Vec<(&str, String)> = vec![
        ("archive", a.archive.path.clone()),
        ("bytes", a.archive.fingerprint.bytes.to_string()),
        ("sha256", a.archive.fingerprint.sha256.clone()),
    ];
    if let Some(p) = &a.evidence.process {
        rows.push((
            "process",
            format!(
                "{} / {}",
                p.provider.as_deref().unwrap_or("?"),
                p.process_type.as_deref().unwrap_or("?")
            ),
        ));
    }
    if let Some(o) = &a.evidence.outside_record {
        rows.push((
            "process record",
            format!("{} (beside the archive, sha256 {})", o.path, o.sha256),
        ));
    }
    if let Some(ocr) = &a.evidence.ocr {
        rows.push(("ocr", format!("{} ({} dialect)", ocr.source, ocr.dialect)));
    }
    rows.push((
        "recorded",
        v.recorded_status
            .as_ref()
            .map_or_else(|| "nothing recorded".to_owned(), ToString::to_string),
    ));
    rows.push(("automatic", v.automatic_summary()));
    if let Some(default) = v.default_summary() {
        rows.push(("default", default));
    }
    rows.push((
        "judged on",
        v.verification_date.map_or_else(
            || "unknown".to_owned(),
            |d| format!("{} ({})", d.date, d.source),
        ),
    ));
    rows.push((
        "policy",
        format!("{} ({})", a.policy.name, a.policy.digest()),
    ));
    layout::heading(out, "judged", "What was judged");
    key_values(out, "summary", "What was judged", &rows);
}

/// A table of labelled values, the label a row header.
fn key_values(out: &mut String, id: &str, caption: &str, rows: &[(&str, String)]) {
    let _ = write!(
        out,
        "<div class=\"table-wrap\"><table id=\"{id}\" class=\"kv\">\n<caption>{}</caption>\n<tbody>\n",
        Esc(caption)
    );
    for (k, value) in rows {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
            Esc(k),
            Esc(value)
        );
    }
    layout::close_table(out);
}

/// The document's data; personal fields under the mode in force.
fn document(out: &mut String, a: &Audit, pii: &Pii) {
    let e = &a.evidence;
    layout::heading(out, "document", "Document");
    let plain = |k: &str| e.document_value(k).unwrap_or("").to_owned();
    let mut rows: Vec<(&str, String)> = vec![
        ("document type", plain("documentType")),
        ("issuing country", plain("issuingCountry")),
        ("nationality", plain("nationality")),
        ("date of issue", plain("dateOfIssue")),
        ("date of expiry", plain("dateOfExpiry")),
    ];
    let personal: [(&str, PiiField, &str); 6] = [
        ("first name", PiiField::Name, "firstName"),
        ("last name", PiiField::Name, "lastName"),
        (
            "document number",
            PiiField::DocumentNumber,
            "documentNumber",
        ),
        ("date of birth", PiiField::DateOfBirth, "dateOfBirth"),
        (
            "personal number",
            PiiField::PersonalNumber,
            "personalIdentificationNumber",
        ),
        ("address", PiiField::Address, "address"),
    ];
    for (label, field, key) in personal {
        let value = match pii {
            Pii::Omit => "(omitted: --pii omit)".to_owned(),
            _ => pii.apply(field, e.document_value(key)),
        };
        rows.push((label, value));
    }
    key_values(out, "document-data", "The document's data", &rows);
}

fn decision(out: &mut String, id: &str, title: &str, d: &Decision) {
    layout::heading(out, id, title);
    if d.reasons.is_empty() {
        out.push_str("<p>(none)</p>\n");
        return;
    }
    layout::open_table(
        out,
        &format!("{id}-table"),
        "list",
        title,
        &["Code", "Subject", "Message"],
    );
    for r in &d.reasons {
        layout::text_row(out, &[r.code.as_str(), &r.subject, &r.message]);
    }
    layout::close_table(out);
}

fn review(out: &mut String, a: &Audit) {
    layout::heading(out, "review", "The agent's review");
    let Some(r) = &a.verdict.review else {
        out.push_str("<p>(none: no agent reviewed this verification)</p>\n");
        return;
    };
    let mut rows: Vec<(&str, String)> = vec![
        ("decision", r.decision.to_string()),
        (
            "agent",
            r.verifier
                .clone()
                .unwrap_or_else(|| "an unnamed agent".into()),
        ),
        (
            "day",
            r.date.map_or_else(|| "unknown".into(), |d| d.to_string()),
        ),
        ("rejection types", r.rejection_types.join("; ")),
    ];
    if r.decision == ReviewDecision::NoDecision {
        rows.push((
            "why no decision",
            r.why_no_decision.clone().unwrap_or_default(),
        ));
    }
    key_values(out, "review-table", "The agent's review", &rows);
}

fn checks(out: &mut String, a: &Audit) {
    layout::heading(out, "checks", "Security checks");
    if a.checks().is_empty() {
        out.push_str("<p>(none)</p>\n");
        return;
    }
    layout::open_table(
        out,
        "checks-table",
        "list",
        "Security checks",
        &["Check", "Result"],
    );
    for c in a.checks() {
        let (class, word) = match c.result() {
            CheckResult::Valid => ("accepted", "valid"),
            CheckResult::Invalid => ("rejected", "NOT VALID"),
            CheckResult::Unreadable => ("inconclusive", "unreadable"),
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td><span class=\"badge b-{class}\">{word}</span></td></tr>",
            Esc(&c.name)
        );
    }
    layout::close_table(out);
}

fn findings(out: &mut String, findings: &[Finding]) {
    layout::heading(out, "findings", "Findings");
    if findings.is_empty() {
        out.push_str("<p>(none)</p>\n");
        return;
    }
    layout::open_table(
        out,
        "findings-table",
        "list sortable",
        "Findings",
        &["Severity", "Code", "Subject", "Message"],
    );
    for f in findings {
        out.push_str("<tr><td>");
        layout::status_badge(out, f.severity.as_str());
        let _ = writeln!(
            out,
            "</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            f.code,
            Esc(&f.subject),
            Esc(&f.message)
        );
    }
    layout::close_table(out);
}

fn media(out: &mut String, a: &Audit) {
    layout::heading(out, "media", "Media");
    if a.evidence.media.is_empty() {
        out.push_str("<p>(none)</p>\n");
        return;
    }
    layout::open_table(
        out,
        "media-table",
        "list",
        "Media",
        &[
            "Depiction",
            "Source",
            "Format",
            "Pixels",
            "Bytes",
            "Problem",
        ],
    );
    for m in &a.evidence.media {
        let source = match &m.source {
            Source::Member(n) => n.clone(),
            other => other.to_string(),
        };
        layout::text_row(
            out,
            &[
                m.depiction.as_str().to_owned(),
                source,
                m.format.to_string(),
                m.dimensions
                    .map_or_else(|| "-".into(), |d| format!("{}×{}", d.width, d.height)),
                m.bytes.to_string(),
                m.problem.clone().unwrap_or_default(),
            ],
        );
    }
    layout::close_table(out);
}

/// The member manifest, with each member's SHA-256 when it was computed
/// (`--hash-members`, or an image copied under `--pii full`).
fn members(out: &mut String, a: &Audit, images: &[SideImage]) {
    layout::heading(out, "members", "Members");
    layout::open_table(
        out,
        "members-table",
        "list sortable",
        &format!("{} members", a.members.len()),
        &["Member", "Kind", "Bytes", "Compressed", "CRC-32", "SHA-256"],
    );
    for (i, m) in a.members.iter().enumerate() {
        let sha = match a.member_hashes.as_ref().and_then(|h| h.get(i)) {
            Some(MemberHash::Sha256(h)) => h.clone(),
            Some(MemberHash::Failed(why)) => format!("fails its check: {why}"),
            None => images
                .iter()
                .find(|s| s.member.as_deref() == Some(m.name.as_str()))
                .map_or_else(
                    || "not computed (--hash-members)".into(),
                    |s| s.sha256.clone(),
                ),
        };
        layout::text_row(
            out,
            &[
                m.name.clone(),
                m.kind.to_string(),
                m.size.to_string(),
                m.compressed_size.to_string(),
                format!("{:08x}", m.crc32),
                sha,
            ],
        );
    }
    layout::close_table(out);
}

fn policy(out: &mut String, a: &Audit) {
    layout::heading(out, "policy", "Policy");
    let _ = writeln!(
        out,
        "<p>Judged under the policy <strong>{}</strong>, digest <code>{}</code>.</p>",
        Esc(&a.policy.name),
        a.policy.digest()
    );
    if let Ok(rules) = serde_json::to_string_pretty(&a.policy) {
        // Line by line: the escaping shows a line break as `\u{a}`.
        let lines: Vec<String> = rules.lines().map(|l| Esc(l).to_string()).collect();
        let _ = writeln!(
            out,
            "<details><summary>Its rules</summary><pre>{}</pre></details>",
            lines.join("\n")
        );
    }
}

/// The page of an archive that could not be read: what is known of it,
/// and why.
pub(crate) fn render_error(
    index: usize,
    path: &Path,
    error: &Error,
    policy: &str,
    pii: &Pii,
    nav: &str,
) -> String {
    let mut html = String::new();
    let archive = path.display().to_string();
    let detail = error.detail();
    layout::open(
        &mut html,
        &format!("Archive {} could not be read · eid-audit", index + 1),
        Assets::Linked { up: "../" },
        pii,
        nav,
    );
    let _ = write!(
        html,
        "<h1>Archive {} could not be read</h1>\n<p class=\"verdict\" data-status=\"error\"><code id=\"verdict\">{}: {}</code> ",
        index + 1,
        Esc(&archive),
        Esc(&detail)
    );
    layout::status_badge(&mut html, "error");
    html.push_str("</p>\n");
    let rows: Vec<(&str, String)> = vec![
        ("archive", archive.clone()),
        ("error code", error.code().to_owned()),
        ("error", detail),
        (
            "sha256",
            error
                .fingerprint()
                .map(|f| f.sha256.clone())
                .unwrap_or_default(),
        ),
        ("policy", policy.to_owned()),
    ];
    key_values(&mut html, "error-table", "The error", &rows);
    layout::close(&mut html, Assets::Linked { up: "../" }, pii);
    html
}

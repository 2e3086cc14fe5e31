//! The OpenID Identity Assurance export (`docs/ida.md`): which bundled
//! archives qualify, their verified claims (snapshots), digests recomputed
//! here from the zip, and the shape the specification asks for. Refusals
//! are in `ida_refusals`, the schema check in `ida_schema`.

use base64::Engine as _;
use eid_archive::ida::{IdaOptions, NotQualified, Refusal, VerifiedClaims};
use eid_archive::{Audit, AuditOptions, Policy};
use eid_testkit::{Case, Manual};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The bundled archives that are accepted and agree with their record.
pub const QUALIFYING: &[&str] = &[
    "accepted.zip",
    "native-accepted.zip",
    "nested-upper-case.zip",
    "png-media.zip",
    "process-beside.zip",
];

pub fn testdata(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(name)
}

/// Opens, judges and hashes an archive file, as `inspect --format ida` does.
pub fn audit_file(path: &Path, policy: &Policy) -> Audit {
    let options = AuditOptions::default()
        .with_policy(policy.clone())
        .with_member_hashes(true);
    Audit::of_file(path, &options).unwrap()
}

/// The export of a bundled archive under the default policy and options.
pub fn export(name: &str) -> Result<VerifiedClaims, NotQualified> {
    let audit = audit_file(&testdata(name), &Policy::default());
    VerifiedClaims::from_audit(&audit, &IdaOptions::default())
}

/// The export of a bundled archive where the agent accepted over automatic
/// checks that did not pass, as `--ida-allow-override` asks.
pub fn export_override(name: &str) -> Result<VerifiedClaims, NotQualified> {
    let audit = audit_file(&testdata(name), &Policy::default());
    VerifiedClaims::from_audit(&audit, &IdaOptions::default().with_override_allowed(true))
}

/// The export of a hand-made case, written to a temporary folder as `<stem>.zip`.
pub fn export_case(case: &Case) -> Result<VerifiedClaims, NotQualified> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{}.zip", case.stem));
    std::fs::write(&path, case.to_zip()).unwrap();
    let audit = audit_file(&path, &Policy::default());
    VerifiedClaims::from_audit(&audit, &IdaOptions::default())
}

fn json(claims: &VerifiedClaims) -> Value {
    serde_json::to_value(claims).unwrap()
}

#[test]
fn exactly_the_accepted_agreeing_bundled_archives_qualify() {
    let mut qualifying: Vec<String> = std::fs::read_dir(testdata(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".zip"))
        .filter(|n| export(n).is_ok())
        .collect();
    qualifying.sort();
    assert_eq!(qualifying, QUALIFYING);
}

#[test]
fn verified_claims_of_each_qualifying_bundled_archive() {
    for name in QUALIFYING {
        let claims = export(name).unwrap();
        insta::assert_json_snapshot!(name.trim_end_matches(".zip"), claims.envelope());
    }
}

/// `YYYY-MM-DD`, read without a regex.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

/// `YYYY-MM-DDThh:mm:ssZ`, read without a regex.
pub fn is_utc_seconds(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 20
        && is_date(&s[..10])
        && b[10] == b'T'
        && b[19] == b'Z'
        && b[11..19].iter().enumerate().all(|(i, c)| match i {
            2 | 5 => *c == b':',
            _ => c.is_ascii_digit(),
        })
}

/// What the specification requires of every export, and what this one promises.
pub fn assert_shape(name: &str, v: &Value) {
    let verification = &v["verification"];
    assert!(v["claims"].is_object(), "{name}: claims");
    assert_eq!(
        v.as_object().unwrap().len(),
        2,
        "{name}: nothing beside verification and claims"
    );
    assert!(
        verification["trust_framework"].is_string(),
        "{name}: trust_framework"
    );
    assert!(
        is_utc_seconds(verification["time"].as_str().unwrap()),
        "{name}: time"
    );
    assert!(verification["verification_process"].is_string(), "{name}");
    let evidence = verification["evidence"].as_array().unwrap();
    assert_eq!(evidence.len(), 1, "{name}");
    let document = &evidence[0];
    assert_eq!(document["type"], "document", "{name}");
    for key in ["method", "time", "verifier", "personal_number"] {
        assert!(document.get(key).is_none(), "{name}: no pre-final {key}");
    }
    let checks = document["check_details"].as_array().unwrap();
    assert!(!checks.is_empty(), "{name}: check_details");
    for c in checks {
        let method = c["check_method"].as_str().unwrap();
        assert!(["vri", "bvr", "pvr"].contains(&method), "{name}: {method}");
        assert!(is_utc_seconds(c["time"].as_str().unwrap()), "{name}: {c}");
        assert!(c.get("txn").is_none(), "{name}: check_id, not txn");
    }
    let details = &document["document_details"];
    assert!(details["type"].is_string(), "{name}: document type");
    for key in ["date_of_issuance", "date_of_expiry"] {
        if let Some(d) = details.get(key) {
            assert!(is_date(d.as_str().unwrap()), "{name}: {key}");
        }
    }
    let country = details["issuer"]["country_code"].as_str().unwrap();
    assert_eq!(country.len(), 3, "{name}: issuer country");
    let attachments = document["attachments"].as_array().unwrap();
    assert!(!attachments.is_empty(), "{name}: attachments");
    for a in attachments {
        assert_eq!(a["digest"]["alg"], "sha-256", "{name}");
        let value = a["digest"]["value"].as_str().unwrap();
        assert_eq!(value.len(), 44, "{name}: 32 bytes in padded base64");
        assert!(value.ends_with('='), "{name}");
        assert!(a["desc"].is_string() && a["url"].is_string(), "{name}");
    }
    let claims = &v["claims"];
    for key in ["given_name", "family_name"] {
        assert!(claims[key].is_string(), "{name}: {key}");
    }
    assert!(is_date(claims["birthdate"].as_str().unwrap()), "{name}");
    for n in claims["nationalities"].as_array().unwrap() {
        assert_eq!(n.as_str().unwrap().len(), 3, "{name}: nationality");
    }
}

#[test]
fn every_export_has_the_required_shape() {
    for name in QUALIFYING {
        assert_shape(name, &json(&export(name).unwrap()));
    }
}

/// The member named in an attachment's URN, percent-decoded.
fn member_of(url: &str, archive_sha256: &str) -> String {
    let prefix = format!("urn:eid-audit:archive:sha256:{archive_sha256}:member:");
    let encoded = url
        .strip_prefix(&prefix)
        .expect("a URN naming this archive");
    let mut bytes = Vec::new();
    let mut rest = encoded.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'%' {
            bytes.push(u8::from_str_radix(std::str::from_utf8(&tail[..2]).unwrap(), 16).unwrap());
            rest = &tail[2..];
        } else {
            bytes.push(b);
            rest = tail;
        }
    }
    String::from_utf8(bytes).unwrap()
}

#[test]
fn each_digest_is_the_sha256_of_the_members_bytes() {
    for name in QUALIFYING {
        let bytes = std::fs::read(testdata(name)).unwrap();
        let archive_sha256: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let media: Vec<String> = zip
            .file_names()
            .map(|n| n.unwrap().into_owned())
            .filter(|n| {
                let n = n.to_ascii_lowercase();
                [".jpeg", ".jpg", ".png", ".mp4", ".mov", ".webm"]
                    .iter()
                    .any(|ext| n.ends_with(ext))
            })
            .collect();
        let claims = json(&export(name).unwrap());
        let mut attached = Vec::new();
        for a in claims["verification"]["evidence"][0]["attachments"]
            .as_array()
            .unwrap()
        {
            let member = member_of(a["url"].as_str().unwrap(), &archive_sha256);
            let mut content = Vec::new();
            zip.by_name(&member)
                .unwrap()
                .read_to_end(&mut content)
                .unwrap();
            let expected =
                base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&content));
            assert_eq!(a["digest"]["value"], expected.as_str(), "{name}: {member}");
            assert!(
                a["desc"]
                    .as_str()
                    .unwrap()
                    .ends_with(&format!(": {member}")),
                "{name}"
            );
            attached.push(member);
        }
        attached.sort();
        let mut media = media;
        media.sort();
        assert_eq!(attached, media, "{name}: one attachment per media member");
    }
}

#[test]
fn the_mapping_of_the_bundled_archives() {
    let accepted = json(&export("accepted.zip").unwrap());
    let v = &accepted["verification"];
    assert_eq!(v["trust_framework"], "eidas");
    assert_eq!(v["assurance_level"], "substantial");
    assert_eq!(v["time"], "2021-06-09T10:05:41Z", "updatedAt");
    assert_eq!(
        v["verification_process"],
        "00000000-0000-4000-8000-000000000001"
    );
    let methods = |v: &Value| -> Vec<String> {
        v["verification"]["evidence"][0]["check_details"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["check_method"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(methods(&accepted), ["vri", "bvr"]);
    assert_eq!(accepted["claims"]["gender"], "female");
    assert_eq!(accepted["claims"]["nationalities"][0], "PRT");

    // The agent accepted what the automatic checks left inconclusive: the
    // agent's checks only, and the agent's corrected document number.
    let agent = json(&export_override("agent-override.zip").unwrap());
    assert_eq!(agent["verification"]["assurance_level"], "high");
    assert_eq!(methods(&agent), ["vri", "pvr"]);
    let pvr = &agent["verification"]["evidence"][0]["check_details"][1];
    assert_eq!(pvr["organization"], "ra-0001");
    assert_eq!(
        pvr["check_id"],
        "verification-00000000-0000-4000-8000-000000000007"
    );
    assert_eq!(pvr["time"], "2021-06-09T10:15:30Z");
    let details = &agent["verification"]["evidence"][0]["document_details"];
    assert_eq!(
        details["document_number"], "X00000007",
        "not the OCR's X00000001"
    );

    // No process record: no process type, so no assurance level; the time
    // is the native completion; the embedded selfie is no member.
    let native = json(&export("native-accepted.zip").unwrap());
    assert!(native["verification"].get("assurance_level").is_none());
    assert_eq!(native["verification"]["time"], "2021-06-09T10:05:41Z");
    assert_eq!(
        native["verification"]["evidence"][0]["attachments"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    let nested = json(&export("nested-upper-case.zip").unwrap());
    let url = nested["verification"]["evidence"][0]["attachments"][0]["url"]
        .as_str()
        .unwrap();
    assert!(url.ends_with(":member:Result%2FRaw%2FFRONT.JPEG"), "{url}");
}

#[test]
fn options_set_the_framework_level_and_attachment_urls() {
    let audit = audit_file(&testdata("accepted.zip"), &Policy::default());
    let with = |o: IdaOptions| json(&VerifiedClaims::from_audit(&audit, &o).unwrap());
    let aml = with(IdaOptions::default().with_trust_framework("de_aml"));
    assert_eq!(aml["verification"]["trust_framework"], "de_aml");
    assert!(
        aml["verification"].get("assurance_level").is_none(),
        "eIDAS levels only under eidas"
    );
    let ial = with(
        IdaOptions::default()
            .with_trust_framework("nist_800_63A")
            .with_assurance_level("ial2"),
    );
    assert_eq!(ial["verification"]["assurance_level"], "ial2");
    let linked = with(
        IdaOptions::default().with_attachment_base_url("https://evidence.example.com/archives/"),
    );
    let sha = &audit.archive.fingerprint.sha256;
    assert_eq!(
        linked["verification"]["evidence"][0]["attachments"][0]["url"],
        format!("https://evidence.example.com/archives/{sha}/front.jpeg").as_str()
    );
    let e = VerifiedClaims::from_audit(
        &audit,
        &IdaOptions::default().with_attachment_base_url("http://evidence.example.com"),
    )
    .unwrap_err();
    assert!(matches!(e.why(), Refusal::Options(_)), "{e}");

    // The export settings are the export's own options: a policy file that
    // carries them is refused, and the policy's digest never covers them.
    let e = Policy::from_toml("ida_trust_framework = \"de_aml\"").unwrap_err();
    assert!(e.to_string().contains("--ida-trust-framework"), "{e}");
}

/// Automatic checks passed and an agent accepted, with an offset
/// timestamp, an unknown gender marker, a country name where a code belongs,
/// a card format for a type, and the fields the accepted example lacks.
pub fn reviewed_case() -> Case {
    let mut case = Case::accepted();
    case.stem = "reviewed".into();
    case.process_type = "high".into();
    case.updated_at = "2021-06-09T23:30:00-05:00".into();
    case.person.gender = "X".into();
    case.person.nationality = "D".into();
    case.person.issuing_country = "Germany".into();
    case.person.document_type = "TD1".into();
    for (k, v) in [
        ("placeOfBirth", "BERLIN"),
        ("address", "HEIDESTRASSE 17, 51147 KOELN"),
        ("dateOfIssue", "2020-11-03"),
        ("issuingAuthority", "STADT KOELN"),
    ] {
        case.extra_ocr.push((k.into(), Value::from(v)));
    }
    case.manual = Some(Manual {
        rejections: Vec::new(),
        verification_date: "2021-06-10T06:00:00+02:00".into(),
        overrides: vec![("firstName".into(), "ALEXA SAMPLE".into())],
    });
    case
}

#[test]
fn fields_dates_and_checks_of_a_hand_made_review() {
    // All three checks; the agent's values win; offsets are converted to
    // UTC; unknown gender markers and country names are left out.
    let case = reviewed_case();
    let v = json(&export_case(&case).unwrap());
    let evidence = &v["verification"]["evidence"][0];
    let checks: Vec<(&str, &str)> = evidence["check_details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["check_method"].as_str().unwrap(),
                c["time"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        checks,
        [
            ("vri", "2021-06-10T04:30:00Z"),
            ("bvr", "2021-06-10T04:30:00Z"),
            ("pvr", "2021-06-10T04:00:00Z"),
        ]
    );
    assert_eq!(v["verification"]["time"], "2021-06-10T04:30:00Z");
    assert_eq!(v["verification"]["assurance_level"], "high");
    let details = &evidence["document_details"];
    assert_eq!(details["type"], "idcard", "TD1 without a classification");
    assert_eq!(details["date_of_issuance"], "2020-11-03");
    assert_eq!(details["issuer"]["name"], "STADT KOELN");
    assert!(
        details["issuer"].get("country_code").is_none(),
        "a name is no code"
    );
    let claims = &v["claims"];
    assert_eq!(claims["given_name"], "ALEXA SAMPLE", "the agent's value");
    assert!(claims.get("gender").is_none());
    assert_eq!(claims["nationalities"], serde_json::json!(["DEU"]));
    assert_eq!(claims["place_of_birth"]["locality"], "BERLIN");
    assert_eq!(
        claims["address"]["formatted"],
        "HEIDESTRASSE 17, 51147 KOELN"
    );
}

#[test]
fn verified_claims_are_one_json_line_and_read_back() {
    let claims = export_override("agent-override.zip").unwrap();
    let line = serde_json::to_string(&claims).unwrap();
    assert!(!line.contains('\n'));
    let back: VerifiedClaims = serde_json::from_str(&line).unwrap();
    assert_eq!(back, claims);
    assert_eq!(claims.envelope()["verified_claims"], json(&claims));
}

#[test]
fn the_example_in_the_docs_is_the_export_of_accepted_zip() {
    let doc = std::fs::read_to_string(testdata("../docs/ida.md")).unwrap();
    let example = doc.split("## Example").nth(1).unwrap();
    let block = example.split("```json\n").nth(1).unwrap();
    let documented: Value = serde_json::from_str(block.split("```").next().unwrap()).unwrap();
    assert_eq!(documented, export("accepted.zip").unwrap().envelope());
}

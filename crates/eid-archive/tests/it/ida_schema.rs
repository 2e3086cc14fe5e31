//! The IDA export against the JSON schema the OpenID eKYC-IDA working group
//! publishes, when `IDA_SCHEMA_DIR` names a folder holding its three files
//! (`verified_claims.json`, `claims_schema.json`,
//! `verified_claims_request.json`; `docs/ida.md` says how to get them). The
//! schema is not bundled: without the variable the test says so and passes.
//! Formats (`date`, `date-time`, `uri`) are asserted, and nothing is fetched.

use super::ida::{QUALIFYING, export, export_case, reviewed_case, testdata};
use eid_archive::ida::{IdaOptions, VerifiedClaims};
use eid_archive::{Archive, Audit, AuditOptions, ReadOptions};
use serde_json::Value;
use std::path::PathBuf;

const FILES: &[&str] = &[
    "verified_claims.json",
    "claims_schema.json",
    "verified_claims_request.json",
];

/// The error lines of `instance` under the schema, empty when it is valid.
fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn every_export_validates_against_the_published_schema() {
    let Some(dir) = std::env::var_os("IDA_SCHEMA_DIR").map(PathBuf::from) else {
        eprintln!("IDA_SCHEMA_DIR is not set: the schema check is skipped (docs/ida.md)");
        return;
    };
    let schemas: Vec<(String, Value)> = FILES
        .iter()
        .map(|name| {
            let text = std::fs::read(dir.join(name))
                .unwrap_or_else(|e| panic!("{}: {e}", dir.join(name).display()));
            let schema: Value = serde_json::from_slice(&text).unwrap();
            let id = schema["$id"].as_str().expect("an $id").to_owned();
            (id, schema)
        })
        .collect();
    let registry = jsonschema::Registry::new()
        .extend(schemas.iter().map(|(id, s)| (id.as_str(), s)))
        .unwrap()
        .prepare()
        .unwrap();
    let validator = jsonschema::options()
        .offline()
        .should_validate_formats(true)
        .with_registry(&registry)
        .build(&schemas[0].1)
        .unwrap();

    let mut checked = 0;
    for name in QUALIFYING {
        let claims = export(name).unwrap();
        assert_eq!(
            errors(&validator, &claims.envelope()),
            Vec::<String>::new(),
            "{name}"
        );
        checked += 1;
    }
    // Every optional member this export writes.
    let reviewed = export_case(&reviewed_case()).unwrap().envelope();
    assert_eq!(errors(&validator, &reviewed), Vec::<String>::new());
    checked += 1;
    // The https form of the attachments, and a custom framework and level.
    let mut archive =
        Archive::open(testdata("agent-override.zip"), &ReadOptions::default()).unwrap();
    let audit = Audit::of_archive(
        &mut archive,
        &AuditOptions::default().with_member_hashes(true),
    )
    .unwrap();
    let options = IdaOptions::default()
        .with_trust_framework("de_aml")
        .with_assurance_level("substantial")
        .with_attachment_base_url("https://evidence.example.com/archives")
        .with_override_allowed(true);
    let linked = VerifiedClaims::from_audit(&audit, &options)
        .unwrap()
        .envelope();
    assert_eq!(errors(&validator, &linked), Vec::<String>::new());
    checked += 1;

    // The validator has teeth: formats are asserted (a time without seconds,
    // a relative attachment URL) and the claims schema is reached through its
    // $id (a year alone is no birthdate); each alone makes the export invalid.
    for (pointer, value) in [
        (
            "/verified_claims/verification/evidence/0/type",
            "id_document",
        ),
        ("/verified_claims/claims/birthdate", "1990"),
        ("/verified_claims/verification/time", "2021-06-09T10:05Z"),
        (
            "/verified_claims/verification/evidence/0/attachments/0/url",
            "front.jpeg",
        ),
    ] {
        let mut bad = linked.clone();
        *bad.pointer_mut(pointer).unwrap() = Value::from(value);
        assert!(!errors(&validator, &bad).is_empty(), "{pointer} = {value}");
    }
    eprintln!(
        "{checked} exports valid against the schema in {}",
        dir.display()
    );
}

//! Object storage through the library: the listing and the reads are two
//! steps, so a test can change the store between them, as another writer
//! would. SKIP without moto, unless EID_AUDIT_REQUIRE_S3 is set.

use eid_archive::run::{self, Finished, ReportOptions};
use eid_archive::store::{self, StoreOptions};
use eid_testkit::s3::S3Server;
use serde_json::json;
use std::ops::ControlFlow;
use std::path::Path;

fn testdata(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(name)
}

fn options(s3: &S3Server) -> StoreOptions {
    s3.env()
        .into_iter()
        .fold(StoreOptions::default().with_retries(1), |o, (k, v)| {
            o.with_config(k.to_ascii_lowercase(), v)
        })
}

#[test]
fn an_object_replaced_after_the_listing_is_an_error_row_never_the_new_bytes() {
    let Some(s3) = S3Server::start("store::replaced") else {
        return;
    };
    s3.run(&[
        json!({"op": "bucket", "bucket": "kyc"}),
        json!({"op": "put", "bucket": "kyc", "key": "s/a.zip", "file": testdata("accepted.zip")}),
        json!({"op": "put", "bucket": "kyc", "key": "s/b.zip", "file": testdata("accepted.zip")}),
    ]);
    let inputs = store::list("s3://kyc/s", &options(&s3)).unwrap();
    let keys: Vec<&str> = inputs.iter().map(|i| i.key()).collect();
    assert_eq!(keys, ["a.zip", "b.zip"], "keys relative to the prefix");
    // Another writer replaces b.zip with another archive after the listing.
    s3.run(&[json!({"op": "put", "bucket": "kyc", "key": "s/b.zip",
                    "file": testdata("rejected-expired.zip")})]);
    let dir = tempfile::tempdir().unwrap();
    let mut seen = Vec::new();
    let finished = run::report(
        &inputs,
        &ReportOptions::new(dir.path().join("r")),
        &mut |e, _| {
            seen.push(match e.outcome {
                Ok(a) => format!("{} {}", e.path.display(), a.audit.verdict.decision.status),
                Err(err) => err.to_string(),
            });
            ControlFlow::Continue(())
        },
    )
    .unwrap();
    assert!(matches!(finished, Finished::Complete(_)));
    assert_eq!(seen[0], "s3://kyc/s/a.zip accepted");
    assert!(
        seen[1].starts_with(
            "s3://kyc/s/b.zip: the object changed after it was listed (it no longer has ETag \""
        ),
        "{}",
        seen[1]
    );
}

#[test]
fn a_store_url_that_is_not_one_is_refused_in_one_line() {
    let e = store::list("s3:/nobucket", &StoreOptions::default()).unwrap_err();
    assert!(!e.is_retryable());
    assert!(e.to_string().starts_with("s3:/nobucket: "), "{e}");
    assert!(!e.to_string().contains('\n'));
}

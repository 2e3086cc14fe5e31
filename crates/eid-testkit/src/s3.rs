//! A real S3-compatible server for tests: moto's server mode (PyPI
//! `moto[server]`), started on a free loopback port and stopped when the
//! handle is dropped, with boto3 (which moto brings) to put objects the way
//! an integrator's upload would, checksums included.
//!
//! [`S3sFs`] is the other server the tests use: s3s-fs, a folder served as
//! a store (Rust, from crates.io).
//!
//! Without moto, [`S3Server::start`] returns `None` and the test prints
//! SKIP, unless `EID_AUDIT_REQUIRE_S3` is set (CI sets it): then it fails.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running moto server.
#[derive(Debug)]
pub struct S3Server {
    child: Child,
    port: u16,
}

/// A running s3s-fs server (crates.io `s3s-fs`, `--features binary`): a
/// folder served as a store, each sub-folder a bucket, each file an object.
#[derive(Debug)]
pub struct S3sFs {
    child: Child,
    port: u16,
}

impl S3sFs {
    /// Starts s3s-fs over `root` on a free loopback port; `None` (with a
    /// SKIP line) when it is not installed and `EID_AUDIT_REQUIRE_S3` is
    /// not set.
    pub fn start(test: &str, root: &std::path::Path) -> Option<S3sFs> {
        let installed = Command::new("s3s-fs")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !installed {
            assert!(
                std::env::var_os("EID_AUDIT_REQUIRE_S3").is_none(),
                "{test}: s3s-fs is required (cargo install s3s-fs --features binary)"
            );
            eprintln!(
                "SKIP {test}: s3s-fs is not installed (cargo install s3s-fs --features binary)"
            );
            return None;
        }
        let port = free_port();
        let child = Command::new("s3s-fs")
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--access-key", KEY, "--secret-key", KEY])
            .arg(root)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("s3s-fs starts");
        let server = S3sFs { child, port };
        wait_for(port, "s3s-fs");
        Some(server)
    }

    /// The environment an eid-audit run needs to reach this server.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        env_for(self.port)
    }
}

impl Drop for S3sFs {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until something listens on `port`, for at most 30 s.
fn wait_for(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "{what} did not start on port {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn env_for(port: u16) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ACCESS_KEY_ID", KEY.into()),
        ("AWS_SECRET_ACCESS_KEY", KEY.into()),
        ("AWS_REGION", "us-east-1".into()),
        ("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}")),
        ("AWS_ALLOW_HTTP", "true".into()),
    ]
}

/// The access key the tests use; moto accepts any.
const KEY: &str = "eid-audit-test";

impl S3Server {
    /// Starts moto on a free loopback port and waits until it answers; `None`
    /// (with a SKIP line) when moto or boto3 is not installed and
    /// `EID_AUDIT_REQUIRE_S3` is not set.
    pub fn start(test: &str) -> Option<S3Server> {
        let installed = Command::new("python3")
            .args(["-c", "import moto.server, boto3"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !installed {
            assert!(
                std::env::var_os("EID_AUDIT_REQUIRE_S3").is_none(),
                "{test}: moto's server is required (pip install 'moto[server]')"
            );
            eprintln!("SKIP {test}: moto's server is not installed (pip install 'moto[server]')");
            return None;
        }
        let port = free_port();
        let child = Command::new("python3")
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 starts moto");
        let server = S3Server { child, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "moto did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(server)
    }

    /// `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The environment an eid-audit run needs to reach this server.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        env_for(self.port)
    }

    /// Runs operations through boto3, in one process: each is a JSON object
    /// `{"op": "bucket", "bucket": B}`, `{"op": "put", "bucket": B, "key":
    /// K, "file": PATH}` (with `"checksum": true` for S3 to keep its
    /// SHA-256, or `"sha256": BASE64` to state one), `{"op": "copies",
    /// "bucket": B, "prefix": P, "count": N, "body": TEXT}` for N small
    /// objects, or `{"op": "delete", "bucket": B, "key": K}`.
    pub fn run(&self, ops: &[serde_json::Value]) {
        let mut child = Command::new("python3")
            .args(["-c", BOTO, &self.endpoint(), KEY])
            .stdin(Stdio::piped())
            .spawn()
            .expect("python3 runs boto3");
        let spec = serde_json::to_vec(ops).expect("operations as JSON");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(&spec)
            .expect("operations written");
        let status = child.wait().expect("boto3 ends");
        assert!(status.success(), "boto3 operations failed: {ops:?}");
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port nothing listens on (the kernel's pick, released).
pub fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

const BOTO: &str = r#"
import sys, json, boto3
endpoint, key = sys.argv[1], sys.argv[2]
s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=key,
                  aws_secret_access_key=key, region_name="us-east-1")
for op in json.load(sys.stdin):
    kind = op["op"]
    if kind == "bucket":
        s3.create_bucket(Bucket=op["bucket"])
    elif kind == "put":
        body = open(op["file"], "rb").read()
        extra = {}
        if op.get("checksum"):
            extra["ChecksumAlgorithm"] = "SHA256"
        if op.get("sha256"):
            extra["ChecksumAlgorithm"] = "SHA256"
            extra["ChecksumSHA256"] = op["sha256"]
        s3.put_object(Bucket=op["bucket"], Key=op["key"], Body=body, **extra)
    elif kind == "copies":
        for i in range(op["count"]):
            s3.put_object(Bucket=op["bucket"], Key="%s%05d.txt" % (op["prefix"], i),
                          Body=op["body"].encode())
    elif kind == "delete":
        s3.delete_object(Bucket=op["bucket"], Key=op["key"])
    else:
        raise SystemExit("unknown operation " + kind)
"#;

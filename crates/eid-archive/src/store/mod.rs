//! Archives read where they are kept: object storage (`s3://`, `gs://`,
//! `az://`), through Apache Arrow's `object_store`.
//!
//! [`list`] turns a store URL into inputs, in the order a local run would
//! give them; each is read whole (it is hashed whole anyway) by the worker
//! that opens it, pinned to the ETag the listing gave, so an object that
//! changes between the listing and the read becomes an error row. Requests
//! are retried with backoff; a failure that persists is an error row of its
//! own kind (`Storage`), which a scheduler may retry (exit code 75).
//!
//! Credentials and endpoints come from the environment, as every AWS tool
//! takes them: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`,
//! `AWS_ENDPOINT_URL`, `AWS_ALLOW_HTTP` for a local server (and `GOOGLE_*`,
//! `AZURE_*` for the other stores).

mod checksum;
mod manifest;
mod object;

use crate::batch::Input;
use futures::TryStreamExt;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectMeta, ObjectStore, ObjectStoreScheme, RetryConfig};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use object::Object;

/// How object storage is read.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// How many times a failed request is tried again, with exponential
    /// backoff (from 100 ms, at most 15 s between tries).
    pub retries: usize,
    /// A list of the keys to read, instead of listing the prefix: one key a
    /// line, or an S3 Inventory CSV report (bucket, key, …).
    pub manifest: Option<PathBuf>,
    /// object_store configuration (`aws_endpoint`, `aws_access_key_id`,
    /// `google_service_account`, `azure_storage_account_name`, …), applied
    /// over what the environment gives.
    pub config: Vec<(String, String)>,
}

impl Default for StoreOptions {
    fn default() -> StoreOptions {
        StoreOptions {
            retries: 10,
            manifest: None,
            config: Vec::new(),
        }
    }
}

impl StoreOptions {
    /// These options with another number of retries.
    pub fn with_retries(mut self, retries: usize) -> Self {
        self.retries = retries;
        self
    }

    /// These options with one more configuration key (see [`StoreOptions::config`]).
    pub fn with_config(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.config.push((key.into(), value.into()));
        self
    }

    /// These options with the keys taken from a manifest file.
    pub fn with_manifest(mut self, manifest: Option<PathBuf>) -> Self {
        self.manifest = manifest;
        self
    }
}

/// A store that could not be listed: one line, and whether a later run may
/// succeed (the store failed, rather than the request being wrong).
#[derive(Debug, thiserror::Error)]
#[error("{url}: {message}")]
pub struct StoreError {
    url: String,
    message: String,
    retryable: bool,
}

impl StoreError {
    fn new(url: &str, message: impl Into<String>, retryable: bool) -> StoreError {
        StoreError {
            url: url.to_owned(),
            message: message.into(),
            retryable,
        }
    }

    /// True when the store failed after its retries (a network failure, a
    /// server error): a later run may succeed. False for a request that is
    /// wrong (a bad URL, missing credentials, access refused, no bucket).
    pub fn is_retryable(&self) -> bool {
        self.retryable
    }
}

/// True when `arg` names object storage rather than a local path.
pub fn is_store_url(arg: &std::ffi::OsStr) -> bool {
    arg.to_str().is_some_and(|s| {
        ["s3://", "s3a://", "gs://", "az://", "abfs://", "abfss://"]
            .iter()
            .any(|p| s.starts_with(p))
    })
}

/// The inputs under a store URL: every object whose key ends in `.zip` (any
/// case) below the prefix, or the keys of the manifest, with the process
/// record stored beside each one (the same key with `.json`). The shard key
/// of each is its key relative to the prefix.
pub fn list(url: &str, options: &StoreOptions) -> Result<Vec<Input>, StoreError> {
    let parsed = url::Url::parse(url).map_err(|e| StoreError::new(url, e.to_string(), false))?;
    let (scheme, prefix) =
        ObjectStoreScheme::parse(&parsed).map_err(|e| StoreError::new(url, one_line(&e), false))?;
    let is_s3 = scheme == ObjectStoreScheme::AmazonS3;
    let store = Arc::new(
        Store::connect(scheme, &parsed, options)
            .map_err(|e| StoreError::new(url, one_line(&e), false))?,
    );
    let base = format!(
        "{}://{}/",
        parsed.scheme(),
        parsed.host_str().unwrap_or_default()
    );
    let listed = match &options.manifest {
        Some(file) => manifest::read(file, parsed.host_str().unwrap_or_default())
            .map_err(|e| StoreError::new(url, e, false))?,
        None => store.list(&prefix).map_err(|e| {
            if is_s3
                && !aws_credentials_in_env()
                && !options
                    .config
                    .iter()
                    .any(|(k, _)| k.contains("key_id") || k.contains("skip_signature"))
            {
                // object_store then asks the instance metadata service, whose
                // failure says nothing of the credentials that were missing.
                return StoreError::new(
                    url,
                    format!(
                        "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY \
                         (or AWS_WEB_IDENTITY_TOKEN_FILE, or run where instance \
                         credentials are given), or AWS_SKIP_SIGNATURE=true for a \
                         public bucket ({})",
                        one_line(&e)
                    ),
                    false,
                );
            }
            let retryable = is_retryable(&e);
            StoreError::new(url, format!("cannot list: {}", one_line(&e)), retryable)
        })?,
    };
    let jsons: HashMap<&str, &ObjectMeta> = listed
        .iter()
        .filter(|m| m.location.as_ref().ends_with(".json"))
        .map(|m| (m.location.as_ref(), m))
        .collect();
    let mut inputs = Vec::new();
    for meta in listed.iter().filter(|m| is_zip(m.location.as_ref())) {
        let key = meta.location.as_ref();
        let beside = key
            .rfind('.')
            .map(|dot| format!("{}.json", &key[..dot]))
            .and_then(|j| jsons.get(j.as_str()).map(|m| (*m).clone()));
        let shard_key = key
            .strip_prefix(prefix.as_ref())
            .map(|k| k.trim_start_matches('/'))
            .filter(|k| !k.is_empty() && !prefix.as_ref().is_empty())
            .unwrap_or(key)
            .to_owned();
        let object = Object::new(
            store.clone(),
            meta.clone(),
            beside,
            options.manifest.is_none(),
        );
        inputs.push(Input::remote(
            format!("{base}{key}"),
            shard_key,
            Arc::new(object),
        ));
    }
    if inputs.is_empty() && options.manifest.is_none() && is_zip(prefix.as_ref()) {
        // The URL names one object: it is the input, whatever it turns out to be.
        let meta = ObjectMeta {
            location: prefix.clone(),
            last_modified: Default::default(),
            size: 0,
            e_tag: None,
            version: None,
        };
        let object = Object::new(store, meta, None, false);
        inputs.push(Input::remote(
            format!("{base}{prefix}"),
            prefix.to_string(),
            Arc::new(object),
        ));
    }
    inputs.sort();
    Ok(inputs)
}

/// True when the environment names credentials, or says none are needed.
fn aws_credentials_in_env() -> bool {
    [
        "AWS_ACCESS_KEY_ID",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_SKIP_SIGNATURE",
    ]
    .iter()
    .any(|k| std::env::var_os(k).is_some_and(|v| !v.is_empty()))
}

fn is_zip(key: &str) -> bool {
    key.rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("zip"))
}

/// One store, shared by the objects listed from it.
#[derive(Debug)]
pub(crate) struct Store {
    inner: Arc<dyn ObjectStore>,
}

impl Store {
    fn connect(
        scheme: ObjectStoreScheme,
        url: &url::Url,
        options: &StoreOptions,
    ) -> object_store::Result<Store> {
        let retry = RetryConfig {
            max_retries: options.retries,
            retry_timeout: Duration::from_secs(180),
            ..RetryConfig::default()
        };
        let inner: Arc<dyn ObjectStore> = match scheme {
            ObjectStoreScheme::AmazonS3 => {
                let mut headers = http::HeaderMap::new();
                headers.insert(
                    checksum::MODE_HEADER,
                    http::HeaderValue::from_static("ENABLED"),
                );
                let mut builder = object_store::aws::AmazonS3Builder::new().with_client_options(
                    object_store::ClientOptions::new().with_default_headers(headers),
                );
                // As `from_env`, on top of the client options set above.
                for (k, v) in std::env::vars() {
                    if k.starts_with("AWS_")
                        && let Ok(key) = k.to_ascii_lowercase().parse()
                    {
                        builder = builder.with_config(key, v);
                    }
                }
                for (k, v) in &options.config {
                    builder = builder.with_config(k.parse()?, v);
                }
                Arc::new(
                    builder
                        .with_url(url.as_str())
                        .with_retry(retry)
                        .with_http_connector(checksum::Connector)
                        .build()?,
                )
            }
            ObjectStoreScheme::GoogleCloudStorage => {
                let mut builder = object_store::gcp::GoogleCloudStorageBuilder::from_env();
                for (k, v) in &options.config {
                    builder = builder.with_config(k.parse()?, v);
                }
                Arc::new(builder.with_url(url.as_str()).with_retry(retry).build()?)
            }
            ObjectStoreScheme::MicrosoftAzure => {
                let mut builder = object_store::azure::MicrosoftAzureBuilder::from_env();
                for (k, v) in &options.config {
                    builder = builder.with_config(k.parse()?, v);
                }
                Arc::new(builder.with_url(url.as_str()).with_retry(retry).build()?)
            }
            other => {
                return Err(object_store::Error::NotSupported {
                    source: format!("{other:?} is not object storage eid-audit reads").into(),
                });
            }
        };
        Ok(Store { inner })
    }

    /// Every object below `prefix`, page after page.
    fn list(&self, prefix: &ObjectPath) -> object_store::Result<Vec<ObjectMeta>> {
        let prefix = (!prefix.as_ref().is_empty()).then_some(prefix);
        runtime().block_on(self.inner.list(prefix).try_collect())
    }
}

/// The runtime every store request runs on: two threads drive the network,
/// while the report's workers wait on their own requests.
pub(crate) fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("eid-audit-store")
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("cannot start the object-storage runtime: {e}"))
    })
}

/// True when an error is the store failing rather than the request being
/// wrong: a later run may succeed.
fn is_retryable(e: &object_store::Error) -> bool {
    !matches!(
        e,
        object_store::Error::NotFound { .. }
            | object_store::Error::PermissionDenied { .. }
            | object_store::Error::Unauthenticated { .. }
            | object_store::Error::Precondition { .. }
            | object_store::Error::NotSupported { .. }
            | object_store::Error::InvalidPath { .. }
            | object_store::Error::UnknownConfigurationKey { .. }
    )
}

/// An error and its causes on one line, each said once.
fn one_line(e: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&dyn std::error::Error> = Some(e);
    while let Some(err) = cur {
        let text = err
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = err.source();
    }
    parts.join(": ")
}

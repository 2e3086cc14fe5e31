//! The store's own SHA-256 of an object, carried from the HTTP response to
//! the caller. S3 sends `x-amz-checksum-sha256` only when the request asks
//! with `x-amz-checksum-mode: ENABLED`; object_store signs that header into
//! every request it builds (a default header of the client options), and
//! this layer, under object_store's HTTP client, copies the answer into the
//! response's extensions, which object_store hands back with the result.

use object_store::client::{
    ClientOptions, HttpClient, HttpConnector, HttpError, HttpRequest, HttpResponse, HttpService,
    ReqwestConnector,
};

/// The header that asks S3 for the object's checksums.
pub(super) const MODE_HEADER: &str = "x-amz-checksum-mode";

/// The store's SHA-256 of a whole object, as S3 writes it (base64).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct StoredChecksum(pub(super) String);

/// Connects object_store's S3 client through [`Capture`].
#[derive(Debug, Default)]
pub(super) struct Connector;

impl HttpConnector for Connector {
    fn connect(&self, options: &ClientOptions) -> object_store::Result<HttpClient> {
        // The checksum-mode header is added (and signed) by the S3 client on
        // the requests it signs; the HTTP client itself must not add it
        // again, unsigned, to the others (a listing), which S3 would refuse.
        let plain = options.clone().with_default_headers(http::HeaderMap::new());
        let inner = ReqwestConnector::default().connect(&plain)?;
        Ok(HttpClient::new(Capture { inner }))
    }
}

/// Passes every request on, and keeps a full-object SHA-256 checksum of the
/// response where object_store will return it.
#[derive(Debug)]
struct Capture {
    inner: HttpClient,
}

#[async_trait::async_trait]
impl HttpService for Capture {
    async fn call(&self, req: HttpRequest) -> Result<HttpResponse, HttpError> {
        let mut response = self.inner.execute(req).await?;
        let headers = response.headers();
        // A checksum of a multipart upload's parts ("…-3", type COMPOSITE)
        // is not the SHA-256 of the object: it is not kept.
        let composite = headers
            .get("x-amz-checksum-type")
            .is_some_and(|t| t.as_bytes().eq_ignore_ascii_case(b"COMPOSITE"));
        let value = headers
            .get("x-amz-checksum-sha256")
            .and_then(|v| v.to_str().ok())
            .filter(|v| !composite && !v.contains('-'))
            .map(|v| StoredChecksum(v.trim().to_owned()));
        if let Some(v) = value {
            response.extensions_mut().insert(v);
        }
        Ok(response)
    }
}

/// The checksum as lower-case hex, as eid-audit writes a SHA-256; a value
/// that is not a base64 SHA-256 is kept as written, so that it can never
/// equal the SHA-256 of the bytes read (fail closed: a mismatch).
pub(super) fn as_hex(stored: &StoredChecksum) -> String {
    match crate::base64::decode_base64(&stored.0) {
        Some(bytes) if bytes.len() == 32 => bytes.iter().map(|b| format!("{b:02x}")).collect(),
        _ => stored.0.clone(),
    }
}

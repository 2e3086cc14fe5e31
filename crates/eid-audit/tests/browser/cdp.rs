//! What a page did, read from Chrome DevTools Protocol events: console
//! messages with their level, and every request that is not a `file://` load
//! inside the report folder. Plus the small helpers the harness needs
//! (`file://` URLs, base64) and the filter of the browser's expected noise.

use serde_json::Value;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Severity of a [`ConsoleMessage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// `console.debug`, verbose browser messages.
    Debug,
    /// `console.log`, `console.info` and the like.
    Info,
    /// `console.warn` and browser warnings.
    Warning,
    /// `console.error`, failed assertions, uncaught exceptions, Content
    /// Security Policy violations, failed loads.
    Error,
}

/// One message the page produced, as the browser's console shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleMessage {
    /// Severity.
    pub level: Level,
    /// `console-api`, `javascript` (uncaught exception), `security` (CSP),
    /// `network` (failed load), ...
    pub source: String,
    /// The text.
    pub text: String,
}

impl std::fmt::Display for ConsoleMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{:?} {}] {}", self.level, self.source, self.text)
    }
}

/// What loading one page produced.
#[derive(Debug, Clone)]
pub struct Page {
    /// Console messages, in order.
    pub console: Vec<ConsoleMessage>,
    /// Requests the page attempted (or its policy blocked) other than
    /// `file://` loads inside the report folder: http(s), ws(s), `file://`
    /// outside the folder. `data:`, `blob:` and `about:` are not requests.
    pub requests: Vec<String>,
    /// `file://` URLs inside the report folder the page loaded.
    pub files: Vec<String>,
}

impl Page {
    /// The console messages of level [`Level::Error`].
    pub fn errors(&self) -> Vec<&ConsoleMessage> {
        self.console
            .iter()
            .filter(|m| m.level == Level::Error)
            .collect()
    }

    /// One line per console message, for assertion messages.
    pub fn console_text(&self) -> String {
        self.console
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Panics unless the page logged no error and asked for nothing
    /// outside its folder.
    pub fn assert_clean(&self, what: &str) {
        assert!(
            self.errors().is_empty(),
            "{what}: console errors:\n{}",
            self.console_text()
        );
        assert!(
            self.requests.is_empty(),
            "{what}: requests outside the report folder: {:?}",
            self.requests
        );
    }
}

/// The page of events kept for one tab: what it logged and requested.
pub fn page_of(events: &[Value], root: &Path) -> Page {
    let mut requests = Vec::new();
    let mut files = Vec::new();
    for e in events {
        let url = match e["method"].as_str() {
            Some("Network.requestWillBeSent") => str_at(e, "/params/request/url"),
            Some("Network.webSocketCreated") => str_at(e, "/params/url"),
            // A fetch blocked by the policy never reaches the Network domain.
            Some("Audits.issueAdded") => str_at(
                e,
                "/params/issue/details/contentSecurityPolicyIssueDetails/blockedURL",
            ),
            _ => "",
        };
        let lower = url.to_ascii_lowercase();
        if url.is_empty()
            || ["data:", "blob:", "about:", "javascript:"]
                .iter()
                .any(|p| lower.starts_with(p))
        {
            continue;
        }
        let list = match file_url_path(url) {
            Some(p) if p.starts_with(root) => &mut files,
            _ => &mut requests,
        };
        if !list.iter().any(|u| u == url) {
            list.push(url.to_owned());
        }
    }
    Page {
        console: events.iter().filter_map(console_message).collect(),
        requests,
        files,
    }
}

fn console_message(e: &Value) -> Option<ConsoleMessage> {
    let p = &e["params"];
    match e["method"].as_str()? {
        "Runtime.consoleAPICalled" => {
            let level = match p["type"].as_str().unwrap_or("log") {
                "error" | "assert" => Level::Error,
                "warning" => Level::Warning,
                "debug" => Level::Debug,
                _ => Level::Info,
            };
            let text = p["args"]
                .as_array()
                .map(|a| a.iter().map(remote_text).collect::<Vec<_>>().join(" "))
                .unwrap_or_default();
            Some(ConsoleMessage {
                level,
                source: "console-api".into(),
                text,
            })
        }
        "Runtime.exceptionThrown" => Some(ConsoleMessage {
            level: Level::Error,
            source: "javascript".into(),
            text: exception_text(&p["exceptionDetails"]),
        }),
        "Log.entryAdded" => {
            let entry = &p["entry"];
            let level = match entry["level"].as_str().unwrap_or("info") {
                "error" => Level::Error,
                "warning" => Level::Warning,
                "verbose" => Level::Debug,
                _ => Level::Info,
            };
            let mut text = entry["text"].as_str().unwrap_or_default().to_owned();
            if let (Some("network"), Some(u)) = (entry["source"].as_str(), entry["url"].as_str()) {
                text = format!("{u}: {text}");
            }
            Some(ConsoleMessage {
                level,
                source: entry["source"].as_str().unwrap_or("other").to_owned(),
                text,
            })
        }
        // A dialog (alert, confirm) is never part of a report page.
        "Page.javascriptDialogOpening" => Some(ConsoleMessage {
            level: Level::Error,
            source: "dialog".into(),
            text: p["message"].as_str().unwrap_or_default().to_owned(),
        }),
        _ => None,
    }
}

fn remote_text(o: &Value) -> String {
    match o.get("value") {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => o["unserializableValue"]
            .as_str()
            .or(o["description"].as_str())
            .or(o["type"].as_str())
            .unwrap_or_default()
            .to_owned(),
    }
}

/// The text of an exception, as the console shows its first line.
pub fn exception_text(d: &Value) -> String {
    let head = d["text"].as_str().unwrap_or("exception");
    match d.pointer("/exception/description").and_then(Value::as_str) {
        Some(desc) => format!("{head} {}", desc.lines().next().unwrap_or_default()),
        None => head.to_owned(),
    }
}

/// The string at a JSON pointer, or "".
pub fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// True for the browser's stderr lines that are expected on a headless
/// server (no D-Bus, no GPU, no sign-in keys).
pub fn is_noise(line: &str) -> bool {
    const NOISE: &[&str] = &[
        "dbus/",
        "Failed to connect to the bus",
        "account_consistency_mode_manager",
        "bluez_dbus_manager",
        "viz_main_impl",
        "gpu_init",
        "sandbox_linux",
        "angle_platform_impl",
        "vaapi_wrapper",
        "idle_linux",
        "DevTools listening on",
    ];
    line.trim().is_empty() || NOISE.iter().any(|n| line.contains(n))
}

/// The `file://` URL of an absolute path.
pub fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            url.push(char::from(b));
        } else {
            let _ = write!(url, "%{b:02X}");
        }
    }
    url
}

/// The path of a `file://` URL (query and fragment dropped,
/// percent-decoded); `None` for other schemes.
pub fn file_url_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("file://")?;
    if !rest.starts_with('/') {
        return None;
    }
    let bytes = rest.split(['?', '#']).next().unwrap_or_default().as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |c: u8| char::from(c).to_digit(16);
        let escaped = (bytes[i] == b'%')
            .then(|| Some((hex(*bytes.get(i + 1)?)?, hex(*bytes.get(i + 2)?)?)))
            .flatten();
        match escaped {
            Some((h, l)) => {
                out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    Some(PathBuf::from(String::from_utf8_lossy(&out).into_owned()))
}

/// Decodes standard base64 (the screenshots CDP sends).
pub fn base64_decode(s: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return Err(format!("invalid base64 byte {c:#x}")),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    Ok(out)
}

#[test]
fn helpers_round_trip() {
    assert_eq!(base64_decode("Zm9vYmFy").unwrap(), b"foobar");
    assert_eq!(base64_decode("Zg==").unwrap(), b"f");
    assert!(base64_decode("Zm9v!").is_err());
    let p = Path::new("/tmp/a b/ü%.html");
    let u = file_url(p);
    assert_eq!(u, "file:///tmp/a%20b/%C3%BC%25.html");
    assert_eq!(file_url_path(&u).unwrap(), p);
    assert_eq!(file_url_path("https://x/y"), None);
    assert!(is_noise(
        "[1:2:ERROR:dbus/bus.cc:405] Failed to connect to the bus: x"
    ));
    assert!(!is_noise("[1:2:FATAL:something] crashed"));
}

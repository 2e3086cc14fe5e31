//! A headless Chromium driven over the Chrome DevTools Protocol through
//! `--remote-debugging-pipe`: the browser reads NUL-terminated JSON commands
//! on its fd 3 and writes replies and events on its fd 4. The `command-fds`
//! crate hands it the two pipe ends, so no `unsafe` code is needed here and
//! no TCP port is opened.
//!
//! The browser is started with every host made unresolvable and a dead
//! loopback proxy, so no request a page attempts can leave the machine; the
//! attempt is still seen (see `cdp::page_of`). Each launch gets a fresh
//! profile in a temporary folder, removed when the [`Session`] is dropped.

use super::cdp::{self, Page, exception_text, str_at};
use command_fds::{CommandFdExt, FdMapping};
use serde_json::{Value, json};
use std::fs;
use std::io::{BufRead, BufReader, PipeWriter, Write};
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// Set to `1`, a missing browser fails the tests instead of skipping them.
pub const REQUIRE_ENV: &str = "EID_AUDIT_REQUIRE_BROWSER";
/// The browser binary to use, instead of looking for one.
pub const BROWSER_ENV: &str = "EID_AUDIT_BROWSER";

/// Where browsers are looked for, in order. Debian's real binary comes
/// first: `/usr/bin/chromium` is a shell wrapper that adds flags of its own.
const CANDIDATES: &[&str] = &[
    "/usr/lib/chromium/chromium",
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome-stable",
    "/usr/bin/google-chrome",
    "/opt/google/chrome/chrome",
];

/// Every launch's flags: headless, nothing in the background, and the
/// network guard (all hosts unresolvable, a dead proxy for loopback too).
const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-breakpad",
    "--disable-crash-reporter",
    "--disable-dev-shm-usage",
    "--disable-features=NetworkTimeServiceQuerying,MediaRouter,OptimizationHints,Translate",
    "--mute-audio",
    "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--window-size=1280,900",
];

/// The viewport of every page, in CSS pixels.
pub const VIEWPORT: (u32, u32) = (1280, 900);
/// How long a page may take to load.
const LOAD: Duration = Duration::from_secs(30);
/// How long the browser may take to start.
const STARTUP: Duration = Duration::from_secs(30);

/// A located browser binary.
#[derive(Debug, Clone)]
pub struct Browser {
    exe: PathBuf,
}

impl Browser {
    /// `$EID_AUDIT_BROWSER`, else the usual install paths, else `chromium`,
    /// `chromium-browser` or `google-chrome` on `PATH`.
    pub fn locate() -> Option<Browser> {
        if let Some(p) = std::env::var_os(BROWSER_ENV) {
            let exe = PathBuf::from(p);
            return exe.is_file().then_some(Browser { exe });
        }
        if let Some(exe) = CANDIDATES.iter().map(PathBuf::from).find(|p| p.is_file()) {
            return Some(Browser { exe });
        }
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path)
            .flat_map(|d| ["chromium", "chromium-browser", "google-chrome"].map(|n| d.join(n)))
            .find(|p| p.is_file())
            .map(|exe| Browser { exe })
    }

    /// The browser for a test; `None` (after printing why) when there is
    /// none, so that the test returns early. With `EID_AUDIT_REQUIRE_BROWSER=1`
    /// a missing browser is a failure instead.
    pub fn for_tests() -> Option<Browser> {
        if let Some(b) = Browser::locate() {
            return Some(b);
        }
        let required = std::env::var(REQUIRE_ENV).is_ok_and(|v| v == "1");
        assert!(
            !required,
            "{REQUIRE_ENV}=1 but no Chromium was found: install it (apt-get install -y chromium) or set {BROWSER_ENV}"
        );
        eprintln!("SKIP: no Chromium found; set {REQUIRE_ENV}=1 to make this a failure");
        None
    }

    /// Starts a headless browser with a fresh profile.
    pub fn launch(&self) -> Result<Session, String> {
        Session::start(&self.exe)
    }
}

/// A running browser and the tab it last loaded. Dropping it closes the
/// browser and removes its profile.
pub struct Session {
    child: Child,
    to_browser: PipeWriter,
    from_browser: Receiver<Value>,
    dir: tempfile::TempDir,
    next_id: u64,
    /// The CDP session id and target id of the current tab.
    target: Option<(String, String)>,
    /// The current tab's events, in order.
    events: Vec<Value>,
    root: PathBuf,
}

impl Session {
    fn start(exe: &Path) -> Result<Session, String> {
        let dir = tempfile::Builder::new()
            .prefix("eid-audit-browser-")
            .tempdir()
            .map_err(|e| e.to_string())?;
        let profile = dir.path().join("profile");
        fs::create_dir(&profile).map_err(|e| e.to_string())?;
        let stderr = fs::File::create(dir.path().join("stderr.log")).map_err(|e| e.to_string())?;
        let (child_reads, to_browser) = std::io::pipe().map_err(|e| e.to_string())?;
        let (from_child, child_writes) = std::io::pipe().map_err(|e| e.to_string())?;
        let mut cmd = Command::new(exe);
        cmd.args(FLAGS)
            .arg("--remote-debugging-pipe")
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr);
        cmd.fd_mappings(vec![
            FdMapping {
                parent_fd: OwnedFd::from(child_reads),
                child_fd: 3,
            },
            FdMapping {
                parent_fd: OwnedFd::from(child_writes),
                child_fd: 4,
            },
        ])
        .map_err(|e| e.to_string())?;
        let spawned = cmd.spawn();
        // The command holds our copies of the child's pipe ends: without
        // dropping it, reading fd 4 would never see the browser exit.
        drop(cmd);
        let child = spawned.map_err(|e| format!("cannot start {}: {e}", exe.display()))?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(from_child);
            loop {
                let mut buf = Vec::new();
                match r.read_until(0, &mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        if buf.last() == Some(&0) {
                            buf.pop();
                        }
                        if let Ok(v) = serde_json::from_slice::<Value>(&buf)
                            && tx.send(v).is_err()
                        {
                            break;
                        }
                    }
                }
            }
        });
        let mut s = Session {
            child,
            to_browser,
            from_browser: rx,
            dir,
            next_id: 0,
            target: None,
            events: Vec::new(),
            root: PathBuf::new(),
        };
        s.call(
            "Browser.getVersion",
            &json!({}),
            None,
            Instant::now() + STARTUP,
        )?;
        Ok(s)
    }

    /// Loads `page` in a fresh tab, scripts on, taking `root` as the report
    /// folder: waits for the load event, a frame, and the requests in flight.
    pub fn load(&mut self, page: &Path, root: &Path) -> Result<Page, String> {
        self.load_with(page, root, true)
    }

    /// [`Session::load`] with the page's scripts on or off.
    pub fn load_with(&mut self, page: &Path, root: &Path, scripts: bool) -> Result<Page, String> {
        let deadline = Instant::now() + LOAD;
        let page = fs::canonicalize(page).map_err(|e| format!("{}: {e}", page.display()))?;
        self.root = fs::canonicalize(root).map_err(|e| format!("{}: {e}", root.display()))?;
        let url = cdp::file_url(&page);
        if let Some((_, target)) = self.target.take() {
            self.call(
                "Target.closeTarget",
                &json!({"targetId": target}),
                None,
                deadline,
            )?;
        }
        let created = self.call(
            "Target.createTarget",
            &json!({"url": "about:blank"}),
            None,
            deadline,
        )?;
        let target = str_at(&created, "/targetId").to_owned();
        let attached = self.call(
            "Target.attachToTarget",
            &json!({"targetId": target, "flatten": true}),
            None,
            deadline,
        )?;
        self.target = Some((str_at(&attached, "/sessionId").to_owned(), target));
        self.events.clear();
        for m in [
            "Runtime.enable",
            "Log.enable",
            "Network.enable",
            "Page.enable",
            "Audits.enable",
        ] {
            self.page_call(m, &json!({}), deadline)?;
        }
        // Focus events fire in a headless tab only with this.
        self.page_call(
            "Emulation.setFocusEmulationEnabled",
            &json!({"enabled": true}),
            deadline,
        )?;
        self.page_call(
            "Emulation.setScriptExecutionDisabled",
            &json!({"value": !scripts}),
            deadline,
        )?;
        self.page_call(
            "Emulation.setDeviceMetricsOverride",
            &json!({"width": VIEWPORT.0, "height": VIEWPORT.1, "deviceScaleFactor": 1, "mobile": false}),
            deadline,
        )?;
        let nav = self.page_call("Page.navigate", &json!({"url": url}), deadline)?;
        if let Some(err) = nav.get("errorText").and_then(Value::as_str) {
            return Err(format!("{url}: {err}"));
        }
        self.wait_for("Page.loadEventFired", deadline)
            .map_err(|e| format!("{url}: waiting for the load event: {e}"))?;
        if scripts {
            // Timers do not run in a page whose scripts are off.
            self.settle(deadline)?;
        }
        self.wait_network_idle(deadline);
        Ok(self.page())
    }

    /// What the current tab logged and requested so far (including what
    /// it did after loading, e.g. on a hover).
    pub fn page(&mut self) -> Page {
        self.pump();
        cdp::page_of(&self.events, &self.root)
    }

    /// Evaluates a JavaScript expression in the current tab (promises
    /// awaited) and returns its value; a thrown exception is an `Err`. A
    /// synchronous expression runs even when the page's own scripts are off.
    pub fn eval(&mut self, expr: &str) -> Result<Value, String> {
        let r = self.page_call(
            "Runtime.evaluate",
            &json!({"expression": expr, "returnByValue": true, "awaitPromise": true}),
            Instant::now() + Duration::from_secs(10),
        )?;
        if let Some(ex) = r.get("exceptionDetails") {
            return Err(exception_text(ex));
        }
        Ok(r.pointer("/result/value").cloned().unwrap_or(Value::Null))
    }

    /// Moves the mouse onto the centre of the first element matching the
    /// CSS `selector` (scrolled into view), as a person pointing at it.
    pub fn hover(&mut self, selector: &str) -> Result<(), String> {
        let sel = Value::String(selector.to_owned());
        let xy = self.eval(&format!(
            "(() => {{ const e = document.querySelector({sel}); if (!e) return null; \
             e.scrollIntoView({{block: 'center', inline: 'center'}}); \
             const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()"
        ))?;
        let (Some(x), Some(y)) = (
            xy.get(0).and_then(Value::as_f64),
            xy.get(1).and_then(Value::as_f64),
        ) else {
            return Err(format!("hover: nothing matches {selector}"));
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        self.page_call(
            "Input.dispatchMouseEvent",
            &json!({"type": "mouseMoved", "x": x, "y": y, "button": "none"}),
            deadline,
        )?;
        self.settle(deadline)
    }

    /// Presses Tab until the first element matching `selector` has the
    /// keyboard focus, as a person using the keyboard (at most `max` times).
    pub fn tab_to(&mut self, selector: &str, max: usize) -> Result<(), String> {
        let sel = Value::String(selector.to_owned());
        let check = format!("document.activeElement === document.querySelector({sel})");
        for _ in 0..max {
            let deadline = Instant::now() + Duration::from_secs(10);
            for kind in ["rawKeyDown", "keyUp"] {
                self.page_call(
                    "Input.dispatchKeyEvent",
                    &json!({"type": kind, "key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9}),
                    deadline,
                )?;
            }
            if self.eval(&check)? == Value::Bool(true) {
                return self.settle(deadline);
            }
        }
        Err(format!(
            "tab: {selector} never got the focus in {max} presses"
        ))
    }

    /// A PNG of the viewport, written to `out` (folders created).
    pub fn screenshot(&mut self, out: &Path) -> Result<(), String> {
        let r = self.page_call(
            "Page.captureScreenshot",
            &json!({"format": "png", "fromSurface": true, "captureBeyondViewport": false}),
            Instant::now() + Duration::from_secs(30),
        )?;
        let png = cdp::base64_decode(str_at(&r, "/data"))?;
        if let Some(parent) = out.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        fs::write(out, png).map_err(|e| format!("{}: {e}", out.display()))
    }

    fn page_call(
        &mut self,
        method: &str,
        params: &Value,
        deadline: Instant,
    ) -> Result<Value, String> {
        let Some((sid, _)) = self.target.clone() else {
            return Err(format!("{method}: no page loaded"));
        };
        self.call(method, params, Some(&sid), deadline)
    }

    /// Two animation frames and 30 ms, at most a second (a frame may not
    /// come in a hidden tab).
    fn settle(&mut self, deadline: Instant) -> Result<(), String> {
        let expr = "new Promise(r => { const t = setTimeout(r, 1000); \
             requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => { clearTimeout(t); r(); }, 30))); })";
        self.page_call(
            "Runtime.evaluate",
            &json!({"expression": expr, "awaitPromise": true}),
            deadline,
        )
        .map(|_| ())
    }

    /// Waits until every request seen has finished or failed (stragglers
    /// are only recorded, never an error).
    fn wait_network_idle(&mut self, deadline: Instant) {
        loop {
            self.pump();
            let mut open: Vec<&str> = Vec::new();
            for e in &self.events {
                let id = str_at(e, "/params/requestId");
                match e["method"].as_str() {
                    Some("Network.requestWillBeSent") => open.push(id),
                    Some("Network.loadingFinished" | "Network.loadingFailed") => {
                        open.retain(|x| *x != id);
                    }
                    _ => {}
                }
            }
            if open.is_empty()
                || Instant::now() >= deadline
                || self
                    .recv_one(Instant::now() + Duration::from_millis(50))
                    .is_err()
            {
                return;
            }
        }
    }

    fn call(
        &mut self,
        method: &str,
        params: &Value,
        session: Option<&str>,
        deadline: Instant,
    ) -> Result<Value, String> {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            msg["sessionId"] = Value::String(s.to_owned());
        }
        let mut bytes = msg.to_string().into_bytes();
        bytes.push(0);
        self.to_browser
            .write_all(&bytes)
            .map_err(|e| format!("{method}: browser pipe closed: {e}{}", self.stderr_tail()))?;
        loop {
            let m = self
                .recv_one(deadline)
                .map_err(|e| format!("{method}: {e}"))?;
            if m["id"].as_u64() == Some(id) {
                if let Some(err) = m.get("error") {
                    return Err(format!("{method}: {err}"));
                }
                return Ok(m.get("result").cloned().unwrap_or(Value::Null));
            }
        }
    }

    /// Receives one message; the current tab's events are kept.
    fn recv_one(&mut self, deadline: Instant) -> Result<Value, String> {
        let wait = deadline.saturating_duration_since(Instant::now());
        match self.from_browser.recv_timeout(wait) {
            Ok(m) => {
                self.keep(&m);
                Ok(m)
            }
            Err(RecvTimeoutError::Timeout) => Err("timed out".into()),
            Err(RecvTimeoutError::Disconnected) => {
                Err(format!("browser exited{}", self.stderr_tail()))
            }
        }
    }

    fn keep(&mut self, m: &Value) {
        if let Some((sid, _)) = &self.target
            && m.get("method").is_some()
            && m["sessionId"].as_str() == Some(sid.as_str())
        {
            self.events.push(m.clone());
        }
    }

    fn pump(&mut self) {
        while let Ok(m) = self.from_browser.try_recv() {
            self.keep(&m);
        }
    }

    fn wait_for(&mut self, method: &str, deadline: Instant) -> Result<(), String> {
        let mut seen = 0;
        loop {
            if self.events[seen..].iter().any(|e| e["method"] == method) {
                return Ok(());
            }
            seen = self.events.len();
            self.recv_one(deadline)?;
        }
    }

    fn stderr_tail(&self) -> String {
        let text = fs::read_to_string(self.dir.path().join("stderr.log")).unwrap_or_default();
        let lines: Vec<&str> = text.lines().filter(|l| !cdp::is_noise(l)).collect();
        let tail = lines[lines.len().saturating_sub(10)..].join("\n");
        if tail.is_empty() {
            String::new()
        } else {
            format!("\nbrowser stderr:\n{tail}")
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(3);
        let _ = self.call("Browser.close", &json!({}), None, deadline);
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) | Err(_) => break,
                Ok(None) if Instant::now() >= deadline => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    break;
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            }
        }
        // The profile folder goes with `dir`.
    }
}

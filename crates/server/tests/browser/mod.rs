//! Headless Chromium driven over the DevTools protocol: just what the web
//! client's end-to-end test needs (navigate, evaluate, choose files, click
//! with the mouse). Found on PATH as `chromium`, `chromium-browser` or
//! `google-chrome`, or at `IDFLOW_CHROMIUM`. Without one the tests say they
//! were skipped, unless `IDFLOW_REQUIRE_BROWSER=1` (CI), where they fail.
//! The browser is kept off the network: every host but loopback fails to
//! resolve and its background services are off.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

pub struct Chromium {
    child: Child,
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
    session: String,
    next_id: u64,
    _profile: tempfile::TempDir,
}

fn find() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("IDFLOW_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// A Chromium, or `None` (the test is skipped) when none is installed and
/// the environment does not require one.
pub fn launch(test: &str) -> Option<Chromium> {
    let Some(binary) = find() else {
        assert!(
            std::env::var_os("IDFLOW_REQUIRE_BROWSER").is_none(),
            "IDFLOW_REQUIRE_BROWSER is set but no Chromium was found (install chromium or set IDFLOW_CHROMIUM)"
        );
        eprintln!("{test}: skipped: no Chromium found (set IDFLOW_CHROMIUM or install chromium)");
        return None;
    };
    Some(Chromium::start(&binary))
}

impl Chromium {
    fn start(binary: &Path) -> Chromium {
        let profile = tempfile::TempDir::new().expect("profile dir");
        let mut child = Command::new(binary)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-default-apps",
                "--disable-extensions",
                "--disable-domain-reliability",
                "--disable-client-side-phishing-detection",
                "--no-pings",
                "--metrics-recording-only",
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--window-size=1280,900",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start chromium");
        let stderr = child.stderr.take().expect("stderr");
        let (found, listening) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("DevTools listening on ") {
                    let _ = found.send(url.trim().to_owned());
                }
            }
        });
        let url = listening
            .recv_timeout(Duration::from_secs(30))
            .expect("chromium said where DevTools listens");
        assert!(url.starts_with("ws://127.0.0.1:"), "loopback only: {url}");
        let (socket, _) = tungstenite::connect(url.as_str()).expect("connect to DevTools");
        if let MaybeTlsStream::Plain(stream) = socket.get_ref() {
            stream
                .set_read_timeout(Some(Duration::from_secs(30)))
                .expect("read timeout");
        }
        let mut browser = Chromium {
            child,
            socket,
            session: String::new(),
            next_id: 0,
            _profile: profile,
        };
        let target = browser.command(
            "Target.createTarget",
            json!({ "url": "about:blank" }),
            false,
        );
        let target_id = target["targetId"].as_str().expect("targetId").to_owned();
        let attached = browser.command(
            "Target.attachToTarget",
            json!({ "targetId": target_id, "flatten": true }),
            false,
        );
        browser.session = attached["sessionId"]
            .as_str()
            .expect("sessionId")
            .to_owned();
        browser.page("Page.enable", json!({}));
        browser.page("Runtime.enable", json!({}));
        browser
    }

    fn command(&mut self, method: &str, params: Value, in_page: bool) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if in_page {
            message["sessionId"] = json!(self.session);
        }
        self.socket
            .send(Message::text(message.to_string()))
            .expect("send a DevTools command");
        loop {
            let reply = self.socket.read().expect("read from DevTools");
            let Message::Text(text) = reply else {
                continue;
            };
            let value: Value = serde_json::from_str(text.as_str()).expect("DevTools JSON");
            if value["id"] == id {
                assert!(value.get("error").is_none(), "{method}: {value}");
                return value["result"].clone();
            }
        }
    }

    fn page(&mut self, method: &str, params: Value) -> Value {
        self.command(method, params, true)
    }

    pub fn navigate(&mut self, url: &str) {
        self.page("Page.navigate", json!({ "url": url }));
    }

    /// The value of a JavaScript expression (promises awaited).
    pub fn eval(&mut self, expression: &str) -> Value {
        let result = self.page(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
        );
        result["result"]["value"].clone()
    }

    /// Polls `expression` until it is truthy; fails after `limit`.
    pub fn wait_for(&mut self, expression: &str, limit: Duration) -> Value {
        let start = Instant::now();
        loop {
            let value = self.eval(expression);
            let truthy = match &value {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::String(s) => !s.is_empty(),
                Value::Number(n) => n.as_f64() != Some(0.0),
                _ => true,
            };
            if truthy {
                return value;
            }
            assert!(
                start.elapsed() < limit,
                "still not true after {limit:?}: {expression}; page: {}",
                self.eval("location.href + ' | ' + document.body.innerText")
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn node(&mut self, selector: &str) -> i64 {
        let root = self.page("DOM.getDocument", json!({ "depth": 0 }));
        let root = root["root"]["nodeId"].as_i64().expect("document node");
        let found = self.page(
            "DOM.querySelector",
            json!({ "nodeId": root, "selector": selector }),
        );
        let node = found["nodeId"].as_i64().unwrap_or(0);
        assert!(node != 0, "no element matches {selector}");
        node
    }

    /// What a person does in the file dialog: choose `file` for the input.
    pub fn choose_file(&mut self, selector: &str, file: &Path) {
        let node = self.node(selector);
        self.page(
            "DOM.setFileInputFiles",
            json!({ "nodeId": node, "files": [file.display().to_string()] }),
        );
    }

    /// A left click with the mouse at the centre of the element.
    pub fn click(&mut self, selector: &str) {
        let node = self.node(selector);
        self.page("DOM.scrollIntoViewIfNeeded", json!({ "nodeId": node }));
        let model = self.page("DOM.getBoxModel", json!({ "nodeId": node }));
        let quad: Vec<f64> = model["model"]["content"]
            .as_array()
            .expect("content quad")
            .iter()
            .filter_map(Value::as_f64)
            .collect();
        let x = (quad[0] + quad[2] + quad[4] + quad[6]) / 4.0;
        let y = (quad[1] + quad[3] + quad[5] + quad[7]) / 4.0;
        for kind in ["mouseMoved", "mousePressed", "mouseReleased"] {
            self.page(
                "Input.dispatchMouseEvent",
                json!({ "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 }),
            );
        }
    }

    /// A PNG of the page at this viewport width.
    pub fn screenshot(&mut self, width: u32, height: u32, out: &Path) {
        self.page(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600 }),
        );
        let shot = self.page("Page.captureScreenshot", json!({ "format": "png" }));
        let data = shot["data"].as_str().expect("screenshot data");
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data)
            .expect("base64 screenshot");
        std::fs::write(out, bytes).expect("write screenshot");
        self.page("Emulation.clearDeviceMetricsOverride", json!({}));
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

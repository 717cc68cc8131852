//! Harness for driving the real Hookdesk window: one tauri-driver per test, a fresh data dir and a fresh
//! `XDG_DATA_HOME` (WebKit caches CSS there), stopped with SIGTERM so WebKitWebDriver is not orphaned.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Map, Value};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn app_binary() -> PathBuf {
    repo_root().join("target/debug/hookdesk-desktop")
}

pub fn cli_binary() -> PathBuf {
    repo_root().join("target/debug/hookdesk")
}

pub fn artifacts_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/artifacts");
    std::fs::create_dir_all(&d).expect("artifacts dir");
    d
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

pub struct App {
    pub client: Client,
    driver: Child,
    pub data_dir: PathBuf,
    _xdg: tempfile::TempDir,
}

impl App {
    /// Starts the app on `data_dir` (kept by the caller so a test can restart on the same data).
    pub async fn launch(data_dir: &Path) -> App {
        assert!(app_binary().exists(), "build the app first: {}", app_binary().display());
        let xdg = tempfile::tempdir().expect("xdg dir");
        let port = free_port();
        let native_port = free_port();
        let driver = Command::new("tauri-driver")
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .env("XDG_DATA_HOME", xdg.path())
            .env("HOOKDESK_DATA_DIR", data_dir)
            .env("HOOKDESK_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("tauri-driver on PATH (make test installs it)");
        let mut caps = Map::new();
        caps.insert("browserName".into(), json!("wry"));
        caps.insert(
            "tauri:options".into(),
            json!({"application": app_binary(), "args": ["--data-dir", data_dir]}),
        );
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = loop {
            match ClientBuilder::rustls()
                .expect("rustls client")
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => break c,
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
                Err(e) => panic!("no WebDriver session: {e}"),
            }
        };
        App { client, driver, data_dir: data_dir.to_path_buf(), _xdg: xdg }
    }

    /// Waits for an element to exist and returns its trimmed text.
    pub async fn text(&self, css: &str) -> String {
        let el = self.wait_for(css).await;
        el.text().await.expect("text").trim().to_string()
    }

    pub async fn wait_for(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} never appeared: {e}"))
    }

    /// Waits until `css` has text satisfying `pred`; returns it.
    pub async fn wait_text(&self, css: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                if let Ok(t) = el.text().await {
                    if pred(t.trim()) {
                        return t.trim().to_string();
                    }
                }
            }
            if Instant::now() > deadline {
                let last = match self.client.find(Locator::Css(css)).await {
                    Ok(el) => el.text().await.unwrap_or_default(),
                    Err(_) => "<missing>".into(),
                };
                panic!("{css} never had the expected text; last: {last:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn fill(&self, css: &str, value: &str) {
        let el = self.wait_for(css).await;
        el.clear().await.expect("clear");
        el.send_keys(value).await.expect("type");
    }

    pub async fn click(&self, css: &str) {
        self.wait_for(css).await.click().await.expect("click");
    }

    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("screenshot");
        let path = artifacts_dir().join(name);
        std::fs::write(&path, &png).expect("write screenshot");
        path
    }

    pub async fn close(self) {
        let App { client, mut driver, .. } = self;
        let _ = client.close().await;
        // SIGTERM lets tauri-driver stop WebKitWebDriver; SIGKILL would orphan it.
        unsafe {
            libc::kill(driver.id() as i32, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = driver.try_wait() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let _ = driver.kill();
        let _ = driver.wait();
    }
}

/// Runs the real `hookdesk` CLI against a data dir and returns its JSON output.
pub fn cli(data_dir: &Path, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Value {
    use std::io::Write;
    let mut cmd = Command::new(cli_binary());
    cmd.arg("--data-dir").arg(data_dir).arg("--json").args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("hookdesk cli");
    if let Some(s) = stdin {
        child.stdin.take().expect("stdin").write_all(s.as_bytes()).expect("write stdin");
    } else {
        drop(child.stdin.take());
    }
    let out = child.wait_with_output().expect("cli output");
    assert!(
        out.status.success(),
        "hookdesk {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().last().unwrap_or("null");
    serde_json::from_str(first).unwrap_or(Value::Null)
}

pub const ADMIN: &str = "admin";
pub const ADMIN_PASSWORD: &str = "correct horse battery staple";

/// The current 6-digit code for a base32 secret, computed here from RFC 6238 rather than by the app's code.
pub fn totp_now(secret_b32: &str) -> String {
    use hmac::{Hmac, Mac};
    let key = base32_decode(secret_b32).expect("base32 secret");
    let step = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_secs()
        / 30;
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&key).expect("hmac key");
    mac.update(&step.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let off = (h[19] & 0x0f) as usize;
    let bin = u32::from_be_bytes([h[off] & 0x7f, h[off + 1], h[off + 2], h[off + 3]]);
    format!("{:06}", bin % 1_000_000)
}

fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let mut bits: u64 = 0;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.trim_end_matches('=').chars().filter(|c| !c.is_whitespace()) {
        let v = match c.to_ascii_uppercase() {
            c @ 'A'..='Z' => c as u64 - 'A' as u64,
            c @ '2'..='7' => c as u64 - '2' as u64 + 26,
            _ => return None,
        };
        bits = (bits << 5) | v;
        n += 5;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    Some(out)
}

/// Waits until the next 30 s step, so a fresh code is not refused as a replay of the last one.
pub async fn next_totp_step() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_millis() as u64;
    let wait = 30_000 - now % 30_000 + 200;
    tokio::time::sleep(Duration::from_millis(wait)).await;
}

pub struct Enrolled {
    pub secret: String,
    pub recovery_codes: Vec<String>,
}

impl App {
    /// First run in the real window: create the admin, enroll TOTP from the key on screen, keep the codes.
    pub async fn first_run(&self) -> Enrolled {
        self.fill("#setup-name", ADMIN).await;
        self.fill("#setup-password", ADMIN_PASSWORD).await;
        self.fill("#setup-password2", ADMIN_PASSWORD).await;
        self.click("#setup-submit").await;
        let secret = self
            .wait_text("#enroll-secret", |t| t.len() >= 16)
            .await
            .replace(' ', "");
        self.fill("#enroll-code", &totp_now(&secret)).await;
        self.click("#enroll-submit").await;
        self.wait_text("#recovery-codes", |t| !t.is_empty()).await;
        let mut recovery_codes = Vec::new();
        for li in self.client.find_all(Locator::Css("#recovery-codes li")).await.expect("codes") {
            recovery_codes.push(li.text().await.expect("code text").trim().to_string());
        }
        self.click("#recovery-done").await;
        self.wait_for("#lock-button").await;
        Enrolled { secret, recovery_codes }
    }

    /// Signs in after a restart and unlocks with a recovery code (no wait for a fresh TOTP step).
    pub async fn sign_in_with_recovery(&self, code: &str) {
        self.fill("#signin-name", ADMIN).await;
        self.fill("#signin-password", ADMIN_PASSWORD).await;
        self.click("#signin-submit").await;
        self.unlock_with_recovery(code).await;
    }

    pub async fn unlock_with_recovery(&self, code: &str) {
        self.click("#unlock-use-recovery").await;
        self.fill("#unlock-code", code).await;
        self.click("#unlock-submit").await;
        self.wait_for("#lock-button").await;
    }

    pub async fn go(&self, nav_label: &str) {
        let xpath = format!("//nav//button[normalize-space(.)='{nav_label}']");
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("nav item {nav_label}: {e}"))
            .click()
            .await
            .expect("nav click");
    }
}

//! Harness for driving the real Hookdesk window: one tauri-driver per test, a fresh data dir and a fresh
//! `XDG_DATA_HOME` (WebKit caches CSS there), stopped with SIGTERM so WebKitWebDriver is not orphaned.

pub mod desktop;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Map, Value};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The debug build, or the app named by `HOOKDESK_E2E_APP` (an installed package's, in `make dist-test`).
pub fn app_binary() -> PathBuf {
    std::env::var_os("HOOKDESK_E2E_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/debug/hookdesk-desktop"))
}

pub fn cli_binary() -> PathBuf {
    repo_root().join("target/debug/hookdesk")
}

pub fn artifacts_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/artifacts");
    std::fs::create_dir_all(&d).expect("artifacts dir");
    d
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

pub struct App {
    pub client: Client,
    driver: Child,
    closed: bool,
    pub data_dir: PathBuf,
    _xdg: tempfile::TempDir,
}

impl App {
    /// Starts the app on `data_dir` (kept by the caller so a test can restart on the same data).
    pub async fn launch(data_dir: &Path) -> App {
        App::launch_with(data_dir, &[]).await
    }

    /// As [`App::launch`], with more environment for the app (a session bus, say).
    pub async fn launch_with(data_dir: &Path, env: &[(&str, &str)]) -> App {
        assert!(
            app_binary().exists(),
            "build the app first: {}",
            app_binary().display()
        );
        let xdg = tempfile::tempdir().expect("xdg dir");
        let port = free_port();
        let native_port = free_port();
        let driver = Command::new("tauri-driver")
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("XDG_DATA_HOME", xdg.path())
            .env("HOOKDESK_DATA_DIR", data_dir)
            .env("HOOKDESK_LOG", "info")
            .env("HOOKDESK_NO_KEYCHAIN", "1")
            .envs(env.iter().copied())
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
        App {
            client,
            driver,
            closed: false,
            data_dir: data_dir.to_path_buf(),
            _xdg: xdg,
        }
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
        // Typing is what the page listens to: an empty value is typed as one character and a Backspace.
        let keys = if value.is_empty() { "x\u{e003}" } else { value };
        el.send_keys(keys).await.expect("type");
    }

    /// Clicks once the element can take it: a modal still fading out may cover it for a moment.
    pub async fn click(&self, css: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let el = self.wait_for(css).await;
            match el.click().await {
                Ok(_) => return,
                Err(e) if Instant::now() > deadline => {
                    self.screenshot("failed-click.png").await;
                    panic!("click {css}: {e}")
                }
                Err(_) => {
                    // Scrolling it into view is what a person would do before clicking.
                    let _ = self
                        .client
                        .execute(
                            "arguments[0].scrollIntoView({block: 'center'})",
                            vec![serde_json::to_value(&el).unwrap_or_default()],
                        )
                        .await;
                    tokio::time::sleep(Duration::from_millis(150)).await;
                }
            }
        }
    }

    /// Clicks a button whose action hides the window or ends the app. A WebDriver click waits for the
    /// page to render again, which a hidden or closed window never does, so the click is queued in the
    /// page and the call returns at once.
    pub async fn click_and_leave(&self, css: &str) {
        self.wait_for(css).await;
        let script = format!(
            "const el = document.querySelector({css:?}); setTimeout(() => el.click(), 50); return true;"
        );
        self.client
            .execute(&script, vec![])
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("screenshot");
        let path = artifacts_dir().join(name);
        std::fs::write(&path, &png).expect("write screenshot");
        path
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        stop_driver(&mut self.driver);
        end_app(&self.data_dir);
        self.closed = true;
    }
}

/// The app processes running on `data_dir` (matched on their command line).
fn app_pids(data_dir: &Path) -> Vec<i32> {
    let wanted = data_dir.display().to_string();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| {
                let args: Vec<String> = c
                    .split(|b| *b == 0)
                    .map(|a| String::from_utf8_lossy(a).into_owned())
                    .collect();
                args.first()
                    .is_some_and(|a| a.ends_with("hookdesk-desktop"))
                    && args.contains(&wanted)
            })
        })
        .collect()
}

/// A closed window keeps delivering in the background, so the app can outlive the WebDriver session.
/// A test that launches again on the same data directory would then only focus the old instance: wait
/// for it to go, and end it (SIGTERM, which drains) if it does not.
fn end_app(data_dir: &Path) {
    for (signal, wait) in [(0, 3), (libc::SIGTERM, 10), (libc::SIGKILL, 5)] {
        if signal != 0 {
            for pid in app_pids(data_dir) {
                unsafe {
                    libc::kill(pid, signal);
                }
            }
        }
        let deadline = Instant::now() + Duration::from_secs(wait);
        while Instant::now() < deadline {
            if app_pids(data_dir).is_empty() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// SIGTERM lets tauri-driver stop WebKitWebDriver and the app; SIGKILL would orphan them.
fn stop_driver(driver: &mut Child) {
    unsafe {
        libc::kill(driver.id() as i32, libc::SIGTERM);
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = driver.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = driver.kill();
    let _ = driver.wait();
}

/// A failing test unwinds without calling `close`; the driver must not outlive it.
impl Drop for App {
    fn drop(&mut self) {
        if !self.closed {
            stop_driver(&mut self.driver);
            end_app(&self.data_dir);
        }
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
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("hookdesk cli");
    if let Some(s) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(s.as_bytes())
            .expect("write stdin");
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
    totp_at_step(secret_b32, current_step())
}

/// The code an authenticator shows at `unix_secs`.
pub fn totp_at(secret_b32: &str, unix_secs: u64) -> String {
    totp_at_step(secret_b32, unix_secs / 30)
}

/// The current 30 s TOTP step.
pub fn current_step() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_secs()
        / 30
}

/// The code for one step; the app takes the steps just before and after now as well.
pub fn totp_at_step(secret_b32: &str, step: u64) -> String {
    use hmac::{Hmac, Mac};
    let key = base32_decode(secret_b32).expect("base32 secret");
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
    for c in s
        .trim_end_matches('=')
        .chars()
        .filter(|c| !c.is_whitespace())
    {
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
        for li in self
            .client
            .find_all(Locator::Css("#recovery-codes li"))
            .await
            .expect("codes")
        {
            recovery_codes.push(li.text().await.expect("code text").trim().to_string());
        }
        self.click("#recovery-done").await;
        self.wait_for("#lock-button").await;
        Enrolled {
            secret,
            recovery_codes,
        }
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

impl App {
    /// The value of a form control (WebDriver's text() is empty for inputs).
    pub async fn value(&self, css: &str) -> String {
        self.wait_for(css)
            .await
            .prop("value")
            .await
            .expect("value")
            .unwrap_or_default()
    }

    /// Waits until a form control's value satisfies `pred`.
    pub async fn wait_value(&self, css: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let v = self.value(css).await;
            if pred(&v) {
                return v;
            }
            assert!(
                Instant::now() < deadline,
                "{css} never had the expected value; last: {v:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Chooses `value` in a select, once that option is there: options often arrive with a command's
    /// answer after the select itself has rendered.
    pub async fn select(&self, css: &str, value: &str) {
        self.wait_for(&format!("{css} option[value='{value}']"))
            .await;
        self.wait_for(css)
            .await
            .select_by_value(value)
            .await
            .expect("select option");
    }

    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.wait_for(css)
            .await
            .attr(name)
            .await
            .expect("attribute")
    }

    pub async fn count(&self, css: &str) -> usize {
        self.client
            .find_all(Locator::Css(css))
            .await
            .map(|v| v.len())
            .unwrap_or(0)
    }

    /// Waits until `css` matches exactly `n` elements.
    pub async fn wait_count(&self, css: &str, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.count(css).await != n {
            assert!(
                Instant::now() < deadline,
                "{css}: expected {n}, found {}",
                self.count(css).await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn add_store(&self, id: &str, name: &str) {
        self.go("Stores").await;
        self.fill("#store-id", id).await;
        self.fill("#store-name", name).await;
        self.fill("#store-merch-key", "7qwnw4j2kmqvrb3").await;
        self.fill("#store-restaurant-id", "5f1b223c51e2d31e007b23d8")
            .await;
        self.click("#store-submit").await;
        self.wait_for(&format!(".store-row[data-id='{id}']")).await;
    }
}

/// A loopback HTTP receiver that answers every request with 200 and a small JSON body, and keeps each
/// request's head and body for the test to read.
pub struct Receiver {
    pub addr: std::net::SocketAddr,
    pub requests: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        Receiver::start_with(200, Duration::ZERO).await
    }

    /// Answers `status` after `delay` (the request is recorded as soon as it has arrived).
    pub async fn start_with(status: u16, delay: Duration) -> Receiver {
        Receiver::start_on(0, status, delay).await
    }

    /// As [`Receiver::start_with`], on a given loopback port (0: any free one), so a test can point a
    /// hook at a port where nothing listens yet and start answering later.
    pub async fn start_on(port: u16, status: u16, delay: Duration) -> Receiver {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let requests = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = requests.clone();
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                let seen = seen.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 8192];
                    loop {
                        let Ok(n) = sock.read(&mut chunk).await else {
                            return;
                        };
                        if n == 0 {
                            return;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                        let text = String::from_utf8_lossy(&buf).to_string();
                        if let Some(head_end) = text.find("\r\n\r\n") {
                            let len = text[..head_end]
                                .lines()
                                .find_map(|l| {
                                    let (k, v) = l.split_once(':')?;
                                    k.eq_ignore_ascii_case("content-length")
                                        .then(|| v.trim().parse().ok())?
                                })
                                .unwrap_or(0usize);
                            if buf.len() >= head_end + 4 + len {
                                seen.lock()
                                    .expect("lock")
                                    .push(text[..head_end + 4 + len].to_string());
                                buf.drain(..head_end + 4 + len);
                                tokio::time::sleep(delay).await;
                                let body = r#"{"received":true}"#;
                                let resp = format!(
                                    "HTTP/1.1 {status} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{}",
                                    if status == 410 { "Gone" } else { "OK" },
                                    body.len(),
                                    body
                                );
                                if sock.write_all(resp.as_bytes()).await.is_err() {
                                    return;
                                }
                            }
                        }
                    }
                });
            }
        });
        Receiver { addr, requests }
    }

    pub fn received(&self) -> Vec<String> {
        self.requests.lock().expect("lock").clone()
    }

    /// Waits until at least `n` requests arrived.
    pub async fn wait_for(&self, n: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "receiver got {} of {n} requests",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl App {
    /// Adds a hook on the Webhooks screen that sends sale events to a loopback receiver (the
    /// private-network opt-in needs a fresh code), and returns its id.
    pub async fn add_local_hook(&self, enrolled: &Enrolled, label: &str, url: &str) -> String {
        self.go("Webhooks").await;
        let before = self.count(".hook-row").await;
        self.click("#add-hook").await;
        self.fill("#hook-label", label).await;
        self.fill("#hook-url", url).await;
        self.click("input.hook-event[value='transaction.sale.success']")
            .await;
        self.select("#hook-auth-kind", "none").await;
        self.select("#hook-signature-kind", "none").await;
        self.click("#hook-allow-private").await;
        next_totp_step().await;
        self.fill("#hook-totp", &totp_now(&enrolled.secret)).await;
        self.click("#hook-submit").await;
        self.wait_count(".hook-row", before + 1).await;
        let xpath = format!("//tr[contains(@class,'hook-row')][.//*[contains(., '{label}')]]");
        self.client
            .find(Locator::XPath(&xpath))
            .await
            .expect("the new hook's row")
            .attr("data-id")
            .await
            .expect("data-id")
            .expect("hook id")
    }
}

/// First run through the CLI instead of the window: creates the admin and confirms its two-factor key;
/// returns the key and the ten recovery codes.
pub fn cli_first_run(data_dir: &Path) -> Enrolled {
    let password = format!("{ADMIN_PASSWORD}\n");
    let init = cli(
        data_dir,
        &["init", "--admin", ADMIN, "--password-stdin"],
        Some(&password),
        &[],
    );
    let secret = init["totp"]["secret"]
        .as_str()
        .expect("the new admin's key")
        .to_string();
    let confirm = ["2fa", "confirm", "--user", ADMIN, "--code"];
    let code = totp_now(&secret);
    let args: Vec<&str> = confirm.iter().copied().chain([code.as_str()]).collect();
    let codes = cli(data_dir, &args, None, &[]);
    let recovery_codes = codes["recovery_codes"]
        .as_array()
        .expect("recovery codes")
        .iter()
        .filter_map(|c| c.as_str().map(str::to_string))
        .collect();
    Enrolled {
        secret,
        recovery_codes,
    }
}

/// Unlocks a CLI session for the admin with one of the recovery codes; returns the session token.
pub fn cli_session(data_dir: &Path, recovery_code: &str) -> String {
    let unlocked = cli(
        data_dir,
        &[
            "unlock",
            "--user",
            ADMIN,
            "--code",
            recovery_code,
            "--password-stdin",
        ],
        Some(ADMIN_PASSWORD),
        &[],
    );
    unlocked["session"].as_str().expect("session").to_string()
}

/// Emits a sale event with the CLI; returns its event id.
pub fn cli_emit_sale(data_dir: &Path, session: &str, key: &str) -> String {
    let emitted = cli(
        data_dir,
        &[
            "emit",
            "--type",
            "transaction.sale.success",
            "--store",
            "store-1",
            "--data",
            &format!(
                r#"{{"type":"transaction","key":"{key}","amount_detail":{{"amount":"9.99"}}}}"#
            ),
        ],
        None,
        &[("HOOKDESK_SESSION", session)],
    );
    emitted["event_id"].as_str().expect("event id").to_string()
}

//! With trace logging on, real CLI flows handle canary secrets; afterwards no log line, no command output
//! (except the few that print a secret once, on purpose) and no byte of the database or its WAL holds one.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::Value;

use crate::support::cli::run_with_stdin;
use crate::support::team::{self as se, Receiver};

const ADMIN_PW: &str = "canary-admin-pass-7f3a9d";
const USER_PW: &str = "canary-user-pass-2b8c1e";
const HEADER_VALUE: &str = "canary-hdr-value-5e6d4a";
const BEARER: &str = "canary-bearer-tok-91ac3f";
const BASIC_PW: &str = "canary-basic-pw-0d2e7b";
const SIGNING_KEY: &str = "canary-sign-key-6b4f8c";
const QUERY: &str = "apikey=canary-query-3c9a2d";
const ORDER_HEADER: &str = "canary-order-hdr-8e1f5a";

/// Runs commands with trace logging into one file and keeps every output for the scan.
struct Session {
    dir: PathBuf,
    log: PathBuf,
    /// Outputs that must hold no secret.
    outputs: Vec<(String, Vec<u8>)>,
}

impl Session {
    fn log_env(&self) -> [(&'static str, String); 2] {
        [
            ("HOOKDESK_LOG", "trace".into()),
            ("HOOKDESK_LOG_FILE", self.log.display().to_string()),
        ]
    }

    /// Runs a command; `scan_stdout` is false only for the outputs that show a secret on purpose.
    fn run(
        &mut self,
        args: &[&str],
        envs: &[(&str, &str)],
        stdin: Option<&str>,
        scan_stdout: bool,
    ) -> Output {
        let log_env = self.log_env();
        let mut all: Vec<(&str, &str)> = log_env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        all.extend_from_slice(envs);
        let out = run_with_stdin(&self.dir, args, &all, stdin);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let name = args.join(" ");
        if scan_stdout {
            self.outputs
                .push((format!("stdout of {name}"), out.stdout.clone()));
        }
        self.outputs
            .push((format!("stderr of {name}"), out.stderr.clone()));
        out
    }
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Seconds left in the current 30 s TOTP step.
fn secs_left_in_step() -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    30 - now.as_secs() % 30
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[test]
fn no_secret_reaches_logs_outputs_or_database_files() {
    let tmp = crate::support::TestDir::new();
    let dir = tmp.path().join("data");
    let mut s = Session {
        log: tmp.path().join("hookdesk.log"),
        dir,
        outputs: Vec::new(),
    };
    let receiver = Receiver::start();

    // init prints the TOTP secret once, on purpose.
    let init = s.run(
        &["init", "--admin", "root", "--password-stdin"],
        &[],
        Some(&format!("{ADMIN_PW}\n")),
        false,
    );
    let totp_secret = json(&init)["totp"]["secret"].as_str().unwrap().to_string();
    // Codes are single-use per step and must rise: confirm with the previous step, then use the current and
    // the next one for the two changes that need a fresh code. All three stay valid for a whole step.
    if secs_left_in_step() < 5 {
        std::thread::sleep(Duration::from_secs(secs_left_in_step() + 1));
    }
    let t = now_secs();
    let code = |steps: i64| se::totp(&totp_secret, t + steps * 30);
    let confirm = s.run(
        &["2fa", "confirm", "--user", "root", "--code", &code(-1)],
        &[],
        None,
        false,
    );
    let recovery: Vec<String> =
        serde_json::from_value(json(&confirm)["recovery_codes"].clone()).unwrap();
    // unlock prints the session token on purpose; it is a secret everywhere else.
    let unlock = s.run(
        &[
            "unlock",
            "--user",
            "root",
            "--code",
            &recovery[0],
            "--password-stdin",
        ],
        &[],
        Some(&format!("{ADMIN_PW}\n")),
        false,
    );
    let session = json(&unlock)["session"].as_str().unwrap().to_string();
    let sess = [("HOOKDESK_SESSION", session.as_str())];

    s.run(
        &[
            "user",
            "add",
            "ops",
            "--role",
            "support",
            "--password-stdin",
        ],
        &sess,
        Some(&format!("{USER_PW}\n")),
        true,
    );
    s.run(
        &["store", "add", "store-1", "--name", "Main Street"],
        &sess,
        None,
        true,
    );
    let url = format!("{}?{QUERY}", receiver.url);
    let h1 = s.run(
        &[
            "hook",
            "add",
            "--label",
            "Header and X-Signature",
            "--url",
            &url,
            "--event",
            "order.open",
            "--all-stores",
            "--auth",
            "header",
            "--auth-name",
            "X-Api-Key",
            "--signature",
            "signature-key",
            "--allow-private-network",
            "--code",
            &code(0),
        ],
        &[
            ("HOOKDESK_SESSION", &session),
            ("HOOKDESK_AUTH_VALUE", HEADER_VALUE),
            ("HOOKDESK_SIGNING_KEY", SIGNING_KEY),
        ],
        None,
        true,
    );
    let h1 = json(&h1)["id"].as_str().unwrap().to_string();
    let h2 = s.run(
        &[
            "hook",
            "add",
            "--label",
            "Basic and Standard",
            "--url",
            &receiver.url,
            "--event",
            "order.open",
            "--all-stores",
            "--auth",
            "basic",
            "--auth-username",
            "shop",
            "--signature",
            "standard",
            "--allow-private-network",
            "--code",
            &code(1),
        ],
        &[
            ("HOOKDESK_SESSION", &session),
            ("HOOKDESK_AUTH_VALUE", BASIC_PW),
        ],
        None,
        true,
    );
    let h2 = json(&h2)["id"].as_str().unwrap().to_string();
    // Stored only: it listens for an event nobody sends, so nothing leaves the machine.
    s.run(
        &[
            "hook",
            "add",
            "--label",
            "Bearer",
            "--url",
            "https://pos.example.com/in",
            "--event",
            "new_order",
            "--all-stores",
            "--auth",
            "bearer",
        ],
        &[
            ("HOOKDESK_SESSION", &session),
            ("HOOKDESK_AUTH_VALUE", BEARER),
        ],
        None,
        true,
    );
    s.run(
        &[
            "order-webhooks",
            "set",
            "--store",
            "store-1",
            "--header-name",
            "X-Hub-Key",
            "--open-url",
            "https://hub.example.com/open?k=canary-hub-query-77",
            "--open",
            "off",
        ],
        &[
            ("HOOKDESK_SESSION", &session),
            ("HOOKDESK_AUTH_VALUE", ORDER_HEADER),
        ],
        None,
        true,
    );
    for args in [
        vec!["hook", "list"],
        vec!["hook", "show", &h1],
        vec!["hook", "show", &h2],
        vec!["order-webhooks", "show", "--store", "store-1"],
        vec!["export"],
        vec!["send-test", &h1, "--event", "order.open"],
        vec!["send-test", &h2, "--event", "order.open"],
    ] {
        s.run(&args, &sess, None, true);
    }
    // The token is printed once, on purpose; then a live event comes in through the ingest API.
    let created = s.run(&["ingest-token", "create"], &sess, None, false);
    let ingest_token = json(&created)["token"].as_str().unwrap().to_string();
    serve_and_ingest(&mut s, &ingest_token, &receiver);
    s.run(&["deliveries"], &sess, None, true);
    s.run(&["lock"], &sess, None, true);

    // The canaries really went through the product: the receiver saw them.
    let seen = String::from_utf8_lossy(&receiver.all_bytes()).to_string();
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("shop:{BASIC_PW}"));
    for must in [HEADER_VALUE, QUERY, basic.as_str()] {
        assert!(seen.contains(must), "the receiver never got {must}");
    }

    let mut canaries: Vec<String> = [
        ADMIN_PW,
        USER_PW,
        HEADER_VALUE,
        BEARER,
        BASIC_PW,
        SIGNING_KEY,
        QUERY,
        ORDER_HEADER,
    ]
    .iter()
    .map(|c| c.to_string())
    .collect();
    canaries.extend([
        "canary-query-3c9a2d".to_string(),
        "canary-hub-query-77".to_string(),
        basic,
        totp_secret,
        session,
        ingest_token,
    ]);
    canaries.extend(recovery);

    let log = std::fs::read(&s.log).expect("trace logging wrote a log file");
    assert!(
        log.len() > 1_000,
        "the trace log is suspiciously small: {} bytes",
        log.len()
    );
    let mut sources = vec![("log file".to_string(), log)];
    for f in ["hookdesk.db", "hookdesk.db-wal", "hookdesk.db-shm"] {
        if let Ok(bytes) = std::fs::read(s.dir.join(f)) {
            sources.push((f.to_string(), bytes));
        }
    }
    assert!(
        sources.iter().any(|(n, _)| n == "hookdesk.db"),
        "no database file found in {}",
        s.dir.display()
    );
    sources.append(&mut s.outputs);
    for (name, bytes) in &sources {
        for c in &canaries {
            assert!(
                !contains(bytes, c.as_bytes()),
                "{name} contains the secret {c:?}"
            );
        }
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn wait_for(mut done: impl FnMut() -> bool, what: &str) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `hookdesk serve` with trace logging; one event through the ingest API, then SIGTERM.
fn serve_and_ingest(s: &mut Session, token: &str, receiver: &Receiver) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hookdesk"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(s.log_env())
        .args(["--json", "--data-dir"])
        .arg(&s.dir)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let addr = serde_json::from_str::<Value>(&first).unwrap()["listening"]
        .as_str()
        .unwrap()
        .to_string();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let status = rt.block_on(async {
        reqwest::Client::new()
            .post(format!("http://{addr}/v1/events"))
            .bearer_auth(token)
            .json(
                &serde_json::json!({"type": "order.open", "store": "store-1",
                                      "data": {"checkId": "chk-1", "source": "olo"}}),
            )
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    });
    assert_eq!(status, 202);
    wait_for(
        || receiver.requests.lock().unwrap().len() >= 4,
        "two test sends and two live deliveries",
    );
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let mut rest = Vec::new();
    stdout.read_to_end(&mut rest).unwrap();
    let mut err = Vec::new();
    child.stderr.take().unwrap().read_to_end(&mut err).unwrap();
    assert!(
        child.wait().unwrap().success(),
        "serve: {}",
        String::from_utf8_lossy(&err)
    );
    s.outputs.push((
        "stdout of serve".into(),
        [first.into_bytes(), rest].concat(),
    ));
    s.outputs.push(("stderr of serve".into(), err));
}

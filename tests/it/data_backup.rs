//! Backup and restore through the real CLI: `hookdesk backup` copies the database consistently while
//! `hookdesk serve` keeps accepting events; `restore` goes into an empty data directory only, checks the
//! data key against the backup (saying clearly when it is another key), and no session survives it.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use hookdesk_core::catalog::{sample, EventType};
use hookdesk_core::config;
use hookdesk_core::domain::{AuthInput, HookInput, Secret};
use serde_json::{json, Value};

use hookdesk_core::auth::{self, Permission, Role};
use hookdesk_core::clock::{Clock, SystemClock};
use hookdesk_core::config::FreshCode;

use crate::engine_crash::{set_up_with_session, start_serve};
use crate::support::accounts::code_at;
use crate::support::cli::run;
use crate::support::engine::hook_input;
use crate::support::TestDir;
use crate::wire_receiver::{Reply, TestReceiver};

const EVENT: &str = "transaction.sale.success";
const CANARY: &str = "canary-backup-bearer-7731";

fn error_of(out: &Output) -> Value {
    assert!(!out.status.success(), "expected a failure");
    serde_json::from_slice(&out.stderr)
        .unwrap_or_else(|_| panic!("stderr is JSON: {}", String::from_utf8_lossy(&out.stderr)))
}

fn files_in(dir: &Path) -> usize {
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn backup_while_serving_then_restore_with_the_right_key_only() {
    if crate::support::sqlite_only("backup files of the SQLite database") {
        return;
    }
    let dir = TestDir::new();
    let old = dir.path().join("old");
    let receiver = TestReceiver::start(Reply::status(200)).await;
    let (session, token) = {
        let (p, u) = (old.clone(), receiver.url("/b"));
        tokio::task::spawn_blocking(move || set_up_with_session(&p, &u))
            .await
            .unwrap()
    };
    let secret_hook = {
        let ctx =
            crate::support::open_ctx(&old, std::sync::Arc::new(hookdesk_core::clock::SystemClock))
                .unwrap();
        let input = HookInput {
            allow_private_network: true,
            auth: AuthInput::Bearer {
                token: Secret::new(CANARY),
            },
            ..hook_input(&receiver.url("/secret"), &[EVENT])
        };
        // The first admin spent its next code on the first hook: a second admin has codes to spare.
        let ops = auth::require(&ctx, &session, Permission::ManageUsers).unwrap();
        let pw = Secret::new("keeper-password-1");
        auth::add_user(&ctx, &ops, "keeper", Role::Admin, &pw).unwrap();
        let token = auth::sign_in(&ctx, "keeper", &pw)
            .unwrap()
            .token
            .expose()
            .to_string();
        let key = auth::begin_enrollment(&ctx, &token)
            .unwrap()
            .secret_base32
            .expose()
            .to_string();
        let now = SystemClock.now_ms();
        auth::confirm_enrollment_for_token(&ctx, &token, &code_at(&key, now - 30_000)).unwrap();
        let keeper = auth::require(&ctx, &token, Permission::EditHooks).unwrap();
        let code = code_at(&key, now);
        config::hooks::create(&ctx, &keeper, &input, Some(FreshCode::totp(&code)))
            .unwrap()
            .id
    };
    let (mut serve, addr) = {
        let p = old.clone();
        tokio::task::spawn_blocking(move || start_serve(&p))
            .await
            .unwrap()
    };

    // Events keep arriving during the backup.
    let stop = Arc::new(AtomicBool::new(false));
    let accepted = Arc::new(AtomicUsize::new(0));
    let poster = {
        let (stop, accepted) = (stop.clone(), accepted.clone());
        tokio::spawn(async move {
            let http = reqwest::Client::new();
            let data = sample(EventType::parse("t", EVENT).unwrap());
            let mut i = 0;
            while !stop.load(Ordering::SeqCst) {
                let body = json!({"type": EVENT, "store": "store-1", "data": data, "key": format!("b-{i}")});
                let r = http
                    .post(format!("http://{addr}/v1/events"))
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status().as_u16(), 202);
                accepted.fetch_add(1, Ordering::SeqCst);
                i += 1;
            }
        })
    };
    while accepted.load(Ordering::SeqCst) < 50 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let file = dir.path().join("hookdesk-backup.db");
    let out = {
        let (o, f) = (old.clone(), file.clone());
        tokio::task::spawn_blocking(move || run(&o, None, &["backup", f.to_str().unwrap()], &[]))
            .await
            .unwrap()
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["bytes"].as_u64().unwrap() > 0);
    let during = accepted.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        accepted.load(Ordering::SeqCst) > during,
        "serve kept accepting"
    );
    stop.store(true, Ordering::SeqCst);
    poster.await.unwrap();
    let _ = Command::new("kill")
        .args(["-TERM", &serve.id().to_string()])
        .status();
    tokio::task::spawn_blocking(move || serve.wait().unwrap())
        .await
        .unwrap();

    let bytes = std::fs::read(&file).unwrap();
    assert!(
        !bytes.windows(CANARY.len()).any(|w| w == CANARY.as_bytes()),
        "the backup holds the secret in plain text"
    );
    // A second backup to the same name is refused rather than overwriting.
    let again = run(&old, None, &["backup", file.to_str().unwrap()], &[]);
    assert_eq!(error_of(&again)["field"], "file");

    let new = dir.path().join("new");
    let f = file.to_str().unwrap();
    // No key at all: a clear message, nothing written.
    let err = error_of(&run(&new, None, &["restore", f], &[]));
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("HOOKDESK_MASTER_KEY"),
        "{err}"
    );
    assert_eq!(files_in(&new), 0);
    // Another key: refused, saying so, nothing written.
    let other = "ab".repeat(32);
    let err = error_of(&run(
        &new,
        None,
        &["restore", f],
        &[("HOOKDESK_MASTER_KEY", &other)],
    ));
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("not the key this backup was written with"),
        "{err}"
    );
    assert_eq!(files_in(&new), 0);
    // A data directory in use: refused.
    let err = error_of(&run(
        &old,
        None,
        &[
            "restore",
            f,
            "--key-file",
            old.join("data.key").to_str().unwrap(),
        ],
        &[],
    ));
    assert_eq!(err["field"], "dataDir");
    // Not a backup at all.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"not a database, just text").unwrap();
    let err = error_of(&run(&new, None, &["restore", junk.to_str().unwrap()], &[]));
    assert_eq!(err["field"], "file");

    // The right key, from the old directory's key file.
    let key_file = old.join("data.key");
    let out = run(
        &new,
        None,
        &["restore", f, "--key-file", key_file.to_str().unwrap()],
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let restored: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(restored["sessionsCleared"], true);

    // The old session does not open the restored directory.
    let err = error_of(&run(&new, Some(&session), &["hook", "list"], &[]));
    assert_eq!(err["code"], "locked");
    let ctx =
        crate::support::open_ctx(&new, std::sync::Arc::new(hookdesk_core::clock::SystemClock))
            .unwrap();
    let count = |sql: &str| -> i64 {
        ctx.db
            .conn()
            .query_row(sql, hookdesk_core::args![], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(count("SELECT COUNT(*) FROM sessions"), 0);
    let events = count("SELECT COUNT(*) FROM events");
    assert!(events >= 50 && events as usize <= accepted.load(Ordering::SeqCst));
    assert_eq!(
        count("SELECT COUNT(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_row = e.id)"),
        0,
        "a consistent snapshot: no event without its deliveries"
    );
    // Secrets are readable with the restored key.
    let hook = config::hooks::load_for_delivery(&ctx, &secret_hook).unwrap();
    match hook.auth {
        hookdesk_core::domain::HookAuth::Bearer { token } => assert_eq!(token.expose(), CANARY),
        other => panic!(
            "the restored hook lost its authentication: {}",
            other.kind()
        ),
    }
}

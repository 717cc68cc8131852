//! The data key as the real `hookdesk` binary finds it: `HOOKDESK_MASTER_KEY`, the switches that keep
//! it away from the OS keychain, and a keychain that never answers.

use std::path::Path;
use std::process::Output;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hookdesk_core::clock::SystemClock;
use hookdesk_core::crypto::{TestKeyStore, KEY_FILE};
use serde_json::Value;

use crate::keychain_open::{expected_check, stored_check};
use crate::support::cli::run_with_stdin;
use crate::support::TestDir;

/// `hookdesk --json --data-dir DIR init --admin ann --password-stdin`, with only the key-related
/// environment in `env` (the runner passes nothing of this machine's: no master key, no session bus).
fn init(dir: &Path, env: &[(&str, &str)]) -> Output {
    run_with_stdin(
        dir,
        &["init", "--admin", "ann", "--password-stdin"],
        env,
        Some("keychain-password-1\n"),
    )
}

fn error_of(o: &Output) -> Value {
    assert!(!o.status.success(), "expected a failure");
    serde_json::from_slice(&o.stderr)
        .unwrap_or_else(|_| panic!("stderr is not JSON: {}", String::from_utf8_lossy(&o.stderr)))
}

fn assert_ok(o: &Output) {
    assert!(
        o.status.success(),
        "hookdesk failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn users(dir: &Path) -> i64 {
    let db = crate::support::raw_db(dir);
    let conn = db.conn();
    conn.query_row("SELECT COUNT(*) FROM users", hookdesk_core::args![], |r| {
        r.get(0)
    })
    .unwrap()
}

#[test]
fn the_master_key_variable_wins_over_a_key_file() {
    let dir = TestDir::new();
    std::fs::write(dir.path().join(KEY_FILE), hex::encode([1u8; 32])).unwrap();
    let env_key = hex::encode([2u8; 32]);
    assert_ok(&init(
        &dir.path(),
        &[
            ("HOOKDESK_MASTER_KEY", &env_key),
            ("HOOKDESK_NO_KEYCHAIN", "1"),
        ],
    ));
    assert_eq!(stored_check(&dir.path()), Some(expected_check(&env_key)));
    // Without the variable the key file is found, and it is not the key the data was written with.
    let err = crate::support::open_ctx_with(
        &dir.path(),
        Arc::new(SystemClock),
        &TestKeyStore::unavailable(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "crypto");
}

#[test]
fn a_wrong_master_key_on_existing_data_is_refused_and_touches_nothing() {
    let dir = TestDir::new();
    let right = hex::encode([6u8; 32]);
    assert_ok(&init(&dir.path(), &[("HOOKDESK_MASTER_KEY", &right)]));
    let check = stored_check(&dir.path());
    assert_eq!(users(&dir.path()), 1);

    let wrong = hex::encode([7u8; 32]);
    let out = init(&dir.path(), &[("HOOKDESK_MASTER_KEY", &wrong)]);
    let err = error_of(&out);
    assert_eq!(err["code"], "crypto");
    let msg = err["message"].as_str().unwrap();
    assert!(msg.contains("does not match"), "{msg}");
    assert!(msg.contains("HOOKDESK_MASTER_KEY"), "{msg}");
    assert!(!msg.contains(&wrong), "the key is never printed: {msg}");
    assert_eq!(stored_check(&dir.path()), check);
    assert_eq!(users(&dir.path()), 1);
    assert!(!dir.path().join(KEY_FILE).exists());
}

#[test]
fn a_malformed_master_key_is_refused() {
    let dir = TestDir::new();
    let err = error_of(&init(&dir.path(), &[("HOOKDESK_MASTER_KEY", "abc")]));
    assert_eq!(err["code"], "crypto");
    assert!(!dir.path().join(KEY_FILE).exists());
}

#[test]
fn without_a_session_bus_the_keychain_is_not_tried() {
    let dir = TestDir::new();
    assert_ok(&init(&dir.path(), &[]));
    let text = std::fs::read_to_string(dir.path().join(KEY_FILE)).unwrap();
    assert_eq!(stored_check(&dir.path()), Some(expected_check(&text)));
}

#[test]
fn the_opt_out_variable_keeps_the_keychain_away_even_with_a_bus() {
    let dir = TestDir::new();
    let start = Instant::now();
    assert_ok(&init(
        &dir.path(),
        &[
            ("HOOKDESK_NO_KEYCHAIN", "1"),
            (
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/hookdesk-bus",
            ),
        ],
    ));
    assert!(start.elapsed() < Duration::from_secs(10));
    assert!(dir.path().join(KEY_FILE).exists());
}

#[test]
fn an_unreachable_keychain_falls_back_to_the_key_file() {
    let dir = TestDir::new();
    let out = init(
        &dir.path(),
        &[(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/hookdesk-bus",
        )],
    );
    assert_ok(&out);
    assert!(dir.path().join(KEY_FILE).exists());
}

/// A bus that accepts the connection and then never says a word, like a hung keyring daemon.
#[cfg(unix)]
#[test]
fn a_keychain_that_never_answers_costs_seconds_not_a_hang() {
    let dir = TestDir::new();
    let bus = TestDir::new();
    let sock = bus.path().join("bus");
    let listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    let held = Arc::new(std::sync::Mutex::new(Vec::new()));
    let keep = held.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            keep.lock().unwrap().push(conn);
        }
    });
    let start = Instant::now();
    let out = init(
        &dir.path(),
        &[(
            "DBUS_SESSION_BUS_ADDRESS",
            &format!("unix:path={}", sock.display()),
        )],
    );
    assert_ok(&out);
    assert!(
        start.elapsed() < Duration::from_secs(15),
        "took {:?}",
        start.elapsed()
    );
    assert!(!held.lock().unwrap().is_empty(), "the keychain was tried");
    assert!(dir.path().join(KEY_FILE).exists());
}

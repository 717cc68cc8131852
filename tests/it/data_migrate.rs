//! `hookdesk migrate --to URL` (README, PostgreSQL): a single PC's installation moves into an empty
//! PostgreSQL database and keeps working there from the same data directory; a database that already
//! holds one is refused; a machine with another data key is refused by the team database.
//! Runs on the PostgreSQL run only.

use std::sync::Arc;

use hookdesk_core::catalog::{sample, EventType};
use hookdesk_core::clock::SystemClock;
use hookdesk_core::crypto::NoKeyStore;
use hookdesk_core::store::postgres::admin;
use hookdesk_core::Ctx;

use crate::engine_crash::{cli, set_up_admin};
use crate::support::{cli as run, postgres_server, TestDir};

const EVENT: &str = "transaction.sale.success";
const PASSWORD: &str = "crash-test-password-1";

struct Scratch(hookdesk_core::store::DatabaseUrl, String);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = admin::drop_database(&self.0, &self.1);
    }
}

#[test]
fn a_single_pc_moves_into_an_empty_postgres_database_and_keeps_working() {
    let Some(server) = postgres_server() else {
        eprintln!("PostgreSQL run only: migrate --to needs a server");
        return;
    };
    let src = TestDir::sqlite();
    let dir = src.path();
    let (session, _token, codes) = set_up_admin(&dir, "http://127.0.0.1:9/hook");
    let data = serde_json::to_string(&sample(EventType::parse("type", EVENT).unwrap())).unwrap();
    let emitted = cli(
        &dir,
        Some(&session),
        &[
            "emit", "--type", EVENT, "--store", "store-1", "--data", &data,
        ],
        None,
    );
    let event_id = emitted["event_id"].as_str().expect("event id").to_string();

    let name = format!("hd_migrate_{}", std::process::id());
    let target = admin::create_database(&server, &name).expect("target database");
    let _cleanup = Scratch(server.clone(), name);
    let url = target.unmasked();

    let moved = cli(&dir, Some(&session), &["migrate", "--to", &url], None);
    assert_eq!(moved["database"], target.masked());
    for (table, n) in [
        ("users", 1),
        ("stores", 1),
        ("hooks", 1),
        ("events", 1),
        ("deliveries", 1),
        ("ingest_tokens", 1),
        ("recovery_codes", 10),
    ] {
        assert_eq!(moved["copied"][table], n, "{table}: {moved}");
    }

    // Into a database that holds an installation: refused, nothing changed.
    let again = run::run(&dir, Some(&session), &["migrate", "--to", &url], &[]);
    assert_eq!(run::error_code(&again).as_deref(), Some("conflict"));

    // The same data directory on the team database: sessions stay behind, accounts, 2FA, hooks and
    // the delivery log came along, secrets still readable under the same data key.
    let on_pg = |session: Option<&str>, args: &[&str], stdin: Option<&str>| {
        let mut all = vec!["--database", url.as_str()];
        all.extend_from_slice(args);
        run::run_with_stdin(
            &dir,
            &all,
            &session
                .map(|s| vec![("HOOKDESK_SESSION", s)])
                .unwrap_or_default(),
            stdin,
        )
    };
    let old = on_pg(Some(&session), &["hook", "list"], None);
    assert_eq!(run::error_code(&old).as_deref(), Some("locked"));
    let unlocked = run::ok_json(&on_pg(
        None,
        &[
            "unlock",
            "--user",
            "ops",
            "--code",
            &codes[0],
            "--password-stdin",
        ],
        Some(PASSWORD),
    ));
    let pg_session = unlocked["session"].as_str().expect("session").to_string();
    let hooks = run::ok_json(&on_pg(Some(&pg_session), &["hook", "list"], None));
    assert_eq!(hooks.as_array().map(Vec::len), Some(1), "{hooks}");
    let log = run::ok_json(&on_pg(Some(&pg_session), &["deliveries"], None));
    assert!(log.to_string().contains(&event_id), "{log}");
    let status = run::ok_json(&on_pg(None, &["status"], None));
    assert_eq!(status["backend"], "postgres");
    let team = Ctx::open_at(&dir, Some(&target), Arc::new(SystemClock), &NoKeyStore)
        .expect("the same key opens the team database");
    let audited: i64 = team
        .db
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'data.migrate'",
            hookdesk_core::args![],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 1);

    // Another machine with a key of its own: refused, naming the mismatch.
    let other = TestDir::sqlite();
    drop(Ctx::open_at(&other.path(), None, Arc::new(SystemClock), &NoKeyStore).unwrap());
    let err = Ctx::open_at(
        &other.path(),
        Some(&target),
        Arc::new(SystemClock),
        &NoKeyStore,
    )
    .expect_err("another key");
    assert_eq!(err.code(), "crypto", "{err}");
    assert!(err.to_string().contains("does not match"), "{err}");
}

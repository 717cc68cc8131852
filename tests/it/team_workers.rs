//! Workers on one database (docs/architecture.md, Team mode): heartbeats, a dead worker's deliveries
//! taken over at once, and PostgreSQL's notifications waking workers for new deliveries and hook changes.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hookdesk_core::catalog::{sample, EventType};
use hookdesk_core::store::postgres::listen;
use hookdesk_core::store::workers::{self, NewWorker, DEAD_AFTER_MS};

use crate::support::engine::{hook_input, Eng};

const EVENT: &str = "transaction.sale.success";

#[test]
fn a_silent_worker_is_reaped_and_its_deliveries_are_due_at_once() {
    let e = Eng::new();
    e.hook(hook_input("http://127.0.0.1:9/h", &[EVENT]));
    e.emit(
        EVENT,
        "store-1",
        sample(EventType::parse("type", EVENT).unwrap()),
    );
    let conn = e.ctx.db.conn();
    let t0 = e.now();
    for (id, host) in [("w1", "till-1"), ("w2", "office")] {
        workers::register(
            &conn,
            &NewWorker {
                id,
                host,
                pid: 1,
                kind: "serve",
            },
            t0,
        )
        .unwrap();
    }
    // w1 took the delivery and then went silent.
    conn.execute(
        "UPDATE deliveries SET status = 'delivering', lease_until = ?1, claimed_by = 'w1'",
        hookdesk_core::args![t0 + 600_000],
    )
    .unwrap();
    let later = t0 + DEAD_AFTER_MS + 1;
    assert!(workers::beat(&conn, "w2", later, 3).unwrap());
    assert_eq!(
        workers::reap_dead(&conn, t0 + 1).unwrap(),
        0,
        "nobody is dead yet"
    );
    assert_eq!(workers::reap_dead(&conn, later).unwrap(), 1);
    let alive = workers::alive(&conn, later).unwrap();
    assert_eq!(alive.len(), 1);
    assert_eq!((alive[0].id.as_str(), alive[0].delivered), ("w2", 3));
    let (lease, holder): (Option<i64>, Option<String>) = conn
        .query_row(
            "SELECT lease_until, claimed_by FROM deliveries",
            hookdesk_core::args![],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(lease, Some(later), "due now, not in ten minutes");
    assert_eq!(holder, None);
    // A reaped worker that comes back learns it has to register again.
    assert!(!workers::beat(&conn, "w1", later, 0).unwrap());
    workers::leave(&conn, "w2", later).unwrap();
    assert!(workers::alive(&conn, later).unwrap().is_empty());
}

#[test]
fn notifications_announce_new_deliveries_and_hook_changes() {
    let e = Eng::new();
    let Some(url) = e.ctx.db.database_url().cloned() else {
        eprintln!("PostgreSQL only: notifications");
        return;
    };
    let work = Arc::new(AtomicUsize::new(0));
    let config = Arc::new(AtomicUsize::new(0));
    let _l = listen::listen(&url, {
        let (work, config) = (work.clone(), config.clone());
        move |channel| match channel {
            listen::WORK => {
                work.fetch_add(1, Ordering::SeqCst);
            }
            listen::CONFIG => {
                config.fetch_add(1, Ordering::SeqCst);
            }
            _ => {}
        }
    })
    .unwrap();
    let wait_for = |n: &AtomicUsize, what: &str| {
        let started = Instant::now();
        while n.load(Ordering::SeqCst) == 0 {
            assert!(
                started.elapsed() < Duration::from_secs(2),
                "no {what} notification"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        started.elapsed()
    };
    // The listener's session is open once a first change is seen; give it a moment to start.
    std::thread::sleep(Duration::from_millis(300));
    e.hook(hook_input("http://127.0.0.1:9/h", &[EVENT]));
    let seen = wait_for(&config, "configuration");
    assert!(seen < Duration::from_secs(1), "{seen:?}");
    e.emit(
        EVENT,
        "store-1",
        sample(EventType::parse("type", EVENT).unwrap()),
    );
    let seen = wait_for(&work, "work");
    assert!(seen < Duration::from_secs(1), "{seen:?}");
}

/// `hookdesk key export`: the key another machine of the team needs, for an admin with a fresh code
/// only, every attempt audited.
#[test]
fn the_data_key_is_exported_to_an_admin_with_a_fresh_code_only() {
    use hookdesk_core::auth::Role;
    use hookdesk_core::data::key_export;

    use crate::support::config::{actor, env, with_code};

    let e = env();
    let (admin, code) = with_code(&e.ctx, Role::Admin);
    let support = actor(&e.ctx, Role::Support);
    assert_eq!(
        key_export::export(&e.ctx, &support, Some("123456"))
            .unwrap_err()
            .code(),
        "forbidden"
    );
    let missing = key_export::export(&e.ctx, &admin, None).unwrap_err();
    assert_eq!(missing.field(), Some("code"));
    let key = key_export::export(&e.ctx, &admin, Some(&code)).unwrap();
    assert_eq!(key.expose().len(), 64);
    // The key the data directory keeps (tests run without the OS keychain, so in data.key).
    let file = std::fs::read_to_string(e.dir.path().join("data.key")).unwrap();
    assert_eq!(key.expose(), file.trim());
    // The same code does not work twice.
    let again = key_export::export(&e.ctx, &admin, Some(&code)).unwrap_err();
    assert_eq!(again.field(), Some("code"));
    let actions: Vec<String> = e
        .ctx
        .db
        .conn()
        .query_map(
            "SELECT action FROM audit_log WHERE target = 'data_key' ORDER BY id",
            hookdesk_core::args![],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        actions,
        [
            "data_key.export.refused",
            "data_key.export.refused",
            "data_key.export",
            "data_key.export.refused"
        ]
    );
}

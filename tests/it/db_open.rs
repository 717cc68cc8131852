use hookdesk_core::store::{known_schema_version, Db};
use hookdesk_core::Error;

use crate::support::TestDir;

#[test]
fn open_creates_a_wal_database_with_every_migration_recorded() {
    let t = TestDir::new();
    let db = Db::open_at(&t.path(), t.database().as_ref()).unwrap();
    assert_eq!(db.schema_version().unwrap(), known_schema_version());
    let conn = db.conn();
    let n: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM schema_migrations",
            hookdesk_core::args![],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, known_schema_version());
    if crate::support::sqlite_only("WAL mode and foreign keys of the SQLite file") {
        return;
    }
    assert!(t.path().join("hookdesk.db").exists());
    let mode: String = conn
        .query_row("PRAGMA journal_mode", hookdesk_core::args![], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = conn
        .query_row("PRAGMA foreign_keys", hookdesk_core::args![], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
    let n: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM schema_migrations",
            hookdesk_core::args![],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n as usize, known_schema_version() as usize);
}

#[test]
fn reopening_applies_nothing_twice() {
    let t = TestDir::new();
    drop(Db::open_at(&t.path(), t.database().as_ref()).unwrap());
    let db = Db::open_at(&t.path(), t.database().as_ref()).unwrap();
    assert_eq!(db.schema_version().unwrap(), known_schema_version());
}

#[test]
fn a_database_from_a_newer_schema_is_refused_and_left_untouched() {
    let t = TestDir::new();
    {
        let db = Db::open_at(&t.path(), t.database().as_ref()).unwrap();
        db.conn()
            .execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?1, 'from the future')",
                hookdesk_core::args![known_schema_version() + 5],
            )
            .unwrap();
    }
    let before = std::fs::read(t.path().join("hookdesk.db")).unwrap_or_default();
    let err = Db::open_at(&t.path(), t.database().as_ref()).unwrap_err();
    assert!(matches!(err, Error::SchemaTooNew { .. }), "{err:?}");
    assert_eq!(err.code(), "schema_too_new");
    assert!(err.to_string().contains("newer Hookdesk"));
    let after = std::fs::read(t.path().join("hookdesk.db")).unwrap_or_default();
    assert_eq!(before, after);
}

/// `hookdesk status` names the backend beside the version, data directory and schema version.
#[test]
fn status_names_the_backend_and_the_schema() {
    let t = TestDir::new();
    let out = crate::support::cli::run(&t.path(), None, &["status"], &[]);
    let v = crate::support::cli::ok_json(&out);
    match t.database() {
        None => {
            assert_eq!(v["backend"], "sqlite");
            assert_eq!(
                v["database"],
                t.path().join("hookdesk.db").display().to_string()
            );
        }
        Some(db) => {
            assert_eq!(v["backend"], "postgres");
            assert_eq!(v["database"], db.masked());
        }
    }
    assert_eq!(v["schemaVersion"], known_schema_version());
    assert_eq!(v["dataDir"], t.path().display().to_string());
}

/// A database address is checked before anything opens, and its password is shown nowhere: not in a
/// refusal, not when the server cannot be reached.
#[test]
fn a_database_address_is_checked_and_its_password_never_shown() {
    let t = TestDir::new();
    let bad = crate::support::cli::run(
        &t.path(),
        None,
        &[
            "--database",
            "mysql://shop:canary-db-pw@127.0.0.1/x",
            "status",
        ],
        &[],
    );
    assert_eq!(
        crate::support::cli::error_code(&bad).as_deref(),
        Some("invalid")
    );
    assert_eq!(
        crate::support::cli::error_json(&bad).unwrap()["field"],
        "database"
    );
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    let unreachable = crate::support::cli::run(
        &t.path(),
        None,
        &["status"],
        &[(
            "HOOKDESK_DATABASE_URL",
            "postgres://shop:canary-db-pw@127.0.0.1:1/hookdesk",
        )],
    );
    assert!(!unreachable.status.success());
    assert_eq!(
        crate::support::cli::error_code(&unreachable).as_deref(),
        Some("database")
    );
    for out in [&bad, &unreachable] {
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!all.contains("canary-db-pw"), "{all}");
    }
    // Nothing was created in the data directory's own database file by the refused runs.
    assert!(!t.path().join("hookdesk.db").exists());
}

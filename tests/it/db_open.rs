use hookdesk_core::store::{known_schema_version, Db};
use hookdesk_core::Error;

use crate::support::TestDir;

#[test]
fn open_creates_a_wal_database_with_every_migration_recorded() {
    let t = TestDir::new();
    let db = Db::open(&t.path()).unwrap();
    assert!(t.path().join("hookdesk.db").exists());
    assert_eq!(db.schema_version().unwrap(), known_schema_version());
    let conn = db.conn();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
    let n: i64 = conn
        .query_row("SELECT COUNT(*) FROM schema_migrations", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n as usize, hookdesk_core::store::MIGRATIONS.len());
}

#[test]
fn reopening_applies_nothing_twice() {
    let t = TestDir::new();
    drop(Db::open(&t.path()).unwrap());
    let db = Db::open(&t.path()).unwrap();
    assert_eq!(db.schema_version().unwrap(), known_schema_version());
}

#[test]
fn a_database_from_a_newer_schema_is_refused_and_left_untouched() {
    let t = TestDir::new();
    {
        let db = Db::open(&t.path()).unwrap();
        db.conn()
            .execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?1, 'from the future')",
                [known_schema_version() + 5],
            )
            .unwrap();
    }
    let before = std::fs::read(t.path().join("hookdesk.db")).unwrap();
    let err = Db::open(&t.path()).unwrap_err();
    assert!(matches!(err, Error::SchemaTooNew { .. }), "{err:?}");
    assert_eq!(err.code(), "schema_too_new");
    assert!(err.to_string().contains("newer Hookdesk"));
    let after = std::fs::read(t.path().join("hookdesk.db")).unwrap();
    assert_eq!(before, after);
}

/// `hookdesk status` names the backend beside the version, data directory and schema version.
#[test]
fn status_names_the_backend_and_the_schema() {
    let t = TestDir::new();
    let out = crate::support::cli::run(&t.path(), None, &["status"], &[]);
    let v = crate::support::cli::ok_json(&out);
    assert_eq!(v["backend"], "sqlite");
    assert_eq!(v["schemaVersion"], known_schema_version());
    assert_eq!(v["dataDir"], t.path().display().to_string());
}

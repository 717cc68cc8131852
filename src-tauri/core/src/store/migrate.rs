use rusqlite::{params, Connection, OptionalExtension};

use crate::{Error, Result};

/// Applied in order; each is recorded in `schema_migrations`. Never edit one that has shipped: add another.
/// Versions need not be contiguous: each is applied when its own row is missing, so a lower number that
/// arrives after a higher one (from another line of work) still runs.
pub const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../../migrations/0001_init.sql")),
    (2, "auth", include_str!("../../migrations/0002_auth.sql")),
    (
        3,
        "config",
        include_str!("../../migrations/0003_config.sql"),
    ),
    (
        4,
        "delivery",
        include_str!("../../migrations/0004_delivery.sql"),
    ),
    (
        5,
        "secret_rollover",
        include_str!("../../migrations/0005_secret_rollover.sql"),
    ),
    (
        6,
        "accounts",
        include_str!("../../migrations/0006_accounts.sql"),
    ),
    (
        7,
        "lean_deliveries",
        include_str!("../../migrations/0007_lean_deliveries.sql"),
    ),
    (
        8,
        "ingest_token_labels",
        include_str!("../../migrations/0008_ingest_token_labels.sql"),
    ),
];

pub fn known_schema_version() -> i64 {
    MIGRATIONS.iter().map(|m| m.0).max().unwrap_or(0)
}

pub fn current_version(conn: &Connection) -> Result<i64> {
    let v: Option<i64> = conn
        .query_row("SELECT MAX(version) FROM schema_migrations", [], |r| {
            r.get(0)
        })
        .optional()?
        .flatten();
    Ok(v.unwrap_or(0))
}

pub fn apply(conn: &mut Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
        );",
    )?;
    let found = current_version(conn)?;
    let known = known_schema_version();
    if found > known {
        return Err(Error::SchemaTooNew { found, known });
    }
    let applied: Vec<i64> = {
        let mut stmt = conn.prepare("SELECT version FROM schema_migrations")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (version, name, sql) in MIGRATIONS.iter().filter(|m| !applied.contains(&m.0)) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)",
            params![version, name],
        )?;
        tx.commit()?;
    }
    Ok(())
}

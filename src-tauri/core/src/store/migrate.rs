//! Schema migrations. Each backend has its own text for every version, with the same numbers, so a
//! version means the same schema on both (docs/architecture.md, Storage).

use super::{Backend, Conn};
use crate::{args, Error, Result};

type Migration = (i64, &'static str, &'static str);

/// Applied in order; each is recorded in `schema_migrations`. Never edit one that has shipped: add another.
/// Versions need not be contiguous: each is applied when its own row is missing, so a lower number that
/// arrives after a higher one (from another line of work) still runs.
const SQLITE: &[Migration] = &[
    (1, "init", include_str!("sqlite/migrations/0001_init.sql")),
    (2, "auth", include_str!("sqlite/migrations/0002_auth.sql")),
    (
        3,
        "config",
        include_str!("sqlite/migrations/0003_config.sql"),
    ),
    (
        4,
        "delivery",
        include_str!("sqlite/migrations/0004_delivery.sql"),
    ),
    (
        5,
        "secret_rollover",
        include_str!("sqlite/migrations/0005_secret_rollover.sql"),
    ),
    (
        6,
        "accounts",
        include_str!("sqlite/migrations/0006_accounts.sql"),
    ),
    (
        7,
        "lean_deliveries",
        include_str!("sqlite/migrations/0007_lean_deliveries.sql"),
    ),
    (
        8,
        "ingest_token_labels",
        include_str!("sqlite/migrations/0008_ingest_token_labels.sql"),
    ),
    (
        9,
        "workers",
        include_str!("sqlite/migrations/0009_workers.sql"),
    ),
];

const POSTGRES: &[Migration] = &[
    (1, "init", include_str!("postgres/migrations/0001_init.sql")),
    (2, "auth", include_str!("postgres/migrations/0002_auth.sql")),
    (
        3,
        "config",
        include_str!("postgres/migrations/0003_config.sql"),
    ),
    (
        4,
        "delivery",
        include_str!("postgres/migrations/0004_delivery.sql"),
    ),
    (
        5,
        "secret_rollover",
        include_str!("postgres/migrations/0005_secret_rollover.sql"),
    ),
    (
        6,
        "accounts",
        include_str!("postgres/migrations/0006_accounts.sql"),
    ),
    (
        7,
        "lean_deliveries",
        include_str!("postgres/migrations/0007_lean_deliveries.sql"),
    ),
    (
        8,
        "ingest_token_labels",
        include_str!("postgres/migrations/0008_ingest_token_labels.sql"),
    ),
    (
        9,
        "workers",
        include_str!("postgres/migrations/0009_workers.sql"),
    ),
];

fn migrations(backend: Backend) -> &'static [Migration] {
    match backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    }
}

pub fn known_schema_version() -> i64 {
    SQLITE.iter().map(|m| m.0).max().unwrap_or(0)
}

pub fn current_version(conn: &Conn) -> Result<i64> {
    let v: Option<i64> =
        conn.query_row("SELECT MAX(version) FROM schema_migrations", args![], |r| {
            r.get(0)
        })?;
    Ok(v.unwrap_or(0))
}

pub fn apply(conn: &Conn) -> Result<()> {
    conn.execute_batch(conn.pick(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
        );",
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at TEXT NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')
        );",
    ))?;
    let tx = conn.transaction()?;
    if conn.backend() == Backend::Postgres {
        // Several machines may start at once on a new database: one migrates, the others wait for it.
        tx.execute_batch("SELECT pg_advisory_xact_lock(7158252)")?;
    }
    let found = current_version(&tx)?;
    let known = known_schema_version();
    if found > known {
        return Err(Error::SchemaTooNew { found, known });
    }
    let applied: Vec<i64> =
        tx.query_map("SELECT version FROM schema_migrations", args![], |r| {
            r.get(0)
        })?;
    for (version, name, sql) in migrations(conn.backend())
        .iter()
        .filter(|m| !applied.contains(&m.0))
    {
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)",
            args![version, name],
        )?;
    }
    tx.commit()
}

//! Copying a whole installation from one database into another (`hookdesk migrate --to`, README,
//! PostgreSQL): every table, row for row, ids kept, in one transaction on the target. Values are copied
//! as stored, so sealed secrets stay sealed under the same data key.

use super::{Backend, Conn, Db, Value};
use crate::{args, Error, Result};

/// Tables in an order that satisfies their foreign keys. Sign-in sessions and the engine lease are not
/// data to keep (as with a restored backup); the schema's own bookkeeping is written by its migrations.
const TABLES: &[&str] = &[
    "app_settings",
    "users",
    "recovery_codes",
    "audit_log",
    "stores",
    "hooks",
    "hook_events",
    "hook_stores",
    "order_webhooks",
    "ingest_tokens",
    "pos_status",
    "events",
    "deliveries",
    "attempts",
];

/// Rows read and written at a time, so a large delivery log never sits in memory whole.
const CHUNK: i64 = 2_000;

/// How many rows each table received.
pub type Copied = Vec<(String, u64)>;

/// True when `db` holds no installation yet: no user, store, hook or event (an empty schema is fine).
pub fn is_empty(db: &Db) -> Result<bool> {
    let conn = db.read();
    for table in ["users", "stores", "hooks", "events", "app_settings"] {
        let n: i64 = conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), args![], |r| {
            r.get(0)
        })?;
        if n > 0 {
            return Ok(false);
        }
    }
    Ok(true)
}

fn columns(conn: &Conn, table: &str) -> Result<Vec<String>> {
    conn.query_map(
        "SELECT name FROM pragma_table_info(?1) ORDER BY cid",
        args![table],
        |r| r.get(0),
    )
}

/// Copies every table of `from` (SQLite) into `to`, which must be empty. All or nothing.
pub fn copy_all(from: &Db, to: &Db) -> Result<Copied> {
    if from.backend() != Backend::Sqlite {
        return Err(Error::invalid(
            "database",
            "the data to move must be the SQLite file of a data directory",
        ));
    }
    let src = from.connect()?;
    let dst = to.conn();
    let snapshot = src.transaction_deferred()?;
    let tx = dst.transaction()?;
    let mut copied = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let cols = columns(&snapshot, table)?;
        let list = cols.join(", ");
        let marks = (1..=cols.len())
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let insert = format!("INSERT INTO {table} ({list}) VALUES ({marks})");
        let mut n = 0u64;
        let mut after = i64::MIN;
        loop {
            // SQLite's rowid keeps each table's own order (hook_events and hook_stores are read back
            // in it), and pages the copy.
            let rows: Vec<(i64, Vec<Value>)> = snapshot.query_map(
                &format!(
                    "SELECT rowid, {list} FROM {table} WHERE rowid > ?1 ORDER BY rowid LIMIT ?2"
                ),
                args![after, CHUNK],
                |r| {
                    let values = (1..=cols.len())
                        .map(|i| r.get::<_, Value>(i))
                        .collect::<Result<Vec<_>>>()?;
                    Ok((r.get(0)?, values))
                },
            )?;
            let Some((last, _)) = rows.last() else { break };
            after = *last;
            for (_, values) in &rows {
                tx.execute(&insert, values)?;
                n += 1;
            }
        }
        copied.push((table.to_string(), n));
    }
    if to.backend() == Backend::Postgres {
        // Rows came with their ids; new rows continue after the highest.
        let numbered: Vec<String> = tx.query_map(
            "SELECT table_name FROM information_schema.columns
             WHERE table_schema = current_schema() AND column_name = 'id' AND is_identity = 'YES'",
            args![],
            |r| r.get(0),
        )?;
        for table in numbered.iter().filter(|t| TABLES.contains(&t.as_str())) {
            tx.execute_batch(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            ))?;
        }
    }
    tx.commit()?;
    drop(snapshot);
    Ok(copied)
}

/// True while an engine (the app or `serve`) holds the data directory's delivery lease.
pub fn engine_running(db: &Db, now_ms: i64) -> Result<bool> {
    Ok(db
        .read()
        .query_opt(
            "SELECT 1 FROM engine_lease WHERE expires_at > ?1",
            args![now_ms],
            |_| Ok(()),
        )?
        .is_some())
}

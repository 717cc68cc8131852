//! Retention: the setting, and pruning finished work in small batches (README, Retention). Ids grow with
//! time in `events` and `deliveries`, so each pass first finds, by binary search on the id, the last row
//! created before the cutoff; every scan after that stays within the old rows, however large the tables.

use crate::args;
use crate::store::{Conn, OptionalExt};
use serde::Serialize;

use crate::Result;

const SETTING: &str = "retention_days";
pub const DEFAULT_DAYS: i64 = 30;
pub const MAX_DAYS: i64 = 3650;

/// The retention period in days (admin setting, default 30).
pub fn days(conn: &Conn) -> Result<i64> {
    let v: Option<String> = conn
        .query_row(
            "SELECT value FROM app_settings WHERE key = ?1",
            args![SETTING],
            |r| r.get(0),
        )
        .optional()?;
    Ok(v.and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|d| (1..=MAX_DAYS).contains(d))
        .unwrap_or(DEFAULT_DAYS))
}

pub fn set_days(conn: &Conn, days: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO app_settings (key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        args![SETTING, days.to_string()],
    )?;
    Ok(())
}

/// What one pruning batch removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pruned {
    pub deliveries: usize,
    pub attempts: usize,
    pub events: usize,
}

impl Pruned {
    pub fn add(&mut self, o: Pruned) {
        self.deliveries += o.deliveries;
        self.attempts += o.attempts;
        self.events += o.events;
    }

    pub fn is_empty(&self) -> bool {
        self.deliveries + self.attempts + self.events == 0
    }
}

/// The tables whose ids grow with `created_at`.
#[derive(Debug, Clone, Copy)]
enum Table {
    Events,
    Deliveries,
}

/// The largest id whose row was created before `cutoff`, or 0. Rows are appended in time order, so
/// `created_at` grows with the id (a clock step back can only make this keep a few rows longer).
fn last_id_before(conn: &Conn, table: Table, cutoff: i64) -> Result<i64> {
    let (max_sql, at_sql) = match table {
        Table::Events => (
            "SELECT COALESCE(MAX(id), 0) FROM events",
            "SELECT id, created_at FROM events WHERE id >= ?1 ORDER BY id LIMIT 1",
        ),
        Table::Deliveries => (
            "SELECT COALESCE(MAX(id), 0) FROM deliveries",
            "SELECT id, created_at FROM deliveries WHERE id >= ?1 ORDER BY id LIMIT 1",
        ),
    };
    let (mut lo, mut hi): (i64, i64) = (0, conn.query_row(max_sql, args![], |r| r.get(0))?);
    let mut at = conn.prepare_cached(at_sql)?;
    // Invariant: every row with id <= lo is old; the row found at or after hi + 1 is not (or none).
    while lo < hi {
        let mid = lo + (hi - lo + 1) / 2;
        let row: Option<(i64, i64)> = at
            .query_row(args![mid], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match row {
            Some((id, created)) if created < cutoff => lo = id.max(mid),
            _ => hi = mid - 1,
        }
    }
    Ok(lo)
}

/// Deletes up to `batch` finished deliveries (succeeded or dead, last changed before `cutoff`) with
/// their attempts, then up to `batch` events created before `cutoff` that no delivery refers to any
/// more. Pending, delivering and retrying deliveries are never touched. One transaction.
pub fn prune_batch(conn: &Conn, cutoff: i64, batch: usize) -> Result<Pruned> {
    let tx = conn.transaction_deferred()?;
    let mut out = Pruned::default();
    let hi = last_id_before(&tx, Table::Deliveries, cutoff)?;
    let ids: Vec<i64> = tx
        .prepare_cached(
            "SELECT id FROM deliveries
             WHERE id <= ?1 AND status IN ('succeeded', 'dead') AND updated_at < ?2
             ORDER BY id LIMIT ?3",
        )?
        .query_map(args![hi, cutoff, batch as i64], |r| r.get(0))?
        .collect::<Result<_>>()?;
    {
        let mut attempts = tx.prepare_cached("DELETE FROM attempts WHERE delivery_id = ?1")?;
        let mut delivery = tx.prepare_cached("DELETE FROM deliveries WHERE id = ?1")?;
        for id in &ids {
            out.attempts += attempts.execute(args![id])?;
            out.deliveries += delivery.execute(args![id])?;
        }
    }
    let ehi = last_id_before(&tx, Table::Events, cutoff)?;
    out.events = tx
        .prepare_cached(
            "DELETE FROM events WHERE id IN (
                 SELECT e.id FROM events e
                 WHERE e.id <= ?1 AND e.created_at < ?2
                   AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_row = e.id)
                 ORDER BY e.id LIMIT ?3)",
        )?
        .execute(args![ehi, cutoff, batch as i64])?;
    tx.commit()?;
    Ok(out)
}

/// The database's size on disk and how much of it is free pages waiting for reuse, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct DbSize {
    pub bytes: i64,
    pub free_bytes: i64,
    /// The write-ahead log beside it.
    pub wal_bytes: i64,
}

pub fn size(db: &super::Db) -> Result<DbSize> {
    let conn = db.read();
    if conn.backend() == super::Backend::Postgres {
        // PostgreSQL reuses and returns space itself (autovacuum); its log is the server's concern.
        let bytes: i64 = conn.query_row(
            "SELECT pg_database_size(current_database())::BIGINT",
            args![],
            |r| r.get(0),
        )?;
        return Ok(DbSize {
            bytes,
            free_bytes: 0,
            wal_bytes: 0,
        });
    }
    let wal_bytes = db
        .path()
        .map(|p| {
            let mut wal = p.as_os_str().to_owned();
            wal.push("-wal");
            std::fs::metadata(std::path::PathBuf::from(wal))
                .map(|m| m.len() as i64)
                .unwrap_or(0)
        })
        .unwrap_or(0);
    let page: i64 = conn.query_row("PRAGMA page_size", args![], |r| r.get(0))?;
    let pages: i64 = conn.query_row("PRAGMA page_count", args![], |r| r.get(0))?;
    let free: i64 = conn.query_row("PRAGMA freelist_count", args![], |r| r.get(0))?;
    Ok(DbSize {
        bytes: page * pages,
        free_bytes: page * free,
        wal_bytes,
    })
}

/// Hands free pages back to the file system where the database allows it (files created with
/// `auto_vacuum=INCREMENTAL`); elsewhere free pages stay in the file and are reused by later writes.
/// Returns whether the file could shrink.
pub fn give_back_free_pages(conn: &Conn) -> Result<bool> {
    if conn.backend() == super::Backend::Postgres {
        return Ok(false);
    }
    let mode: i64 = conn.query_row("PRAGMA auto_vacuum", args![], |r| r.get(0))?;
    if mode != 2 {
        return Ok(false);
    }
    conn.execute_batch("PRAGMA incremental_vacuum")?;
    Ok(true)
}

//! Delivery workers and their heartbeats (docs/architecture.md, Team mode). Every engine registers
//! itself, beats while it runs and leaves when it stops. A worker whose beat is older than
//! [`DEAD_AFTER_MS`] is dead: any worker may then reap it, which makes its in-flight deliveries due at
//! once, so they are sent again (at least once, with the same event id) by whoever claims them next.

use super::Conn;
use crate::{args, Result};

/// How long a worker may stay silent before the others take over its deliveries.
pub const DEAD_AFTER_MS: i64 = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct WorkerRow {
    pub id: String,
    pub host: String,
    pub pid: i64,
    /// "serve" or "app".
    pub kind: String,
    pub started_at: i64,
    pub heartbeat_at: i64,
    /// Deliveries this worker finished since it started.
    pub delivered: i64,
}

pub struct NewWorker<'a> {
    pub id: &'a str,
    pub host: &'a str,
    pub pid: i64,
    pub kind: &'a str,
}

pub fn register(conn: &Conn, w: &NewWorker<'_>, now_ms: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO workers (id, host, pid, kind, started_at, heartbeat_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)
         ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at",
        args![w.id, w.host, w.pid, w.kind, now_ms],
    )?;
    Ok(())
}

/// Renews the worker's beat; false when it is gone (reaped by another worker after a long pause), so
/// the caller registers again.
pub fn beat(conn: &Conn, id: &str, now_ms: i64, delivered: i64) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE workers SET heartbeat_at = ?2, delivered = ?3 WHERE id = ?1",
        args![id, now_ms, delivered],
    )? == 1)
}

/// Removes the worker and hands back whatever it still holds.
pub fn leave(conn: &Conn, id: &str, now_ms: i64) -> Result<()> {
    let tx = conn.transaction()?;
    release_claims_of(&tx, id, now_ms)?;
    tx.execute("DELETE FROM workers WHERE id = ?1", args![id])?;
    tx.commit()
}

fn release_claims_of(conn: &Conn, id: &str, now_ms: i64) -> Result<usize> {
    conn.execute(
        "UPDATE deliveries SET lease_until = ?2, claimed_by = NULL
         WHERE status = 'delivering' AND claimed_by = ?1",
        args![id, now_ms],
    )
}

/// Reaps every worker silent for longer than [`DEAD_AFTER_MS`]: their deliveries become due now.
/// Answers the deliveries taken over.
pub fn reap_dead(conn: &Conn, now_ms: i64) -> Result<usize> {
    let tx = conn.transaction()?;
    let dead: Vec<String> = tx.query_map(
        "SELECT id FROM workers WHERE heartbeat_at < ?1",
        args![now_ms - DEAD_AFTER_MS],
        |r| r.get(0),
    )?;
    let mut taken = 0;
    for id in &dead {
        taken += release_claims_of(&tx, id, now_ms)?;
        tx.execute("DELETE FROM workers WHERE id = ?1", args![id])?;
    }
    tx.commit()?;
    if !dead.is_empty() {
        tracing::warn!(
            workers = dead.len(),
            deliveries = taken,
            "took over the deliveries of workers that stopped beating"
        );
    }
    Ok(taken)
}

/// Workers that beat within [`DEAD_AFTER_MS`], oldest first.
pub fn alive(conn: &Conn, now_ms: i64) -> Result<Vec<WorkerRow>> {
    conn.query_map(
        "SELECT id, host, pid, kind, started_at, heartbeat_at, delivered FROM workers
         WHERE heartbeat_at >= ?1 ORDER BY started_at, id",
        args![now_ms - DEAD_AFTER_MS],
        |r| {
            Ok(WorkerRow {
                id: r.get(0)?,
                host: r.get(1)?,
                pid: r.get(2)?,
                kind: r.get(3)?,
                started_at: r.get(4)?,
                heartbeat_at: r.get(5)?,
                delivered: r.get(6)?,
            })
        },
    )
}

//! The `engine_lease` table (docs/architecture.md, Leases): the one row naming the engine that delivers
//! from this data directory, until when, and from which process. When it may be taken over is the
//! engine's rule (`delivery/engine/lease.rs`).

use crate::args;
use crate::store::Conn;
use crate::Result;

/// Who holds the lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub owner: String,
    pub pid: i64,
    pub expires_at: i64,
}

pub fn holder(conn: &Conn) -> Result<Option<Holder>> {
    conn.query_opt(
        "SELECT owner, pid, expires_at FROM engine_lease WHERE id = 1",
        args![],
        |r| {
            Ok(Holder {
                owner: r.get(0)?,
                pid: r.get(1)?,
                expires_at: r.get(2)?,
            })
        },
    )
}

/// Takes or renews the lease for `owner` until `expires_at`, provided it is free, `owner`'s own, or
/// still held by `seen` (the holder the caller judged lapsed). True when it is `owner`'s now.
pub fn take(conn: &Conn, owner: &str, pid: i64, expires_at: i64, seen: &str) -> Result<bool> {
    let changed = conn.execute(
        "INSERT INTO engine_lease (id, owner, pid, expires_at) VALUES (1, ?1, ?2, ?3)
             ON CONFLICT(id) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, expires_at = excluded.expires_at
             WHERE engine_lease.owner = ?1 OR engine_lease.owner = ?4",
        args![owner, pid, expires_at, seen],
    )?;
    Ok(changed == 1)
}

/// Gives the lease up, if `owner` still holds it.
pub fn release(conn: &Conn, owner: &str) -> Result<()> {
    conn.execute(
        "DELETE FROM engine_lease WHERE id = 1 AND owner = ?1",
        args![owner],
    )?;
    Ok(())
}

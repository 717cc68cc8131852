//! One engine per data directory: a lease row renewed by a heartbeat. A lapsed lease, or one whose holder
//! process is gone from this machine, may be taken over.

use crate::args;

use crate::{Ctx, Result};

pub const LEASE_TTL_MS: i64 = 15_000;
pub const HEARTBEAT_MS: i64 = 5_000;

#[derive(Debug, Clone)]
pub struct EngineLease {
    pub owner: String,
}

impl EngineLease {
    pub fn new() -> Self {
        EngineLease {
            owner: format!(
                "{}-{}",
                std::process::id(),
                crate::delivery::wire::render::new_event_id()
            ),
        }
    }

    /// Takes or renews the lease. Returns false while another live engine holds it.
    pub fn try_acquire(&self, ctx: &Ctx, now: i64) -> Result<bool> {
        // A heartbeat lost in a power cut is renewed by the next one.
        let conn = ctx.db.conn_relaxed();
        let holder: Option<(String, i64, i64)> = conn
            .query_row(
                "SELECT owner, pid, expires_at FROM engine_lease WHERE id = 1",
                args![],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .ok();
        let free = match &holder {
            None => true,
            Some((owner, _, _)) if owner == &self.owner => true,
            Some((_, _, expires)) if *expires <= now => true,
            Some((_, pid, _)) => !process_alive(*pid),
        };
        if !free {
            return Ok(false);
        }
        let changed = conn.execute(
            "INSERT INTO engine_lease (id, owner, pid, expires_at) VALUES (1, ?1, ?2, ?3)
             ON CONFLICT(id) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, expires_at = excluded.expires_at
             WHERE engine_lease.owner = ?1 OR engine_lease.owner = ?4",
            args![
                self.owner,
                std::process::id() as i64,
                now + LEASE_TTL_MS,
                holder.as_ref().map(|h| h.0.clone()).unwrap_or_default()
            ],
        )?;
        Ok(changed == 1)
    }

    pub fn release(&self, ctx: &Ctx) -> Result<()> {
        ctx.db.conn().execute(
            "DELETE FROM engine_lease WHERE id = 1 AND owner = ?1",
            args![&self.owner],
        )?;
        Ok(())
    }
}

impl Default for EngineLease {
    fn default() -> Self {
        Self::new()
    }
}

/// Only meaningful on this machine; elsewhere a holder counts as alive until its lease lapses.
fn process_alive(pid: i64) -> bool {
    if cfg!(target_os = "linux") {
        pid == std::process::id() as i64 || std::path::Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true
    }
}

//! One engine per data directory: a lease row renewed by a heartbeat. A lapsed lease, or one whose holder
//! process is gone from this machine, may be taken over. The row is in `store/engine_lease.rs`.

use crate::store::engine_lease;
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
        // A holder that cannot be read counts as none: the write below still takes only a lease that is
        // free, this engine's own, or the one seen here.
        let holder = engine_lease::holder(&conn).ok().flatten();
        let free = match &holder {
            None => true,
            Some(h) if h.owner == self.owner => true,
            Some(h) if h.expires_at <= now => true,
            Some(h) => !process_alive(h.pid),
        };
        if !free {
            return Ok(false);
        }
        engine_lease::take(
            &conn,
            &self.owner,
            std::process::id() as i64,
            now + LEASE_TTL_MS,
            holder
                .as_ref()
                .map(|h| h.owner.as_str())
                .unwrap_or_default(),
        )
    }

    pub fn release(&self, ctx: &Ctx) -> Result<()> {
        engine_lease::release(&ctx.db.conn(), &self.owner)
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

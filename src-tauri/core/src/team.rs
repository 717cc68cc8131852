//! This process as a delivery worker of a team (docs/architecture.md, Team mode): its identity, its
//! heartbeat, taking over from workers that stopped beating, and on PostgreSQL the notifications that
//! wake it. On SQLite the same bookkeeping runs for the one engine the data directory allows, so the
//! window shows one live worker there too.

use std::sync::atomic::{AtomicI64, Ordering};

use crate::store::workers::{self, NewWorker};
use crate::store::WorkListener;
use crate::{Ctx, Result};

/// How often a worker beats; a worker silent for [`workers::DEAD_AFTER_MS`] is taken over.
pub const BEAT_MS: i64 = 2_000;

/// What kind of process delivers: the desktop app or `hookdesk serve`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerKind {
    App,
    Serve,
}

impl WorkerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkerKind::App => "app",
            WorkerKind::Serve => "serve",
        }
    }
}

/// This machine's name, as the dashboard lists the workers.
pub fn host_name() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "this machine".into())
}

/// This process's membership in the team while it delivers.
pub struct Worker {
    id: String,
    kind: WorkerKind,
    delivered: AtomicI64,
    last_beat: AtomicI64,
    _listener: Option<WorkListener>,
}

impl Worker {
    /// Registers this process, takes over from workers that stopped beating, and on PostgreSQL starts
    /// listening, calling `wake` whenever new deliveries were committed anywhere.
    pub fn join(
        ctx: &Ctx,
        kind: WorkerKind,
        wake: impl Fn() + Send + Sync + 'static,
    ) -> Result<Worker> {
        let id = format!(
            "{}-{}-{}",
            host_name(),
            std::process::id(),
            &crate::delivery::wire::render::new_event_id()[..8]
        );
        let now = ctx.now_ms();
        let host = host_name();
        let conn = ctx.db.conn();
        workers::register(
            &conn,
            &NewWorker {
                id: &id,
                host: &host,
                pid: i64::from(std::process::id()),
                kind: kind.as_str(),
            },
            now,
        )?;
        workers::reap_dead(&conn, now)?;
        drop(conn);
        let listener = ctx.db.on_new_work(wake)?;
        tracing::info!(worker = %id, "delivery worker joined");
        Ok(Worker {
            id,
            kind,
            delivered: AtomicI64::new(0),
            last_beat: AtomicI64::new(now),
            _listener: listener,
        })
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Counts finished deliveries for the dashboard's throughput.
    pub fn delivered(&self, n: i64) {
        self.delivered.fetch_add(n, Ordering::Relaxed);
    }

    /// Beats when one is due and takes over from silent workers. A beat that finds this worker reaped
    /// (after a long pause) registers it again.
    pub fn tick(&self, ctx: &Ctx, now: i64) -> Result<()> {
        if now - self.last_beat.load(Ordering::Relaxed) < BEAT_MS {
            return Ok(());
        }
        let conn = ctx.db.conn_relaxed();
        let delivered = self.delivered.load(Ordering::Relaxed);
        if !workers::beat(&conn, &self.id, now, delivered)? {
            let host = host_name();
            workers::register(
                &conn,
                &NewWorker {
                    id: &self.id,
                    host: &host,
                    pid: i64::from(std::process::id()),
                    kind: self.kind.as_str(),
                },
                now,
            )?;
        }
        workers::reap_dead(&conn, now)?;
        self.last_beat.store(now, Ordering::Relaxed);
        Ok(())
    }

    /// Leaves the team, handing back whatever this worker still holds.
    pub fn leave(&self, ctx: &Ctx) -> Result<()> {
        workers::leave(&ctx.db.conn(), &self.id, ctx.now_ms())
    }
}

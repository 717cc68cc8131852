//! The engine loop: hold the data directory's lease, dispatch what is due, sleep until the next due time
//! or until woken by new work, and on shutdown stop claiming and let in-flight attempts finish.

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinSet;

use super::claim::{next_due_at, release_all_leases};
use super::lease::{EngineLease, HEARTBEAT_MS};
use super::record::Next;
use super::Engine;
use crate::store::Backend;
use crate::team::{Worker, WorkerKind};
use crate::Result;

/// How long shutdown waits for in-flight attempts; what is still running after that is retried later.
pub const DRAIN_MS: u64 = 20_000;
const IDLE_POLL_MS: i64 = 1_000;
/// How often the engine prunes finished work older than the retention period (README, Retention).
const PRUNE_EVERY_MS: i64 = 60_000;
/// Batches per pruning pass: at most 10,000 deliveries a minute, so a first pass over a large old
/// backlog spreads over many minutes instead of holding the writer.
const PRUNE_BATCHES: usize = 20;

/// One pruning pass on the blocking pool, unless the previous one is still running.
fn prune_pass(ctx: &std::sync::Arc<crate::Ctx>, running: &mut Option<tokio::task::JoinHandle<()>>) {
    if running.as_ref().is_some_and(|h| !h.is_finished()) {
        return;
    }
    let ctx = ctx.clone();
    *running = Some(tokio::task::spawn_blocking(move || {
        let pass = crate::data::retention::cutoff(&ctx, ctx.now_ms())
            .and_then(|cutoff| crate::data::retention::prune(&ctx, cutoff, PRUNE_BATCHES));
        match pass {
            Ok(p) if !p.is_empty() => tracing::info!(
                deliveries = p.deliveries,
                attempts = p.attempts,
                events = p.events,
                "pruned finished work past the retention period"
            ),
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "pruning failed; it is tried again later");
                ctx.storage.failed(&e);
            }
        }
    }));
}

pub async fn run(
    engine: Engine,
    kind: WorkerKind,
    mut shutdown: watch::Receiver<bool>,
) -> Result<()> {
    let ctx = engine.ctx().clone();
    // On a shared PostgreSQL database every worker delivers (README, Team mode); on SQLite one engine
    // per data directory does, under the lease.
    let team = ctx.db.backend() == Backend::Postgres;
    let lease = EngineLease::new();
    // Wait for the lease: another engine (the app or `hookdesk serve`) may be delivering from this data dir.
    if !team {
        loop {
            if *shutdown.borrow() {
                return Ok(());
            }
            if lease.try_acquire(&ctx, ctx.now_ms())? {
                break;
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(HEARTBEAT_MS as u64)) => {}
                _ = shutdown.changed() => {}
            }
        }
        release_all_leases(&ctx, ctx.now_ms())?;
    }
    let worker = {
        let engine = engine.clone();
        Worker::join(&ctx, kind, move || engine.wake())?
    };
    engine.set_worker(worker.id());
    let _checkpoints = ctx.db.start_checkpoints()?;
    tracing::info!("delivery engine started");
    let mut tasks: JoinSet<Next> = JoinSet::new();
    let mut last_beat = ctx.now_ms();
    // The first pass soon after start; then once a minute.
    let mut last_prune = last_beat - PRUNE_EVERY_MS + 5_000;
    let mut pruning = None;
    loop {
        if *shutdown.borrow() {
            break;
        }
        let now = ctx.now_ms();
        if let Err(e) = worker.tick(&ctx, now) {
            tracing::warn!(error = %e, "the worker heartbeat failed; it is tried again");
        }
        if !team && now - last_beat >= HEARTBEAT_MS {
            // A heartbeat that cannot be written (a full disk) is tried again on the next pass: the
            // engine keeps delivering what it can and resumes recording once there is space.
            let beat = lease.try_acquire(&ctx, now);
            ctx.storage.note(&beat);
            match beat {
                Ok(true) => last_beat = now,
                Ok(false) => {
                    tracing::warn!("another engine took over this data directory; stopping");
                    break;
                }
                Err(e) => tracing::error!(error = %e, "renewing the engine lease failed"),
            }
        }
        if now - last_prune >= PRUNE_EVERY_MS {
            prune_pass(&ctx, &mut pruning);
            last_prune = now;
        }
        let mut claimed = 0;
        match engine.dispatch(now) {
            Ok(handles) => {
                claimed = handles.len();
                for h in handles {
                    tasks.spawn(async move { h.await.unwrap_or(Next::Dead) });
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "claiming deliveries failed");
                ctx.storage.failed(&e);
            }
        }
        while let Some(done) = tasks.try_join_next() {
            if matches!(done, Ok(Next::Succeeded)) {
                worker.delivered(1);
            }
        }
        // Due work that could not be claimed is waiting on a busy destination or an earlier delivery of
        // the same order; a finishing attempt wakes the loop, so there is no need to spin on it.
        let wait = if claimed > 0 {
            0
        } else {
            match next_due_at(&ctx) {
                Ok(Some(at)) if at > now => (at - now).min(IDLE_POLL_MS),
                _ => IDLE_POLL_MS,
            }
        };
        if wait == 0 {
            tokio::task::yield_now().await;
            continue;
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(wait as u64)) => {}
            _ = engine.woken() => {}
            _ = shutdown.changed() => {}
        }
    }
    let drain = tokio::time::timeout(Duration::from_millis(DRAIN_MS), async {
        while tasks.join_next().await.is_some() {}
    });
    let _ = drain.await;
    if let Some(p) = pruning {
        let _ = p.await;
    }
    if let Err(e) = worker.leave(&ctx) {
        tracing::warn!(error = %e, "leaving the team failed; the others take over once it lapses");
    }
    if !team {
        lease.release(&ctx)?;
    }
    tracing::info!("delivery engine stopped");
    Ok(())
}

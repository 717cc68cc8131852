//! The delivery engine. `deliver_due(now)` is one deterministic step that tests call until the queue is
//! drained; [`super::run`] is the thin loop around `dispatch` that the app and `hookdesk serve` run.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::Rng;
use tokio::sync::{Notify, Semaphore};
use tokio::task::JoinHandle;

use super::batcher::Batcher;
use super::claim::{claim_due, Claimed};
use super::prepare::prepare;
use super::record::{decide, record_batch, Finished, Next};
use crate::config::snapshot::Snapshot;
use crate::delivery::transport::http::{HttpClient, Outgoing};
use crate::delivery::transport::outcome::AttemptOutcome;
use crate::{Ctx, Result};

#[derive(Debug, Clone)]
pub struct Limits {
    /// Deliveries claimed per step.
    pub batch: usize,
    /// In-flight requests per destination, so one slow receiver cannot take every slot.
    pub per_dest: usize,
    /// In-flight requests in all.
    pub global: usize,
    /// How long a claim lasts before another engine may take the delivery over.
    pub lease_ms: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            batch: 256,
            per_dest: 20,
            global: 256,
            lease_ms: 90_000,
        }
    }
}

/// How long an attempt waits for an unreachable database before leaving its claim to lapse: 120 tries
/// half a second apart, a minute in all.
const STORAGE_RETRIES: usize = 120;
const STORAGE_RETRY_MS: u64 = 500;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct StepReport {
    pub claimed: usize,
    pub succeeded: usize,
    pub retrying: usize,
    pub dead: usize,
}

struct Shared {
    ctx: Arc<Ctx>,
    http: HttpClient,
    limits: Limits,
    in_flight: Mutex<HashMap<String, usize>>,
    global: Arc<Semaphore>,
    wake: Notify,
    /// This process's id among the workers of the database, once its loop has joined them.
    worker: std::sync::OnceLock<String>,
    /// Writes finished attempts in batches, off the async workers.
    recorder: Batcher<Finished, ()>,
}

#[derive(Clone)]
pub struct Engine(Arc<Shared>);

impl Engine {
    pub fn new(ctx: Arc<Ctx>) -> Result<Engine> {
        Self::with_limits(ctx, Limits::default())
    }

    pub fn with_limits(ctx: Arc<Ctx>, limits: Limits) -> Result<Engine> {
        let http = HttpClient::new()?;
        let writer_ctx = ctx.clone();
        let recorder = Batcher::start("hookdesk-recorder", "the attempt", 512, move |items| {
            record_batch(&writer_ctx, items)
        })?;
        Ok(Engine(Arc::new(Shared {
            ctx,
            recorder,
            http,
            global: Arc::new(Semaphore::new(limits.global.max(1))),
            limits,
            in_flight: Mutex::new(HashMap::new()),
            wake: Notify::new(),
            worker: std::sync::OnceLock::new(),
        })))
    }

    pub fn ctx(&self) -> &Arc<Ctx> {
        &self.0.ctx
    }

    pub fn http(&self) -> &HttpClient {
        &self.0.http
    }

    /// Marks the deliveries this engine claims as held by `worker` (see [`crate::team::Worker`]).
    pub fn set_worker(&self, worker: &str) {
        let _ = self.0.worker.set(worker.to_string());
    }

    /// Wakes the loop at once, e.g. after an event was enqueued.
    pub fn wake(&self) {
        self.0.wake.notify_one();
    }

    pub(crate) async fn woken(&self) {
        self.0.wake.notified().await
    }

    /// Claims everything due at `now`, sends it and waits for every attempt to be recorded.
    pub async fn deliver_due(&self, now: i64) -> Result<StepReport> {
        let handles = self.dispatch(now)?;
        let mut report = StepReport {
            claimed: handles.len(),
            ..Default::default()
        };
        for h in handles {
            match h.await {
                Ok(Next::Succeeded) => report.succeeded += 1,
                Ok(Next::Retry { .. }) => report.retrying += 1,
                Ok(Next::Dead) => report.dead += 1,
                Err(_) => report.dead += 1,
            }
        }
        Ok(report)
    }

    /// Claims what is due and starts sending it without waiting.
    pub fn dispatch(&self, now: i64) -> Result<Vec<JoinHandle<Next>>> {
        let busy = self
            .0
            .in_flight
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let free = self.0.global.available_permits().min(self.0.limits.batch);
        if free == 0 {
            return Ok(Vec::new());
        }
        let claimed = claim_due(
            &self.0.ctx,
            now,
            self.0.limits.lease_ms,
            free,
            self.0.limits.per_dest,
            &busy,
            self.0.worker.get().map(String::as_str),
        )?;
        // One read of the configuration for the whole claim, not one per delivery.
        let snap = Arc::new(Snapshot::new());
        snap.preload(&self.0.ctx, claimed.iter().map(|c| c.store.as_str()));
        Ok(claimed
            .into_iter()
            .map(|c| self.spawn_send(c, now, snap.clone()))
            .collect())
    }

    pub(crate) fn spawn_send(&self, c: Claimed, now: i64, snap: Arc<Snapshot>) -> JoinHandle<Next> {
        // In flight per destination, keyed by its stored form as `claim_due` reads it.
        let key = c.dest.to_string();
        {
            let mut m = self.0.in_flight.lock().unwrap_or_else(|e| e.into_inner());
            *m.entry(key.clone()).or_insert(0) += 1;
        }
        // Taken now, not inside the task: `dispatch` sizes its claim by the free permits, and a claimed row
        // that sat waiting for one could outlive its lease and be claimed (and sent) a second time.
        let permit = self.0.global.clone().try_acquire_owned().ok();
        let me = self.clone();
        tokio::spawn(async move {
            let _permit = match permit {
                Some(p) => Some(p),
                None => me.0.global.clone().acquire_owned().await.ok(),
            };
            let next = me.send_with(&c, now, &snap).await;
            let left = {
                let mut m = me.0.in_flight.lock().unwrap_or_else(|e| e.into_inner());
                let left = m.get_mut(&key).map(|n| {
                    *n = n.saturating_sub(1);
                    *n
                });
                if left == Some(0) {
                    m.remove(&key);
                }
                left.unwrap_or(0)
            };
            // A claim costs about the same for one row as for fifty: under load, claim again once a
            // destination has half its slots free (or the global limit half its permits), not after
            // every single attempt.
            let limits = &me.0.limits;
            if left <= limits.per_dest / 2
                || me.0.global.available_permits() + 1 >= limits.global.div_ceil(2)
            {
                me.wake();
            }
            next
        })
    }

    /// One attempt: prepare, send, decide, record. Returns what happens next; an error while recording
    /// leaves the lease to lapse so the delivery is tried again, never lost.
    pub(crate) async fn send_one(&self, c: &Claimed, now: i64) -> Next {
        self.send_with(c, now, &Snapshot::new()).await
    }

    /// As [`Engine::send_one`], with the configuration of the batch `c` was claimed in.
    async fn send_with(&self, c: &Claimed, now: i64, snap: &Snapshot) -> Next {
        let ctx = &self.0.ctx;
        let mut started = now.max(ctx.now_ms());
        let mut prepared = prepare(ctx, snap, c, started.div_euclid(1000));
        // A database that cannot be reached for a moment (a restarted server, a cut network) is no
        // reason to give a delivery up: wait for it while the claim is held.
        for _ in 0..STORAGE_RETRIES {
            match &prepared {
                Err(e) if e.is_storage_unavailable() => {
                    tokio::time::sleep(Duration::from_millis(STORAGE_RETRY_MS)).await;
                    started = now.max(ctx.now_ms());
                    prepared = prepare(ctx, &Snapshot::new(), c, started.div_euclid(1000));
                }
                _ => break,
            }
        }
        let (outcome, next) = match &prepared {
            Ok(p) => {
                let out = self
                    .0
                    .http
                    .send(Outgoing {
                        url: &p.url,
                        headers: &p.headers.sent,
                        body: p.body.clone(),
                        timeout_ms: p.timeout_ms,
                        allow_private: p.allow_private,
                    })
                    .await;
                let done = now.max(ctx.now_ms());
                let jitter = rand::thread_rng().gen::<f64>();
                let next = decide(c, out.status, out.retry_after_secs, done, jitter);
                (out, next)
            }
            Err(e) => (AttemptOutcome::not_sent(e.to_string()), Next::Dead),
        };
        let done = now.max(ctx.now_ms());
        let finished = Finished {
            claimed: c.clone(),
            prepared: prepared.ok(),
            outcome,
            started_at: started,
            done,
            next,
        };
        let mut recorded = self.0.recorder.submit(finished.clone()).await;
        for _ in 0..STORAGE_RETRIES {
            match &recorded {
                Err(e) if e.is_storage_unavailable() => {
                    tokio::time::sleep(Duration::from_millis(STORAGE_RETRY_MS)).await;
                    recorded = self.0.recorder.submit(finished.clone()).await;
                }
                _ => break,
            }
        }
        self.0.ctx.storage.note(&recorded);
        match recorded {
            Ok(_) => next,
            Err(e) => {
                tracing::error!(delivery = c.id, error = %e, "recording an attempt failed; it will be retried");
                Next::Retry { at: done }
            }
        }
    }
}

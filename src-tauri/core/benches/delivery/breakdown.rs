//! Where the time of one delivery goes: the engine's own steps called one after another on a backlog,
//! each timed on its own (enqueue, claim, prepare, send, record).

use std::sync::Arc;
use std::time::{Duration, Instant};

use hookdesk_core::config::snapshot::Snapshot;
use hookdesk_core::delivery::engine::claim::claim_due;
use hookdesk_core::delivery::engine::outbox::{enqueue, NewEvent};
use hookdesk_core::delivery::engine::prepare::prepare;
use hookdesk_core::delivery::engine::record::{decide, record};
use hookdesk_core::delivery::engine::Engine;
use hookdesk_core::delivery::transport::http::Outgoing;
use hookdesk_core::Ctx;

use crate::setup::{event_data, EVENT_TYPE};
use crate::BenchResult;

#[derive(Debug, Default)]
pub struct Stages {
    pub events: usize,
    pub enqueue: Duration,
    pub claims: usize,
    /// The first claim, over the whole backlog.
    pub first_claim: Duration,
    pub claim: Duration,
    pub prepare: Duration,
    pub send: Duration,
    pub record: Duration,
}

impl Stages {
    pub fn per_event_us(&self, d: Duration) -> f64 {
        d.as_secs_f64() * 1e6 / self.events.max(1) as f64
    }
}

pub async fn run(
    ctx: &Arc<Ctx>,
    stores: &[String],
    events: usize,
    payload: usize,
) -> BenchResult<Stages> {
    let mut s = Stages {
        events,
        ..Stages::default()
    };
    let started = Instant::now();
    for seq in 0..events as u64 {
        let store = &stores[seq as usize % stores.len()];
        let ev = NewEvent::parse(
            EVENT_TYPE,
            store,
            event_data(u64::MAX - seq, payload),
            None,
            None,
        )?;
        enqueue(ctx, &ev, ctx.now_ms())?;
    }
    s.enqueue = started.elapsed();
    // Only its HTTP client is used: every other step is called directly.
    let engine = Engine::new(ctx.clone())?;
    let mut delivered = 0;
    while delivered < events {
        let now = ctx.now_ms();
        let t = Instant::now();
        let batch = claim_due(ctx, now, 90_000, 256, 256, &Default::default(), None)?;
        let took = t.elapsed();
        if s.claims == 0 {
            s.first_claim = took;
        }
        s.claims += 1;
        s.claim += took;
        if batch.is_empty() {
            break;
        }
        for c in &batch {
            let t = Instant::now();
            let p = prepare(ctx, &Snapshot::new(), c, now / 1000)?;
            s.prepare += t.elapsed();
            let t = Instant::now();
            let out = engine
                .http()
                .send(Outgoing {
                    url: &p.url,
                    headers: &p.headers.sent,
                    body: p.body.clone(),
                    timeout_ms: p.timeout_ms,
                    allow_private: p.allow_private,
                })
                .await;
            s.send += t.elapsed();
            let t = Instant::now();
            let next = decide(c, out.status, out.retry_after_secs, ctx.now_ms(), 0.5);
            record(ctx, c, Some(&p), &out, now, ctx.now_ms(), next)?;
            s.record += t.elapsed();
            delivered += 1;
        }
    }
    Ok(s)
}

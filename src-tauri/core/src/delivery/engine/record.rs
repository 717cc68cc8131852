//! Decides what follows an attempt and records it (docs/architecture.md, steps 6 and 7): the attempt and
//! its delivery's next state (succeeded, retrying, or dead) in one transaction, with the hook's health
//! and, for an order-injection check that answers no, the rest of its order flow (see [`super::flow`]).
//! The statements are in `store/attempts.rs`, `store/hook_health.rs` and `store/pos_status.rs`.

use std::collections::HashSet;

use sha2::{Digest, Sha256};

use super::claim::Claimed;
use super::prepare::Prepared;
use super::retry::next_delay;
use crate::delivery::transport::outcome::AttemptOutcome;
use crate::domain::{DeliveryStatus, Trigger};
use crate::store::{attempts, hook_health, pos_status, Conn};
use crate::{Ctx, Result};

/// A hook failing without a single success for this long is disabled (docs/architecture.md, step 6).
pub const DISABLE_AFTER_MS: i64 = 5 * 24 * 3600 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Succeeded,
    Retry { at: i64 },
    Dead,
}

impl Next {
    /// The delivery's status after the attempt: a delivery waiting for its retry is `failed`.
    pub fn status(self) -> DeliveryStatus {
        match self {
            Next::Succeeded => DeliveryStatus::Succeeded,
            Next::Retry { .. } => DeliveryStatus::Failed,
            Next::Dead => DeliveryStatus::Dead,
        }
    }
}

/// What happens after an attempt, as a pure function of the outcome and the schedule.
pub fn decide(
    c: &Claimed,
    status: Option<u16>,
    retry_after_secs: Option<u64>,
    now: i64,
    jitter: f64,
) -> Next {
    if matches!(status, Some(200..=299)) {
        return Next::Succeeded;
    }
    if c.trigger == Trigger::Test || status == Some(410) {
        return Next::Dead;
    }
    let made = (c.attempts + 1 - c.retry_base).max(1) as u32;
    match next_delay(
        c.retry_preset,
        made,
        retry_after_secs.map(std::time::Duration::from_secs),
        jitter,
    ) {
        Some(d) => Next::Retry {
            at: now + d.as_millis() as i64,
        },
        None => Next::Dead,
    }
}

/// Records the attempt and the delivery's new state in one transaction. Returns the attempt id.
pub fn record(
    ctx: &Ctx,
    c: &Claimed,
    p: Option<&Prepared>,
    outcome: &AttemptOutcome,
    started_at: i64,
    now: i64,
    next: Next,
) -> Result<i64> {
    let f = Finished {
        claimed: c.clone(),
        prepared: p.cloned(),
        outcome: outcome.clone(),
        started_at,
        done: now,
        next,
    };
    let conn = ctx.db.conn_relaxed();
    let tx = conn.transaction_deferred()?;
    let rows = Rows::of(&f);
    let id = attempts::insert(&tx, &rows.attempt())?;
    attempts::settle(&tx, c.id, &rows.settled())?;
    after_effects(&tx, &f, &rows, true)?;
    tx.commit()?;
    Ok(id)
}

/// One finished attempt waiting to be recorded.
#[derive(Debug, Clone)]
pub struct Finished {
    pub claimed: Claimed,
    pub prepared: Option<Prepared>,
    pub outcome: AttemptOutcome,
    pub started_at: i64,
    pub done: i64,
    pub next: Next,
}

/// Records many attempts in one transaction, each answered on its own (see
/// [`crate::store::Db::write_batch`]): the attempts and their deliveries' new states as one batch, then
/// what only some attempts cause (an order flow's skips, a point-of-sale status, a failing hook).
pub fn record_batch(ctx: &Ctx, items: &[Finished]) -> Vec<Result<()>> {
    // An outcome lost in a power cut only sends the delivery again (at least once): no sync needed.
    ctx.db.write_batch_relaxed(items, |tx, items| {
        let rows: Vec<Rows> = items.iter().map(Rows::of).collect();
        let written: Vec<_> = rows
            .iter()
            .map(|r| (r.attempt(), r.finished.claimed.id, r.settled()))
            .collect();
        // A hook that only succeeded in this batch is cleared once, with the batch's rows; one that
        // also failed goes through its attempts in order.
        let mut failed: HashSet<&str> = HashSet::new();
        for r in &rows {
            if let Some(hook) = r.counts_for_health() {
                if !r.succeeded() {
                    failed.insert(hook);
                }
            }
        }
        let mut cleared: Vec<&str> = Vec::new();
        for hook in rows.iter().filter_map(Rows::counts_for_health) {
            if !failed.contains(hook) && !cleared.contains(&hook) {
                cleared.push(hook);
            }
        }
        attempts::record_many(tx, &written, &cleared)?;
        for r in &rows {
            let health = r.counts_for_health().is_some_and(|h| failed.contains(h));
            after_effects(tx, r.finished, r, health)?;
        }
        Ok(items.iter().map(|_| Ok(())).collect())
    })
}

/// What an attempt writes, derived once from its outcome.
struct Rows<'f> {
    finished: &'f Finished,
    result: Option<serde_json::Value>,
    body_sha256: Option<Vec<u8>>,
    response_body: String,
    last_error: Option<String>,
}

impl<'f> Rows<'f> {
    fn of(f: &'f Finished) -> Rows<'f> {
        let p = f.prepared.as_ref();
        let outcome = &f.outcome;
        let last_error = outcome
            .error
            .as_ref()
            .map(|e| e.message.clone())
            .or_else(|| outcome.status.map(|s| format!("HTTP {s}")));
        Rows {
            finished: f,
            result: p.and_then(|p| {
                crate::delivery::wire::response::interpret(
                    p.event_type,
                    outcome.status,
                    &outcome.body,
                )
            }),
            // The body itself is not kept: the log renders it again from the event (migration 0007).
            body_sha256: p.map(|p| Sha256::digest(&p.body).to_vec()),
            // Text columns cannot hold NUL on every backend; a receiver's answer may contain one.
            response_body: String::from_utf8_lossy(&outcome.body).replace('\0', "\u{fffd}"),
            last_error,
        }
    }

    fn next_at(&self) -> Option<i64> {
        match self.finished.next {
            Next::Retry { at } => Some(at),
            _ => None,
        }
    }

    fn succeeded(&self) -> bool {
        matches!(self.finished.outcome.status, Some(200..=299))
    }

    /// The hook whose health this attempt counts for: live deliveries and resends, not test sends.
    fn counts_for_health(&self) -> Option<&'f str> {
        let c = &self.finished.claimed;
        match c.trigger {
            Trigger::Live | Trigger::Resend => c.hook_id(),
            Trigger::Test => None,
        }
    }

    fn attempt(&self) -> attempts::NewAttempt<'_> {
        let f = self.finished;
        let c = &f.claimed;
        let (error_kind, error_message) = match &f.outcome.error {
            Some(e) => (Some(e.kind.as_str()), Some(e.message.as_str())),
            None => (None, None),
        };
        let (url, headers) = match &f.prepared {
            Some(p) => (p.masked_url.as_str(), p.headers.masked.as_slice()),
            None => ("", &[][..]),
        };
        attempts::NewAttempt {
            delivery_id: c.id,
            trigger: c.trigger,
            number: c.attempts + 1,
            started_at: f.started_at,
            latency_ms: f.outcome.latency_ms as i64,
            status_code: f.outcome.status,
            error_kind,
            error_message,
            request_url: url,
            request_headers: headers,
            request_body_sha256: self.body_sha256.as_deref(),
            response_headers: &f.outcome.response_headers,
            response_body: &self.response_body,
            result: self.result.as_ref(),
            next_attempt_at: self.next_at(),
        }
    }

    fn settled(&self) -> attempts::Settled<'_> {
        let next = self.finished.next;
        attempts::Settled {
            status: next.status(),
            next_attempt_at: self.next_at(),
            last_status_code: self.finished.outcome.status,
            last_error: if next == Next::Succeeded {
                None
            } else {
                self.last_error.as_deref()
            },
            now: self.finished.done,
        }
    }
}

/// What an attempt causes beyond its own rows: the store's point-of-sale status, the rest of its order
/// flow, and (when `health`) its hook's health.
fn after_effects(tx: &Conn, f: &Finished, rows: &Rows<'_>, health: bool) -> Result<()> {
    let (c, now) = (&f.claimed, f.done);
    if let Some(r) = &rows.result {
        if let Some(online) = r.get("online").and_then(|v| v.as_bool()) {
            pos_status::set(tx, &c.store, online, now)?;
        }
    }
    let event = crate::catalog::EventType::parse("event_type", &c.event_type).ok();
    if let Some(skip) = event.and_then(|e| super::flow::skips(e, rows.result.as_ref(), f.next)) {
        super::flow::apply(tx, c.id, &skip, now)?;
    }
    if let (true, Some(hook)) = (health, rows.counts_for_health()) {
        update_hook_health(tx, hook, f.outcome.status, now)?;
    }
    Ok(())
}

/// 410 disables at once; five days of failures without a success disable too; any success clears the flag.
fn update_hook_health(tx: &Conn, hook: &str, status: Option<u16>, now: i64) -> Result<()> {
    match status {
        Some(200..=299) => hook_health::clear_failing(tx, hook)?,
        Some(410) => {
            let changed = hook_health::disable(tx, hook, GONE)?;
            audit_disable(tx, hook, changed, GONE, now)?;
        }
        _ => {
            hook_health::note_failing(tx, hook, now)?;
            let changed =
                hook_health::disable_if_failing_since(tx, hook, now - DISABLE_AFTER_MS, FAILING)?;
            audit_disable(tx, hook, changed, FAILING, now)?;
        }
    }
    Ok(())
}

const GONE: &str = "The receiver answered 410 Gone";
const FAILING: &str = "Failing continuously for 5 days";

/// Turning a hook off is a configuration change nobody made by hand: the audit log says why.
fn audit_disable(tx: &Conn, hook: &str, changed: bool, reason: &str, now: i64) -> Result<()> {
    if !changed {
        return Ok(());
    }
    crate::store::audit::record(
        tx,
        now,
        None,
        "hook.auto_disable",
        hook,
        &serde_json::json!({"reason": reason}),
    )
}

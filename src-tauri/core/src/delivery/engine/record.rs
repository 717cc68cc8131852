//! Decides what follows an attempt and records it (docs/architecture.md, steps 6 and 7): the attempt and
//! its delivery's next state (succeeded, retrying, or dead) in one transaction, with the hook's health
//! and, for an order-injection check that answers no, the rest of its order flow (see [`super::flow`]).
//! The statements are in `store/attempts.rs`, `store/hook_health.rs` and `store/pos_status.rs`.

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
    let conn = ctx.db.conn_relaxed();
    let tx = conn.transaction_deferred()?;
    let id = write(&tx, c, p, outcome, started_at, now, next)?;
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

/// Records many attempts in one transaction, each answered on its own (see [`crate::store::Db::write_each`]).
pub fn record_batch(ctx: &Ctx, items: &[Finished]) -> Vec<Result<i64>> {
    // An outcome lost in a power cut only sends the delivery again (at least once): no sync needed.
    ctx.db.write_each_relaxed(items, |tx, f| {
        write(
            tx,
            &f.claimed,
            f.prepared.as_ref(),
            &f.outcome,
            f.started_at,
            f.done,
            f.next,
        )
    })
}

fn write(
    tx: &Conn,
    c: &Claimed,
    p: Option<&Prepared>,
    outcome: &AttemptOutcome,
    started_at: i64,
    now: i64,
    next: Next,
) -> Result<i64> {
    let (error_kind, error_message) = match &outcome.error {
        Some(e) => (Some(e.kind.as_str()), Some(e.message.as_str())),
        None => (None, None),
    };
    let result = p.and_then(|p| {
        crate::delivery::wire::response::interpret(p.event_type, outcome.status, &outcome.body)
    });
    // The body itself is not kept: the log renders it again from the event (migration 0007).
    let (url, headers, body_sha256) = match p {
        Some(p) => (
            p.masked_url.as_str(),
            p.headers.masked.as_slice(),
            Some(Sha256::digest(&p.body).to_vec()),
        ),
        None => ("", &[][..], None),
    };
    let next_at = match next {
        Next::Retry { at } => Some(at),
        _ => None,
    };
    let attempt_id = attempts::insert(
        tx,
        &attempts::NewAttempt {
            delivery_id: c.id,
            trigger: c.trigger,
            number: c.attempts + 1,
            started_at,
            latency_ms: outcome.latency_ms as i64,
            status_code: outcome.status,
            error_kind,
            error_message,
            request_url: url,
            request_headers: headers,
            request_body_sha256: body_sha256.as_deref(),
            response_headers: &outcome.response_headers,
            response_body: &String::from_utf8_lossy(&outcome.body),
            result: result.as_ref(),
            next_attempt_at: next_at,
        },
    )?;
    let last_error = error_message
        .map(str::to_string)
        .or_else(|| outcome.status.map(|s| format!("HTTP {s}")));
    attempts::settle(
        tx,
        c.id,
        &attempts::Settled {
            status: next.status(),
            next_attempt_at: next_at,
            last_status_code: outcome.status,
            last_error: if next == Next::Succeeded {
                None
            } else {
                last_error.as_deref()
            },
            now,
        },
    )?;
    if let Some(r) = &result {
        if let Some(online) = r.get("online").and_then(|v| v.as_bool()) {
            pos_status::set(tx, &c.store, online, now)?;
        }
    }
    let event = crate::catalog::EventType::parse("event_type", &c.event_type).ok();
    if let Some(skip) = event.and_then(|e| super::flow::skips(e, result.as_ref(), next)) {
        super::flow::apply(tx, c.id, &skip, now)?;
    }
    if let (Some(hook), Trigger::Live | Trigger::Resend) = (c.hook_id(), c.trigger) {
        update_hook_health(tx, hook, outcome.status, now)?;
    }
    Ok(attempt_id)
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

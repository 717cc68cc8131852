//! Writes an attempt and moves its delivery to its next state: succeeded, retrying, or dead. An order-injection
//! check that answers no also cancels the rest of its order flow (see [`super::flow`]).

use crate::args;
use crate::store::Conn;
use sha2::{Digest, Sha256};

use super::claim::Claimed;
use super::prepare::Prepared;
use super::retry::next_delay;
use crate::delivery::transport::http::AttemptOutcome;
use crate::domain::Trigger;
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
    pub fn status(self) -> &'static str {
        match self {
            Next::Succeeded => "succeeded",
            Next::Retry { .. } => "failed",
            Next::Dead => "dead",
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
    let preset = c.retry_preset;
    let made = (c.attempts + 1 - c.retry_base).max(1) as u32;
    match next_delay(
        preset,
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
#[derive(Debug)]
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
        Some(e) => (Some(e.kind.as_str().to_string()), Some(e.message.clone())),
        None => (None, None),
    };
    let result = p.and_then(|p| {
        crate::delivery::wire::response::interpret(p.event_type, outcome.status, &outcome.body)
    });
    // The body itself is not kept: the log renders it again from the event (migration 0007).
    let (url, headers, body_sha256) = match p {
        Some(p) => (
            p.masked_url.clone(),
            serde_json::to_string(&p.headers.masked).unwrap_or_default(),
            Some(Sha256::digest(&p.body).to_vec()),
        ),
        None => (String::new(), "[]".into(), None),
    };
    let next_at = match next {
        Next::Retry { at } => Some(at),
        _ => None,
    };
    let attempt_id = tx.prepare_cached(
            "INSERT INTO attempts (delivery_id, trigger, number, started_at, latency_ms, status_code, error_kind,
                               error_message, request_url, request_headers, request_body_sha256, response_headers,
                               response_body, result, next_attempt_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) RETURNING id",
        )?.query_row(args![
            c.id,
            c.trigger,
            c.attempts + 1,
            started_at,
            outcome.latency_ms as i64,
            outcome.status,
            error_kind,
            error_message,
            url,
            headers,
            body_sha256,
            serde_json::to_string(&outcome.response_headers).unwrap_or_default(),
            String::from_utf8_lossy(&outcome.body),
            result.as_ref().map(|r| r.to_string()),
            next_at,
        ],
        |r| r.get::<_, i64>(0),
    )?;
    let last_error = error_message
        .clone()
        .or_else(|| outcome.status.map(|s| format!("HTTP {s}")));
    tx.prepare_cached(
            "UPDATE deliveries SET status = ?2, attempts = attempts + 1, next_attempt_at = ?3, lease_until = NULL,
                last_status_code = ?4, last_error = ?5, updated_at = ?6 WHERE id = ?1",
        )?.execute(args![c.id, next.status(), next_at, outcome.status, if next == Next::Succeeded { None } else { last_error }, now],
    )?;
    if let Some(r) = &result {
        if let Some(online) = r.get("online").and_then(|v| v.as_bool()) {
            tx.prepare_cached(
            "INSERT INTO pos_status (store, online, checked_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(store) DO UPDATE SET online = excluded.online, checked_at = excluded.checked_at",
        )?.execute(args![c.store, online, now],
            )?;
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
        Some(200..=299) => {
            tx.prepare_cached(
            "UPDATE hooks SET failing_since_ms = NULL WHERE id = ?1 AND failing_since_ms IS NOT NULL",
        )?.execute(args![hook],
            )?;
        }
        Some(410) => {
            let n = tx.prepare_cached(
            "UPDATE hooks SET enabled = 0, disabled_reason = ?2 WHERE id = ?1 AND enabled = 1",
        )?.execute(args![hook, GONE],
            )?;
            audit_disable(tx, hook, n, GONE, now)?;
        }
        _ => {
            tx.prepare_cached(
                "UPDATE hooks SET failing_since_ms = COALESCE(failing_since_ms, ?2) WHERE id = ?1",
            )?
            .execute(args![hook, now])?;
            let n = tx
                .prepare_cached(
                    "UPDATE hooks SET enabled = 0, disabled_reason = ?3
                 WHERE id = ?1 AND enabled = 1 AND failing_since_ms <= ?2",
                )?
                .execute(args![hook, now - DISABLE_AFTER_MS, FAILING])?;
            audit_disable(tx, hook, n, FAILING, now)?;
        }
    }
    Ok(())
}

const GONE: &str = "The receiver answered 410 Gone";
const FAILING: &str = "Failing continuously for 5 days";

/// Turning a hook off is a configuration change nobody made by hand: the audit log says why.
fn audit_disable(tx: &Conn, hook: &str, changed: usize, reason: &str, now: i64) -> Result<()> {
    if changed == 0 {
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

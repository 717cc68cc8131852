//! Resend and recover: finished deliveries queued again with trigger `resend`, each audited, and a
//! recovery's progress. The statements are `store/requeue.rs`.

use serde::Serialize;

use crate::auth::{Actor, Permission};
use crate::store::requeue;
use crate::{Ctx, Error, Result};

/// Queues one more try of a finished delivery now, with trigger `resend`.
pub fn resend(ctx: &Ctx, actor: &Actor, delivery_id: i64) -> Result<i64> {
    actor.require(Permission::Resend)?;
    let now = ctx.now_ms();
    let conn = ctx.db.conn();
    if !requeue::resend(&conn, delivery_id, now)? {
        return match requeue::status_of(&conn, delivery_id)? {
            None => Err(Error::NotFound(format!("delivery {delivery_id}"))),
            Some(s) => Err(Error::Conflict(format!(
                "delivery {delivery_id} is {s}; it will be sent anyway"
            ))),
        };
    }
    crate::store::audit::record(
        &conn,
        now,
        Some(actor.name()),
        "delivery.resend",
        &delivery_id.to_string(),
        &serde_json::json!({}),
    )?;
    Ok(delivery_id)
}

/// Queues again every dead or retrying delivery of a hook created since `since`. Returns how many.
pub fn recover(ctx: &Ctx, actor: &Actor, hook_id: &str, since: i64) -> Result<usize> {
    actor.require(Permission::Resend)?;
    let now = ctx.now_ms();
    let conn = ctx.db.conn();
    let n = requeue::recover(&conn, hook_id, since, now)?;
    crate::store::audit::record(
        &conn,
        now,
        Some(actor.name()),
        "delivery.recover",
        hook_id,
        &serde_json::json!({"since": crate::clock::rfc3339(since), "deliveries": n}),
    )?;
    Ok(n)
}

/// Where the deliveries a recovery queued again stand: delivered, given up (dead), still failing
/// (waiting for a retry after another failure) and not tried yet. Counted fresh each time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecoverCounts {
    pub queued: i64,
    pub delivered: i64,
    pub gave_up: i64,
    pub still_failing: i64,
    pub waiting: i64,
}

impl RecoverCounts {
    /// Nothing left to try: every queued delivery was delivered or given up.
    pub fn finished(&self) -> bool {
        self.delivered + self.gave_up >= self.queued
    }
}

pub fn recover_progress(ctx: &Ctx, hook_id: &str, since: i64) -> Result<RecoverCounts> {
    let c = requeue::requeued(&ctx.db.conn(), hook_id, since)?;
    Ok(RecoverCounts {
        queued: c.queued,
        delivered: c.succeeded,
        gave_up: c.dead,
        still_failing: c.failed,
        waiting: c.open,
    })
}

//! Queuing finished deliveries again (docs/architecture.md, step 7): resend one, recover a hook's
//! failed and dead ones, and count how far a recovery has come. A requeued delivery is pending at once
//! with trigger `resend`, and its retry schedule starts again from the attempts it has made.

use crate::args;
use crate::domain::DeliveryStatus;
use crate::store::{Conn, OptionalExt};
use crate::Result;

/// Queues a finished (succeeded, dead or retrying) delivery again, due `now`; false when there is no
/// such finished delivery.
pub fn resend(conn: &Conn, delivery_id: i64, now: i64) -> Result<bool> {
    let changed = conn.execute(
        "UPDATE deliveries SET status = 'pending', next_attempt_at = ?2, lease_until = NULL, updated_at = ?2,
                resend = 1, retry_base = attempts
         WHERE id = ?1 AND status IN ('succeeded','dead','failed')",
        args![delivery_id, now],
    )?;
    Ok(changed > 0)
}

/// A delivery's status; `None` when there is no such delivery.
pub fn status_of(conn: &Conn, delivery_id: i64) -> Result<Option<DeliveryStatus>> {
    conn.query_row(
        "SELECT status FROM deliveries WHERE id = ?1",
        args![delivery_id],
        |r| r.get(0),
    )
    .optional()
}

/// Queues again every dead or retrying delivery of `hook_id` created since `since`, due `now`. Answers
/// how many.
pub fn recover(conn: &Conn, hook_id: &str, since: i64, now: i64) -> Result<usize> {
    conn.execute(
        "UPDATE deliveries SET status = 'pending', next_attempt_at = ?3, lease_until = NULL, updated_at = ?3,
                resend = 1, retry_base = attempts
         WHERE hook_id = ?1 AND created_at >= ?2 AND status IN ('dead','failed')",
        args![hook_id, since, now],
    )
}

/// Where the requeued deliveries of a hook created since a time stand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Requeued {
    pub queued: i64,
    pub succeeded: i64,
    pub dead: i64,
    /// Failed again, waiting for a retry.
    pub failed: i64,
    /// Pending or in flight.
    pub open: i64,
}

pub fn requeued(conn: &Conn, hook_id: &str, since: i64) -> Result<Requeued> {
    conn.query_row(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE status = 'succeeded'), COUNT(*) FILTER (WHERE status = 'dead'),
                COUNT(*) FILTER (WHERE status = 'failed'),
                COUNT(*) FILTER (WHERE status IN ('pending', 'delivering'))
         FROM deliveries WHERE hook_id = ?1 AND created_at >= ?2 AND resend = 1",
        args![hook_id, since],
        |r| {
            Ok(Requeued {
                queued: r.get(0)?,
                succeeded: r.get(1)?,
                dead: r.get(2)?,
                failed: r.get(3)?,
                open: r.get(4)?,
            })
        },
    )
}

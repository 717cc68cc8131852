//! The order-injection flow's one statement (docs/architecture.md, step 6): cancelling the later steps
//! of an order after a check said no. Which steps a "no" cancels is the engine's rule
//! (`delivery/engine/flow.rs`).

use crate::args;
use crate::store::Conn;
use crate::Result;

/// Marks dead, with `reason` as their last error, the pending or retrying deliveries of `delivery_id`'s
/// destination and order key that come after it and are of one of `events`, stopping at the next
/// delivery of one of `until` (a fresh try of the flow). Deliveries without an order key are never
/// linked to each other. Answers how many.
pub fn cancel_rest(
    conn: &Conn,
    delivery_id: i64,
    events: &[&str],
    until: &[&str],
    reason: &str,
    now: i64,
) -> Result<usize> {
    let events = serde_json::to_string(events).unwrap_or_else(|_| "[]".into());
    let until = serde_json::to_string(until).unwrap_or_else(|_| "[]".into());
    conn.execute(
        "UPDATE deliveries SET status = 'dead', next_attempt_at = NULL, lease_until = NULL, last_error = ?4,
                updated_at = ?5
         WHERE id IN (
            SELECT l.id FROM deliveries d
            JOIN deliveries l ON l.dest = d.dest AND l.order_key = d.order_key AND l.id > d.id
            WHERE d.id = ?1
              AND l.status IN ('pending','failed')
              AND l.event_type IN (SELECT value FROM json_each(?2))
              AND l.id < COALESCE((
                    SELECT MIN(n.id) FROM deliveries n
                    WHERE n.dest = d.dest AND n.order_key = d.order_key AND n.id > d.id
                      AND n.event_type IN (SELECT value FROM json_each(?3))), 9223372036854775807))",
        args![delivery_id, events, until, reason, now],
    )
}

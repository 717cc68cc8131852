//! The delivery log's reads (docs/architecture.md, step 7): a filtered page of deliveries, the event
//! behind a delivery (its body is rendered again rather than kept), and the attempts the dashboard
//! counts. Attempts themselves are read in `store/attempts.rs`.

use crate::args;
use crate::domain::{DeliveryStatus, Destination};
use crate::store::{Conn, OptionalExt, ToValue, Value};
use crate::Result;

/// Which deliveries a page holds; `None` does not filter.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageFilter<'a> {
    pub hook_id: Option<&'a str>,
    /// A store's order-webhook page, in its stored form (`hub:<store>`).
    pub page: Option<&'a str>,
    pub store: Option<&'a str>,
    pub event_type: Option<&'a str>,
    pub event_id: Option<&'a str>,
    pub status: Option<DeliveryStatus>,
    /// Created at or after.
    pub since: Option<i64>,
    /// Created before.
    pub until: Option<i64>,
    /// Older than this delivery: the next page, newest first.
    pub before_id: Option<i64>,
    pub limit: i64,
}

/// A delivery as the log lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedDelivery {
    pub id: i64,
    pub event_id: String,
    pub event_type: String,
    pub store: String,
    pub hook_id: Option<String>,
    pub hook_label: Option<String>,
    pub dest: Destination,
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    pub next_attempt_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The deliveries `f` matches, newest first.
pub fn page(conn: &Conn, f: &PageFilter<'_>) -> Result<Vec<LoggedDelivery>> {
    // Only the filters given go into the WHERE clause: `?n IS NULL OR ...` hides every index from the
    // planner, and a page over a million attempts then scans them all.
    let given: [(&str, Option<Value>); 9] = [
        ("d.hook_id = ?", f.hook_id.map(|v| v.to_value())),
        (
            "d.hook_id IS NULL AND d.dest = ?",
            f.page.map(|v| v.to_value()),
        ),
        ("d.store = ?", f.store.map(|v| v.to_value())),
        ("d.event_type = ?", f.event_type.map(|v| v.to_value())),
        ("d.status = ?", f.status.map(|v| v.to_value())),
        ("d.created_at >= ?", f.since.map(|v| v.to_value())),
        ("d.created_at < ?", f.until.map(|v| v.to_value())),
        ("d.id < ?", f.before_id.map(|v| v.to_value())),
        ("e.event_id = ?", f.event_id.map(|v| v.to_value())),
    ];
    let mut conds: Vec<&str> = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    for (cond, value) in given {
        if let Some(v) = value {
            conds.push(cond);
            args.push(v);
        }
    }
    let filter = if conds.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conds.join(" AND "))
    };
    args.push(f.limit.to_value());
    conn.prepare_cached(&format!(
        "SELECT d.id, e.event_id, d.event_type, d.store, d.hook_id, h.label, d.dest, d.status, d.attempts,
                d.last_status_code, d.last_error, d.next_attempt_at, d.created_at, d.updated_at
         FROM deliveries d JOIN events e ON e.id = d.event_row LEFT JOIN hooks h ON h.id = d.hook_id
         {filter} ORDER BY d.id DESC LIMIT ?"
    ))?
    .query_map(args.as_slice(), |r| {
        Ok(LoggedDelivery {
            id: r.get(0)?,
            event_id: r.get(1)?,
            event_type: r.get(2)?,
            store: r.get(3)?,
            hook_id: r.get(4)?,
            hook_label: r.get(5)?,
            dest: r.get(6)?,
            status: r.get(7)?,
            attempts: r.get(8)?,
            last_status_code: r.get(9)?,
            last_error: r.get(10)?,
            next_attempt_at: r.get(11)?,
            created_at: r.get(12)?,
            updated_at: r.get(13)?,
        })
    })?
    .collect()
}

/// The event behind a delivery, as rendering its body needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveredEvent {
    pub event_id: String,
    pub event_type: String,
    pub store: String,
    pub occurred_at: i64,
    /// The event's `data` as JSON text.
    pub data: String,
}

pub fn event_of(conn: &Conn, delivery_id: i64) -> Result<Option<DeliveredEvent>> {
    conn.prepare_cached(
        "SELECT e.event_id, e.type, e.store, e.occurred_at, e.data
             FROM deliveries d JOIN events e ON e.id = d.event_row WHERE d.id = ?1",
    )?
    .query_row(args![delivery_id], |r| {
        Ok(DeliveredEvent {
            event_id: r.get(0)?,
            event_type: r.get(1)?,
            store: r.get(2)?,
            occurred_at: r.get(3)?,
            data: r.get(4)?,
        })
    })
    .optional()
}

/// One live or resend attempt at a hook, as the dashboard counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookAttempt {
    pub hook_id: String,
    /// The hook's label, or its id once it is deleted.
    pub label: String,
    pub started_at: i64,
    pub latency_ms: i64,
    /// The receiver answered 2xx.
    pub succeeded: bool,
    pub delivery_id: i64,
}

/// Every live and resend attempt at a hook since `since`, by hook and then in time order.
pub fn hook_attempts_since(conn: &Conn, since: i64) -> Result<Vec<HookAttempt>> {
    conn.prepare_cached(
        "SELECT d.hook_id, COALESCE(h.label, d.hook_id), a.started_at, a.latency_ms,
                a.status_code BETWEEN 200 AND 299, d.id
         FROM attempts a JOIN deliveries d ON d.id = a.delivery_id LEFT JOIN hooks h ON h.id = d.hook_id
         WHERE a.started_at >= ?1 AND a.trigger != 'test' AND d.hook_id IS NOT NULL
         ORDER BY d.hook_id, a.started_at",
    )?
    .query_map(args![since], |r| {
        Ok(HookAttempt {
            hook_id: r.get(0)?,
            label: r.get(1)?,
            started_at: r.get(2)?,
            latency_ms: r.get(3)?,
            succeeded: r.get::<_, Option<bool>>(4)?.unwrap_or(false),
            delivery_id: r.get(5)?,
        })
    })?
    .collect()
}

//! The delivery log: deliveries with their attempts, resend and recover.

pub mod export;
pub mod sent_body;
pub mod stats;

/// The states and triggers the views below carry.
pub use crate::domain::{DeliveryStatus, Trigger};

use crate::args;
use crate::auth::{Actor, Permission};
use crate::store::{OptionalExt, Row};
use crate::{Ctx, Error, Result};
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// A hook id, or `hub:<store>` for that store's order-webhook page.
    pub hook: Option<String>,
    pub store: Option<String>,
    pub event: Option<String>,
    pub event_id: Option<String>,
    pub status: Option<String>,
    pub since: Option<i64>,
    pub until: Option<i64>,
    pub before_id: Option<i64>,
    pub limit: Option<usize>,
}

pub const MAX_PAGE: usize = 500;

/// A delivery as the log lists it; times in milliseconds since the epoch (`…Ms`).
#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryView {
    pub id: i64,
    pub event_id: String,
    pub event_type: String,
    pub store: String,
    pub hook_id: Option<String>,
    pub hook_label: Option<String>,
    pub destination: String,
    #[ts(type = "DeliveryStatus")]
    pub status: String,
    pub attempts: i64,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    #[serde(rename = "nextAttemptAtMs")]
    pub next_attempt_at: Option<i64>,
    #[serde(rename = "createdAtMs")]
    pub created_at: i64,
    #[serde(rename = "updatedAtMs")]
    pub updated_at: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct AttemptView {
    pub id: i64,
    pub delivery_id: i64,
    #[ts(type = "Trigger")]
    pub trigger: String,
    pub number: i64,
    #[serde(rename = "startedAtMs")]
    pub started_at: i64,
    pub latency_ms: i64,
    pub status_code: Option<i64>,
    pub error: Option<AttemptErrorView>,
    pub request_url: String,
    pub request_headers: Vec<(String, String)>,
    pub request_body: String,
    /// Set when `request_body` is not exactly what was sent (see `sent_body`).
    pub request_body_note: Option<String>,
    pub response_headers: Vec<(String, String)>,
    pub response_body: String,
    /// The parsed answer of an `is_online` or `validate_order` call (docs/wire-formats.md, order
    /// injection).
    #[ts(type = "{ online?: boolean; valid_order?: boolean } | null")]
    pub result: Option<Value>,
    #[serde(rename = "nextAttemptAtMs")]
    pub next_attempt_at: Option<i64>,
}

#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
pub struct AttemptErrorView {
    pub kind: String,
    pub message: String,
}

const STATUSES: &[&str] = &["pending", "delivering", "succeeded", "failed", "dead"];

pub fn list(ctx: &Ctx, actor: &Actor, f: &Filter) -> Result<Vec<DeliveryView>> {
    actor.require(Permission::ReadLogs)?;
    if let Some(s) = &f.status {
        if !STATUSES.contains(&s.as_str()) {
            return Err(Error::invalid(
                "status",
                "must be pending, delivering, succeeded, failed or dead",
            ));
        }
    }
    let limit = f.limit.unwrap_or(100).clamp(1, MAX_PAGE) as i64;
    // Only the filters given go into the WHERE clause: `?n IS NULL OR ...` hides every index from the
    // planner, and a page over a million attempts then scans them all.
    let mut conds: Vec<&str> = Vec::new();
    let mut args: Vec<crate::store::Value> = Vec::new();
    // The hook filter also takes a store's order-webhook page, as its destination `hub:<store>`.
    let (hook, page) = match f.hook.as_deref() {
        Some(h) if h.starts_with("hub:") => (None, f.hook.as_ref()),
        _ => (f.hook.as_ref(), None),
    };
    use crate::store::ToValue;
    let given: [(&str, Option<crate::store::Value>); 9] = [
        ("d.hook_id = ?", hook.map(|v| v.to_value())),
        (
            "d.hook_id IS NULL AND d.dest = ?",
            page.map(|v| v.to_value()),
        ),
        ("d.store = ?", f.store.as_ref().map(|v| v.to_value())),
        ("d.event_type = ?", f.event.as_ref().map(|v| v.to_value())),
        ("d.status = ?", f.status.as_ref().map(|v| v.to_value())),
        ("d.created_at >= ?", f.since.as_ref().map(|v| v.to_value())),
        ("d.created_at < ?", f.until.as_ref().map(|v| v.to_value())),
        ("d.id < ?", f.before_id.as_ref().map(|v| v.to_value())),
        ("e.event_id = ?", f.event_id.as_ref().map(|v| v.to_value())),
    ];
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
    args.push(limit.to_value());
    let conn = ctx.db.conn();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT d.id, e.event_id, d.event_type, d.store, d.hook_id, h.label, d.dest, d.status, d.attempts,
                d.last_status_code, d.last_error, d.next_attempt_at, d.created_at, d.updated_at
         FROM deliveries d JOIN events e ON e.id = d.event_row LEFT JOIN hooks h ON h.id = d.hook_id
         {filter} ORDER BY d.id DESC LIMIT ?"
    ))?;
    let rows = stmt.query_map(args.as_slice(), delivery_row)?;
    Ok(rows.collect::<Result<_>>()?)
}

fn delivery_row(r: &Row) -> Result<DeliveryView> {
    let dest: String = r.get(6)?;
    Ok(DeliveryView {
        id: r.get(0)?,
        event_id: r.get(1)?,
        event_type: r.get(2)?,
        store: r.get(3)?,
        hook_id: r.get(4)?,
        hook_label: r.get(5)?,
        destination: describe_dest(&dest),
        status: r.get(7)?,
        attempts: r.get(8)?,
        last_status_code: r.get(9)?,
        last_error: r.get(10)?,
        next_attempt_at: r.get(11)?,
        created_at: r.get(12)?,
        updated_at: r.get(13)?,
    })
}

fn describe_dest(dest: &str) -> String {
    if let Some(store) = dest.strip_prefix("hub:") {
        return format!("Order webhook page ({store})");
    }
    if let Some(hook) = dest.strip_prefix("test:") {
        return format!("{hook} (test send)");
    }
    dest.strip_prefix("hook:").unwrap_or(dest).to_string()
}

pub fn attempts(ctx: &Ctx, actor: &Actor, delivery_id: i64) -> Result<Vec<AttemptView>> {
    actor.require(Permission::ReadLogs)?;
    attempts_of(ctx, delivery_id)
}

pub(crate) fn attempts_of(ctx: &Ctx, delivery_id: i64) -> Result<Vec<AttemptView>> {
    let (rows, event) = {
        let conn = ctx.db.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id, delivery_id, trigger, number, started_at, latency_ms, status_code, error_kind, error_message,
                    request_url, request_headers, request_body, response_headers, response_body, result, next_attempt_at,
                    request_body_sha256
             FROM attempts WHERE delivery_id = ?1 ORDER BY id",
        )?;
        let rows = stmt
            .query_map(args![delivery_id], attempt_row)?
            .collect::<Result<Vec<_>>>()?;
        (rows, sent_body::event_of(&conn, delivery_id)?)
    };
    // Every attempt of a delivery sent the same event: render it once.
    let needs_render = rows
        .iter()
        .any(|(_, stored, sha)| stored.is_none() && sha.is_some());
    let rendered = match (&event, needs_render) {
        (Some(ev), true) => Some(sent_body::render_now(ctx, ev)),
        _ => None,
    };
    Ok(rows
        .into_iter()
        .map(|(mut view, stored, sha)| {
            let (body, note) = sent_body::shown(stored, sha.as_deref(), rendered.as_ref());
            view.request_body = body;
            view.request_body_note = note;
            view
        })
        .collect())
}

/// An attempt's view with its body still to fill in, the body it kept (before migration 0007) and the
/// hash of the body it sent.
type AttemptRow = (AttemptView, Option<String>, Option<Vec<u8>>);

fn attempt_row(r: &Row) -> Result<AttemptRow> {
    let pairs = |s: String| serde_json::from_str::<Vec<(String, String)>>(&s).unwrap_or_default();
    let kind: Option<String> = r.get(7)?;
    let message: Option<String> = r.get(8)?;
    let result: Option<String> = r.get(14)?;
    let view = AttemptView {
        id: r.get(0)?,
        delivery_id: r.get(1)?,
        trigger: r.get(2)?,
        number: r.get(3)?,
        started_at: r.get(4)?,
        latency_ms: r.get(5)?,
        status_code: r.get(6)?,
        error: kind.map(|kind| AttemptErrorView {
            kind,
            message: message.unwrap_or_default(),
        }),
        request_url: r.get(9)?,
        request_headers: pairs(r.get(10)?),
        request_body: String::new(),
        request_body_note: None,
        response_headers: pairs(r.get(12)?),
        response_body: r.get(13)?,
        result: result.and_then(|s| serde_json::from_str(&s).ok()),
        next_attempt_at: r.get(15)?,
    };
    Ok((view, r.get(11)?, r.get(16)?))
}

/// Queues one more try of a finished delivery now, with trigger `resend`.
pub fn resend(ctx: &Ctx, actor: &Actor, delivery_id: i64) -> Result<i64> {
    actor.require(Permission::Resend)?;
    let now = ctx.now_ms();
    let conn = ctx.db.conn();
    let changed = conn.execute(
        "UPDATE deliveries SET status = 'pending', next_attempt_at = ?2, lease_until = NULL, updated_at = ?2,
                resend = 1, retry_base = attempts
         WHERE id = ?1 AND status IN ('succeeded','dead','failed')",
        args![delivery_id, now],
    )?;
    if changed == 0 {
        let exists: Option<String> = conn
            .query_row(
                "SELECT status FROM deliveries WHERE id = ?1",
                args![delivery_id],
                |r| r.get(0),
            )
            .optional()?;
        return match exists {
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
    let n = conn.execute(
        "UPDATE deliveries SET status = 'pending', next_attempt_at = ?3, lease_until = NULL, updated_at = ?3,
                resend = 1, retry_base = attempts
         WHERE hook_id = ?1 AND created_at >= ?2 AND status IN ('dead','failed')",
        args![hook_id, since, now],
    )?;
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

/// Progress of a recovery: how many of the hook's recovered deliveries have finished.
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
    let conn = ctx.db.conn();
    Ok(conn.query_row(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE status = 'succeeded'), COUNT(*) FILTER (WHERE status = 'dead'),
                COUNT(*) FILTER (WHERE status = 'failed'),
                COUNT(*) FILTER (WHERE status IN ('pending', 'delivering'))
         FROM deliveries WHERE hook_id = ?1 AND created_at >= ?2 AND resend = 1",
        args![hook_id, since],
        |r| {
            Ok(RecoverCounts {
                queued: r.get(0)?,
                delivered: r.get(1)?,
                gave_up: r.get(2)?,
                still_failing: r.get(3)?,
                waiting: r.get(4)?,
            })
        },
    )?)
}

/// The last `is_online` answer per store.
pub fn pos_status(ctx: &Ctx) -> Result<std::collections::HashMap<String, bool>> {
    crate::store::pos_status::all(&ctx.db.conn())
}

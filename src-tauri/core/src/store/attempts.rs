//! Attempts (docs/architecture.md, step 7): each attempt's row, written with its delivery's new state
//! in the recorder's transaction, and read back for the delivery log.

use serde_json::Value;

use crate::domain::{DeliveryStatus, Trigger};
use crate::store::{json_arg, Backend, Conn};
use crate::Result;
use crate::{any_id, args};

/// One attempt as it is recorded. Headers are kept masked; the request body only as its SHA-256
/// (migration 0007): the log renders it again from the event.
#[derive(Debug, Clone, Copy)]
pub struct NewAttempt<'a> {
    pub delivery_id: i64,
    pub trigger: Trigger,
    /// 1 for the first attempt of the delivery.
    pub number: i64,
    pub started_at: i64,
    pub latency_ms: i64,
    pub status_code: Option<u16>,
    pub error_kind: Option<&'a str>,
    pub error_message: Option<&'a str>,
    /// Masked: a URL's query may be secret.
    pub request_url: &'a str,
    /// Masked: every credential's value is hidden.
    pub request_headers: &'a [(String, String)],
    pub request_body_sha256: Option<&'a [u8]>,
    pub response_headers: &'a [(String, String)],
    /// The start of the answer, as text.
    pub response_body: &'a str,
    /// The parsed answer of an order-injection check.
    pub result: Option<&'a Value>,
    pub next_attempt_at: Option<i64>,
}

/// Writes the attempt; answers its id.
pub fn insert(conn: &Conn, a: &NewAttempt<'_>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO attempts (delivery_id, trigger, number, started_at, latency_ms, status_code, error_kind,
                               error_message, request_url, request_headers, request_body_sha256, response_headers,
                               response_body, result, next_attempt_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) RETURNING id",
    )?
    .query_row(
        args![
            a.delivery_id,
            a.trigger,
            a.number,
            a.started_at,
            a.latency_ms,
            a.status_code,
            a.error_kind,
            a.error_message,
            a.request_url,
            pairs_json(a.request_headers),
            a.request_body_sha256,
            pairs_json(a.response_headers),
            a.response_body,
            a.result.map(|r| r.to_string()),
            a.next_attempt_at,
        ],
        |r| r.get::<_, i64>(0),
    )
}

fn pairs_json(pairs: &[(String, String)]) -> String {
    json_arg(pairs)
}

/// A delivery's state after an attempt: one more attempt made, no longer in flight.
#[derive(Debug, Clone, Copy)]
pub struct Settled<'a> {
    pub status: DeliveryStatus,
    /// When it is due again, while it is retrying.
    pub next_attempt_at: Option<i64>,
    pub last_status_code: Option<u16>,
    pub last_error: Option<&'a str>,
    pub now: i64,
}

pub fn settle(conn: &Conn, delivery_id: i64, s: &Settled<'_>) -> Result<()> {
    conn.prepare_cached(
        "UPDATE deliveries SET status = ?2, attempts = attempts + 1, next_attempt_at = ?3, lease_until = NULL,
                last_status_code = ?4, last_error = ?5, updated_at = ?6 WHERE id = ?1",
    )?
    .execute(args![
        delivery_id,
        s.status,
        s.next_attempt_at,
        s.last_status_code,
        s.last_error,
        s.now
    ])?;
    Ok(())
}

/// The batch form of [`insert`] and [`settle`] on PostgreSQL: `?1` the attempts and `?2` the
/// deliveries' new states as JSON arrays, `?3` the deliveries' ids, probed by key.
const RECORD_MANY: &str = concat!(
    "WITH settled AS (
        UPDATE deliveries AS d SET status = r.status, attempts = d.attempts + 1,
               next_attempt_at = r.next_attempt_at, lease_until = NULL,
               last_status_code = r.last_status_code, last_error = r.last_error, updated_at = r.updated_at
        FROM json_populate_recordset(NULL::deliveries, CAST(?2 AS json)) AS r
        WHERE d.id = r.id AND d.id = ",
    any_id!("?3"),
    "
        RETURNING d.id)
     INSERT INTO attempts (delivery_id, trigger, number, started_at, latency_ms, status_code, error_kind,
                           error_message, request_url, request_headers, request_body_sha256, response_headers,
                           response_body, result, next_attempt_at)
     SELECT r.delivery_id, r.trigger, r.number, r.started_at, r.latency_ms, r.status_code, r.error_kind,
            r.error_message, r.request_url, r.request_headers, r.request_body_sha256, r.response_headers,
            r.response_body, r.result, r.next_attempt_at
     FROM json_populate_recordset(NULL::attempts, CAST(?1 AS json)) AS r"
);

/// Writes many attempts and settles their deliveries, and clears the failing flag of `cleared` (hooks
/// that only succeeded in this batch): row by row on SQLite (in-process), in one round trip on
/// PostgreSQL, where each statement is one (README, Performance).
pub fn record_many(
    conn: &Conn,
    items: &[(NewAttempt<'_>, i64, Settled<'_>)],
    cleared: &[&str],
) -> Result<()> {
    if conn.backend() == Backend::Sqlite || items.len() == 1 {
        for (a, delivery, s) in items {
            insert(conn, a)?;
            settle(conn, *delivery, s)?;
        }
        return super::hook_health::clear_failing_all(conn, cleared);
    }
    let attempts: Vec<_> = items
        .iter()
        .map(|(a, ..)| {
            serde_json::json!({
                "delivery_id": a.delivery_id, "trigger": a.trigger.as_str(), "number": a.number,
                "started_at": a.started_at, "latency_ms": a.latency_ms, "status_code": a.status_code,
                "error_kind": a.error_kind, "error_message": a.error_message,
                "request_url": a.request_url, "request_headers": pairs_json(a.request_headers),
                "request_body_sha256": a.request_body_sha256.map(|b| format!("\\x{}", hex::encode(b))),
                "response_headers": pairs_json(a.response_headers), "response_body": a.response_body,
                "result": a.result.map(|r| r.to_string()), "next_attempt_at": a.next_attempt_at,
            })
        })
        .collect();
    let ids: Vec<i64> = items.iter().map(|(_, id, _)| *id).collect();
    let settled: Vec<_> = items
        .iter()
        .map(|(_, delivery, s)| {
            serde_json::json!({
                "id": delivery, "status": s.status.as_str(), "next_attempt_at": s.next_attempt_at,
                "last_status_code": s.last_status_code, "last_error": s.last_error, "updated_at": s.now,
            })
        })
        .collect();
    let record = args![json_arg(&attempts), json_arg(&settled), json_arg(&ids)];
    let clear = args![json_arg(cleared)];
    conn.query_all(&[
        (RECORD_MANY, record),
        (super::hook_health::CLEAR_FAILING_ALL, clear),
    ])?;
    Ok(())
}

/// An attempt as it was recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredAttempt {
    pub id: i64,
    pub delivery_id: i64,
    pub trigger: Trigger,
    pub number: i64,
    pub started_at: i64,
    pub latency_ms: i64,
    pub status_code: Option<i64>,
    pub error_kind: Option<String>,
    pub error_message: Option<String>,
    pub request_url: String,
    pub request_headers: Vec<(String, String)>,
    /// The body itself, kept only by attempts recorded before migration 0007.
    pub request_body: Option<String>,
    pub request_body_sha256: Option<Vec<u8>>,
    pub response_headers: Vec<(String, String)>,
    pub response_body: String,
    pub result: Option<Value>,
    pub next_attempt_at: Option<i64>,
}

/// A delivery's attempts, oldest first.
pub fn of_delivery(conn: &Conn, delivery_id: i64) -> Result<Vec<StoredAttempt>> {
    // Header lists and the parsed result are JSON the recorder wrote; one that does not parse shows as
    // empty rather than hiding the attempt.
    let pairs = |s: String| serde_json::from_str::<Vec<(String, String)>>(&s).unwrap_or_default();
    conn.prepare_cached(
        "SELECT id, delivery_id, trigger, number, started_at, latency_ms, status_code, error_kind, error_message,
                request_url, request_headers, request_body, response_headers, response_body, result, next_attempt_at,
                request_body_sha256
         FROM attempts WHERE delivery_id = ?1 ORDER BY id",
    )?
    .query_map(args![delivery_id], |r| {
        let result: Option<String> = r.get(14)?;
        Ok(StoredAttempt {
            id: r.get(0)?,
            delivery_id: r.get(1)?,
            trigger: r.get(2)?,
            number: r.get(3)?,
            started_at: r.get(4)?,
            latency_ms: r.get(5)?,
            status_code: r.get(6)?,
            error_kind: r.get(7)?,
            error_message: r.get(8)?,
            request_url: r.get(9)?,
            request_headers: pairs(r.get(10)?),
            request_body: r.get(11)?,
            response_headers: pairs(r.get(12)?),
            response_body: r.get(13)?,
            result: result.and_then(|s| serde_json::from_str(&s).ok()),
            next_attempt_at: r.get(15)?,
            request_body_sha256: r.get(16)?,
        })
    })?
    .collect()
}

//! The outbox's writes (docs/architecture.md, steps 1 and 2): an event and one pending delivery per
//! destination, committed before anything is sent, and the rows of a test send.

use std::collections::HashMap;

use serde_json::json;

use crate::args;
use crate::domain::{Destination, RetryPreset};
use crate::store::{Backend, Conn, OptionalExt};
use crate::Result;

/// An event as it is written to the outbox.
#[derive(Debug, Clone, Copy)]
pub struct NewEventRow<'a> {
    pub event_id: &'a str,
    pub event_type: &'a str,
    pub store: &'a str,
    pub occurred_at: i64,
    /// The event's `data` as JSON text.
    pub data: &'a str,
    pub idem_key: Option<&'a str>,
    pub order_key: Option<&'a str>,
}

/// Writes the event; answers its row id, or `None` when its idempotency key is already taken.
pub fn insert_event(conn: &Conn, ev: &NewEventRow<'_>) -> Result<Option<i64>> {
    conn.prepare_cached(
        "INSERT INTO events (event_id, type, store, occurred_at, data, idem_key, order_key, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?4)
         ON CONFLICT(idem_key) DO NOTHING RETURNING id",
    )?
    .query_map(
        args![
            ev.event_id,
            ev.event_type,
            ev.store,
            ev.occurred_at,
            ev.data,
            ev.idem_key,
            ev.order_key
        ],
        |r| r.get::<_, i64>(0),
    )?
    .next()
    .transpose()
}

/// Writes many events; answers each one's row id, or `None` where its idempotency key is taken (by an
/// earlier event, or one earlier in `rows`). SQLite writes in-process, so it goes row by row; PostgreSQL
/// takes the whole batch in one statement, since each statement is a round trip (README, Performance).
pub fn insert_events(conn: &Conn, rows: &[NewEventRow<'_>]) -> Result<Vec<Option<i64>>> {
    if conn.backend() == Backend::Sqlite || rows.len() == 1 {
        return rows.iter().map(|ev| insert_event(conn, ev)).collect();
    }
    let batch: Vec<_> = rows
        .iter()
        .map(|ev| {
            json!({"event_id": ev.event_id, "type": ev.event_type, "store": ev.store,
                   "occurred_at": ev.occurred_at, "data": ev.data, "idem_key": ev.idem_key,
                   "order_key": ev.order_key})
        })
        .collect();
    let ids: HashMap<String, i64> = conn
        .prepare_cached(
            "INSERT INTO events (event_id, type, store, occurred_at, data, idem_key, order_key, created_at)
             SELECT r.event_id, r.type, r.store, r.occurred_at, r.data, r.idem_key, r.order_key, r.occurred_at
             FROM json_populate_recordset(NULL::events, CAST(?1 AS json)) AS r
             ON CONFLICT (idem_key) DO NOTHING RETURNING event_id, id",
        )?
        .query_map(args![serde_json::Value::from(batch).to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<Result<_>>()?;
    Ok(rows
        .iter()
        .map(|ev| ids.get(ev.event_id).copied())
        .collect())
}

/// One pending delivery of an event to a destination.
#[derive(Debug, Clone, Copy)]
pub struct NewDelivery<'a> {
    pub event_row: i64,
    pub dest: &'a Destination,
    pub store: &'a str,
    pub event_type: &'a str,
    pub order_key: Option<&'a str>,
    /// Waits while an earlier delivery to the same destination with the same order key is unfinished.
    pub ordered: bool,
    pub retry: RetryPreset,
    /// Due now: created and first due at this time.
    pub now: i64,
}

/// Writes a pending delivery, due at once; answers its id.
pub fn insert_delivery(conn: &Conn, d: &NewDelivery<'_>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO deliveries (event_row, dest, hook_id, store, event_type, order_key, ordered, retry_preset,
                                 status, next_attempt_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'pending', ?9, ?9, ?9) RETURNING id",
    )?
    .query_row(
        args![
            d.event_row,
            d.dest,
            d.dest.hook_id(),
            d.store,
            d.event_type,
            d.order_key,
            d.ordered,
            d.retry.as_str(),
            d.now
        ],
        |row| row.get(0),
    )
}

/// Writes many pending deliveries, each due at once; row by row on SQLite, in one statement on
/// PostgreSQL (see [`insert_events`]).
pub fn insert_deliveries(conn: &Conn, rows: &[NewDelivery<'_>]) -> Result<()> {
    if conn.backend() == Backend::Sqlite || rows.len() == 1 {
        for d in rows {
            insert_delivery(conn, d)?;
        }
        return Ok(());
    }
    let batch: Vec<_> = rows
        .iter()
        .map(|d| {
            json!({"event_row": d.event_row, "dest": d.dest.to_string(), "hook_id": d.dest.hook_id(),
                   "store": d.store, "event_type": d.event_type, "order_key": d.order_key,
                   "ordered": i64::from(d.ordered), "retry_preset": d.retry.as_str(),
                   "next_attempt_at": d.now})
        })
        .collect();
    conn.prepare_cached(
        "INSERT INTO deliveries (event_row, dest, hook_id, store, event_type, order_key, ordered, retry_preset,
                                 status, next_attempt_at, created_at, updated_at)
         SELECT r.event_row, r.dest, r.hook_id, r.store, r.event_type, r.order_key, r.ordered, r.retry_preset,
                'pending', r.next_attempt_at, r.next_attempt_at, r.next_attempt_at
         FROM json_populate_recordset(NULL::deliveries, CAST(?1 AS json)) AS r",
    )?
    .execute(args![serde_json::Value::from(batch).to_string()])?;
    Ok(())
}

/// The event an idempotency key already queued: its id and how many deliveries it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyedEvent {
    pub event_id: String,
    pub deliveries: usize,
}

pub fn event_by_key(conn: &Conn, key: &str) -> Result<Option<KeyedEvent>> {
    conn.prepare_cached(
        "SELECT e.event_id, (SELECT COUNT(*) FROM deliveries d WHERE d.event_row = e.id)
         FROM events e WHERE e.idem_key = ?1",
    )?
    .query_row(args![key], |r| {
        Ok(KeyedEvent {
            event_id: r.get(0)?,
            deliveries: r.get::<_, i64>(1)? as usize,
        })
    })
    .optional()
}

/// A test send's event and its one delivery, already in flight (docs/architecture.md, test sends).
#[derive(Debug, Clone, Copy)]
pub struct TestSendRows<'a> {
    pub event_id: &'a str,
    pub event_type: &'a str,
    pub store: &'a str,
    /// The event's `data` as JSON text.
    pub data: &'a str,
    pub hook_id: &'a str,
    pub lease_until: i64,
    pub now: i64,
}

/// Writes a test send's event (trigger `test`) and its delivery, claimed by the caller until
/// `lease_until`; answers the delivery's id.
pub fn insert_test_send(conn: &Conn, t: &TestSendRows<'_>) -> Result<i64> {
    let row: i64 = conn.query_row(
        "INSERT INTO events (event_id, type, store, occurred_at, data, trigger, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'test', ?4) RETURNING id",
        args![t.event_id, t.event_type, t.store, t.now, t.data],
        |r| r.get(0),
    )?;
    conn.query_row(
        "INSERT INTO deliveries (event_row, dest, hook_id, store, event_type, status, lease_until,
                                 created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'delivering', ?6, ?7, ?7) RETURNING id",
        args![
            row,
            Destination::Test(t.hook_id.to_string()),
            t.hook_id,
            t.store,
            t.event_type,
            t.lease_until,
            t.now
        ],
        |r| r.get(0),
    )
}

//! The outbox's writes (docs/architecture.md, steps 1 and 2): an event and one pending delivery per
//! destination, committed before anything is sent, and the rows of a test send.

use std::collections::HashMap;

use serde_json::json;

use crate::args;
use crate::domain::{Destination, RetryPreset};
use crate::store::{json_arg, Backend, Conn, OptionalExt};
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

/// An event with the deliveries it gets, as ingest writes them.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    pub event: NewEventRow<'a>,
    pub routes: Vec<Routed<'a>>,
}

/// One destination of a [`NewEntry`]: a pending delivery due at the event's time.
#[derive(Debug, Clone, Copy)]
pub struct Routed<'a> {
    pub dest: &'a Destination,
    /// Waits while an earlier delivery to the same destination with the same order key is unfinished.
    pub ordered: bool,
    pub retry: RetryPreset,
}

/// Writes events and their pending deliveries; answers each event's row id, or `None` where its
/// idempotency key is taken (by an earlier event, or one earlier in `entries`), which writes no
/// delivery. SQLite writes in-process, row by row; PostgreSQL takes the whole batch in one statement,
/// since each statement is a round trip (README, Performance). Deliveries get ids in the entries'
/// order, which ordered destinations rely on.
pub fn insert_entries(conn: &Conn, entries: &[NewEntry<'_>]) -> Result<Vec<Option<i64>>> {
    if conn.backend() == Backend::Sqlite || entries.len() == 1 {
        return entries
            .iter()
            .map(|en| {
                let row = insert_event(conn, &en.event)?;
                if let Some(row) = row {
                    for r in &en.routes {
                        insert_delivery(conn, &delivery(row, &en.event, r))?;
                    }
                }
                Ok(row)
            })
            .collect();
    }
    let events: Vec<_> = entries
        .iter()
        .map(|en| {
            let ev = &en.event;
            json!({"event_id": ev.event_id, "type": ev.event_type, "store": ev.store,
                   "occurred_at": ev.occurred_at, "data": ev.data, "idem_key": ev.idem_key,
                   "order_key": ev.order_key})
        })
        .collect();
    let deliveries: Vec<_> = entries
        .iter()
        .flat_map(|en| en.routes.iter().map(move |r| (&en.event, r)))
        .map(|(ev, r)| {
            json!({"event_id": ev.event_id, "dest": r.dest.to_string(), "hook_id": r.dest.hook_id(),
                   "ordered": i64::from(r.ordered), "retry_preset": r.retry.as_str()})
        })
        .collect();
    let ids: HashMap<String, i64> = conn
        .query_map(
            "WITH ev AS (
                INSERT INTO events (event_id, type, store, occurred_at, data, idem_key, order_key, created_at)
                SELECT r.event_id, r.type, r.store, r.occurred_at, r.data, r.idem_key, r.order_key, r.occurred_at
                FROM json_populate_recordset(NULL::events, CAST(?1 AS json)) AS r
                ON CONFLICT (idem_key) DO NOTHING RETURNING id, event_id, type, store, order_key, occurred_at
             ), dl AS (
                INSERT INTO deliveries (event_row, dest, hook_id, store, event_type, order_key, ordered,
                                        retry_preset, status, next_attempt_at, created_at, updated_at)
                SELECT ev.id, r.dest, r.hook_id, ev.store, ev.type, ev.order_key, r.ordered, r.retry_preset,
                       'pending', ev.occurred_at, ev.occurred_at, ev.occurred_at
                FROM ROWS FROM (json_to_recordset(CAST(?2 AS json))
                         AS (event_id TEXT, dest TEXT, hook_id TEXT, ordered BIGINT, retry_preset TEXT))
                     WITH ORDINALITY AS r(event_id, dest, hook_id, ordered, retry_preset, n)
                JOIN ev ON ev.event_id = r.event_id
                ORDER BY r.n
             )
             SELECT event_id, id FROM ev",
            args![
                json_arg(&events),
                json_arg(&deliveries)
            ],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
        .into_iter()
        .collect();
    Ok(entries
        .iter()
        .map(|en| ids.get(en.event.event_id).copied())
        .collect())
}

fn delivery<'a>(row: i64, ev: &NewEventRow<'a>, r: &Routed<'a>) -> NewDelivery<'a> {
    NewDelivery {
        event_row: row,
        dest: r.dest,
        store: ev.store,
        event_type: ev.event_type,
        order_key: ev.order_key,
        ordered: r.ordered,
        retry: r.retry,
        now: ev.occurred_at,
    }
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

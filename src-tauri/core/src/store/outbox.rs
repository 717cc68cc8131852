//! The outbox's writes (docs/architecture.md, steps 1 and 2): an event and one pending delivery per
//! destination, committed before anything is sent, and the rows of a test send.

use crate::args;
use crate::domain::{Destination, RetryPreset};
use crate::store::{Conn, OptionalExt};
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

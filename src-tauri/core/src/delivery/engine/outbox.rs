//! The durable outbox (docs/architecture.md, steps 1 and 2): an event and one pending delivery per
//! destination are committed in one transaction before anything is sent, and an idempotency key already
//! seen answers the first event instead. The rows are written by `store/outbox.rs`; claiming them is
//! [`super::claim`].

use serde_json::Value;

use super::route::{routes_for, Route};
use crate::catalog::{EventType, Family};
use crate::config::snapshot::Snapshot;
use crate::store::{outbox, Conn};
use crate::{Ctx, Error, Result};

/// A live event as it arrives from ingest, `hookdesk emit` or the UI.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub event_type: EventType,
    pub store: String,
    pub data: Value,
    pub key: Option<String>,
    pub order_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Enqueued {
    pub event_id: String,
    pub deliveries: usize,
    /// True when an earlier event had the same idempotency key: nothing new was queued.
    #[serde(skip)]
    pub duplicate: bool,
}

pub const MAX_KEY_LEN: usize = 200;

impl NewEvent {
    /// Validates the parts that do not need the database. The event type is already a known one.
    pub fn parse(
        event_type: &str,
        store: &str,
        data: Value,
        key: Option<String>,
        order_key: Option<String>,
    ) -> Result<NewEvent> {
        let event_type = EventType::parse("type", event_type)?;
        let store = store.trim();
        if store.is_empty() || store.len() > 64 {
            return Err(Error::invalid(
                "store",
                "a store id of 1 to 64 characters is required",
            ));
        }
        if !data.is_object() {
            return Err(Error::invalid("data", "must be a JSON object"));
        }
        for (field, v) in [("key", &key), ("order_key", &order_key)] {
            if let Some(v) = v {
                if v.is_empty() || v.len() > MAX_KEY_LEN || v.chars().any(char::is_control) {
                    return Err(Error::invalid(
                        field,
                        format!("must be 1 to {MAX_KEY_LEN} printable characters"),
                    ));
                }
            }
        }
        let order_key = order_key.or_else(|| crate::catalog::order_key(event_type, &data));
        Ok(NewEvent {
            event_type,
            store: store.to_string(),
            data,
            key,
            order_key,
        })
    }
}

/// Commits the event and one pending delivery per matching destination, before anything is sent.
pub fn enqueue(ctx: &Ctx, ev: &NewEvent, now: i64) -> Result<Enqueued> {
    enqueue_batch(ctx, std::slice::from_ref(ev), now)
        .pop()
        .unwrap_or_else(|| Err(Error::Delivery("nothing was queued".into())))
}

/// What an event needs before its rows are written: its destinations, or the answer it already has.
enum Planned {
    Answered(Result<Enqueued>),
    Routes(Vec<Route>),
}

/// An event to write, at its place among the batch's answers.
struct ToWrite<'e> {
    at: usize,
    ev: &'e NewEvent,
    routes: Vec<Route>,
}

/// Enqueues many events in one transaction, each answered on its own: an unknown store or a repeated
/// key fails or answers only that event. A commit costs more than the rows it holds, and on PostgreSQL
/// each statement is a round trip, so ingest under load writes whatever arrived together with one
/// statement per table (see [`crate::store::Db::write_batch`]).
pub fn enqueue_batch(ctx: &Ctx, events: &[NewEvent], now: i64) -> Vec<Result<Enqueued>> {
    let snap = Snapshot::new();
    snap.preload(ctx, events.iter().map(|ev| ev.store.as_str()));
    let mut answers: Vec<Option<Result<Enqueued>>> = Vec::with_capacity(events.len());
    let mut to_write = Vec::new();
    for (i, ev) in events.iter().enumerate() {
        match plan(ctx, &snap, ev) {
            Planned::Answered(answer) => answers.push(Some(answer)),
            Planned::Routes(routes) => {
                answers.push(None);
                to_write.push(ToWrite { at: i, ev, routes });
            }
        }
    }
    let written = ctx
        .db
        .write_batch(&to_write, |tx, batch| insert_events(tx, batch, now));
    for (planned, answer) in to_write.iter().zip(written) {
        answers[planned.at] = Some(answer);
    }
    answers
        .into_iter()
        .map(|a| a.unwrap_or_else(|| Err(Error::Delivery("the event was not queued".into()))))
        .collect()
}

fn plan(ctx: &Ctx, snap: &Snapshot, ev: &NewEvent) -> Planned {
    let planned = (|| -> Result<Planned> {
        if let Some(found) = by_key(&ctx.db.read(), ev.key.as_deref())? {
            return Ok(Planned::Answered(Ok(found)));
        }
        snap.require_store_exists(ctx, &ev.store)?;
        Ok(Planned::Routes(routes_for(
            ctx,
            snap,
            ev.event_type,
            &ev.store,
            &ev.data,
        )?))
    })();
    planned.unwrap_or_else(|e| Planned::Answered(Err(e)))
}

/// Writes events and their deliveries inside the caller's transaction. The outer error is the
/// database failing (the batch is abandoned); the inner ones are each event's own answer.
fn insert_events(tx: &Conn, batch: &[ToWrite<'_>], now: i64) -> Result<Vec<Result<Enqueued>>> {
    let ids: Vec<String> = batch
        .iter()
        .map(|_| crate::delivery::wire::render::new_event_id())
        .collect();
    let data: Vec<Result<String>> = batch
        .iter()
        .map(|p| {
            serde_json::to_string(&p.ev.data).map_err(|e| Error::invalid("data", e.to_string()))
        })
        .collect();
    let mut entries = Vec::with_capacity(batch.len());
    for ((p, id), data) in batch.iter().zip(&ids).zip(&data) {
        let Ok(data) = data else { continue };
        entries.push(outbox::NewEntry {
            event: outbox::NewEventRow {
                event_id: id,
                event_type: p.ev.event_type.name(),
                store: &p.ev.store,
                occurred_at: now,
                data,
                idem_key: p.ev.key.as_deref(),
                order_key: p.ev.order_key.as_deref(),
            },
            routes: p
                .routes
                .iter()
                .map(|r| outbox::Routed {
                    dest: &r.dest,
                    // The order-injection flow (is_online, validate_order, new_order) only makes sense
                    // in sequence, whatever the hook's ordering setting: a new_order must not overtake
                    // the check that may cancel it.
                    ordered: r.ordered || p.ev.event_type.family() == Family::OrderInjection,
                    retry: r.retry,
                })
                .collect(),
        });
    }
    let mut inserted = outbox::insert_entries(tx, &entries)?.into_iter();
    let mut answers = Vec::with_capacity(batch.len());
    for ((p, id), data) in batch.iter().zip(&ids).zip(data) {
        if let Err(e) = data {
            answers.push(Err(e));
            continue;
        }
        answers.push(match inserted.next().flatten() {
            Some(_) => Ok(Enqueued {
                event_id: id.clone(),
                deliveries: p.routes.len(),
                duplicate: false,
            }),
            // The same key earlier in this batch, or committed since it was planned.
            None => by_key(tx, p.ev.key.as_deref())?
                .ok_or_else(|| Error::Conflict("the idempotency key is in use".into())),
        });
    }
    Ok(answers)
}

fn by_key(conn: &Conn, key: Option<&str>) -> Result<Option<Enqueued>> {
    let Some(key) = key else { return Ok(None) };
    Ok(outbox::event_by_key(conn, key)?.map(|found| Enqueued {
        event_id: found.event_id,
        deliveries: found.deliveries,
        duplicate: true,
    }))
}

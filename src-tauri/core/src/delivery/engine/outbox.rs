//! The durable outbox (docs/architecture.md, steps 1 and 2): an event and one pending delivery per
//! destination are committed in one transaction before anything is sent, and an idempotency key already
//! seen answers the first event instead. The rows are written by `store/outbox.rs`; claiming them is
//! [`super::claim`].

use serde_json::Value;

use super::route::{routes_for, Route};
use crate::catalog::{EventType, Family};
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

/// Enqueues many events in one transaction, each answered on its own: an unknown store or a repeated
/// key fails or answers only that event. A commit costs more than the rows it holds, so ingest under
/// load writes whatever arrived together (see [`crate::store::Db::write_each`]).
pub fn enqueue_batch(ctx: &Ctx, events: &[NewEvent], now: i64) -> Vec<Result<Enqueued>> {
    let mut answers: Vec<Option<Result<Enqueued>>> = Vec::with_capacity(events.len());
    let mut to_write = Vec::new();
    for (i, ev) in events.iter().enumerate() {
        match plan(ctx, ev) {
            Planned::Answered(answer) => answers.push(Some(answer)),
            Planned::Routes(routes) => {
                answers.push(None);
                to_write.push((i, ev, routes));
            }
        }
    }
    let written = ctx.db.write_each(&to_write, |tx, (_, ev, routes)| {
        insert_event(tx, ev, routes, now)
    });
    for ((i, ..), answer) in to_write.iter().zip(written) {
        answers[*i] = Some(answer.and_then(|own| own));
    }
    answers
        .into_iter()
        .map(|a| a.unwrap_or_else(|| Err(Error::Delivery("the event was not queued".into()))))
        .collect()
}

fn plan(ctx: &Ctx, ev: &NewEvent) -> Planned {
    let planned = (|| -> Result<Planned> {
        if let Some(found) = by_key(&ctx.db.read(), ev.key.as_deref())? {
            return Ok(Planned::Answered(Ok(found)));
        }
        crate::config::stores::require_exists(ctx, &ev.store)?;
        Ok(Planned::Routes(routes_for(
            ctx,
            ev.event_type,
            &ev.store,
            &ev.data,
        )?))
    })();
    planned.unwrap_or_else(|e| Planned::Answered(Err(e)))
}

/// Writes one event and its deliveries inside the caller's transaction. The outer error is the
/// database failing (the batch is abandoned); the inner one is this event's own answer.
fn insert_event(tx: &Conn, ev: &NewEvent, routes: &[Route], now: i64) -> Result<Result<Enqueued>> {
    let event_id = crate::delivery::wire::render::new_event_id();
    let data = match serde_json::to_string(&ev.data) {
        Ok(d) => d,
        Err(e) => return Ok(Err(Error::invalid("data", e.to_string()))),
    };
    let inserted = outbox::insert_event(
        tx,
        &outbox::NewEventRow {
            event_id: &event_id,
            event_type: ev.event_type.name(),
            store: &ev.store,
            occurred_at: now,
            data: &data,
            idem_key: ev.key.as_deref(),
            order_key: ev.order_key.as_deref(),
        },
    )?;
    let Some(row) = inserted else {
        // The same key earlier in this batch, or committed since it was planned.
        return Ok(by_key(tx, ev.key.as_deref())?
            .ok_or_else(|| Error::Conflict("the idempotency key is in use".into())));
    };
    for r in routes {
        outbox::insert_delivery(
            tx,
            &outbox::NewDelivery {
                event_row: row,
                dest: &r.dest,
                store: &ev.store,
                event_type: ev.event_type.name(),
                order_key: ev.order_key.as_deref(),
                // The order-injection flow (is_online, validate_order, new_order) only makes sense in
                // sequence, whatever the hook's ordering setting: a new_order must not overtake the check
                // that may cancel it.
                ordered: r.ordered || ev.event_type.family() == Family::OrderInjection,
                retry: r.retry,
                now,
            },
        )?;
    }
    Ok(Ok(Enqueued {
        event_id,
        deliveries: routes.len(),
        duplicate: false,
    }))
}

fn by_key(conn: &Conn, key: Option<&str>) -> Result<Option<Enqueued>> {
    let Some(key) = key else { return Ok(None) };
    Ok(outbox::event_by_key(conn, key)?.map(|found| Enqueued {
        event_id: found.event_id,
        deliveries: found.deliveries,
        duplicate: true,
    }))
}

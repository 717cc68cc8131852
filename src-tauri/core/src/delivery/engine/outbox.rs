//! The durable outbox: enqueue events with their deliveries in one transaction, claim due deliveries with a
//! lease, and record each attempt's outcome.

use crate::store::Conn;
use std::collections::HashMap;

use crate::args;
use crate::store::OptionalExt;
use serde_json::Value;

use super::route::{routes_for, Route};
use crate::catalog::{EventType, Family};
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
    let inserted = tx
        .prepare_cached(
            "INSERT INTO events (event_id, type, store, occurred_at, data, idem_key, order_key, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?4)
             ON CONFLICT(idem_key) DO NOTHING RETURNING id",
        )?
        .query_map(args![
            event_id,
            ev.event_type.name(),
            ev.store,
            now,
            data,
            ev.key,
            ev.order_key
        ], |r| r.get::<_, i64>(0))?
        .next()
        .transpose()?;
    let Some(row) = inserted else {
        // The same key earlier in this batch, or committed since it was planned.
        return Ok(by_key(tx, ev.key.as_deref())?
            .ok_or_else(|| Error::Conflict("the idempotency key is in use".into())));
    };
    for r in routes {
        insert_delivery(tx, row, r, ev, now)?;
    }
    Ok(Ok(Enqueued {
        event_id,
        deliveries: routes.len(),
        duplicate: false,
    }))
}

// The order-injection flow (is_online, validate_order, new_order) only makes sense in sequence, whatever the hook's
// ordering setting: a new_order must not overtake the check that may cancel it.
fn insert_delivery(tx: &Conn, event_row: i64, r: &Route, ev: &NewEvent, now: i64) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO deliveries (event_row, dest, hook_id, store, event_type, order_key, ordered, retry_preset,
                                 status, next_attempt_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'pending', ?9, ?9, ?9) RETURNING id",
    )?.query_row(args![
            event_row,
            r.dest,
            r.hook_id,
            ev.store,
            ev.event_type.name(),
            ev.order_key,
            r.ordered || ev.event_type.family() == Family::OrderInjection,
            r.retry.as_str(),
            now
        ],
        |row| row.get(0),
    )
}

fn by_key(conn: &Conn, key: Option<&str>) -> Result<Option<Enqueued>> {
    let Some(key) = key else { return Ok(None) };
    let found = conn
        .prepare_cached(
            "SELECT e.event_id, (SELECT COUNT(*) FROM deliveries d WHERE d.event_row = e.id)
             FROM events e WHERE e.idem_key = ?1",
        )?
        .query_row(args![key], |r| {
            Ok(Enqueued {
                event_id: r.get(0)?,
                deliveries: r.get::<_, i64>(1)? as usize,
                duplicate: true,
            })
        })
        .optional()?;
    Ok(found)
}

/// A delivery claimed for one attempt, with the event it carries.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub dest: String,
    pub hook_id: Option<String>,
    pub store: String,
    pub event_type: String,
    pub event_id: String,
    pub occurred_at: i64,
    pub data: String,
    pub attempts: i64,
    pub retry_preset: String,
    pub retry_base: i64,
    pub trigger: &'static str,
}

/// Claims up to `batch` due deliveries: at most `per_dest` in flight per destination (counting `in_flight`,
/// the engine's dest → requests under way), ordered destinations only their oldest unfinished delivery per order key,
/// and rows whose lease lapsed (an engine died mid-send) again.
pub fn claim_due(
    ctx: &Ctx,
    now: i64,
    lease_ms: i64,
    batch: usize,
    per_dest: usize,
    in_flight: &HashMap<String, usize>,
) -> Result<Vec<Claimed>> {
    // A claim lost in a power cut only sends the delivery again: no sync needed.
    let conn = ctx.db.conn_relaxed();
    let tx = conn.transaction_deferred()?;
    let ids = due_ids(&tx, now, batch, per_dest, in_flight)?;
    let mut out = Vec::with_capacity(ids.len());
    {
        let mut upd = tx.prepare_cached(
            "UPDATE deliveries SET status = 'delivering', lease_until = ?2, updated_at = ?3 WHERE id = ?1",
        )?;
        let mut sel = tx.prepare_cached(
            "SELECT d.id, d.dest, d.hook_id, d.store, d.event_type, e.event_id, e.occurred_at, e.data, d.attempts,
                    d.retry_preset, d.retry_base, d.resend
             FROM deliveries d JOIN events e ON e.id = d.event_row WHERE d.id = ?1",
        )?;
        for id in ids {
            upd.execute(args![id, now + lease_ms, now])?;
            out.push(sel.query_row(args![id], |r| {
                Ok(Claimed {
                    id: r.get(0)?,
                    dest: r.get(1)?,
                    hook_id: r.get(2)?,
                    store: r.get(3)?,
                    event_type: r.get(4)?,
                    event_id: r.get(5)?,
                    occurred_at: r.get(6)?,
                    data: r.get(7)?,
                    attempts: r.get(8)?,
                    retry_preset: r.get(9)?,
                    retry_base: r.get(10)?,
                    trigger: if r.get::<_, bool>(11)? {
                        "resend"
                    } else {
                        "live"
                    },
                })
            })?);
        }
    }
    tx.commit()?;
    Ok(out)
}

/// An ordered delivery waits while an earlier one with the same destination and order key is unfinished.
const IN_ORDER: &str = "(d.ordered = 0 OR d.order_key IS NULL OR NOT EXISTS (
    SELECT 1 FROM deliveries e
    WHERE e.dest = d.dest AND e.order_key = d.order_key AND e.id < d.id
      AND e.status IN ('pending','failed','delivering')))";

/// Which deliveries `claim_due` takes: per destination, its free slots' worth of due rows in due order,
/// then the lowest ids overall. Each destination is read through an index up to its free slots, so a
/// claim costs the same with a backlog of twenty thousand as with twenty.
fn due_ids(
    tx: &Conn,
    now: i64,
    batch: usize,
    per_dest: usize,
    busy: &HashMap<String, usize>,
) -> Result<Vec<i64>> {
    let free_slots =
        |dest: &str| per_dest.saturating_sub(busy.get(dest).copied().unwrap_or(0)) as i64;
    // (next_attempt_at, id) per destination: lapsed leases first, then open work below.
    let mut due: HashMap<String, Vec<(Option<i64>, i64)>> = HashMap::new();
    {
        let mut lapsed = tx.prepare_cached(&format!(
            "SELECT d.dest, d.next_attempt_at, d.id FROM deliveries d INDEXED BY deliveries_leased
             WHERE d.status = 'delivering' AND d.lease_until <= ?1 AND {IN_ORDER}"
        ))?;
        let rows = lapsed.query_map(args![now], |r| {
            Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?))
        })?;
        for row in rows {
            let (dest, at, id) = row?;
            due.entry(dest).or_default().push((at, id));
        }
    }
    // The destinations with open work, one index probe each rather than a scan of the backlog.
    let dests: Vec<String> = tx
        .prepare_cached(
            // Without table statistics the planner walks deliveries_status and sorts: every pending row,
            // for every destination. Naming the index keeps this a probe per destination.
            "WITH RECURSIVE ds(dest) AS (
                SELECT (SELECT dest FROM deliveries INDEXED BY deliveries_open
                        WHERE status IN ('pending','failed') ORDER BY dest LIMIT 1)
                UNION ALL
                SELECT (SELECT dest FROM deliveries INDEXED BY deliveries_open
                        WHERE status IN ('pending','failed') AND dest > ds.dest ORDER BY dest LIMIT 1)
                FROM ds WHERE ds.dest IS NOT NULL
             ) SELECT dest FROM ds WHERE dest IS NOT NULL",
        )?
        .query_map(args![], |r| r.get(0))?
        .collect::<Result<_>>()?;
    let mut open = tx.prepare_cached(&format!(
        "SELECT d.next_attempt_at, d.id FROM deliveries d INDEXED BY deliveries_open
         WHERE d.dest = ?1 AND d.status IN ('pending','failed') AND d.next_attempt_at <= ?2 AND {IN_ORDER}
         ORDER BY d.next_attempt_at, d.id LIMIT ?3"
    ))?;
    for dest in dests {
        let free = free_slots(&dest);
        if free <= 0 || dest.starts_with("test:") {
            continue;
        }
        let rows = open.query_map(args![dest, now, free], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let list = due.entry(dest).or_default();
        for row in rows {
            list.push(row?);
        }
    }
    let mut ids = Vec::new();
    for (dest, mut rows) in due {
        if dest.starts_with("test:") {
            continue;
        }
        let free = free_slots(&dest);
        rows.sort_unstable();
        ids.extend(
            rows.into_iter()
                .take(free.max(0) as usize)
                .map(|(_, id)| id),
        );
    }
    ids.sort_unstable();
    ids.truncate(batch);
    Ok(ids)
}

/// The earliest time any pending or retrying delivery falls due, for the loop to sleep until.
pub fn next_due_at(ctx: &Ctx) -> Result<Option<i64>> {
    let conn = ctx.db.conn();
    let at = conn
        // The first row of each state through its index, not a scan of the backlog (a missing time is due now).
        .prepare_cached(
            "SELECT MIN(v) FROM (
                SELECT * FROM (SELECT COALESCE(next_attempt_at, 0) AS v FROM deliveries INDEXED BY deliveries_waiting
                               WHERE status IN ('pending','failed') ORDER BY next_attempt_at LIMIT 1) AS waiting
                UNION ALL
                SELECT * FROM (SELECT COALESCE(lease_until, 0) AS v FROM deliveries
                               WHERE status = 'delivering' ORDER BY lease_until LIMIT 1) AS leased) AS due",
        )?
        .query_row(args![], |r| r.get(0))?;
    Ok(at)
}

/// After an engine takes over the data directory, nothing else can be sending: in-flight rows are due now.
pub fn release_all_leases(ctx: &Ctx, now: i64) -> Result<usize> {
    let conn = ctx.db.conn();
    // A test send interrupted by a crash is not retried: its caller is gone.
    conn.execute(
        "UPDATE deliveries SET status = 'dead', lease_until = NULL, last_error = 'interrupted', updated_at = ?1
         WHERE status = 'delivering' AND dest LIKE 'test:%'",
        args![now],
    )?;
    Ok(conn.execute(
        "UPDATE deliveries SET lease_until = ?1 WHERE status = 'delivering' AND lease_until > ?1",
        args![now],
    )?)
}

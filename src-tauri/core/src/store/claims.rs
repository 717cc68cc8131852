//! Claims (docs/architecture.md, step 3 and Leases): which deliveries are due, taking one for an
//! attempt under a row lease, when the loop should next look, and freeing the leases of an engine that
//! is gone. How many a claim takes per destination is the engine's rule (`delivery/engine/claim.rs`).

use crate::domain::{Destination, RetryPreset, Trigger};
use crate::store::{json_arg, Backend, Conn, Tx};
use crate::Result;
use crate::{any_id, args};

/// A delivery claimed for one attempt, with the event it carries.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub dest: Destination,
    pub store: String,
    pub event_type: String,
    pub event_id: String,
    pub occurred_at: i64,
    /// The event's `data` as JSON text.
    pub data: String,
    /// Attempts made so far.
    pub attempts: i64,
    pub retry_preset: RetryPreset,
    /// Attempts made before the last resend or recover, from which the schedule starts again.
    pub retry_base: i64,
    pub trigger: Trigger,
}

impl Claimed {
    /// The hook this delivery goes to; `None` for a store's order-webhook page.
    pub fn hook_id(&self) -> Option<&str> {
        self.dest.hook_id()
    }
}

/// An ordered delivery waits while an earlier one with the same destination and order key is
/// unfinished. A macro, so the statements that use it stay constant text.
macro_rules! in_order {
    () => {
        "(d.ordered = 0 OR d.order_key IS NULL OR NOT EXISTS (
    SELECT 1 FROM deliveries e
    WHERE e.dest = d.dest AND e.order_key = d.order_key AND e.id < d.id
      AND e.status IN ('pending','failed','delivering')))"
    };
}

/// In-flight rows whose lease lapsed (their engine died mid-send), in order where ordering applies:
/// `(destination, next_attempt_at, id)`.
const LAPSED: &str = concat!(
    "SELECT d.dest, d.next_attempt_at, d.id FROM deliveries d INDEXED BY deliveries_leased
         WHERE d.status = 'delivering' AND d.lease_until <= ?1 AND ",
    in_order!()
);

/// The destinations with open (pending or retrying) work, one index probe each rather than a scan of
/// the backlog. Without table statistics the planner walks deliveries_status and sorts: every pending
/// row, for every destination. Naming the index keeps this a probe per destination.
const OPEN_DESTINATIONS: &str = "WITH RECURSIVE ds(dest) AS (
        SELECT (SELECT dest FROM deliveries INDEXED BY deliveries_open
                WHERE status IN ('pending','failed') ORDER BY dest LIMIT 1)
        UNION ALL
        SELECT (SELECT dest FROM deliveries INDEXED BY deliveries_open
                WHERE status IN ('pending','failed') AND dest > ds.dest ORDER BY dest LIMIT 1)
        FROM ds WHERE ds.dest IS NOT NULL
     ) SELECT dest FROM ds WHERE dest IS NOT NULL";

/// Requests under way per destination from every worker on the database: claimed, lease not lapsed.
const IN_FLIGHT: &str = "SELECT dest, COUNT(*) FROM deliveries
     WHERE status = 'delivering' AND lease_until > ?1 GROUP BY dest";

/// What a claim looks at before it chooses (see [`survey`]).
#[derive(Debug, Default)]
pub struct Survey {
    /// Requests under way per destination from every worker; asked only of a shared database.
    pub in_flight: Vec<(String, usize)>,
    /// `(destination, next_attempt_at, id)` of in-flight rows whose lease lapsed.
    pub lapsed: Vec<(Destination, Option<i64>, i64)>,
    /// Destinations with open work.
    pub open: Vec<Destination>,
}

/// The reads a claim starts with, together: one round trip on PostgreSQL, where the requests of
/// every worker count (README, Team mode).
pub fn survey(conn: &Conn, now: i64) -> Result<Survey> {
    let now = args![now];
    let team = conn.backend() == Backend::Postgres;
    let mut statements: Vec<(&str, &[crate::store::Value])> =
        vec![(LAPSED, now), (OPEN_DESTINATIONS, args![])];
    if team {
        statements.push((IN_FLIGHT, now));
    }
    let mut answers = conn.query_all(&statements)?.into_iter();
    let mut next = || answers.next().unwrap_or_default();
    let lapsed = next()
        .iter()
        .map(|r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .collect::<Result<_>>()?;
    let open = next().iter().map(|r| r.get(0)).collect::<Result<_>>()?;
    let in_flight = next()
        .iter()
        .map(|r| Ok((r.get::<_, String>(0)?, r.get::<_, usize>(1)?)))
        .collect::<Result<_>>()?;
    Ok(Survey {
        in_flight,
        lapsed,
        open,
    })
}

/// [`due_for`] on PostgreSQL: `?2` a JSON array of `{dest, n}`, each destination read through its
/// index up to its `n` rows.
const DUE_FOR: &str = concat!(
    "SELECT x.dest, d.next_attempt_at, d.id
     FROM json_to_recordset(CAST(?2 AS json)) AS x(dest TEXT, n BIGINT)
     CROSS JOIN LATERAL (
        SELECT d.next_attempt_at, d.id FROM deliveries d
        WHERE d.dest = x.dest AND d.status IN ('pending','failed') AND d.next_attempt_at <= ?1 AND ",
    in_order!(),
    "
        ORDER BY d.next_attempt_at, d.id LIMIT x.n) AS d"
);

/// For each `(destination, limit)`, up to `limit` of its open deliveries due at `now`, as
/// [`due_at`] reads them: `(destination, next_attempt_at, id)`. One statement for every destination
/// on PostgreSQL, where each statement is a round trip; one each on SQLite, in-process.
pub fn due_for(
    conn: &Conn,
    now: i64,
    wanted: &[(Destination, i64)],
) -> Result<Vec<(Destination, Option<i64>, i64)>> {
    if conn.backend() == Backend::Sqlite || wanted.len() <= 1 {
        let mut out = Vec::new();
        for (dest, limit) in wanted {
            for (at, id) in due_at(conn, dest, now, *limit)? {
                out.push((dest.clone(), at, id));
            }
        }
        return Ok(out);
    }
    let wanted: Vec<_> = wanted
        .iter()
        .map(|(dest, n)| serde_json::json!({"dest": dest.to_string(), "n": n}))
        .collect();
    conn.query_map(DUE_FOR, args![now, json_arg(&wanted)], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
    })
}

/// Up to `limit` of a destination's open deliveries due at `now`, in due order and in order where
/// ordering applies: `(next_attempt_at, id)`.
pub fn due_at(
    conn: &Conn,
    dest: &Destination,
    now: i64,
    limit: i64,
) -> Result<Vec<(Option<i64>, i64)>> {
    conn.prepare_cached(concat!(
        "SELECT d.next_attempt_at, d.id FROM deliveries d INDEXED BY deliveries_open
         WHERE d.dest = ?1 AND d.status IN ('pending','failed') AND d.next_attempt_at <= ?2 AND ",
        in_order!(),
        "
         ORDER BY d.next_attempt_at, d.id LIMIT ?3"
    ))?
    .query_map(args![dest, now, limit], |r| Ok((r.get(0)?, r.get(1)?)))?
    .collect()
}

/// Takes deliveries for an attempt: in flight until `lease_until`, held by `worker` (README, Team
/// mode). Answers them with their events, in id order. SQLite marks and reads them in two
/// statements; PostgreSQL in one, since each statement is a round trip (README, Performance).
pub fn claim(
    conn: &Conn,
    ids: &[i64],
    lease_until: i64,
    now: i64,
    worker: Option<&str>,
) -> Result<Vec<Claimed>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = json_arg(ids);
    if conn.backend() == Backend::Sqlite {
        conn.prepare_cached(
            "UPDATE deliveries SET status = 'delivering', lease_until = ?2, updated_at = ?3, claimed_by = ?4
             WHERE id IN (SELECT value FROM json_each(?1))",
        )?
        .execute(args![ids, lease_until, now, worker])?;
        return conn
            .prepare_cached(
                "SELECT d.id, d.dest, d.store, d.event_type, e.event_id, e.occurred_at, e.data, d.attempts,
                        d.retry_preset, d.retry_base, d.resend
                 FROM deliveries d JOIN events e ON e.id = d.event_row
                 WHERE d.id IN (SELECT value FROM json_each(?1)) ORDER BY d.id",
            )?
            .query_map(args![ids], read_claimed)?
            .collect();
    }
    conn.query_map(CLAIM, args![ids, lease_until, now, worker], read_claimed)
}

/// [`claim`] on PostgreSQL: marks the deliveries of `?1` (a JSON array of ids) as in flight and
/// answers them with their events. Ids as arrays, not `IN (subquery)`, so the primary keys are probed.
const CLAIM: &str = concat!(
    "WITH c AS (
        UPDATE deliveries SET status = 'delivering', lease_until = ?2, updated_at = ?3, claimed_by = ?4
        WHERE id = ",
    any_id!("?1"),
    "
        RETURNING id, dest, store, event_type, event_row, attempts, retry_preset, retry_base, resend)
     SELECT c.id, c.dest, c.store, c.event_type, e.event_id, e.occurred_at, e.data, c.attempts,
            c.retry_preset, c.retry_base, c.resend
     FROM c JOIN events e ON e.id = c.event_row
     WHERE e.id = ANY(ARRAY(SELECT event_row FROM c)) ORDER BY c.id"
);

fn read_claimed(r: &crate::store::Row) -> Result<Claimed> {
    Ok(Claimed {
        id: r.get(0)?,
        dest: r.get(1)?,
        store: r.get(2)?,
        event_type: r.get(3)?,
        event_id: r.get(4)?,
        occurred_at: r.get(5)?,
        data: r.get(6)?,
        attempts: r.get(7)?,
        // Only this version's presets are ever written; anything else retries on the standard one.
        retry_preset: RetryPreset::parse("retry", &r.get::<_, String>(8)?).unwrap_or_default(),
        retry_base: r.get(9)?,
        trigger: if r.get::<_, bool>(10)? {
            Trigger::Resend
        } else {
            Trigger::Live
        },
    })
}

/// Opens the claim's transaction. On PostgreSQL it also makes the claims of one database's workers
/// one at a time, until the transaction ends: a hook's limit and an order's sequence are conditions
/// over many rows, which row locks alone cannot keep (docs/architecture.md, Team mode). SQLite's
/// write lock already does this.
pub fn begin_claims(conn: &Conn) -> Result<Tx<'_>> {
    conn.transaction_with(conn.pick(
        "",
        concat!(
            "SELECT pg_advisory_xact_lock(7158253); ",
            crate::by_key_only!()
        ),
    ))
}

/// The earliest time any pending or retrying delivery falls due, or an in-flight one's lease lapses.
pub fn next_due_at(conn: &Conn) -> Result<Option<i64>> {
    conn
        // The first row of each state through its index, not a scan of the backlog (a missing time is due now).
        .prepare_cached(
            "SELECT MIN(v) FROM (
                SELECT * FROM (SELECT COALESCE(next_attempt_at, 0) AS v FROM deliveries INDEXED BY deliveries_waiting
                               WHERE status IN ('pending','failed') ORDER BY next_attempt_at LIMIT 1) AS waiting
                UNION ALL
                SELECT * FROM (SELECT COALESCE(lease_until, 0) AS v FROM deliveries
                               WHERE status = 'delivering' ORDER BY lease_until LIMIT 1) AS leased) AS due",
        )?
        .query_row(args![], |r| r.get(0))
}

/// Makes every in-flight delivery due now, for an engine that just took over the data directory;
/// an interrupted test send is marked dead instead, since its caller is gone. Answers how many are due.
pub fn release_all_leases(conn: &Conn, now: i64) -> Result<usize> {
    conn.execute(
        "UPDATE deliveries SET status = 'dead', lease_until = NULL, last_error = 'interrupted', updated_at = ?1
         WHERE status = 'delivering' AND dest LIKE 'test:%'",
        args![now],
    )?;
    conn.execute(
        "UPDATE deliveries SET lease_until = ?1 WHERE status = 'delivering' AND lease_until > ?1",
        args![now],
    )
}

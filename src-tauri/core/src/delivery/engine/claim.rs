//! Claiming due deliveries (docs/architecture.md, step 3): what a claim takes per destination, so one
//! slow receiver never holds up the others, and the leases that make a lost engine's work due again.
//! The statements are in `store/claims.rs`.

use std::collections::HashMap;

use crate::domain::Destination;
use crate::store::claims;
use crate::{Ctx, Result};

pub use crate::store::claims::Claimed;

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
    worker: Option<&str>,
) -> Result<Vec<Claimed>> {
    // A claim lost in a power cut only sends the delivery again: no sync needed.
    let conn = ctx.db.conn_relaxed();
    let tx = claims::begin_claims(&conn)?;
    let survey = claims::survey(&tx, now)?;
    // On a shared database every worker's requests count against a destination's limit (README, Team
    // mode); this engine's own count stands where it is higher (attempts not yet recorded).
    let mut busy = in_flight.clone();
    for (dest, n) in survey.in_flight {
        let mine = busy.entry(dest).or_default();
        *mine = (*mine).max(n);
    }
    let ids = due_ids(&tx, now, batch, per_dest, &busy, survey.lapsed, survey.open)?;
    let out = claims::claim(&tx, &ids, now + lease_ms, now, worker)?;
    tx.commit()?;
    Ok(out)
}

/// Which deliveries `claim_due` takes: per destination, its free slots' worth of due rows in due order,
/// then the lowest ids overall. Each destination is read through an index up to its free slots, so a
/// claim costs the same with a backlog of twenty thousand as with twenty.
fn due_ids(
    tx: &crate::store::Conn,
    now: i64,
    batch: usize,
    per_dest: usize,
    busy: &HashMap<String, usize>,
    lapsed: Vec<(Destination, Option<i64>, i64)>,
    open: Vec<Destination>,
) -> Result<Vec<i64>> {
    let free_slots = |dest: &Destination| {
        per_dest.saturating_sub(busy.get(&dest.to_string()).copied().unwrap_or(0)) as i64
    };
    // (next_attempt_at, id) per destination: lapsed leases first, then open work below.
    let mut due: HashMap<Destination, Vec<(Option<i64>, i64)>> = HashMap::new();
    for (dest, at, id) in lapsed {
        due.entry(dest).or_default().push((at, id));
    }
    // Test sends are sent by their caller, never by the engine.
    let wanted: Vec<(Destination, i64)> = open
        .into_iter()
        .map(|dest| {
            let free = free_slots(&dest);
            (dest, free)
        })
        .filter(|(dest, free)| *free > 0 && !dest.is_test())
        .collect();
    for (dest, at, id) in claims::due_for(tx, now, &wanted)? {
        due.entry(dest).or_default().push((at, id));
    }
    let mut ids = Vec::new();
    for (dest, mut rows) in due {
        if dest.is_test() {
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
    claims::next_due_at(&ctx.db.conn())
}

/// After an engine takes over the data directory, nothing else can be sending: in-flight rows are due now.
pub fn release_all_leases(ctx: &Ctx, now: i64) -> Result<usize> {
    claims::release_all_leases(&ctx.db.conn(), now)
}

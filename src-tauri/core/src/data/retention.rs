//! The retention period (admin setting) and pruning: by the engine in small batches, or now by command.

use serde::Serialize;
use serde_json::json;

use crate::auth::{Actor, Permission};
use crate::store::retention::{self as sql, DbSize, Pruned, DEFAULT_DAYS, MAX_DAYS};
use crate::{Ctx, Error, Result};

const DAY_MS: i64 = 86_400_000;
/// Deliveries (and events) per transaction: a batch holds the writer for a few milliseconds only, so
/// ingest and the engine's own writes never wait long behind pruning.
pub const BATCH: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Retention {
    pub days: i64,
    pub default_days: i64,
}

pub fn show(ctx: &Ctx, actor: &Actor) -> Result<Retention> {
    actor.require(Permission::ReadLogs)?;
    Ok(Retention {
        days: sql::days(&ctx.db.conn())?,
        default_days: DEFAULT_DAYS,
    })
}

pub fn set(ctx: &Ctx, actor: &Actor, days: i64) -> Result<Retention> {
    actor.require(Permission::ManageSettings)?;
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(Error::invalid(
            "days",
            format!("must be a whole number of days from 1 to {MAX_DAYS}"),
        ));
    }
    let conn = ctx.db.conn();
    let tx = conn.transaction()?;
    sql::set_days(&tx, days)?;
    crate::store::audit::record(
        &tx,
        ctx.now_ms(),
        Some(actor.name()),
        "settings.retention",
        "retention",
        &json!({"days": days}),
    )?;
    tx.commit()?;
    Ok(Retention {
        days,
        default_days: DEFAULT_DAYS,
    })
}

/// The cutoff the retention period gives at `now`.
pub fn cutoff(ctx: &Ctx, now: i64) -> Result<i64> {
    Ok(now - sql::days(&ctx.db.read())? * DAY_MS)
}

/// Prunes in batches until nothing older than `cutoff` is left or `max_batches` ran. Each batch is its
/// own transaction on the shared connection, released between batches.
pub fn prune(ctx: &Ctx, cutoff: i64, max_batches: usize) -> Result<Pruned> {
    let mut total = Pruned::default();
    for _ in 0..max_batches {
        let batch = {
            // Pruning lost in a power cut is simply done again.
            let conn = ctx.db.conn_relaxed();
            sql::prune_batch(&conn, cutoff, BATCH)?
        };
        total.add(batch);
        if batch.deliveries < BATCH && batch.events < BATCH {
            break;
        }
    }
    Ok(total)
}

/// What `hookdesk prune` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PruneReport {
    pub before_ms: i64,
    pub pruned: Pruned,
    pub size: DbSize,
}

/// Prunes everything finished before `before` (default: the retention cutoff) now, then hands free
/// pages back to the file system where the database allows it.
pub fn prune_now(ctx: &Ctx, actor: &Actor, before: Option<i64>) -> Result<PruneReport> {
    actor.require(Permission::ManageSettings)?;
    let now = ctx.now_ms();
    let before = match before {
        Some(b) => b,
        None => cutoff(ctx, now)?,
    };
    let pruned = prune(ctx, before, usize::MAX)?;
    {
        let conn = ctx.db.conn();
        sql::give_back_free_pages(&conn)?;
        crate::store::audit::record(
            &conn,
            now,
            Some(actor.name()),
            "data.prune",
            "deliveries",
            &json!({"before": crate::clock::rfc3339(before), "pruned": pruned}),
        )?;
    }
    Ok(PruneReport {
        before_ms: before,
        pruned,
        size: size(ctx)?,
    })
}

/// The database's size, for the dashboard and `hookdesk status`.
pub fn size(ctx: &Ctx) -> Result<DbSize> {
    sql::size(&ctx.db)
}

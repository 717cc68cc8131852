//! Per-hook success rate and latency over time, for the dashboard.

use std::collections::BTreeMap;

use rusqlite::params;
use serde::Serialize;

use crate::auth::{Actor, Permission};
use crate::{Ctx, Result};

pub const BUCKET_MS: i64 = 3_600_000;

#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Bucket {
    pub bucket_start_ms: i64,
    pub succeeded: i64,
    pub failed: i64,
    pub p50_ms: Option<i64>,
}

#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct HookStats {
    pub hook_id: String,
    pub label: String,
    pub total: i64,
    pub succeeded: i64,
    pub failed: i64,
    pub success_rate: f64,
    pub p50_ms: Option<i64>,
    pub p95_ms: Option<i64>,
    pub series: Vec<Bucket>,
}

/// Nearest-rank percentile of sorted values.
pub fn percentile(sorted: &[i64], p: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// Live and resend attempts since `since`, grouped by hook and by hour.
pub fn dashboard(ctx: &Ctx, actor: &Actor, since: i64) -> Result<Vec<HookStats>> {
    actor.require(Permission::ReadLogs)?;
    let conn = ctx.db.conn();
    let mut stmt = conn.prepare_cached(
        "SELECT d.hook_id, COALESCE(h.label, d.hook_id), a.started_at, a.latency_ms,
                a.status_code BETWEEN 200 AND 299
         FROM attempts a JOIN deliveries d ON d.id = a.delivery_id LEFT JOIN hooks h ON h.id = d.hook_id
         WHERE a.started_at >= ?1 AND a.trigger != 'test' AND d.hook_id IS NOT NULL
         ORDER BY d.hook_id, a.started_at",
    )?;
    type Acc = (String, Vec<i64>, i64, BTreeMap<i64, (i64, i64, Vec<i64>)>);
    let mut by_hook: BTreeMap<String, Acc> = BTreeMap::new();
    let rows = stmt.query_map(params![since], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, Option<bool>>(4)?.unwrap_or(false),
        ))
    })?;
    for row in rows {
        let (hook, label, at, latency, ok) = row?;
        let e = by_hook
            .entry(hook)
            .or_insert_with(|| (label, Vec::new(), 0, BTreeMap::new()));
        e.1.push(latency);
        let b =
            e.3.entry(at - at.rem_euclid(BUCKET_MS))
                .or_insert((0, 0, Vec::new()));
        if ok {
            e.2 += 1;
            b.0 += 1;
        } else {
            b.1 += 1;
        }
        b.2.push(latency);
    }
    Ok(by_hook
        .into_iter()
        .map(|(hook_id, (label, mut lat, succeeded, buckets))| {
            lat.sort_unstable();
            let total = lat.len() as i64;
            HookStats {
                hook_id,
                label,
                total,
                succeeded,
                failed: total - succeeded,
                success_rate: if total == 0 {
                    0.0
                } else {
                    succeeded as f64 / total as f64
                },
                p50_ms: percentile(&lat, 50.0),
                p95_ms: percentile(&lat, 95.0),
                series: buckets
                    .into_iter()
                    .map(|(start, (s, f, mut l))| {
                        l.sort_unstable();
                        Bucket {
                            bucket_start_ms: start,
                            succeeded: s,
                            failed: f,
                            p50_ms: percentile(&l, 50.0),
                        }
                    })
                    .collect(),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<i64> = (1..=100).collect();
        assert_eq!(percentile(&v, 50.0), Some(50));
        assert_eq!(percentile(&v, 95.0), Some(95));
        assert_eq!(percentile(&[7], 99.0), Some(7));
        assert_eq!(percentile(&[], 50.0), None);
    }
}

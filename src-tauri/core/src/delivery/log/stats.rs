//! Per-hook success rate and latency over time, for the dashboard: live and resend attempts (never
//! tests), as `store/delivery_log.rs` reads them, counted here.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::auth::{Actor, Permission};
use crate::store::delivery_log::hook_attempts_since;
use crate::{Ctx, Result};

pub const BUCKET_MS: i64 = 3_600_000;
/// More bars than this would be thinner than a pixel in the dashboard's chart.
const MAX_BUCKETS: i64 = 200;

/// The bar width for a range: an hour up to a week or so, six hours up to seven weeks, a day up to
/// half a year, whole days beyond, so the chart never has more than `MAX_BUCKETS` bars.
pub fn bucket_for(range_ms: i64) -> i64 {
    const DAY: i64 = 24 * BUCKET_MS;
    [BUCKET_MS, 6 * BUCKET_MS, DAY]
        .into_iter()
        .find(|b| range_ms / b <= MAX_BUCKETS)
        .unwrap_or_else(|| (range_ms / MAX_BUCKETS / DAY + 1) * DAY)
}

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
    /// Deliveries with at least one attempt in the range.
    pub deliveries: i64,
    /// Attempts in the range (a delivery retried three times counts three).
    pub total: i64,
    pub succeeded: i64,
    pub failed: i64,
    pub success_rate: f64,
    pub p50_ms: Option<i64>,
    pub p95_ms: Option<i64>,
    /// Width of each bar in `series`; every bar from the start of the range to now is present, empty
    /// ones included, so the chart's time axis is even.
    pub bucket_ms: i64,
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

/// Live and resend attempts since `since`, grouped by hook and by time bucket (see [`bucket_for`]).
pub fn dashboard(ctx: &Ctx, actor: &Actor, since: i64) -> Result<Vec<HookStats>> {
    actor.require(Permission::ReadLogs)?;
    let now = ctx.now_ms();
    let bucket_ms = bucket_for(now.saturating_sub(since));
    let first = since - since.rem_euclid(bucket_ms);
    let last = now - now.rem_euclid(bucket_ms);
    let mut by_hook: BTreeMap<String, Acc> = BTreeMap::new();
    let attempts = hook_attempts_since(&ctx.db.conn(), since)?;
    for a in attempts {
        let e = by_hook
            .entry(a.hook_id)
            .or_insert_with(|| Acc::new(a.label));
        e.latencies.push(a.latency_ms);
        e.deliveries.insert(a.delivery_id);
        let b = e
            .buckets
            .entry(a.started_at - a.started_at.rem_euclid(bucket_ms))
            .or_insert((0, 0, Vec::new()));
        if a.succeeded {
            e.succeeded += 1;
            b.0 += 1;
        } else {
            b.1 += 1;
        }
        b.2.push(a.latency_ms);
    }
    Ok(by_hook
        .into_iter()
        .map(|(hook_id, acc)| acc.finish(hook_id, bucket_ms, first, last))
        .collect())
}

/// One hook's attempts as they are read.
struct Acc {
    label: String,
    latencies: Vec<i64>,
    succeeded: i64,
    deliveries: BTreeSet<i64>,
    /// Bucket start → (succeeded, failed, latencies).
    buckets: BTreeMap<i64, (i64, i64, Vec<i64>)>,
}

impl Acc {
    fn new(label: String) -> Acc {
        Acc {
            label,
            latencies: Vec::new(),
            succeeded: 0,
            deliveries: BTreeSet::new(),
            buckets: BTreeMap::new(),
        }
    }

    fn finish(mut self, hook_id: String, bucket_ms: i64, first: i64, last: i64) -> HookStats {
        self.latencies.sort_unstable();
        let total = self.latencies.len() as i64;
        let series = (0..)
            .map(|i| first + i * bucket_ms)
            .take_while(|start| *start <= last)
            .map(|start| {
                let (s, f, mut l) = self.buckets.remove(&start).unwrap_or_default();
                l.sort_unstable();
                Bucket {
                    bucket_start_ms: start,
                    succeeded: s,
                    failed: f,
                    p50_ms: percentile(&l, 50.0),
                }
            })
            .collect();
        HookStats {
            hook_id,
            label: self.label,
            deliveries: self.deliveries.len() as i64,
            total,
            succeeded: self.succeeded,
            failed: total - self.succeeded,
            success_rate: if total == 0 {
                0.0
            } else {
                self.succeeded as f64 / total as f64
            },
            p50_ms: percentile(&self.latencies, 50.0),
            p95_ms: percentile(&self.latencies, 95.0),
            bucket_ms,
            series,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{bucket_for, percentile, BUCKET_MS};

    #[test]
    fn buckets_widen_with_the_range() {
        assert_eq!(bucket_for(24 * BUCKET_MS), BUCKET_MS);
        assert_eq!(bucket_for(7 * 24 * BUCKET_MS), BUCKET_MS);
        assert_eq!(bucket_for(30 * 24 * BUCKET_MS), 6 * BUCKET_MS);
        assert_eq!(bucket_for(90 * 24 * BUCKET_MS), 24 * BUCKET_MS);
        assert_eq!(bucket_for(0), BUCKET_MS);
        for range in [365 * 24 * BUCKET_MS, 56 * 365 * 24 * BUCKET_MS, i64::MAX] {
            let b = bucket_for(range);
            assert!(
                b % (24 * BUCKET_MS) == 0 && range / b <= 200,
                "{range}: {b}"
            );
        }
    }

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<i64> = (1..=100).collect();
        assert_eq!(percentile(&v, 50.0), Some(50));
        assert_eq!(percentile(&v, 95.0), Some(95));
        assert_eq!(percentile(&[7], 99.0), Some(7));
        assert_eq!(percentile(&[], 50.0), None);
    }
}

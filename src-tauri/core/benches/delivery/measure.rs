//! Process and database figures: resident memory from /proc, percentiles, on-disk size, and waiting until
//! the database says every delivery succeeded.

use std::path::Path;
use std::time::{Duration, Instant};

use hookdesk_core::Ctx;

use crate::BenchResult;

/// `VmHWM` (peak resident set) and `VmRSS` in KiB, from /proc/self/status.
pub fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// Starts a new peak-RSS window (Linux: writing 5 to clear_refs resets VmHWM to the current RSS).
pub fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The value below which `p` percent of `sorted` lie (nearest rank).
pub fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub fn ms(ns: u64) -> f64 {
    ns as f64 / 1e6
}

/// Bytes the database takes once its write-ahead log is folded in.
pub fn db_bytes(ctx: &Ctx) -> BenchResult<u64> {
    let Some(path) = ctx.db.path() else {
        let size = hookdesk_core::data::retention::size(ctx)?;
        return Ok(size.bytes as u64);
    };
    ctx.db
        .conn()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    let mut total = std::fs::metadata(path)?.len();
    for suffix in ["-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        total += std::fs::metadata(Path::new(&p))
            .map(|m| m.len())
            .unwrap_or(0);
    }
    Ok(total)
}

/// Folds the log into the database, has every file of the data directory written out, and waits a moment.
pub fn settle(ctx: &Ctx) -> BenchResult<()> {
    db_bytes(ctx)?;
    for entry in std::fs::read_dir(ctx.db.data_dir())? {
        std::fs::File::open(entry?.path())?.sync_all()?;
    }
    std::thread::sleep(Duration::from_secs(2));
    Ok(())
}

/// Status counts from a connection of our own, so polling never waits on the engine's shared one.
pub struct Watcher {
    conn: hookdesk_core::store::Conn,
}

impl Watcher {
    pub fn new(ctx: &Ctx) -> BenchResult<Watcher> {
        Ok(Watcher {
            conn: ctx.db.connect()?,
        })
    }

    pub fn count(&self, status: &str) -> BenchResult<u64> {
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM deliveries WHERE status = ?1",
            hookdesk_core::args![status],
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }

    /// Waits until `target` deliveries succeeded; returns when that was first seen, or None on timeout.
    pub async fn until_succeeded(
        &self,
        target: u64,
        timeout: Duration,
    ) -> BenchResult<Option<Instant>> {
        let started = Instant::now();
        loop {
            if self.count("succeeded")? >= target {
                return Ok(Some(Instant::now()));
            }
            if started.elapsed() > timeout {
                return Ok(None);
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

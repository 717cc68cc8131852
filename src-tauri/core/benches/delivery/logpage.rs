//! The delivery-log page with a large history: copy a benchmark data directory, grow it with SQL to the
//! wanted number of attempt rows (copies of real rows the engine wrote), then time `log::list`.

use std::path::Path;
use std::time::{Duration, Instant};

use hookdesk_core::auth::Permission;
use hookdesk_core::delivery::log::{self, Filter};
use hookdesk_core::Ctx;

use crate::BenchResult;

pub struct PageTiming {
    pub name: &'static str,
    pub rows: usize,
    pub median: Duration,
    pub worst: Duration,
}

pub struct LogPage {
    pub attempts: u64,
    pub grow_time: Duration,
    pub timings: Vec<PageTiming>,
}

fn copy_dir(from: &Path, to: &Path) -> BenchResult<()> {
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

/// Adds events, deliveries and attempts (one each per new row, one in a thousand dead) until the
/// database holds `target` attempts.
fn grow(db: &Path, target: u64) -> BenchResult<u64> {
    let db = hookdesk_core::store::Db::open_at(db.parent().unwrap_or(Path::new(".")), None)?;
    let conn = db.conn();
    conn.execute_batch("PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF;")?;
    let have: i64 = conn.query_row(
        "SELECT COUNT(*) FROM attempts",
        hookdesk_core::args![],
        |r| r.get(0),
    )?;
    let add = target.saturating_sub(have as u64) as i64;
    if add > 0 {
        let (max_event, max_delivery): (i64, i64) = conn.query_row(
            "SELECT (SELECT MAX(id) FROM events), (SELECT MAX(id) FROM deliveries)",
            hookdesk_core::args![],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        conn.execute_batch("BEGIN;")?;
        // Spread over the stores the way the benchmark does: one store per hook, round robin.
        conn.execute(
            "WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < ?1),
                  st(store_id, i) AS (SELECT store_id, ROW_NUMBER() OVER (ORDER BY store_id) - 1 FROM hook_stores)
             INSERT INTO events (event_id, type, store, occurred_at, data, created_at)
             SELECT lower(hex(randomblob(32))), t.type, st.store_id, t.occurred_at + n.k, t.data, t.created_at + n.k
             FROM n JOIN st ON st.i = n.k % (SELECT COUNT(*) FROM hook_stores),
                  (SELECT * FROM events ORDER BY id LIMIT 1) t
             ORDER BY n.k",
            hookdesk_core::args![add],
        )?;
        conn.execute(
            "INSERT INTO deliveries (event_row, dest, hook_id, store, event_type, status, attempts,
                                     last_status_code, created_at, updated_at)
             SELECT e.id, 'hook:' || hs.hook_id, hs.hook_id, e.store, e.type,
                    CASE WHEN e.id % 1000 = 0 THEN 'dead' ELSE 'succeeded' END, 1,
                    CASE WHEN e.id % 1000 = 0 THEN 500 ELSE 200 END, e.created_at, e.created_at
             FROM events e JOIN hook_stores hs ON hs.store_id = e.store
             WHERE e.id > ?1 ORDER BY e.id",
            hookdesk_core::args![max_event],
        )?;
        conn.execute(
            "INSERT INTO attempts (delivery_id, trigger, number, started_at, latency_ms, status_code, request_url,
                                   request_headers, request_body, response_headers, response_body)
             SELECT d.id, 'live', 1, d.created_at, t.latency_ms, d.last_status_code, t.request_url,
                    t.request_headers, t.request_body, t.response_headers, t.response_body
             FROM deliveries d, (SELECT * FROM attempts ORDER BY id LIMIT 1) t
             WHERE d.id > ?1 ORDER BY d.id",
            hookdesk_core::args![max_delivery],
        )?;
        conn.execute_batch("COMMIT; PRAGMA wal_checkpoint(TRUNCATE);")?;
    }
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM attempts",
        hookdesk_core::args![],
        |r| r.get::<_, i64>(0),
    )? as u64)
}

fn time_page(
    ctx: &Ctx,
    session: &str,
    name: &'static str,
    filter: &Filter,
) -> BenchResult<PageTiming> {
    let actor = hookdesk_core::auth::require(ctx, session, Permission::ReadLogs)?;
    let rows = log::list(ctx, &actor, filter)?.len();
    let mut runs = Vec::new();
    for _ in 0..7 {
        let started = Instant::now();
        log::list(ctx, &actor, filter)?;
        runs.push(started.elapsed());
    }
    runs.sort();
    Ok(PageTiming {
        name,
        rows,
        median: runs[runs.len() / 2],
        worst: runs[runs.len() - 1],
    })
}

/// `session` is the set-up admin's; the copy of the data directory carries its session row along.
pub fn run(source: &Ctx, session: &str, target: u64) -> BenchResult<LogPage> {
    source
        .db
        .conn()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    let copy = tempfile::Builder::new()
        .prefix("hookdesk-bench-log-")
        .tempdir()?;
    copy_dir(source.db.data_dir(), copy.path())?;
    let started = Instant::now();
    let attempts = grow(&copy.path().join(hookdesk_core::paths::DB_FILE), target)?;
    let grow_time = started.elapsed();
    let ctx = Ctx::open(copy.path())?;
    let (hook, middle, event_id): (String, i64, String) = ctx.db.conn().query_row(
        "SELECT hook_id, (SELECT MAX(id) / 2 FROM deliveries), (SELECT event_id FROM events WHERE id = 2)
         FROM deliveries WHERE hook_id IS NOT NULL ORDER BY id DESC LIMIT 1",
        hookdesk_core::args![],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let page = |f: Filter| Filter {
        limit: Some(100),
        ..f
    };
    let timings = vec![
        time_page(&ctx, session, "newest page", &page(Filter::default()))?,
        time_page(
            &ctx,
            session,
            "one hook",
            &page(Filter {
                hook: Some(hook.clone()),
                ..Filter::default()
            }),
        )?,
        time_page(
            &ctx,
            session,
            "one store",
            &page(Filter {
                store: Some("bench-3".into()),
                ..Filter::default()
            }),
        )?,
        time_page(
            &ctx,
            session,
            "status dead (0.1%)",
            &page(Filter {
                status: Some("dead".into()),
                ..Filter::default()
            }),
        )?,
        time_page(
            &ctx,
            session,
            "status failed (none)",
            &page(Filter {
                status: Some("failed".into()),
                ..Filter::default()
            }),
        )?,
        time_page(
            &ctx,
            session,
            "one event id",
            &page(Filter {
                event_id: Some(event_id),
                ..Filter::default()
            }),
        )?,
        time_page(
            &ctx,
            session,
            "page in the middle",
            &page(Filter {
                before_id: Some(middle),
                ..Filter::default()
            }),
        )?,
        time_page(
            &ctx,
            session,
            "hook + last hour",
            &page(Filter {
                hook: Some(hook),
                since: Some(ctx.now_ms() - 3_600_000),
                ..Filter::default()
            }),
        )?,
    ];
    Ok(LogPage {
        attempts,
        grow_time,
        timings,
    })
}

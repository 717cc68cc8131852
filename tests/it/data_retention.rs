//! Retention: finished deliveries (succeeded or dead), their attempts and unreferenced events older than
//! the retention period are pruned in batches; pending and retrying work never is; the database file
//! stops growing under steady load once pruning runs; `hookdesk serve` prunes by itself.

use hookdesk_core::auth::Role;
use hookdesk_core::data::retention;
use hookdesk_core::domain::HookInput;
use serde_json::{json, Value};

use crate::support::config::{actor, admin};
use crate::support::engine::{hook_input, Eng};
use crate::wire_receiver::{Reply, TestReceiver};

const EVENT: &str = "transaction.sale.success";
const DAY: i64 = 86_400_000;

fn data(i: usize) -> Value {
    json!({"transactionId": format!("T{i}"), "amount": 1250, "note": "n".repeat(1_400)})
}

fn preset(url: &str, preset: &str) -> HookInput {
    HookInput {
        retry_preset: Some(preset.into()),
        ..hook_input(url, &[EVENT])
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finished_work_is_pruned_and_open_work_never_is() {
    let e = Eng::new();
    let ok = TestReceiver::start(Reply::status(200)).await;
    let failing = TestReceiver::start(Reply::status(500)).await;
    let dying = TestReceiver::start(Reply::status(500)).await;
    e.hook(preset(&ok.url("/ok"), "standard"));
    e.hook(preset(&failing.url("/retry"), "usaepay"));
    e.hook(preset(&dying.url("/dead"), "ordatic"));
    for i in 0..30 {
        e.emit(EVENT, "store-1", data(i));
    }
    e.drain().await;
    // ordatic gives up after three tries: walk it to dead; usaepay keeps retrying for days.
    for _ in 0..4 {
        e.clock.advance(3_600_000);
        e.drain().await;
    }
    let status = |s: &str| {
        e.count(&format!(
            "SELECT COUNT(*) FROM deliveries WHERE status = '{s}'"
        ))
    };
    assert_eq!(
        (status("succeeded"), status("dead"), status("failed")),
        (30, 30, 30)
    );

    // Not old enough yet: nothing goes.
    let cutoff = retention::cutoff(&e.ctx, e.now()).unwrap();
    let p = retention::prune(&e.ctx, cutoff, usize::MAX).unwrap();
    assert!(p.is_empty(), "{p:?}");

    e.clock.advance(31 * DAY);
    let cutoff = retention::cutoff(&e.ctx, e.now()).unwrap();
    let p = retention::prune(&e.ctx, cutoff, usize::MAX).unwrap();
    assert_eq!(p.deliveries, 60, "the succeeded and the dead ones");
    assert_eq!(
        p.attempts,
        30 + 3 * 30,
        "their attempts: one each, three per dead one"
    );
    assert_eq!(p.events, 0, "every event still has a retrying delivery");
    assert_eq!(status("failed"), 30, "retrying work is never pruned");
    assert_eq!(e.count("SELECT COUNT(*) FROM events"), 30);
    assert_eq!(
        e.count("SELECT COUNT(*) FROM attempts a WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.id = a.delivery_id)"),
        0
    );
    let retrying_attempts = e.count("SELECT COUNT(*) FROM attempts");
    assert!(retrying_attempts >= 30);

    // Once the retrying deliveries finish, they and then their events go too.
    failing.set_reply(Reply::status(200));
    e.clock.advance(DAY);
    e.drain().await;
    assert_eq!(status("succeeded"), 30);
    let p = retention::prune(&e.ctx, e.now() + 1, usize::MAX).unwrap();
    assert_eq!((p.deliveries, p.events), (30, 30));
    assert_eq!(e.count("SELECT COUNT(*) FROM attempts"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_deliveries_survive_any_cutoff() {
    let e = Eng::new();
    let ok = TestReceiver::start(Reply::status(200)).await;
    e.hook(preset(&ok.url("/ok"), "standard"));
    for i in 0..5 {
        e.emit(EVENT, "store-1", data(i));
    }
    let p = retention::prune(&e.ctx, e.now() + 365 * DAY, usize::MAX).unwrap();
    assert!(p.is_empty(), "{p:?}");
    assert_eq!(
        e.count("SELECT COUNT(*) FROM deliveries WHERE status = 'pending'"),
        5
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_file_stops_growing_under_steady_load_once_pruned() {
    if crate::support::sqlite_only("the database file's pages") {
        return;
    }
    let e = Eng::new();
    let ok = TestReceiver::start(Reply::status(200)).await;
    e.hook(preset(&ok.url("/ok"), "standard"));
    let pages = || e.count("PRAGMA page_count");
    let mut sizes = Vec::new();
    for round in 0..6 {
        for i in 0..200 {
            e.emit(EVENT, "store-1", data(round * 1000 + i));
        }
        e.drain().await;
        e.clock.advance(31 * DAY);
        let cutoff = retention::cutoff(&e.ctx, e.now()).unwrap();
        retention::prune(&e.ctx, cutoff, usize::MAX).unwrap();
        e.ctx
            .db
            .conn()
            .query_row(
                "PRAGMA wal_checkpoint(TRUNCATE)",
                hookdesk_core::args![],
                |_| Ok(()),
            )
            .unwrap();
        sizes.push(pages());
    }
    // Freed pages are reused: after the first rounds the file holds steady instead of growing by a
    // round's worth of pages each time.
    let (second, last) = (sizes[1], sizes[5]);
    assert!(
        last <= second + second / 10,
        "the file kept growing: pages after each round {sizes:?}"
    );
    let size = retention::size(&e.ctx).unwrap();
    assert!(size.bytes > 0);
}

#[test]
fn the_retention_setting_is_validated_and_for_admins() {
    let e = Eng::new();
    let r = retention::show(&e.ctx, &admin(&e.ctx)).unwrap();
    assert_eq!((r.days, r.default_days), (30, 30));
    assert_eq!(retention::set(&e.ctx, &admin(&e.ctx), 7).unwrap().days, 7);
    assert_eq!(retention::show(&e.ctx, &admin(&e.ctx)).unwrap().days, 7);
    for bad in [0, -1, 3651] {
        let err = retention::set(&e.ctx, &admin(&e.ctx), bad).unwrap_err();
        assert_eq!(err.field(), Some("days"));
    }
    assert_eq!(retention::show(&e.ctx, &admin(&e.ctx)).unwrap().days, 7);
    let err = retention::set(&e.ctx, &actor(&e.ctx, Role::Manager), 9).unwrap_err();
    assert_eq!(err.code(), "forbidden");
    let err = retention::prune_now(&e.ctx, &actor(&e.ctx, Role::Support), None).unwrap_err();
    assert_eq!(err.code(), "forbidden");
    // Seven days now: a delivery finished eight days ago goes.
    let before = retention::cutoff(&e.ctx, e.now()).unwrap();
    assert_eq!(before, e.now() - 7 * DAY);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_prunes_old_finished_work_by_itself() {
    use std::process::Command;
    use std::time::{Duration, Instant};

    use crate::engine_crash::{set_up_with_session, start_serve};
    use crate::support::TestDir;

    let dir = TestDir::new();
    let path = dir.path();
    let receiver = TestReceiver::start(Reply::status(200)).await;
    let (_, token) = {
        let (p, u) = (path.clone(), receiver.url("/prune"));
        tokio::task::spawn_blocking(move || set_up_with_session(&p, &u))
            .await
            .unwrap()
    };
    let ctx = crate::support::open_ctx(
        &path,
        std::sync::Arc::new(hookdesk_core::clock::SystemClock),
    )
    .unwrap();
    let count = |sql: &str| -> i64 {
        ctx.db
            .conn()
            .query_row(sql, hookdesk_core::args![], |r| r.get(0))
            .unwrap()
    };
    let stop = |mut c: std::process::Child| {
        let _ = Command::new("kill")
            .args(["-TERM", &c.id().to_string()])
            .status();
        c.wait().unwrap();
    };
    let (serve, addr) = start_serve(&path);
    let http = reqwest::Client::new();
    for i in 0..10 {
        let body =
            json!({"type": EVENT, "store": "store-1", "data": data(i), "key": format!("p-{i}")});
        let r = http
            .post(format!("http://{addr}/v1/events"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 202);
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while count("SELECT COUNT(*) FROM deliveries WHERE status = 'succeeded'") < 10 {
        assert!(Instant::now() < deadline, "the events were not delivered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop(serve);
    // Make the finished work 40 days old, keep one pending delivery young and one old.
    ctx.db
        .conn()
        .execute_batch(&format!(
            "UPDATE events SET created_at = created_at - {old};
             UPDATE deliveries SET created_at = created_at - {old}, updated_at = updated_at - {old};
             UPDATE deliveries SET status = 'failed', next_attempt_at = {far}
                 WHERE id = (SELECT MIN(id) FROM deliveries);",
            old = 40 * DAY,
            far = i64::MAX / 2,
        ))
        .unwrap();
    let (serve, _) = start_serve(&path);
    let deadline = Instant::now() + Duration::from_secs(30);
    while count("SELECT COUNT(*) FROM deliveries") > 1 {
        assert!(Instant::now() < deadline, "serve did not prune");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop(serve);
    assert_eq!(
        count("SELECT COUNT(*) FROM deliveries WHERE status = 'failed'"),
        1,
        "the retrying delivery stays"
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM events"),
        1,
        "and so does its event"
    );
    assert_eq!(count("SELECT COUNT(*) FROM attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.status = 'succeeded'"), 0);
}

//! Per-order ordering, isolation of a hanging receiver, and leases (per delivery and per engine).

use std::time::Duration;

use hookdesk_core::catalog::{sample, EventType};
use hookdesk_core::delivery::engine::claim::{claim_due, release_all_leases};
use hookdesk_core::delivery::engine::lease::{EngineLease, LEASE_TTL_MS};
use hookdesk_core::delivery::engine::{Engine, Limits};
use hookdesk_core::domain::HookInput;
use serde_json::{json, Value};

use crate::support::engine::*;
use crate::wire_receiver::{Reply, TestReceiver};

fn status_event(ty: &str, order: &str) -> Value {
    let mut d = sample(EventType::parse("type", ty).unwrap());
    d["orderId"] = json!(order);
    d
}

fn channel_hook(url: &str, ordered: bool) -> HookInput {
    HookInput {
        app_type: Some("channel".into()),
        ordered,
        ..hook_input(url, &["order-ready-to-pick-up", "order-picked-up"])
    }
}

fn event_types(r: &TestReceiver) -> Vec<String> {
    r.captured()
        .iter()
        .map(|c| {
            body_json(&c.body)["eventType"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ordered_hook_holds_later_events_of_an_order_while_an_earlier_one_retries() {
    let e = Eng::new();
    let r = TestReceiver::start(Reply::status(500)).await;
    e.hook(channel_hook(&r.url("/ordered"), true));
    e.emit(
        "order-ready-to-pick-up",
        "store-1",
        status_event("order-ready-to-pick-up", "o-1"),
    );
    e.emit(
        "order-picked-up",
        "store-1",
        status_event("order-picked-up", "o-1"),
    );
    e.emit(
        "order-picked-up",
        "store-1",
        status_event("order-picked-up", "o-2"),
    );
    let ids = e.delivery_ids();

    let first = e.step().await;
    assert_eq!(
        first.claimed, 2,
        "o-1's first event and o-2's, not o-1's second"
    );
    assert_eq!(e.delivery(ids[1]).0, "pending");
    e.clock.advance(10_000);
    assert_eq!(
        e.step().await.claimed,
        2,
        "both retries; o-1's second still waits"
    );
    assert_eq!(e.delivery(ids[1]), ("pending".into(), 0, Some(T0)));

    r.set_reply(Reply::status(200));
    e.clock.advance(3_600_000);
    e.drain().await;
    assert!(ids.iter().all(|id| e.delivery(*id).0 == "succeeded"));
    let o1: Vec<String> = r
        .captured()
        .iter()
        .map(|c| body_json(&c.body))
        .filter(|b| b["data"]["orderId"] == "o-1")
        .map(|b| b["eventType"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        o1,
        [
            "order-ready-to-pick-up",
            "order-ready-to-pick-up",
            "order-ready-to-pick-up",
            "order-picked-up"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unordered_hook_never_waits() {
    let e = Eng::new();
    let r = TestReceiver::start(Reply::status(500)).await;
    e.hook(channel_hook(&r.url("/unordered"), false));
    e.emit(
        "order-ready-to-pick-up",
        "store-1",
        status_event("order-ready-to-pick-up", "o-1"),
    );
    e.emit(
        "order-picked-up",
        "store-1",
        status_event("order-picked-up", "o-1"),
    );
    assert_eq!(e.step().await.claimed, 2);
    let mut got = event_types(&r);
    got.sort();
    assert_eq!(got, ["order-picked-up", "order-ready-to-pick-up"]);
}

/// Accepts connections and never answers.
async fn black_hole() -> (String, tokio::task::JoinHandle<()>) {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hang", l.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = l.accept().await {
            held.push(s);
        }
    });
    (url, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_receiver_does_not_delay_another_hook() {
    let e = Eng::new();
    let limits = Limits {
        per_dest: 2,
        ..Limits::default()
    };
    let engine = Engine::with_limits(e.ctx.clone(), limits).unwrap();
    let (hang_url, _hole) = black_hole().await;
    let fast = TestReceiver::start(Reply::status(200)).await;
    e.hook(HookInput {
        timeout_ms: Some(3_000),
        ..hook_input(&hang_url, &["ach.settled"])
    });
    e.hook(hook_input(&fast.url("/fast"), &["ach.voided"]));
    for _ in 0..5 {
        e.emit(
            "ach.settled",
            "store-1",
            sample(EventType::parse("t", "ach.settled").unwrap()),
        );
    }
    e.emit(
        "ach.voided",
        "store-1",
        sample(EventType::parse("t", "ach.voided").unwrap()),
    );

    let handles = engine.dispatch(e.now()).unwrap();
    assert_eq!(
        handles.len(),
        3,
        "two for the hanging hook (its limit) and the fast one"
    );
    let fast_done = async {
        while e.count(
            "SELECT COUNT(*) FROM deliveries WHERE dest LIKE 'hook:%' AND status = 'succeeded'",
        ) == 0
        {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(2), fast_done)
        .await
        .expect("the fast hook was not held up");
    assert_eq!(fast.captured().len(), 1);
    assert_eq!(
        e.count("SELECT COUNT(*) FROM deliveries WHERE status = 'delivering'"),
        2,
        "slow ones in flight"
    );
    assert_eq!(
        engine.dispatch(e.now()).unwrap().len(),
        0,
        "the hanging hook is at its limit"
    );
    for h in handles {
        h.await.unwrap();
    }
    let kinds: Vec<String> = {
        let conn = e.ctx.db.conn();
        let mut st = conn
            .prepare("SELECT error_kind FROM attempts WHERE error_kind IS NOT NULL")
            .unwrap();
        let rows = st.query_map(hookdesk_core::args![], |r| r.get(0)).unwrap();
        rows.collect::<hookdesk_core::Result<_>>().unwrap()
    };
    assert_eq!(kinds, ["timeout", "timeout"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_left_delivering_is_claimed_again_after_its_lease() {
    let e = Eng::new();
    let r = TestReceiver::start(Reply::status(200)).await;
    e.hook(hook_input(&r.url("/h"), &["ach.settled"]));
    e.emit(
        "ach.settled",
        "store-1",
        sample(EventType::parse("t", "ach.settled").unwrap()),
    );
    e.emit(
        "ach.settled",
        "store-1",
        sample(EventType::parse("t", "ach.settled").unwrap()),
    );
    // An engine claims both and dies before sending.
    let claimed = claim_due(&e.ctx, e.now(), 90_000, 1, 20, &Default::default(), None).unwrap();
    assert_eq!(claimed.len(), 1);
    let crashed = claimed[0].id;
    assert_eq!(e.delivery(crashed).0, "delivering");
    assert_eq!(e.step().await.claimed, 1, "only the unclaimed one");
    e.clock.advance(89_999);
    assert_eq!(e.step().await.claimed, 0, "the lease still holds");
    e.clock.advance(1);
    assert_eq!(e.step().await.succeeded, 1);
    assert_eq!(e.delivery(crashed).0, "succeeded");

    e.emit(
        "ach.settled",
        "store-1",
        sample(EventType::parse("t", "ach.settled").unwrap()),
    );
    let again = claim_due(&e.ctx, e.now(), 90_000, 10, 20, &Default::default(), None).unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(e.step().await.claimed, 0);
    assert_eq!(
        release_all_leases(&e.ctx, e.now()).unwrap(),
        1,
        "a new engine owns the data dir"
    );
    assert_eq!(e.step().await.succeeded, 1);
    assert_eq!(r.captured().len(), 3);
}

#[test]
fn one_engine_per_data_dir_until_its_lease_lapses() {
    let e = Eng::new();
    let (a, b) = (EngineLease::new(), EngineLease::new());
    assert!(a.try_acquire(&e.ctx, T0).unwrap());
    assert!(
        !b.try_acquire(&e.ctx, T0 + 1).unwrap(),
        "the first engine holds it"
    );
    assert!(a.try_acquire(&e.ctx, T0 + 5_000).unwrap(), "renewal");
    assert!(!b
        .try_acquire(&e.ctx, T0 + 5_000 + LEASE_TTL_MS - 1)
        .unwrap());
    assert!(
        b.try_acquire(&e.ctx, T0 + 5_000 + LEASE_TTL_MS).unwrap(),
        "lapsed: taken over"
    );
    assert!(
        !a.try_acquire(&e.ctx, T0 + 5_000 + LEASE_TTL_MS + 1)
            .unwrap(),
        "the old one must stop"
    );
    b.release(&e.ctx).unwrap();
    assert!(
        a.try_acquire(&e.ctx, T0 + 5_000 + LEASE_TTL_MS + 2)
            .unwrap(),
        "released: free"
    );
}

#[test]
fn a_lease_held_by_a_dead_process_is_taken_over_at_once() {
    let e = Eng::new();
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead_pid = child.id();
    child.wait().unwrap();
    e.ctx
        .db
        .conn()
        .execute(
            "INSERT INTO engine_lease (id, owner, pid, expires_at) VALUES (1, 'gone', ?1, ?2)",
            hookdesk_core::args![dead_pid, T0 + LEASE_TTL_MS],
        )
        .unwrap();
    let next = EngineLease::new();
    assert!(next.try_acquire(&e.ctx, T0).unwrap());
}

//! The order-injection flow end to end: is_online, then validate_order, then new_order, in sequence per
//! destination and order, and a "no" from the POS stops the rest of the order without a request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Router;
use hookdesk_core::catalog::{sample, EventType};
use hookdesk_core::delivery::log;
use hookdesk_core::domain::HookInput;
use serde_json::{json, Value};

use crate::support::engine::*;

const FLOW: [&str; 3] = ["is_online", "validate_order", "new_order"];

/// A POS on 127.0.0.1:0 that answers each `action` as told and records the actions in arrival order.
struct Pos {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
    answers: Arc<Mutex<HashMap<String, (u16, String)>>>,
    task: tokio::task::JoinHandle<()>,
}

type PosState = (
    Arc<Mutex<Vec<String>>>,
    Arc<Mutex<HashMap<String, (u16, String)>>>,
);

async fn answer(State((seen, answers)): State<PosState>, body: Bytes) -> (StatusCode, String) {
    let action = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v["action"].as_str().map(str::to_string))
        .unwrap_or_default();
    seen.lock().unwrap().push(action.clone());
    let (status, body) = answers
        .lock()
        .unwrap()
        .get(&action)
        .cloned()
        .unwrap_or((200, String::new()));
    (StatusCode::from_u16(status).unwrap(), body)
}

impl Pos {
    async fn start(online: bool, valid: bool) -> Pos {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let answers = Arc::new(Mutex::new(HashMap::new()));
        let app = Router::new()
            .fallback(answer)
            .with_state((seen.clone(), answers.clone()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/pos", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let pos = Pos {
            url,
            seen,
            answers,
            task,
        };
        pos.online(online);
        pos.valid(valid);
        pos
    }

    fn set(&self, action: &str, status: u16, body: Value) {
        self.answers
            .lock()
            .unwrap()
            .insert(action.into(), (status, body.to_string()));
    }

    fn online(&self, yes: bool) {
        self.set("is_online", 200, json!({ "online": yes }));
    }

    fn valid(&self, yes: bool) {
        self.set("validate_order", 200, json!({ "valid_order": yes }));
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Pos {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn order(id: &str) -> Value {
    let mut d = sample(EventType::parse("type", "new_order").unwrap());
    d["id"] = json!(id);
    d
}

fn pos_hook(url: &str, ordered: bool) -> HookInput {
    HookInput {
        ordered,
        ..hook_input(url, &FLOW)
    }
}

/// The source system's three events for one order; returns their delivery ids in the same order.
fn emit_flow(e: &Eng, order_id: &str) -> Vec<i64> {
    let before = e.delivery_ids().len();
    for ty in FLOW {
        e.emit(ty, "store-1", order(order_id));
    }
    e.delivery_ids()[before..].to_vec()
}

/// (status, attempts, last_error) of one delivery.
fn state(e: &Eng, id: i64) -> (String, i64, Option<String>) {
    e.ctx
        .db
        .conn()
        .query_row(
            "SELECT status, attempts, last_error FROM deliveries WHERE id = ?1",
            hookdesk_core::args![id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
}

fn skipped(reason: &str) -> (String, i64, Option<String>) {
    ("dead".into(), 0, Some(reason.into()))
}

fn pos_online(e: &Eng) -> Option<bool> {
    log::pos_status(&e.ctx).unwrap().get("store-1").copied()
}

fn attempts_of(e: &Eng, id: i64) -> i64 {
    e.count(&format!(
        "SELECT COUNT(*) FROM attempts WHERE delivery_id = {id}"
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_online_pos_and_a_valid_order_get_all_three_in_sequence() {
    let e = Eng::new();
    let pos = Pos::start(true, true).await;
    e.hook(pos_hook(&pos.url, true));
    let ids = emit_flow(&e, "5f5009563f8cc37da3a02a2a");

    for (n, ty) in FLOW.iter().enumerate() {
        let r = e.step().await;
        assert_eq!((r.claimed, r.succeeded), (1, 1), "one step per event: {ty}");
        assert_eq!(pos.seen().len(), n + 1);
    }
    assert_eq!(e.step().await.claimed, 0);
    assert_eq!(pos.seen(), FLOW);
    for id in ids {
        assert_eq!(state(&e, id), ("succeeded".into(), 1, None));
    }
    assert_eq!(pos_online(&e), Some(true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offline_pos_gets_only_the_check_and_the_rest_is_skipped() {
    let e = Eng::new();
    let pos = Pos::start(false, true).await;
    e.hook(pos_hook(&pos.url, true));
    let ids = emit_flow(&e, "o-offline");

    e.drain().await;
    assert_eq!(pos.seen(), ["is_online"]);
    assert_eq!(
        state(&e, ids[0]),
        ("succeeded".into(), 1, None),
        "the receiver answered: the check itself was delivered"
    );
    let last: Value = serde_json::from_str(
        &e.ctx
            .db
            .conn()
            .query_row(
                "SELECT result FROM attempts WHERE delivery_id = ?1",
                hookdesk_core::args![ids[0]],
                |r| r.get::<_, String>(0),
            )
            .unwrap(),
    )
    .unwrap();
    assert_eq!(last, json!({"online": false}));
    for id in &ids[1..] {
        assert_eq!(state(&e, *id), skipped("POS offline: skipped"));
        assert_eq!(attempts_of(&e, *id), 0, "nothing was sent");
    }
    assert_eq!(pos_online(&e), Some(false));

    let shown = log::list(
        &e.ctx,
        &crate::support::config::admin(&e.ctx),
        &Default::default(),
    )
    .unwrap();
    let reasons: Vec<Option<&str>> = ids[1..]
        .iter()
        .map(|id| {
            shown
                .iter()
                .find(|d| d.id == *id)
                .and_then(|d| d.last_error.as_deref())
        })
        .collect();
    assert_eq!(
        reasons,
        [Some("POS offline: skipped"), Some("POS offline: skipped")],
        "the delivery log says why"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_order_is_not_sent() {
    let e = Eng::new();
    let pos = Pos::start(true, false).await;
    e.hook(pos_hook(&pos.url, true));
    let ids = emit_flow(&e, "o-invalid");

    e.drain().await;
    assert_eq!(pos.seen(), ["is_online", "validate_order"]);
    assert_eq!(state(&e, ids[0]).0, "succeeded");
    assert_eq!(state(&e, ids[1]), ("succeeded".into(), 1, None));
    assert_eq!(state(&e, ids[2]), skipped("order not valid: skipped"));
    assert_eq!(pos_online(&e), Some(true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_that_is_retrying_holds_the_order_and_a_later_yes_lets_it_through() {
    let e = Eng::new();
    let pos = Pos::start(true, true).await;
    pos.set("is_online", 500, json!({"online": true}));
    e.hook(pos_hook(&pos.url, true));
    let ids = emit_flow(&e, "o-retry");

    let r = e.step().await;
    assert_eq!((r.claimed, r.retrying), (1, 1));
    assert_eq!(state(&e, ids[0]).0, "failed");
    for id in &ids[1..] {
        assert_eq!(
            state(&e, *id),
            ("pending".into(), 0, None),
            "not skipped yet"
        );
    }
    assert_eq!(pos_online(&e), Some(false), "a 500 reads as offline");
    assert_eq!(e.step().await.claimed, 0, "the order waits for the check");

    pos.online(true);
    e.clock.advance(10_000);
    e.drain().await;
    assert_eq!(
        pos.seen(),
        ["is_online", "is_online", "validate_order", "new_order"]
    );
    for id in &ids {
        assert_eq!(state(&e, *id).0, "succeeded");
    }
    assert_eq!(pos_online(&e), Some(true), "the last answer counts");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_that_dies_without_an_answer_skips_the_order() {
    let e = Eng::new();
    let pos = Pos::start(true, true).await;
    pos.set("is_online", 503, json!({}));
    e.hook(HookInput {
        retry_preset: Some("ordatic".into()),
        ..pos_hook(&pos.url, true)
    });
    let ids = emit_flow(&e, "o-dead");

    for _ in 0..2 {
        assert_eq!(e.step().await.retrying, 1);
        assert_eq!(
            state(&e, ids[1]),
            ("pending".into(), 0, None),
            "nothing is skipped while the check may still answer"
        );
        e.clock.advance(600_000);
    }
    assert_eq!(e.step().await.dead, 1);
    assert_eq!(state(&e, ids[0]).0, "dead");
    for id in &ids[1..] {
        assert_eq!(state(&e, *id), skipped("POS offline: skipped"));
    }
    assert_eq!(e.drain().await, 0);
    assert_eq!(pos.seen(), ["is_online", "is_online", "is_online"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_flow_is_sequenced_even_on_an_unordered_hook() {
    let e = Eng::new();
    let pos = Pos::start(false, true).await;
    e.hook(pos_hook(&pos.url, false));
    let ids = emit_flow(&e, "o-unordered");
    assert_eq!(
        e.count("SELECT COUNT(*) FROM deliveries WHERE ordered = 1"),
        3
    );

    let r = e.step().await;
    assert_eq!(r.claimed, 1, "only the check goes first");
    e.drain().await;
    assert_eq!(pos.seen(), ["is_online"]);
    assert_eq!(state(&e, ids[2]), skipped("POS offline: skipped"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_no_stops_only_its_own_destination_order_and_try() {
    let e = Eng::new();
    let down = Pos::start(false, true).await;
    let up = Pos::start(true, true).await;
    let down_hook = e.hook(pos_hook(&down.url, true));
    e.hook(pos_hook(&up.url, true));
    let first = emit_flow(&e, "o-1");
    let other = emit_flow(&e, "o-2");
    // The source already queued a second try of o-1: a fresh is_online starts a try the first "no" must
    // not reach.
    let again = emit_flow(&e, "o-1");

    let r = e.step().await;
    assert_eq!(r.claimed, 4, "each hook's first check of o-1 and of o-2");
    down.online(true);
    e.drain().await;

    assert_eq!(up.seen().len(), 9, "the online POS gets everything");
    let dead: Vec<i64> = e
        .delivery_ids()
        .into_iter()
        .filter(|id| state(&e, *id).0 == "dead")
        .collect();
    let expected: Vec<i64> = first
        .iter()
        .chain(&other)
        .copied()
        .filter(|id| {
            e.ctx
                .db
                .conn()
                .query_row(
                    "SELECT hook_id = ?2 AND event_type != 'is_online' FROM deliveries WHERE id = ?1",
                    hookdesk_core::args![id, down_hook],
                    |r| r.get::<_, bool>(0),
                )
                .unwrap()
        })
        .collect();
    assert_eq!(expected.len(), 4);
    assert_eq!(
        dead, expected,
        "only the offline POS's first tries were cut short"
    );
    assert_eq!(
        down.seen(),
        [
            "is_online",
            "is_online",
            "is_online",
            "validate_order",
            "new_order"
        ],
        "the second try of o-1 went through"
    );
    assert!(again.iter().all(|id| state(&e, *id).0 == "succeeded"));
}

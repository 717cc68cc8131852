//! The ingest API in-process on 127.0.0.1:0, and idempotency keys.

use hookdesk_core::auth::tokens;
use hookdesk_core::catalog::{sample, EventType};
use hookdesk_core::delivery::ingest;
use serde_json::{json, Value};

use crate::support::config::admin;
use crate::support::engine::*;
use crate::wire_receiver::{Reply, TestReceiver};

const EVENT: &str = "transaction.sale.success";

struct Api {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Api {
    async fn start(e: &Eng) -> Api {
        let (addr, listener) = ingest::bind("127.0.0.1:0").await.unwrap();
        let ctx = e.ctx.clone();
        let engine = Some(e.engine.clone());
        tokio::spawn(ingest::serve(listener, ctx, engine, std::future::pending()));
        let token = tokens::create(&e.ctx, &admin(&e.ctx), "test")
            .unwrap()
            .1
            .expose()
            .to_string();
        Api {
            base: format!("http://{addr}"),
            token,
            http: reqwest::Client::new(),
        }
    }

    async fn post_raw(&self, token: Option<&str>, body: Vec<u8>) -> (u16, Value) {
        let mut req = self
            .http
            .post(format!("{}/v1/events", self.base))
            .body(body);
        req = req.header("content-type", "application/json");
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let v = resp.json().await.unwrap_or(Value::Null);
        (status, v)
    }

    async fn post(&self, body: &Value) -> (u16, Value) {
        self.post_raw(Some(&self.token), serde_json::to_vec(body).unwrap())
            .await
    }
}

fn event(key: Option<&str>) -> Value {
    let mut v = json!({"type": EVENT, "store": "store-1", "data": sample(EventType::parse("t", EVENT).unwrap())});
    if let Some(k) = key {
        v["key"] = json!(k);
    }
    v
}

fn rows(e: &Eng) -> (i64, i64) {
    (
        e.count("SELECT COUNT(*) FROM events"),
        e.count("SELECT COUNT(*) FROM deliveries"),
    )
}

#[test]
fn a_repeated_idempotency_key_queues_nothing_new() {
    let e = Eng::new();
    e.hook(hook_input("http://127.0.0.1:9/h", &[EVENT]));
    let data = sample(EventType::parse("t", EVENT).unwrap());
    let first = e.emit_keyed(EVENT, "store-1", data.clone(), Some("order-77"));
    assert_eq!((first.deliveries, first.duplicate), (1, false));
    let again = e.emit_keyed(EVENT, "store-1", data.clone(), Some("order-77"));
    assert_eq!(again.event_id, first.event_id);
    assert!(again.duplicate);
    assert_eq!(again.deliveries, 1, "the first event's deliveries");
    assert_eq!(rows(&e), (1, 1));
    let other = e.emit_keyed(EVENT, "store-1", data, Some("order-78"));
    assert_ne!(other.event_id, first.event_id);
    assert_eq!(rows(&e), (2, 2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accepted_events_are_queued_once_per_key_and_delivered() {
    let e = Eng::new();
    let r = TestReceiver::start(Reply::status(200)).await;
    e.hook(hook_input(&r.url("/h"), &[EVENT]));
    let api = Api::start(&e).await;

    let health = api
        .http
        .get(format!("{}/v1/health", api.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status().as_u16(), 200);
    assert_eq!(health.json::<Value>().await.unwrap(), json!({"ok": true}));

    let (status, body) = api.post(&event(Some("k-1"))).await;
    assert_eq!(status, 202, "{body}");
    let id = body["event_id"].as_str().unwrap().to_string();
    assert!(
        id.len() == 64
            && id
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    assert_eq!(body["deliveries"], 1);

    let (status, body) = api.post(&event(Some("k-1"))).await;
    assert_eq!(
        (status, body["event_id"].as_str()),
        (202, Some(id.as_str()))
    );
    assert_eq!(rows(&e), (1, 1), "a repeated key queues nothing");

    let (status, _) = api.post(&event(None)).await;
    assert_eq!(status, 202);
    assert_eq!(rows(&e), (2, 2));
    assert_eq!(e.step().await.succeeded, 2);
    let ids: Vec<String> = r
        .captured()
        .iter()
        .map(|c| body_json(&c.body)["event_id"].as_str().unwrap().to_string())
        .collect();
    assert!(ids.contains(&id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_name_their_field_and_change_nothing() {
    let e = Eng::new();
    e.hook(hook_input("http://127.0.0.1:9/h", &[EVENT]));
    let api = Api::start(&e).await;
    let good = serde_json::to_vec(&event(None)).unwrap();
    let before = (rows(&e), e.count("SELECT COUNT(*) FROM attempts"));

    assert_eq!(api.post_raw(None, good.clone()).await.0, 401);
    let (status, body) = api.post_raw(Some("hdi_0000"), good.clone()).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("unauthorized")));
    let (status, _) = api
        .post_raw(Some(&format!("{}x", api.token)), good.clone())
        .await;
    assert_eq!(status, 401);

    let mut big = event(None);
    big["data"]["note"] = json!("x".repeat(ingest::BODY_LIMIT));
    let (status, body) = api.post(&big).await;
    assert_eq!((status, body["code"].as_str()), (413, Some("too_large")));

    let (status, body) = api
        .post_raw(Some(&api.token), b"{\"type\": ".to_vec())
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["code"].is_string() && body["message"].is_string());

    let deep = format!(
        "{{\"type\":\"{EVENT}\",\"store\":\"store-1\",\"data\":{{\"a\":{}{}}}}}",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let (status, _) = api.post_raw(Some(&api.token), deep.into_bytes()).await;
    assert!((400..500).contains(&status), "deep nesting: {status}");

    let cases: Vec<(Value, &str)> = vec![
        (json!({"type": 7, "store": "store-1", "data": {}}), "type"),
        (
            json!({"type": "order.reopen", "store": "store-1", "data": {}}),
            "type",
        ),
        (
            json!({"type": EVENT, "store": "store-9", "data": {}}),
            "store",
        ),
        (
            json!({"type": EVENT, "store": ["store-1"], "data": {}}),
            "store",
        ),
        (json!({"type": EVENT, "data": {}}), "store"),
        (
            json!({"type": EVENT, "store": "store-1", "data": "x"}),
            "data",
        ),
        (
            json!({"type": EVENT, "store": "store-1", "data": {}, "key": 5}),
            "key",
        ),
        (
            json!({"type": EVENT, "store": "store-1", "data": {}, "key": ""}),
            "key",
        ),
        (
            json!({"type": EVENT, "store": "store-1", "data": {}, "order_key": "a\u{0}b"}),
            "order_key",
        ),
        (
            json!({"type": EVENT, "store": "store-1", "data": {}, "extra": 1}),
            "extra",
        ),
    ];
    for (body, field) in cases {
        let (status, got) = api.post(&body).await;
        assert_eq!(status, 422, "{body} -> {got}");
        assert_eq!(got["field"].as_str(), Some(field), "{body} -> {got}");
    }
    let (status, _) = api.post(&json!([1, 2])).await;
    assert_eq!(status, 422);
    assert_eq!(
        (rows(&e), e.count("SELECT COUNT(*) FROM attempts")),
        before,
        "no refusal wrote anything"
    );
}

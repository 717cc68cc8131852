//! Which destinations an event reaches, and the exact bytes each family's receiver gets.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use hookdesk_core::catalog::{sample, EventType};
use hookdesk_core::domain::{
    AuthInput, KeySource, OrderWebhooksPatch, Secret, SignatureInput, UrlTogglePatch,
};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::support::engine::*;
use crate::wire_receiver::{Captured, Reply, TestReceiver};

fn data(ty: &str) -> Value {
    sample(EventType::parse("type", ty).unwrap())
}

fn paths(r: &TestReceiver) -> Vec<String> {
    let mut p: Vec<String> = r.captured().into_iter().map(|c| c.path).collect();
    p.sort();
    p
}

fn compact(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap()
}

fn hmac256(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).unwrap();
    m.update(msg);
    m.finalize().into_bytes().to_vec()
}

fn assert_common(c: &Captured) {
    assert_eq!(c.method, "POST");
    assert_eq!(c.header("content-type"), Some("application/json"));
    assert!(
        c.header("user-agent")
            .unwrap_or("")
            .starts_with("Hookdesk/"),
        "{:?}",
        c.headers
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hooks_are_chosen_by_event_store_scope_and_app_type() {
    let e = Eng::new();
    e.store("store-2");
    let r = TestReceiver::start(Reply::status(200)).await;
    e.hook(hook_input(&r.url("/all"), &["transaction.sale.success"]));
    e.hook(hookdesk_core::domain::HookInput {
        all_stores: false,
        stores: vec!["store-2".into()],
        ..hook_input(&r.url("/only-2"), &["transaction.sale.success"])
    });
    e.hook(hookdesk_core::domain::HookInput {
        app_type: Some("pos".into()),
        ..hook_input(&r.url("/pos"), &["order-accepted", "order-canceled"])
    });
    e.hook(hookdesk_core::domain::HookInput {
        app_type: Some("rider".into()),
        ..hook_input(&r.url("/rider"), &["order-canceled", "order-in-kitchen"])
    });
    e.hook(hook_input(&r.url("/injection"), &["new_order"]));

    assert_eq!(
        e.emit(
            "transaction.sale.success",
            "store-1",
            data("transaction.sale.success")
        )
        .deliveries,
        1
    );
    assert_eq!(
        e.emit(
            "transaction.sale.success",
            "store-2",
            data("transaction.sale.success")
        )
        .deliveries,
        2
    );
    assert_eq!(
        e.emit("order-accepted", "store-1", data("order-accepted"))
            .deliveries,
        1
    );
    assert_eq!(
        e.emit("order-canceled", "store-1", data("order-canceled"))
            .deliveries,
        2
    );
    assert_eq!(
        e.emit("order-in-kitchen", "store-2", data("order-in-kitchen"))
            .deliveries,
        1
    );
    assert_eq!(
        e.emit("new_order", "store-1", data("new_order")).deliveries,
        1
    );
    assert_eq!(
        e.emit("ach.settled", "store-1", data("ach.settled"))
            .deliveries,
        0,
        "nobody subscribed"
    );

    let report = e.step().await;
    assert_eq!(report.claimed, 8);
    assert_eq!(report.succeeded, 8);
    assert_eq!(
        paths(&r),
        [
            "/all",
            "/all",
            "/injection",
            "/only-2",
            "/pos",
            "/pos",
            "/rider",
            "/rider"
        ]
    );
    assert_eq!(
        e.count("SELECT COUNT(*) FROM deliveries WHERE status <> 'succeeded'"),
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn order_webhook_page_follows_source_and_toggles() {
    let e = Eng::new();
    let r = TestReceiver::start(Reply::status(200)).await;
    let row = |path: &str, on: bool| {
        Some(UrlTogglePatch {
            url: Some(r.url(path)),
            enabled: Some(on),
        })
    };
    e.page(
        "store-1",
        OrderWebhooksPatch {
            header_name: Some("X-Api-Key".into()),
            header_value: Some(Secret::new("page-key-1")),
            open: row("/open", true),
            update: row("/update", false),
            close: row("/close", true),
            third_party_active: Some(false),
            ..Default::default()
        },
    );
    let check = |source: &str| {
        let mut d = data("order.open");
        d["source"] = json!(source);
        d
    };
    let olo = e.emit("order.open", "store-1", check("olo"));
    assert_eq!(
        olo.deliveries, 1,
        "OLO opens go to the Open URL when Open is on"
    );
    assert_eq!(
        e.emit("order.open", "store-1", check("pos")).deliveries,
        0,
        "POS opens need third-party"
    );
    assert_eq!(
        e.emit("order.update", "store-1", data("order.update"))
            .deliveries,
        0,
        "toggle off"
    );
    assert_eq!(
        e.emit("order.close", "store-1", data("order.close"))
            .deliveries,
        1
    );
    assert_eq!(
        e.drain().await,
        2,
        "open then close of the same check, one after the other"
    );
    let got = r.captured();
    assert_eq!(got.len(), 2);
    let open = got.iter().find(|c| c.path == "/open").expect("open sent");
    assert_common(open);
    assert_eq!(open.header("x-api-key"), Some("page-key-1"));
    let expected = json!({"event": "order.open", "store": "store-1", "check": check("olo")});
    assert_eq!(open.body, compact(&expected));
    assert!(got.iter().any(|c| c.path == "/close"));
    // The delivery log finds the page's deliveries under its own entry in the hook filter.
    let support = crate::support::config::actor(&e.ctx, hookdesk_core::auth::Role::Support);
    let page_filter = hookdesk_core::delivery::log::Filter {
        hook: Some("hub:store-1".into()),
        ..Default::default()
    };
    let listed = hookdesk_core::delivery::log::list(&e.ctx, &support, &page_filter).unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|d| d.hook_id.is_none()));
    let other = hookdesk_core::delivery::log::Filter {
        hook: Some("hub:store-2".into()),
        ..Default::default()
    };
    assert!(hookdesk_core::delivery::log::list(&e.ctx, &support, &other)
        .unwrap()
        .is_empty());

    e.page(
        "store-1",
        OrderWebhooksPatch {
            header_name: Some(String::new()),
            open: Some(UrlTogglePatch {
                url: None,
                enabled: Some(false),
            }),
            update: row("/update", true),
            third_party_active: Some(true),
            ..Default::default()
        },
    );
    assert_eq!(
        e.emit("order.open", "store-1", check("pos")).deliveries,
        1,
        "third-party on"
    );
    assert_eq!(
        e.emit("order.open", "store-1", check("olo")).deliveries,
        0,
        "Open toggled off"
    );
    assert_eq!(
        e.emit("order.update", "store-1", data("order.update"))
            .deliveries,
        1
    );
    assert_eq!(e.drain().await, 2);
    let later: Vec<Captured> = r.captured().into_iter().skip(2).collect();
    let mut later_paths: Vec<&str> = later.iter().map(|c| c.path.as_str()).collect();
    later_paths.sort();
    assert_eq!(later_paths, ["/open", "/update"]);
    for c in &later {
        assert_eq!(c.header("x-api-key"), None, "no header name, no header");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_family_gets_its_exact_body_auth_and_signature() {
    let e = Eng::new();
    let r = TestReceiver::start(Reply::status(200)).await;
    e.hook(hookdesk_core::domain::HookInput {
        auth: AuthInput::Basic {
            username: "merchant".into(),
            password: Secret::new("pw-0001"),
        },
        signature: SignatureInput::XSignature {
            key_source: KeySource::SignatureKey,
            key: Secret::new("test_signature_key"),
        },
        ..hook_input(&r.url("/003"), &["transaction.sale.success"])
    });
    e.hook(hookdesk_core::domain::HookInput {
        auth: AuthInput::Bearer {
            token: Secret::new("bearer-0001"),
        },
        ..hook_input(&r.url("/001"), &["new_order"])
    });
    let whsec = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    e.hook(hookdesk_core::domain::HookInput {
        app_type: Some("channel".into()),
        auth: AuthInput::Authorization {
            value: Secret::new("Token abc-0001"),
        },
        signature: SignatureInput::Standard {
            secret: Some(Secret::new(whsec)),
        },
        ..hook_input(&r.url("/002"), &["order-picked-up"])
    });
    e.hook(hookdesk_core::domain::HookInput {
        auth: AuthInput::Header {
            name: "X-Partner-Key".into(),
            value: Secret::new("hdr-0001"),
        },
        ..hook_input(&r.url("/000"), &["order.update"])
    });

    let d003 = data("transaction.sale.success");
    let ev003 = e.emit("transaction.sale.success", "store-1", d003.clone());
    let d001 = data("new_order");
    e.emit("new_order", "store-1", d001.clone());
    let d002 = data("order-picked-up");
    let ev002 = e.emit("order-picked-up", "store-1", d002.clone());
    let d000 = data("order.update");
    e.emit("order.update", "store-1", d000.clone());
    assert_eq!(e.step().await.succeeded, 4);
    let by = |p: &str| r.captured().into_iter().find(|c| c.path == p).expect(p);

    let c = by("/003");
    assert_common(&c);
    // 1_700_000_000 s is 2023-11-14 22:13:20 UTC.
    let expected = json!({
        "type": "event",
        "event_triggered": "2023-11-14 22:13:20",
        "event_type": "transaction.sale.success",
        "event_body": {"merchant": {"merch_key": "7qwnw4j2kmqvrb3"}, "object": d003},
        "event_id": ev003.event_id,
    });
    assert_eq!(c.body, compact(&expected));
    assert_eq!(
        c.header("x-signature"),
        Some(hex::encode(hmac256(b"test_signature_key", &c.body)).as_str())
    );
    assert_eq!(
        c.header("authorization"),
        Some(format!("Basic {}", B64.encode("merchant:pw-0001")).as_str())
    );

    let c = by("/001");
    assert_common(&c);
    let id = d001["id"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| d001["id"].to_string());
    let expected = json!({"action": "new_order", "restaurant": "5f1b223c51e2d31e007b23d8", "order": id, "order_data": d001});
    assert_eq!(c.body, compact(&expected));
    assert_eq!(c.header("authorization"), Some("Bearer bearer-0001"));
    assert_eq!(c.header("x-signature"), None);

    let c = by("/002");
    assert_common(&c);
    assert_eq!(
        c.body,
        compact(&json!({"eventType": "order-picked-up", "storeId": "store-1", "data": d002}))
    );
    assert_eq!(c.header("authorization"), Some("Token abc-0001"));
    assert_eq!(c.header("webhook-id"), Some(ev002.event_id.as_str()));
    let ts = (T0 / 1000).to_string();
    assert_eq!(c.header("webhook-timestamp"), Some(ts.as_str()));
    let key = B64.decode(whsec.trim_start_matches("whsec_")).unwrap();
    let signed = [
        ev002.event_id.as_bytes(),
        b".",
        ts.as_bytes(),
        b".",
        &c.body,
    ]
    .concat();
    let sig = format!("v1,{}", B64.encode(hmac256(&key, &signed)));
    assert_eq!(c.header("webhook-signature"), Some(sig.as_str()));

    let c = by("/000");
    assert_common(&c);
    assert_eq!(
        c.body,
        compact(&json!({"event": "order.update", "store": "store-1", "check": d000}))
    );
    assert_eq!(c.header("x-partner-key"), Some("hdr-0001"));
    assert_eq!(c.header("authorization"), None);
}

//! Hostile input: property tests with 10,000 cases each against URL, header, hook-config and event parsing,
//! and ~1,000 request bodies against the real ingest server. Nothing may panic; what is refused names its
//! field and changes nothing; what is accepted keeps the invariants its type promises.

use std::sync::Arc;

use hookdesk_core::auth::{Actor, Permission};
use hookdesk_core::catalog::EVENTS;
use hookdesk_core::config;
use hookdesk_core::delivery::engine::outbox::{NewEvent, MAX_KEY_LEN};
use hookdesk_core::delivery::ingest;
use hookdesk_core::domain::{HeaderName, HeaderValue, HookInput, StoreInput, WebhookUrl};
use hookdesk_core::{auth, Ctx};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Map, Value};

use crate::support::team::{self as se, Env};

const CASES: u32 = 10_000;

/// Any JSON value, a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "\\PC{0,24}".prop_map(Value::String),
        Just(Value::String("\u{0}\r\n".into())),
    ];
    leaf.prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("\\PC{0,10}", inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Strings that look like URLs often enough to reach the deeper checks.
fn url_like() -> impl Strategy<Value = String> {
    let scheme = prop_oneof![
        Just("https://"),
        Just("http://"),
        Just("HTTPS://"),
        Just("hTtP://"),
        Just("ftp://"),
        Just("https:"),
        Just("https:/"),
        Just("//"),
        Just(""),
    ];
    let host = prop_oneof![
        "[a-z0-9-]{1,12}(\\.[a-z]{2,6}){0,2}",
        Just("127.0.0.1".to_string()),
        Just("[::1]".to_string()),
        Just("[::ffff:169.254.169.254]".to_string()),
        "[a-z]{1,6}(:[a-z0-9]{0,6})?@[a-z]{1,8}\\.com",
        "\\PC{0,12}",
    ];
    let port = prop_oneof![Just(String::new()), "(:[0-9]{1,6})", Just(":".to_string())];
    let rest = prop_oneof![
        "(/[a-zA-Z0-9._~%-]{0,10}){0,3}",
        "\\PC{0,20}",
        Just(String::new())
    ];
    let query = prop_oneof![
        Just(String::new()),
        "\\?[a-z]{1,5}=[a-zA-Z0-9%&=]{0,20}",
        "[?#][\\PC]{0,10}"
    ];
    (scheme, host, port, rest, query).prop_map(|(s, h, p, r, q)| format!("{s}{h}{p}{r}{q}"))
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::with_cases(CASES) })]

    #[test]
    fn webhook_urls_never_panic_and_accepted_ones_are_clean(s in prop_oneof![url_like(), "\\PC{0,120}", ".{0,60}"]) {
        match WebhookUrl::parse("url", &s) {
            Err(e) => prop_assert_eq!(e.field(), Some("url")),
            Ok(u) => {
                prop_assert!(u.scheme() == "http" || u.scheme() == "https", "{}", u.expose_full());
                let full = u.expose_full();
                let parsed = url::Url::parse(&full).unwrap();
                prop_assert!(parsed.username().is_empty() && parsed.password().is_none(), "{full}");
                prop_assert!(parsed.host_str().is_some_and(|h| !h.is_empty()), "{full}");
                prop_assert!(parsed.fragment().is_none(), "{full}");
                prop_assert!(!full.chars().any(|c| c.is_whitespace() || c.is_control()), "{full:?}");
                // Round trip: what is stored parses back to the same value.
                let again = WebhookUrl::parse("url", &full).unwrap();
                prop_assert_eq!(&again, &u);
                let rebuilt = WebhookUrl::from_parts("url", u.base(), u.query().cloned()).unwrap();
                prop_assert_eq!(rebuilt, u);
            }
        }
    }

    #[test]
    fn header_names_are_tokens_and_never_reserved(s in prop_oneof!["[!-~]{0,20}", "\\PC{0,40}", "(?i)(webhook-|x-|content-|host|authorization)[a-z-]{0,8}"]) {
        match HeaderName::parse("auth.name", &s) {
            Err(e) => prop_assert_eq!(e.field(), Some("auth.name")),
            Ok(n) => {
                let name = n.as_str();
                prop_assert!(!name.is_empty() && name.len() <= 128);
                prop_assert!(name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)), "{name:?}");
                let lower = name.to_ascii_lowercase();
                prop_assert!(!lower.starts_with("webhook-"));
                prop_assert!(!["host", "content-length", "content-type", "transfer-encoding", "connection", "user-agent", "authorization", "x-signature"].contains(&lower.as_str()));
                // A valid name is also a valid name for the HTTP stack that sends it.
                prop_assert!(axum::http::HeaderName::from_bytes(name.as_bytes()).is_ok());
            }
        }
    }

    #[test]
    fn header_values_can_never_split_a_request(s in prop_oneof!["[ -~\t]{0,40}", "\\PC{0,40}", ".{0,40}", "[ -~]{0,10}[\r\n\u{0}][ -~]{0,10}"]) {
        match HeaderValue::parse("auth.value", &s) {
            Err(e) => prop_assert_eq!(e.field(), Some("auth.value")),
            Ok(v) => {
                let v = v.as_secret().expose();
                prop_assert_eq!(v, s.as_str());
                prop_assert!(!v.contains(['\r', '\n', '\0']));
                prop_assert!(axum::http::HeaderValue::from_str(v).is_ok(), "{v:?}");
            }
        }
    }

    #[test]
    fn hook_input_json_never_panics(v in prop_oneof![json_value(), hook_json(), mostly_valid_hook()]) {
        if let Ok(input) = serde_json::from_value::<HookInput>(v) {
            match input.validate(&|_| true) {
                Ok(spec) => {
                    prop_assert!(!spec.events.is_empty());
                    prop_assert!(spec.url.scheme() == "https" || spec.allow_private_network);
                }
                Err(e) => prop_assert!(e.field().is_some_and(|f| !f.is_empty()), "{e:?}"),
            }
        }
    }

    #[test]
    fn new_event_parse_never_panics_and_keeps_its_promises(
        event_type in prop_oneof![event_name(), "\\PC{0,20}"],
        store in prop_oneof!["[a-z0-9-]{1,20}", "\\PC{0,80}", Just("   ".to_string())],
        data in prop_oneof![json_value(), Just(json!({}))],
        key in proptest::option::of(prop_oneof!["[a-z0-9]{1,20}", "\\PC{0,250}", Just(String::new())]),
        order_key in proptest::option::of(prop_oneof!["[a-z0-9]{1,20}", ".{0,30}"]),
    ) {
        match NewEvent::parse(&event_type, &store, data.clone(), key.clone(), order_key) {
            Ok(ev) => {
                prop_assert_eq!(ev.event_type.name(), event_type.as_str());
                prop_assert!(ev.data.is_object());
                prop_assert_eq!(&ev.data, &data);
                prop_assert!(!ev.store.is_empty() && ev.store.len() <= 64 && ev.store == ev.store.trim());
                for k in [&ev.key, &ev.order_key].into_iter().flatten() {
                    prop_assert!(!k.is_empty() && k.len() <= MAX_KEY_LEN && !k.chars().any(char::is_control), "{k:?}");
                }
            }
            Err(e) => {
                let field = e.field().unwrap_or_default();
                prop_assert!(["type", "store", "data", "key", "order_key"].contains(&field), "{e:?}");
            }
        }
    }
}

fn event_name() -> impl Strategy<Value = String> {
    prop::sample::select(
        EVENTS
            .iter()
            .map(|e| e.name.to_string())
            .collect::<Vec<_>>(),
    )
}

/// A valid Add Hook form, then, half of the time, one field replaced by a hostile value.
fn mostly_valid_hook() -> impl Strategy<Value = Value> {
    let events =
        prop::sample::subsequence(vec!["order.open", "order.update", "order.close"], 1..=3);
    let auth = prop_oneof![
        Just(json!({"kind": "none"})),
        "[A-Za-z0-9]{12,30}".prop_map(|t| json!({"kind": "bearer", "token": t})),
    ];
    let field = prop::sample::select(vec![
        "label",
        "url",
        "events",
        "auth",
        "signature",
        "allStores",
        "timeoutMs",
    ]);
    (
        "[A-Za-z][A-Za-z ]{0,20}",
        "https://[a-z]{1,10}\\.example\\.com/[a-z]{0,8}",
        events,
        auth,
        proptest::option::of((field, json_value())),
    )
        .prop_map(|(label, url, events, auth, hostile)| {
            let mut o = json!({"label": label, "url": url, "events": events, "allStores": true, "auth": auth});
            if let Some((field, v)) = hostile {
                o[field] = v;
            }
            o
        })
}

/// Objects shaped like the Add Hook form, each field plausible or hostile.
fn hook_json() -> impl Strategy<Value = Value> {
    let label = prop_oneof!["[A-Za-z ]{1,20}", "\\PC{0,200}"].prop_map(Value::String);
    let url = prop_oneof![
        url_like(),
        Just("https://hooks.example.com/in?key=abc".into())
    ]
    .prop_map(Value::String);
    let events =
        prop::collection::vec(prop_oneof![event_name(), "\\PC{0,12}"], 0..4).prop_map(|v| json!(v));
    let auth = prop_oneof![
        Just(json!({"kind": "none"})),
        ("\\PC{0,12}", "\\PC{0,20}")
            .prop_map(|(n, v)| json!({"kind": "header", "name": n, "value": v})),
        "\\PC{0,20}".prop_map(|t| json!({"kind": "bearer", "token": t})),
        ("\\PC{0,10}", "\\PC{0,10}")
            .prop_map(|(u, p)| json!({"kind": "basic", "username": u, "password": p})),
        json_value(),
    ];
    let signature = prop_oneof![
        Just(json!({"kind": "none"})),
        "\\PC{0,20}"
            .prop_map(|k| json!({"kind": "x-signature", "keySource": "source_key", "key": k})),
        proptest::option::of("whsec_[A-Za-z0-9+/=]{0,40}")
            .prop_map(|s| json!({"kind": "standard", "secret": s})),
        json_value(),
    ];
    let other = prop_oneof![json_value(), any::<i64>().prop_map(|n| json!(n))];
    (
        label,
        url,
        events,
        auth,
        signature,
        any::<bool>(),
        any::<bool>(),
        other,
        any::<u8>(),
    )
        .prop_map(
            |(label, url, events, auth, signature, all_stores, private, other, pick)| {
                let mut o = json!({
                    "label": label, "url": url, "events": events, "allStores": all_stores,
                    "auth": auth, "signature": signature, "allowPrivateNetwork": private,
                });
                // Now and then one field gets a value of the wrong type, or an unknown field appears.
                let keys = [
                    "label",
                    "url",
                    "events",
                    "stores",
                    "appType",
                    "retryPreset",
                    "timeoutMs",
                    "ordered",
                    "unknown",
                ];
                if pick % 3 == 0 {
                    o[keys[usize::from(pick) % keys.len()]] = other;
                }
                o
            },
        )
}

fn count(ctx: &Ctx, table: &str) -> i64 {
    ctx.db
        .conn()
        .query_row(
            &format!("SELECT COUNT(*) FROM {table}"),
            hookdesk_core::args![],
            |r| r.get(0),
        )
        .unwrap()
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        failure_persistence: None,
        ..Config::with_cases(cases)
    })
}

/// The create path with a real database: a refused input writes nothing (hooks, audit), an accepted one
/// exactly one hook.
#[test]
fn refused_hook_inputs_are_never_persisted() {
    let env = Env::real_time();
    let admin = se::admin(&env);
    let actor: Actor = auth::require(&env.ctx, &admin.token, Permission::EditHooks).unwrap();
    let store = StoreInput {
        id: "store-1".into(),
        name: "Main".into(),
        ..StoreInput::default()
    };
    config::stores::add(&env.ctx, &actor, &store).unwrap();
    let (accepted, refused) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
    runner(400)
        .run(
            &prop_oneof![2 => mostly_valid_hook(), 1 => hook_json(), 1 => json_value()],
            |v| {
                let hooks = count(&env.ctx, "hooks");
                let audit = count(&env.ctx, "audit_log");
                let Ok(input) = serde_json::from_value::<HookInput>(v) else {
                    return Ok(());
                };
                // No fresh code: private-network inputs must be refused too, and leave nothing behind.
                match config::hooks::create(&env.ctx, &actor, &input, None) {
                    Ok(_) => {
                        accepted.set(accepted.get() + 1);
                        prop_assert_eq!(count(&env.ctx, "hooks"), hooks + 1);
                    }
                    Err(e) => {
                        refused.set(refused.get() + 1);
                        prop_assert!(e.field().is_some() || e.code() == "not_found", "{e:?}");
                        prop_assert_eq!(count(&env.ctx, "hooks"), hooks);
                        prop_assert_eq!(count(&env.ctx, "audit_log"), audit);
                    }
                }
                Ok(())
            },
        )
        .unwrap();
    // Both branches were really exercised.
    let (accepted, refused) = (accepted.get(), refused.get());
    assert!(
        accepted > 5 && refused > 50,
        "accepted {accepted}, refused {refused}"
    );
}

/// Request bodies for the ingest API: raw bytes, any JSON, and objects shaped like events.
fn ingest_body() -> impl Strategy<Value = Vec<u8>> {
    let event_like = (
        prop_oneof![3 => event_name().prop_map(Value::String), 1 => json_value()],
        prop_oneof![3 => Just(json!("store-1")), 1 => Just(json!("nope")), 1 => json_value()],
        prop_oneof![3 => Just(json!({"checkId": "c-1"})), 1 => json_value()],
        proptest::option::of(prop_oneof![
            "[a-z0-9]{1,12}".prop_map(Value::String),
            json_value()
        ]),
        proptest::option::of(("\\PC{0,8}", json_value())),
    )
        .prop_map(|(t, s, d, k, extra)| {
            let mut o = json!({"type": t, "store": s, "data": d});
            if let Some(k) = k {
                o["key"] = k;
            }
            if let Some((name, v)) = extra {
                o[name] = v;
            }
            serde_json::to_vec(&o).unwrap()
        });
    prop_oneof![
        4 => event_like,
        2 => json_value().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        1 => prop::collection::vec(any::<u8>(), 0..200),
        1 => (1usize..3000).prop_map(|n| format!("{}{}", "[".repeat(n), "]".repeat(n)).into_bytes()),
    ]
}

#[test]
fn ingest_bodies_get_4xx_or_202_and_refused_ones_queue_nothing() {
    let env = Env::real_time();
    let admin = se::admin(&env);
    let actor = auth::require(&env.ctx, &admin.token, Permission::ManageSettings).unwrap();
    let store = StoreInput {
        id: "store-1".into(),
        name: "Main".into(),
        ..StoreInput::default()
    };
    config::stores::add(&env.ctx, &actor, &store).unwrap();
    let token = hookdesk_core::auth::tokens::create(&env.ctx, &actor, "props")
        .unwrap()
        .1
        .expose()
        .to_string();
    let ctx =
        Arc::new(crate::support::open_ctx(&env.dir.path(), Arc::new(env.clock.clone())).unwrap());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let addr = rt.block_on(async {
        let (addr, listener) = ingest::bind("127.0.0.1:0").await.unwrap();
        tokio::spawn(ingest::serve(listener, ctx, None, std::future::pending()));
        addr
    });
    let client = reqwest::Client::new();
    let url = format!("http://{addr}/v1/events");
    let (accepted, refused) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
    runner(1_000)
        .run(&ingest_body(), |body| {
            let events = count(&env.ctx, "events");
            let (status, reply) = rt.block_on(async {
                let r = client
                    .post(&url)
                    .bearer_auth(&token)
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await
                    .unwrap();
                (r.status().as_u16(), r.bytes().await.unwrap())
            });
            let reply: Value = serde_json::from_slice(&reply).unwrap_or(Value::Null);
            if status == 202 {
                accepted.set(accepted.get() + 1);
                prop_assert!(
                    reply["event_id"].as_str().is_some_and(|s| s.len() == 64),
                    "{reply}"
                );
                prop_assert!(count(&env.ctx, "events") <= events + 1);
            } else {
                refused.set(refused.get() + 1);
                prop_assert!(
                    (400..500).contains(&status),
                    "status {status} for {:?}: {reply}",
                    String::from_utf8_lossy(&body)
                );
                prop_assert!(reply["code"].as_str().is_some(), "{reply}");
                prop_assert_eq!(count(&env.ctx, "events"), events);
            }
            Ok(())
        })
        .unwrap();
    let (accepted, refused) = (accepted.get(), refused.get());
    assert!(
        accepted > 20 && refused > 200,
        "accepted {accepted}, refused {refused}"
    );
    // Oversized: over the 512 KiB limit, refused before anything is parsed.
    let big = format!(
        "{{\"type\":\"order.open\",\"store\":\"store-1\",\"data\":{{\"x\":\"{}\"}}}}",
        "a".repeat(600 * 1024)
    );
    let status = rt.block_on(async {
        client
            .post(&url)
            .bearer_auth(&token)
            .body(big)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    });
    assert_eq!(status, 413);
}

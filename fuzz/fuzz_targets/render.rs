//! Arbitrary event data, store and ids through the per-family renderers: each either refuses with a field
//! named or produces compact JSON of the family's shape, the same bytes every time.

#![no_main]

use hookdesk_core::catalog::{order_key, sample, EventType, Family, EVENTS};
use hookdesk_core::delivery::wire::render::{is_event_id, render_body, RenderInput};
use hookdesk_core::delivery::wire::response::interpret;
use hookdesk_core::delivery::wire::sign::x_signature;
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

struct Case<'a> {
    event: EventType,
    event_id: String,
    store: &'a str,
    merch_key: Option<&'a str>,
    restaurant_id: Option<&'a str>,
    occurred_at_ms: i64,
    data: Value,
    status: Option<u16>,
    rest: &'a [u8],
}

fn case(mut u: Unstructured<'_>) -> Result<Case<'_>> {
    let index = u.choose_index(EVENTS.len())?;
    let event = EventType::all()
        .nth(index)
        .unwrap_or_else(|| unreachable!());
    // Mostly well-formed ids, so the fuzzer spends its time past the first check.
    let event_id = if u.ratio(7, 8)? {
        let b: [u8; 32] = u.arbitrary()?;
        b.iter().map(|x| format!("{x:02x}")).collect()
    } else {
        u.arbitrary::<&str>()?.to_string()
    };
    let store = u.arbitrary()?;
    let merch_key = u.arbitrary()?;
    let restaurant_id = u.arbitrary()?;
    let occurred_at_ms = u.arbitrary()?;
    let status = u.arbitrary()?;
    let rest = u.take_rest();
    // Either data the fuzzer wrote as JSON, or the event's sample with the raw bytes mixed in.
    let data = match serde_json::from_slice::<Value>(rest) {
        Ok(v) => v,
        Err(_) => {
            let mut v = sample(event);
            if let Some(m) = v.as_object_mut() {
                m.insert("fuzz".into(), String::from_utf8_lossy(rest).into());
            }
            v
        }
    };
    Ok(Case {
        event,
        event_id,
        store,
        merch_key,
        restaurant_id,
        occurred_at_ms,
        data,
        status,
        rest,
    })
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(c) = case(Unstructured::new(bytes)) else {
        return;
    };
    let input = RenderInput {
        event_id: &c.event_id,
        store_id: c.store,
        merch_key: c.merch_key,
        restaurant_id: c.restaurant_id,
        occurred_at_ms: c.occurred_at_ms,
        data: &c.data,
    };
    let _ = order_key(c.event, &c.data);
    let _ = interpret(c.event, c.status, c.rest);
    let body = match render_body(c.event, &input) {
        Ok(b) => b,
        Err(e) => {
            assert!(e.field().is_some(), "a refusal names its field: {e}");
            return;
        }
    };
    assert!(is_event_id(&c.event_id));
    assert_eq!(
        render_body(c.event, &input).ok(),
        Some(body.clone()),
        "pure"
    );
    let v: Value = serde_json::from_slice(&body).expect("the body is JSON");
    assert_eq!(serde_json::to_vec(&v).ok(), Some(body.clone()), "compact");
    let name = Value::from(c.event.name());
    match c.event.family() {
        Family::Hub => {
            assert_eq!(v["event"], name);
            assert_eq!(v["check"], c.data);
        }
        Family::OrderInjection => {
            assert_eq!(v["action"], name);
            assert_eq!(v["order_data"], c.data);
            assert!(v["order"].as_str().is_some_and(|s| !s.is_empty()));
        }
        Family::OrderStatus => {
            let keys: Vec<&str> = v
                .as_object()
                .map_or(vec![], |m| m.keys().map(String::as_str).collect());
            assert_eq!(keys, ["eventType", "storeId", "data"], "no extra fields");
            assert_eq!(v["data"], c.data);
        }
        Family::Merchant => {
            assert_eq!(v["event_type"], name);
            assert_eq!(v["event_id"].as_str(), Some(c.event_id.as_str()));
            assert_eq!(v["event_triggered"].as_str().map(str::len), Some(19));
            assert_eq!(v["event_body"]["object"], c.data);
        }
    }
    let sig = x_signature(b"test_signature_key", &body);
    assert!(sig.len() == 64 && sig.bytes().all(|b| b.is_ascii_hexdigit()));
});

//! Arbitrary bytes as a `POST /v1/events` body: the parser accepts or refuses, never panics, and every
//! refusal is one the ingest API documents.

#![no_main]

use hookdesk_core::delivery::engine::outbox::MAX_KEY_LEN;
use hookdesk_core::delivery::ingest::parse_event_body;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    match parse_event_body(bytes) {
        Ok(ev) => {
            let store = ev.store.as_str();
            assert!(!store.is_empty() && store.len() <= 64 && store.trim() == store);
            assert!(ev.data.is_object());
            for k in [&ev.key, &ev.order_key].into_iter().flatten() {
                assert!(!k.is_empty());
            }
            if let Some(k) = &ev.key {
                assert!(k.len() <= MAX_KEY_LEN && !k.chars().any(char::is_control));
            }
        }
        Err(refusal) => {
            assert!(
                matches!(refusal.status, 400 | 422),
                "undocumented status {}",
                refusal.status
            );
            assert!(!refusal.error.code.is_empty() && !refusal.error.message.is_empty());
            // A refusal may echo a field name the client sent; it stays short.
            if let Some(field) = &refusal.error.field {
                assert!(
                    field.chars().count() <= 64,
                    "field echoed at length {}",
                    field.len()
                );
            }
            // Whatever the client sent, the refusal serializes as the documented shape.
            let json = serde_json::to_value(&refusal.error).expect("payload serializes");
            assert!(json.get("code").is_some() && json.get("message").is_some());
        }
    }
});

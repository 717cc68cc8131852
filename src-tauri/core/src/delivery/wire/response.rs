//! What an order-injection receiver answered (docs/wire-formats.md). Anything but a clear yes reads as no (fail closed):
//! an order must never be sent to a POS that did not say it is online.

use serde_json::{json, Value};

use crate::catalog::EventType;

/// The `result` stored on the attempt: `{"online": bool}` for `is_online`, `{"valid_order": bool}` for
/// `validate_order`, `None` for events whose response carries no answer. `status` is `None` when no
/// response arrived (timeout, refused connection).
pub fn interpret(event: EventType, status: Option<u16>, body: &[u8]) -> Option<Value> {
    let field = match event.name() {
        "is_online" => "online",
        "validate_order" => "valid_order",
        _ => return None,
    };
    let ok = matches!(status, Some(200..=299)) && answer(body, field);
    Some(json!({ field: ok }))
}

fn answer(body: &[u8], field: &str) -> bool {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => matches!(m.get(field), Some(Value::Bool(true))),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(name: &str) -> EventType {
        EventType::parse("e", name).unwrap()
    }

    #[test]
    fn a_clear_yes_is_true() {
        assert_eq!(
            interpret(t("is_online"), Some(200), br#"{"online": true}"#),
            Some(json!({"online": true}))
        );
        assert_eq!(
            interpret(
                t("validate_order"),
                Some(201),
                br#"{"valid_order":true,"note":"ok"}"#
            ),
            Some(json!({"valid_order": true}))
        );
    }

    #[test]
    fn a_clear_no_is_false() {
        assert_eq!(
            interpret(t("is_online"), Some(200), br#"{"online": false}"#),
            Some(json!({"online": false}))
        );
    }

    #[test]
    fn everything_else_fails_closed() {
        let cases: [(Option<u16>, &[u8]); 9] = [
            (Some(500), br#"{"online": true}"#),
            (Some(302), br#"{"online": true}"#),
            (None, b""),
            (Some(200), b""),
            (Some(200), b"not json"),
            (Some(200), br#"{"online": "true"}"#),
            (Some(200), br#"{"online": 1}"#),
            (Some(200), br#"{"valid_order": true}"#),
            (Some(200), br#"[{"online": true}]"#),
        ];
        for (status, body) in cases {
            assert_eq!(
                interpret(t("is_online"), status, body),
                Some(json!({"online": false})),
                "{status:?}"
            );
        }
        assert_eq!(
            interpret(t("validate_order"), Some(200), br#"{"online": true}"#),
            Some(json!({"valid_order": false}))
        );
    }

    #[test]
    fn other_events_have_no_result() {
        assert_eq!(
            interpret(t("new_order"), Some(200), br#"{"online": true}"#),
            None
        );
        assert_eq!(interpret(t("order.open"), Some(200), b"{}"), None);
    }
}

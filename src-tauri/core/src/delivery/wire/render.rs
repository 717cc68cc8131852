//! The request body per family, byte for byte as docs/wire-formats.md writes it. Pure: same input, same bytes.

use rand::RngCore;
use serde_json::{json, Map, Value};

use crate::catalog::{EventType, Family};
use crate::{Error, Result};

/// What a body is made of, besides the event's `data`.
#[derive(Debug, Clone, Copy)]
pub struct RenderInput<'a> {
    /// 64 lowercase hex characters, stable across retries.
    pub event_id: &'a str,
    pub store_id: &'a str,
    /// Needed by merchant events.
    pub merch_key: Option<&'a str>,
    /// Needed by order-injection events.
    pub restaurant_id: Option<&'a str>,
    pub occurred_at_ms: i64,
    pub data: &'a Value,
}

/// A fresh event id: 32 random bytes as 64 lowercase hex characters.
pub fn new_event_id() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

pub fn is_event_id(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
}

/// The compact JSON body for `event`.
pub fn render_body(event: EventType, input: &RenderInput<'_>) -> Result<Vec<u8>> {
    if !is_event_id(input.event_id) {
        return Err(Error::invalid(
            "event_id",
            "must be 64 lowercase hexadecimal characters",
        ));
    }
    if input.store_id.is_empty() {
        return Err(Error::invalid("store", "a store is required"));
    }
    let data = match input.data {
        Value::Object(m) => m,
        _ => return Err(Error::invalid("data", "must be a JSON object")),
    };
    let body = match event.family() {
        Family::Hub => json!({
            "event": event.name(),
            "store": input.store_id,
            "check": data,
        }),
        Family::OrderInjection => {
            let restaurant = match input.restaurant_id {
                Some(r) if !r.is_empty() => r,
                _ => {
                    return Err(Error::invalid(
                        "restaurant_id",
                        "order injection events need the store's restaurant id",
                    ))
                }
            };
            json!({
                "action": event.name(),
                "restaurant": restaurant,
                "order": required_id(data, "id")?,
                "order_data": data,
            })
        }
        Family::OrderStatus => {
            required_id(data, "orderId")?;
            json!({
                "eventType": event.name(),
                "storeId": input.store_id,
                "data": data,
            })
        }
        Family::Merchant => {
            let merch_key = match input.merch_key {
                Some(k) if !k.is_empty() => k,
                _ => {
                    return Err(Error::invalid(
                        "merch_key",
                        "merchant events need the store's merchant key",
                    ))
                }
            };
            json!({
                "type": "event",
                "event_triggered": event_triggered(input.occurred_at_ms)?,
                "event_type": event.name(),
                "event_body": {
                    "merchant": {"merch_key": merch_key},
                    "object": data,
                },
                "event_id": input.event_id,
            })
        }
    };
    serde_json::to_vec(&body).map_err(|e| Error::Delivery(format!("rendering the body: {e}")))
}

/// The order id the body names, as a string: a non-empty string, or a number written out.
fn required_id(data: &Map<String, Value>, key: &str) -> Result<String> {
    match data.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        _ => Err(Error::invalid(
            format!("data.{key}"),
            "the order id is required",
        )),
    }
}

/// `YYYY-MM-DD HH:MM:SS` in UTC, as the merchant envelope writes it.
fn event_triggered(ms: i64) -> Result<String> {
    let t = time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .map_err(|_| Error::invalid("occurred_at", "out of range"))?;
    // `time` writes years before 0 with a sign ("-0001-…"), which breaks the fixed 19-character format.
    if t.year() < 0 {
        return Err(Error::invalid("occurred_at", "out of range"));
    }
    t.format(time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second]"
    ))
    .map_err(|_| Error::invalid("occurred_at", "out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MERCHANT_EXAMPLE_ID: &str =
        "c088bc2884a2c3b4043991b04d96ceda7c65043778233dedb26bfd5853705dfd";

    /// The merchant reference example (docs/wire-formats.md), pretty-printed; compacting it must give our bytes.
    const MERCHANT_EXAMPLE_PRETTY: &str = r#"{
"type": "event",
"event_triggered": "2021-04-07 15:14:26",
"event_type": "transaction.sale.success",
"event_body": {
"merchant": {
"merch_key": "7qwnw4j2kmqvrb3"
},
"object": {
"type": "transaction",
"key": "1nftvzx7xtcggm3",
"amount_detail": {
"amount": "5.00"
},
"authcode": "538228"
}
},
"event_id": "c088bc2884a2c3b4043991b04d96ceda7c65043778233dedb26bfd5853705dfd"
}"#;

    fn t(name: &str) -> EventType {
        EventType::parse("e", name).unwrap()
    }

    fn input<'a>(data: &'a Value) -> RenderInput<'a> {
        RenderInput {
            event_id: MERCHANT_EXAMPLE_ID,
            store_id: "store-12",
            merch_key: Some("7qwnw4j2kmqvrb3"),
            restaurant_id: Some("5f1b223c51e2d31e007b23d8"),
            // 2021-04-07 15:14:26.750 UTC: milliseconds are dropped, not rounded.
            occurred_at_ms: 1_617_808_466_750,
            data,
        }
    }

    #[test]
    fn merchant_body_reproduces_the_reference_example_byte_for_byte() {
        let data = crate::catalog::sample(t("transaction.sale.success"));
        let body = render_body(t("transaction.sale.success"), &input(&data)).unwrap();
        let example: Value = serde_json::from_str(MERCHANT_EXAMPLE_PRETTY).unwrap();
        assert_eq!(
            String::from_utf8(body.clone()).unwrap(),
            serde_json::to_string(&example).unwrap()
        );
        assert_eq!(
            super::super::sign::x_signature(b"test_signature_key", &body),
            "411c77b86779f5f9287a7673a848c85f0ce84293841bf8ad1e07334ac898a8f5"
        );
    }

    #[test]
    fn hub_body() {
        let data = json!({"checkId": "C-1", "source": "olo", "totalCents": 1250});
        let body = render_body(t("order.open"), &input(&data)).unwrap();
        assert_eq!(
            body,
            br#"{"event":"order.open","store":"store-12","check":{"checkId":"C-1","source":"olo","totalCents":1250}}"#
        );
    }

    #[test]
    fn order_injection_body() {
        let data = json!({"restaurant": "r", "id": "5f50", "total_amount": 20.99});
        let body = render_body(t("is_online"), &input(&data)).unwrap();
        assert_eq!(
            body,
            br#"{"action":"is_online","restaurant":"5f1b223c51e2d31e007b23d8","order":"5f50","order_data":{"restaurant":"r","id":"5f50","total_amount":20.99}}"#
        );
    }

    #[test]
    fn a_numeric_order_id_is_sent_as_a_string() {
        let data = json!({"id": 5150});
        let body = render_body(t("new_order"), &input(&data)).unwrap();
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["order"], "5150");
        assert_eq!(v["order_data"]["id"], 5150);
    }

    #[test]
    fn order_status_body_has_no_extra_fields() {
        let data = json!({"orderId": "O-9"});
        let body = render_body(t("rider-picking"), &input(&data)).unwrap();
        assert_eq!(
            body,
            br#"{"eventType":"rider-picking","storeId":"store-12","data":{"orderId":"O-9"}}"#
        );
    }

    /// Found by the render fuzz target: a year before 0 came out as "-0001-…", 20 characters.
    #[test]
    fn event_triggered_keeps_its_fixed_width_or_refuses() {
        let data = json!({"k": 1});
        let at = |ms: i64| {
            render_body(
                t("ach.settled"),
                &RenderInput {
                    occurred_at_ms: ms,
                    ..input(&data)
                },
            )
        };
        let year_zero = -62_167_219_200_000;
        let body = at(year_zero).unwrap();
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["event_triggered"], "0000-01-01 00:00:00");
        let err = at(year_zero - 1).unwrap_err();
        assert_eq!(err.field(), Some("occurred_at"));
        assert_eq!(at(i64::MIN).unwrap_err().field(), Some("occurred_at"));
        assert_eq!(at(i64::MAX).unwrap_err().field(), Some("occurred_at"));
    }

    #[test]
    fn every_sample_renders() {
        for e in EventType::all() {
            let data = crate::catalog::sample(e);
            let body = render_body(e, &input(&data)).unwrap();
            let v: Value = serde_json::from_slice(&body).unwrap();
            assert!(v.is_object(), "{}", e.name());
            assert!(!body.contains(&b'\n'), "{}", e.name());
        }
    }

    #[test]
    fn missing_pieces_are_field_errors() {
        let good = json!({"id": "x", "orderId": "y"});
        let field = |e: &str, i: RenderInput<'_>| {
            render_body(t(e), &i)
                .unwrap_err()
                .field()
                .map(str::to_string)
        };
        let no_restaurant = RenderInput {
            restaurant_id: None,
            ..input(&good)
        };
        assert_eq!(
            field("new_order", no_restaurant).as_deref(),
            Some("restaurant_id")
        );
        let no_merch = RenderInput {
            merch_key: Some(""),
            ..input(&good)
        };
        assert_eq!(field("ach.settled", no_merch).as_deref(), Some("merch_key"));
        let no_id = json!({"orderId": "y"});
        assert_eq!(
            field("new_order", input(&no_id)).as_deref(),
            Some("data.id")
        );
        let no_order = json!({"id": "x"});
        assert_eq!(
            field("order-served", input(&no_order)).as_deref(),
            Some("data.orderId")
        );
        let not_object = json!([1, 2]);
        assert_eq!(
            field("order.open", input(&not_object)).as_deref(),
            Some("data")
        );
        let bad_id = RenderInput {
            event_id: "ABC",
            ..input(&good)
        };
        assert_eq!(field("order.open", bad_id).as_deref(), Some("event_id"));
        let far = RenderInput {
            occurred_at_ms: i64::MAX,
            ..input(&good)
        };
        assert_eq!(field("ach.settled", far).as_deref(), Some("occurred_at"));
    }

    #[test]
    fn event_ids_are_random_lowercase_hex() {
        let a = new_event_id();
        assert!(is_event_id(&a));
        assert_ne!(a, new_event_id());
        assert!(!is_event_id(&a.to_uppercase()));
    }
}

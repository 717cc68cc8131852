//! Sample payloads (each event's `data`) for test sends and the UI, plus the ordering key per family.

use serde_json::{json, Value};

use super::{EventType, Family};

/// A realistic `data` for `event`: the receivers' own documented examples where they give one
/// (docs/wire-formats.md, Reference examples).
pub fn sample(event: EventType) -> Value {
    match event.family() {
        Family::Hub => hub_check(event.name()),
        Family::OrderInjection => injection_order_data(),
        Family::OrderStatus => order_status(event.name()),
        Family::Merchant => merchant(event.name()),
    }
}

/// The id deliveries are ordered by: the order the event is about, if the data names one.
pub fn order_key(event: EventType, data: &Value) -> Option<String> {
    let field = match event.family() {
        Family::Hub => "checkId",
        Family::OrderInjection => "id",
        Family::OrderStatus => "orderId",
        Family::Merchant => return None,
    };
    match data.get(field)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn hub_check(name: &str) -> Value {
    let items = json!([
        {"name": "Margherita Pizza", "qty": 1, "priceCents": 1450},
        {"name": "Caesar Salad", "qty": 2, "priceCents": 895},
        {"name": "Sparkling Water", "qty": 2, "priceCents": 350}
    ]);
    match name {
        "order.open" => json!({
            "checkId": "CHK-100482",
            "checkNumber": 482,
            "table": "12",
            "guests": 3,
            "source": "olo",
            "status": "open",
            "server": "Dana",
            "items": [
                {"name": "Margherita Pizza", "qty": 1, "priceCents": 1450},
                {"name": "Caesar Salad", "qty": 2, "priceCents": 895}
            ],
            "subtotalCents": 3240,
            "taxCents": 259,
            "tipCents": 0,
            "totalCents": 3499,
            "openedAt": "2026-03-14T18:02:11Z",
            "updatedAt": "2026-03-14T18:02:11Z"
        }),
        "order.update" => json!({
            "checkId": "CHK-100482",
            "checkNumber": 482,
            "table": "14",
            "guests": 3,
            "source": "olo",
            "status": "open",
            "server": "Dana",
            "items": items,
            "subtotalCents": 3940,
            "taxCents": 315,
            "tipCents": 0,
            "totalCents": 4255,
            "openedAt": "2026-03-14T18:02:11Z",
            "updatedAt": "2026-03-14T18:19:40Z",
            "changes": ["item_added", "table_changed"]
        }),
        _ => json!({
            "checkId": "CHK-100482",
            "checkNumber": 482,
            "table": "14",
            "guests": 3,
            "source": "pos",
            "status": "closed",
            "server": "Dana",
            "items": items,
            "subtotalCents": 3940,
            "taxCents": 315,
            "tipCents": 700,
            "totalCents": 4955,
            "payments": [{"type": "card", "cardBrand": "visa", "last4": "4242", "amountCents": 4955}],
            "openedAt": "2026-03-14T18:02:11Z",
            "updatedAt": "2026-03-14T19:05:52Z",
            "closedAt": "2026-03-14T19:05:52Z"
        }),
    }
}

/// The order-injection receiver's documented `order_data` example, field for field and in its order.
fn injection_order_data() -> Value {
    // Built in two parts only to stay inside the json! macro's recursion limit; the key order is the example's.
    let items = json!([
        {
            "id": "5f5009643f8cc37ca3a02a2b",
            "menuitem": "5f4d343f8a4bc315007b2430",
            "name": "Italian Grinder - House Specialty",
            "quantity": 1,
            "options": [
                {
                    "name": "v52: Green Olives",
                    "pos": "3782",
                    "price": 0,
                    "is_default": false,
                    "is_disabled": false,
                    "option_name": "Green Olives",
                    "quantity": 1,
                    "group_name": "v52",
                    "base_price": 1.3
                },
                {
                    "name": "v52: Pineapple",
                    "pos": "1927",
                    "price": 0,
                    "is_default": false,
                    "is_disabled": false,
                    "option_name": "Pineapple",
                    "quantity": 1,
                    "group_name": "v52",
                    "base_price": 1.3
                }
            ],
            "category": "Pizzas",
            "price": 10.5,
            "total_price": 10.5,
            "size": "1/4"
        },
        {
            "id": "5f5009653f8cc37ca3a02a2c",
            "menuitem": "5f4d343f8a4bc315007b2430",
            "name": "Italian Grinder - House Specialty",
            "quantity": 1,
            "category": "Pizzas",
            "price": 10.49,
            "total_price": 10.49,
            "size": "1/4"
        }
    ]);
    json!({
        "restaurant": "5f1b223c51e2d31e007b23d8",
        "name": "Test Restaurant",
        "creation_time": 1599080790,
        "status": "Submitted",
        "s": 1,
        "paid": 0,
        "type": "takeout",
        "short_id": 157,
        "submit_url": "https://od.odn/submit/5f5009563f8cc37da3a02a2a",
        "order_date": "09/03/2020",
        "eta": "9:30 AM",
        "ordering_for": "later",
        "currency": "USD",
        "fee": 0,
        "time": 20,
        "app_id": "5f1b223b51e2d31e007b23d6",
        "delivery_fee": 0,
        "active_taxes": [],
        "donation": 0,
        "subtotal": 20.99,
        "tax": "0",
        "tip": 0,
        "total_amount": 20.99,
        "items": items,
        "combos": [
            {
                "id": "5f5009643f8cc37ca3a02a2a",
                "name": "Combo Test",
                "combo_item_id": "5f4d343f8a4bc315007b2440"
            }
        ],
        "c": 1,
        "customer_name": "Paytronix Order Delivery",
        "customer_phone": "8042221111",
        "due_timestamp": 1599139800,
        "fields": [],
        "submit_time": 1599080848,
        "u": "help@opendining.net",
        "id": "5f5009563f8cc37da3a02a2a"
    })
}

/// A real 1×1 RGBA PNG (one green pixel), base64: what an UberDirect proof of delivery looks like, only smaller.
pub const PROOF_PNG_BASE64: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

fn order_status(name: &str) -> Value {
    let order_id = "ORD-7F3K2Q";
    match name {
        "rider-proof-delivery" => json!({"orderId": order_id, "proofDelivery": PROOF_PNG_BASE64}),
        "rider-refund" => json!({
            "orderId": order_id,
            "refund": {
                "id": "RF-20260314-0031",
                "date": "2026-03-14T20:41:07Z",
                "totalRiderRefund": 1849,
                "totalPartnerRefund": 2348,
                "reason": "Order not delivered: customer unreachable",
                "refundItems": [
                    {
                        "reason": "Item damaged in transit",
                        "riderAmount": 1450,
                        "partnerAmount": 1450,
                        "partyAtFault": "rider",
                        "items": [{"name": "Margherita Pizza", "qty": 1}]
                    },
                    {
                        "reason": "Item missing",
                        "riderAmount": 0,
                        "partnerAmount": 499,
                        "partyAtFault": "merchant",
                        "items": [{"name": "Garlic Bread", "qty": 1}]
                    }
                ],
                "refundFees": [
                    {"name": "Delivery fee", "amount": 399, "code": "DELIVERY_FEE"}
                ]
            }
        }),
        _ => json!({"orderId": order_id}),
    }
}

fn merchant(name: &str) -> Value {
    let kind = name.split('.').next().unwrap_or_default();
    match (kind, name) {
        ("transaction", "transaction.sale.success") => json!({
            "type": "transaction",
            "key": "1nftvzx7xtcggm3",
            "amount_detail": {"amount": "5.00"},
            "authcode": "538228"
        }),
        ("transaction", _) => transaction(name),
        ("ach", _) => ach(name),
        ("cau", _) => cau(name),
        ("product", _) => product(name),
        _ => settlement(name),
    }
}

fn transaction(name: &str) -> Value {
    let refund = name.starts_with("transaction.refund.");
    let (result_code, result, status) = match name.rsplit('.').next().unwrap_or_default() {
        "failure" => ("D", "Declined", "Declined"),
        "voided" => ("A", "Approved", "Voided"),
        "captured" => ("A", "Approved", "Captured"),
        "adjusted" => ("A", "Approved", "Adjusted"),
        "queued" => ("A", "Approved", "Queued"),
        "unvoided" => ("A", "Approved", "Pending settlement"),
        _ => ("A", "Approved", "Pending settlement"),
    };
    json!({
        "type": "transaction",
        "key": if refund { "4rtpwq8cdx0nzk2" } else { "1nftvzx7xtcggm3" },
        "refnum": if refund { "3130987651" } else { "3130987544" },
        "trantype": if refund { "Credit Card Refund" } else { "Credit Card Sale" },
        "result_code": result_code,
        "result": result,
        "status": status,
        "authcode": if result_code == "A" { "538228" } else { "000000" },
        "amount_detail": {"amount": "5.00", "tax": "0.40", "tip": "0.00"},
        "creditcard": {"cardholder": "Jordan Smith", "number": "4000xxxxxxxx2224", "category_code": "A"},
        "invoice": "INV-88213",
        "created": "2026-03-14 18:22:05"
    })
}

fn ach(name: &str) -> Value {
    let status = match name {
        "ach.submitted" => "Submitted",
        "ach.settled" => "Settled",
        "ach.returned" => "Returned",
        "ach.voided" => "Voided",
        "ach.failed" => "Failed",
        _ => "Settled",
    };
    let mut v = json!({
        "type": "transaction",
        "key": "8qdnk2m4hp6rwz1",
        "refnum": "3131002277",
        "trantype": "Check Sale",
        "status": status,
        "amount_detail": {"amount": "125.00"},
        "check": {"accountholder": "Jordan Smith", "routing": "xxxxx0025", "account": "xxxxxx7890"},
        "created": "2026-03-12 14:05:41"
    });
    if name == "ach.returned" {
        v["return_code"] = json!("R01");
        v["return_reason"] = json!("Insufficient funds");
    }
    if name == "ach.note_added" {
        v["note"] = json!("Customer called to confirm the payment");
    }
    v
}

fn cau(name: &str) -> Value {
    let status = name.trim_start_matches("cau.");
    let mut v = json!({
        "type": "customer_payment_method",
        "key": "t5hx9w2qz7mvb3k",
        "customer_key": "nsz1qk4b9wrx6cp",
        "status": status,
        "card_type": "Visa",
        "ccnum4last": "2224",
        "expires": "2026-09"
    });
    match name {
        "cau.updated_expiration" => v["new_expires"] = json!("2029-09"),
        "cau.updated_card" => {
            v["new_ccnum4last"] = json!("8431");
            v["new_expires"] = json!("2030-01");
        }
        "cau.contact_customer" => {
            v["message"] = json!("Contact the cardholder for a new card number")
        }
        "cau.account_closed" => v["message"] = json!("The issuer reports the account is closed"),
        _ => {}
    }
    v
}

fn product(name: &str) -> Value {
    let (adjustment, reason) = if name == "product.inventory.ordered" {
        (-2, "sale")
    } else {
        (24, "restock")
    };
    json!({
        "type": "product",
        "key": "9bf4nt6ksc2wq8d",
        "name": "House Espresso Beans 1lb",
        "sku": "ESP-1LB",
        "inventory": [{"location": "Main Street", "qty_on_hand": 46, "adjustment": adjustment, "reason": reason}],
        "modified": "2026-03-14 18:22:06"
    })
}

fn settlement(name: &str) -> Value {
    let failed = name == "settlement.batch.failure";
    let mut v = json!({
        "type": "batch",
        "key": "ft1m4qvxz83kd2c",
        "batchnum": 1427,
        "status": if failed { "Error" } else { "Closed" },
        "opened": "2026-03-14 00:00:02",
        "closed": "2026-03-14 23:59:58",
        "sales_count": 212,
        "sales_amount": "8431.50",
        "refunds_count": 3,
        "refunds_amount": "58.20",
        "net_amount": "8373.30"
    });
    if failed {
        v["error"] = json!("Processor rejected the batch: duplicate batch number");
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    #[test]
    fn every_event_has_an_object_sample() {
        for e in EventType::all() {
            let s = sample(e);
            assert!(s.is_object(), "{}", e.name());
            if e.family() != Family::Merchant {
                assert!(order_key(e, &s).is_some(), "{}", e.name());
            }
        }
    }

    #[test]
    fn injection_order_data_keeps_the_documented_order() {
        let s = sample(EventType::parse("e", "new_order").unwrap());
        let keys: Vec<&str> = s.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            &keys[..4],
            ["restaurant", "name", "creation_time", "status"]
        );
        assert_eq!(keys.last(), Some(&"id"));
        assert_eq!(
            s["submit_url"],
            "https://od.odn/submit/5f5009563f8cc37da3a02a2a"
        );
        assert_eq!(s["items"][0]["options"][1]["base_price"], 1.3);
    }

    /// The documented `order_data` example exactly as printed (escaped slashes included).
    const INJECTION_ORDER_DATA_EXAMPLE: &str = r#"{
    "restaurant":"5f1b223c51e2d31e007b23d8",
    "name":"Test Restaurant",
    "creation_time":1599080790,
    "status":"Submitted",
    "s":1,
    "paid":0,
    "type":"takeout",
    "short_id":157,
    "submit_url":"https:\/\/od.odn\/submit\/5f5009563f8cc37da3a02a2a",
    "order_date":"09\/03\/2020",
    "eta":"9:30 AM","ordering_for":"later",
    "currency":"USD",
    "fee":0,
    "time":20,
    "app_id":"5f1b223b51e2d31e007b23d6",
    "delivery_fee":0,
    "active_taxes":[],
    "donation":0,
    "subtotal":20.99,
    "tax":"0",
    "tip":0,
    "total_amount":20.99,
    "items":[
      {
        "id":"5f5009643f8cc37ca3a02a2b",
        "menuitem":"5f4d343f8a4bc315007b2430",
        "name":"Italian Grinder - House Specialty",
        "quantity":1,
        "options":[
          {
            "name":"v52: Green Olives",
            "pos":"3782",
            "price":0,
            "is_default":false,
            "is_disabled":false,
            "option_name":"Green Olives",
            "quantity":1,
            "group_name":"v52",
            "base_price":1.3
          },
          {
            "name":"v52: Pineapple",
            "pos":"1927",
            "price":0,
            "is_default":false,
            "is_disabled":false,
            "option_name":"Pineapple",
            "quantity":1,
            "group_name":"v52",
            "base_price":1.3
          }
        ],
        "category":"Pizzas",
        "price":10.5,
        "total_price":10.5,
        "size":"1\/4"
      },
      {
        "id":"5f5009653f8cc37ca3a02a2c",
        "menuitem":"5f4d343f8a4bc315007b2430",
        "name":"Italian Grinder - House Specialty",
        "quantity":1,
        "category":"Pizzas",
        "price":10.49,
        "total_price":10.49,
        "size":"1\/4"
      }
    ],
    "combos":[
      {
        "id":"5f5009643f8cc37ca3a02a2a",
        "name":"Combo Test",
        "combo_item_id":"5f4d343f8a4bc315007b2440"
      }
    ],
    "c":1,
    "customer_name":"Paytronix Order Delivery",
    "customer_phone":"8042221111",
    "due_timestamp":1599139800,
    "fields":[],
    "submit_time":1599080848,
    "u":"help@opendining.net",
    "id":"5f5009563f8cc37da3a02a2a"
  }"#;

    #[test]
    fn injection_order_data_is_the_documented_example_exactly() {
        let example: Value = serde_json::from_str(INJECTION_ORDER_DATA_EXAMPLE).unwrap();
        let ours = sample(EventType::parse("e", "validate_order").unwrap());
        // String comparison: with preserve_order this checks key order as well as values.
        assert_eq!(
            serde_json::to_string(&ours).unwrap(),
            serde_json::to_string(&example).unwrap()
        );
    }

    #[test]
    fn the_seed_003_object_is_exact() {
        let s = sample(EventType::parse("e", "transaction.sale.success").unwrap());
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"type":"transaction","key":"1nftvzx7xtcggm3","amount_detail":{"amount":"5.00"},"authcode":"538228"}"#
        );
    }

    #[test]
    fn proof_of_delivery_is_a_real_png() {
        let s = sample(EventType::parse("e", "rider-proof-delivery").unwrap());
        let png = base64::engine::general_purpose::STANDARD
            .decode(s["proofDelivery"].as_str().unwrap())
            .unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[png.len() - 8..png.len() - 4], b"IEND");
    }

    #[test]
    fn refund_amounts_are_integer_cents() {
        let s = sample(EventType::parse("e", "rider-refund").unwrap());
        assert!(s["refund"]["totalRiderRefund"].is_u64());
        assert!(s["refund"]["refundFees"][0]["amount"].is_u64());
    }

    #[test]
    fn order_keys_per_family() {
        let t = |n| EventType::parse("e", n).unwrap();
        assert_eq!(
            order_key(t("order.close"), &json!({"checkId": "C1"})),
            Some("C1".into())
        );
        assert_eq!(
            order_key(t("is_online"), &json!({"id": "abc"})),
            Some("abc".into())
        );
        assert_eq!(
            order_key(t("rider-error"), &json!({"orderId": 42})),
            Some("42".into())
        );
        assert_eq!(order_key(t("rider-error"), &json!({"id": "x"})), None);
        assert_eq!(order_key(t("order.open"), &json!({"checkId": ""})), None);
        assert_eq!(order_key(t("ach.settled"), &json!({"orderId": "x"})), None);
        assert_eq!(order_key(t("order.open"), &json!("not an object")), None);
    }
}

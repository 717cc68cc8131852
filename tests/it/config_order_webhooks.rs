use hookdesk_core::auth::Role;
use hookdesk_core::catalog::EventType;
use hookdesk_core::config::order_webhooks::{self, destination_for};
use hookdesk_core::domain::{OrderWebhooksPatch, Secret, UrlTogglePatch};
use serde_json::json;

use crate::support::config::*;

fn row(url: &str, on: bool) -> Option<UrlTogglePatch> {
    Some(UrlTogglePatch {
        url: Some(url.into()),
        enabled: Some(on),
    })
}

fn dest(e: &Env, event: &str, source: Option<&str>) -> Option<String> {
    let data = match source {
        Some(s) => json!({"checkId": "c-1", "source": s}),
        None => json!({"checkId": "c-1"}),
    };
    destination_for(
        &e.ctx,
        "store-1",
        EventType::parse("t", event).unwrap(),
        &data,
    )
    .unwrap()
    .map(|d| d.url.expose().to_string())
}

#[test]
fn hub_events_follow_the_toggles() {
    let e = env();
    add_store(&e, "store-1");
    let a = admin(&e.ctx);
    assert_eq!(
        dest(&e, "order.open", Some("olo")),
        None,
        "a page never saved sends nothing"
    );
    order_webhooks::set(
        &e.ctx,
        &a,
        "store-1",
        &OrderWebhooksPatch {
            open: row("https://p.example/open?k=1", true),
            update: row("https://p.example/update", false),
            close: row("https://p.example/close", true),
            ..Default::default()
        },
        None,
    )
    .unwrap();
    assert_eq!(
        dest(&e, "order.open", Some("olo")).as_deref(),
        Some("https://p.example/open?k=1")
    );
    assert_eq!(
        dest(&e, "order.open", Some("pos")),
        None,
        "POS orders need third-party active"
    );
    assert_eq!(dest(&e, "order.open", None), None);
    assert_eq!(
        dest(&e, "order.update", None),
        None,
        "a URL with its toggle off sends nothing"
    );
    assert_eq!(
        dest(&e, "order.close", None).as_deref(),
        Some("https://p.example/close")
    );
    assert_eq!(dest(&e, "new_order", None), None);

    let patch = OrderWebhooksPatch {
        open: Some(UrlTogglePatch {
            url: None,
            enabled: Some(false),
        }),
        update: Some(UrlTogglePatch {
            url: None,
            enabled: Some(true),
        }),
        close: row("", true),
        third_party_active: Some(true),
        header_name: Some("X-Partner-Key".into()),
        header_value: Some(Secret::new("partner-value")),
        ..Default::default()
    };
    // YES with no URL would look like a working row: refused, and nothing of the patch is kept.
    let e_yes = order_webhooks::set(&e.ctx, &a, "store-1", &patch, None).unwrap_err();
    assert_eq!(e_yes.field(), Some("close.url"));
    assert!(order_webhooks::get(&e.ctx, &a, "store-1")
        .unwrap()
        .header_value
        .is_none());
    let patch = OrderWebhooksPatch {
        close: row("", false),
        ..patch
    };
    let view = order_webhooks::set(&e.ctx, &a, "store-1", &patch, None).unwrap();
    assert_eq!(
        view.open.url.as_deref(),
        Some("https://p.example/open?••••")
    );
    assert_eq!(view.header_value.as_deref(), Some("••••alue"));
    assert_eq!(dest(&e, "order.open", Some("olo")), None, "Open is off");
    assert_eq!(
        dest(&e, "order.open", Some("pos")).as_deref(),
        Some("https://p.example/open?k=1")
    );
    assert_eq!(
        dest(&e, "order.update", None).as_deref(),
        Some("https://p.example/update")
    );
    assert_eq!(
        dest(&e, "order.close", None),
        None,
        "an empty URL sends nothing"
    );
    let d = destination_for(
        &e.ctx,
        "store-1",
        EventType::parse("t", "order.update").unwrap(),
        &json!({}),
    )
    .unwrap()
    .unwrap();
    let (name, value) = d.header.unwrap();
    assert_eq!(
        (name.as_str(), value.expose()),
        ("X-Partner-Key", "partner-value")
    );
    assert_eq!(d.masked_url, "https://p.example/update");

    // Nothing changes on a rejected patch; support may read but not write.
    let bad = OrderWebhooksPatch {
        header_name: Some("Authorization".into()),
        ..Default::default()
    };
    assert_eq!(
        order_webhooks::set(&e.ctx, &a, "store-1", &bad, None)
            .unwrap_err()
            .field(),
        Some("headerName")
    );
    let s = actor(&e.ctx, Role::Support);
    assert_eq!(order_webhooks::get(&e.ctx, &s, "store-1").unwrap(), view);
    assert_eq!(
        order_webhooks::set(&e.ctx, &s, "store-1", &patch, None)
            .unwrap_err()
            .code(),
        "forbidden"
    );
    assert_eq!(
        order_webhooks::get(&e.ctx, &a, "store-9")
            .unwrap_err()
            .code(),
        "not_found"
    );
}

#[test]
fn lan_pages_need_a_fresh_code() {
    let e = env();
    add_store(&e, "store-1");
    let a = admin(&e.ctx);
    let mut p = OrderWebhooksPatch {
        open: row("http://10.0.0.9/open", true),
        ..Default::default()
    };
    assert_eq!(
        order_webhooks::set(&e.ctx, &a, "store-1", &p, None)
            .unwrap_err()
            .field(),
        Some("open.url")
    );
    p.allow_private_network = Some(true);
    assert_eq!(
        order_webhooks::set(&e.ctx, &a, "store-1", &p, None)
            .unwrap_err()
            .field(),
        Some("totpCode")
    );
    assert_eq!(count(&e, "order_webhooks"), 0);
    let (a, code) = with_code(&e.ctx, Role::Admin);
    order_webhooks::set(&e.ctx, &a, "store-1", &p, fresh(&code)).unwrap();
    let d = destination_for(
        &e.ctx,
        "store-1",
        EventType::parse("t", "order.open").unwrap(),
        &json!({"source": "olo"}),
    )
    .unwrap()
    .unwrap();
    assert!(d.allow_private_network);
    assert!(d.header.is_none());
}

//! The order-webhook page refuses what would look saved but send nothing or the wrong thing: YES with
//! no URL, a value with no header name, a header name that is not one; and a stored value can be cleared.

use hookdesk_core::auth::{self, Permission};
use hookdesk_core::config::order_webhooks;
use hookdesk_core::domain::{OrderWebhooksPatch, Secret, StoreInput, UrlTogglePatch};

use crate::support::accounts::{setup_admin, Env};

#[test]
fn the_page_refuses_half_settings_and_clears_a_value_on_request() {
    let env = Env::new();
    let admin = setup_admin(&env, "ann");
    let a = auth::require(&env.ctx, &admin.token, Permission::EditHooks).unwrap();
    let store = StoreInput {
        id: "store-1".into(),
        name: "Main".into(),
        merch_key: None,
        restaurant_id: None,
    };
    hookdesk_core::config::stores::add(&env.ctx, &a, &store).unwrap();
    let set = |p: OrderWebhooksPatch| order_webhooks::set(&env.ctx, &a, "store-1", &p, None);

    let e = set(OrderWebhooksPatch {
        header_name: Some("X Partner Key".into()),
        header_value: Some(Secret::new("partner-canary-value")),
        ..Default::default()
    })
    .unwrap_err();
    assert_eq!(e.field(), Some("headerName"), "{e}");

    let e = set(OrderWebhooksPatch {
        header_value: Some(Secret::new("partner-canary-value")),
        ..Default::default()
    })
    .unwrap_err();
    assert_eq!(e.field(), Some("headerName"), "{e}");

    let e = set(OrderWebhooksPatch {
        update: Some(UrlTogglePatch {
            url: Some(String::new()),
            enabled: Some(true),
        }),
        ..Default::default()
    })
    .unwrap_err();
    assert_eq!(e.field(), Some("update.url"), "{e}");
    let page = order_webhooks::get(&env.ctx, &a, "store-1").unwrap();
    assert!(
        page.header_name.is_none() && !page.update.enabled,
        "a refused save changed the page"
    );

    let page = set(OrderWebhooksPatch {
        header_name: Some("X-Partner-Key".into()),
        header_value: Some(Secret::new("partner-canary-value")),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(page.header_value.as_deref(), Some("••••alue"));
    let page = set(OrderWebhooksPatch {
        header_value: Some(Secret::new("")),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(page.header_name.as_deref(), Some("X-Partner-Key"));
    assert!(page.header_value.is_none(), "Clear did not clear the value");
}

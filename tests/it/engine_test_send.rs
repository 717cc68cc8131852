//! A test send is logged at the time it was sent, not at its lease's end.

use std::sync::Arc;

use hookdesk_core::auth::{self, Permission};
use hookdesk_core::config::{self, FreshCode};
use hookdesk_core::delivery::engine::test_send::{send_test, TestSend};
use hookdesk_core::delivery::engine::Engine;
use hookdesk_core::delivery::log::{self, Filter};
use hookdesk_core::domain::{HookInput, StoreInput};

use crate::support::accounts::{code_at, setup_admin, Env};
use crate::wire_receiver::{Reply, TestReceiver};

#[tokio::test]
async fn a_test_send_is_logged_when_it_was_sent() {
    let env = Env::new();
    let admin = setup_admin(&env, "ann");
    let a = auth::require(&env.ctx, &admin.token, Permission::EditHooks).unwrap();
    let store = StoreInput {
        id: "store-1".into(),
        name: "Main".into(),
        merch_key: Some("7qwnw4j2kmqvrb3".into()),
        restaurant_id: None,
    };
    config::stores::add(&env.ctx, &a, &store).unwrap();
    let rx = TestReceiver::start(Reply::status(200)).await;
    let input = HookInput {
        label: "Sales".into(),
        url: rx.url("/sales"),
        events: vec!["transaction.sale.success".into()],
        all_stores: true,
        allow_private_network: true,
        ..HookInput::default()
    };
    let code = code_at(&admin.secret, env.now());
    let hook = config::hooks::create(&env.ctx, &a, &input, Some(FreshCode::totp(&code))).unwrap();
    let engine = Engine::new(Arc::new(env.open_again())).unwrap();

    let sent_at = env.now();
    let req = TestSend {
        hook_id: hook.id.clone(),
        event: "transaction.sale.success".into(),
        data: None,
        store: None,
    };
    let attempt = send_test(&engine, &a, req).await.unwrap();
    assert_eq!(rx.captured().len(), 1);
    let rows = log::list(&env.ctx, &a, &Filter::default()).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].created_at, sent_at,
        "the test send is logged in the future"
    );
    assert_eq!(attempt.delivery_id, rows[0].id);
}

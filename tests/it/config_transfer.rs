use hookdesk_core::config::{hooks, order_webhooks, stores, transfer};
use hookdesk_core::domain::{OrderWebhooksPatch, Secret, SignatureInput, UrlTogglePatch};

use crate::support::config::*;

fn populated() -> Env {
    let e = env();
    add_store(&e, "store-1");
    add_store(&e, "store-2");
    let a = admin(&e.ctx);
    hooks::create(&e.ctx, &a, &merchant_hook("Needs token"), None).unwrap();
    let mut plain = merchant_hook("Plain");
    plain.auth = Default::default();
    plain.all_stores = false;
    plain.stores = vec!["store-2".into()];
    plain.retry_preset = Some("ordatic".into());
    plain.ordered = true;
    plain.timeout_ms = Some(5_000);
    e.clock.advance(1_000);
    hooks::create(&e.ctx, &a, &plain, None).unwrap();
    let mut signed = merchant_hook("Signed");
    signed.auth = Default::default();
    signed.signature = SignatureInput::Standard { secret: None };
    e.clock.advance(1_000);
    hooks::create(&e.ctx, &a, &signed, None).unwrap();
    order_webhooks::set(
        &e.ctx,
        &a,
        "store-1",
        &OrderWebhooksPatch {
            header_name: Some("X-Partner".into()),
            header_value: Some(Secret::new("page-secret-value")),
            open: Some(UrlTogglePatch {
                url: Some("https://p.example/open".into()),
                enabled: Some(true),
            }),
            third_party_active: Some(true),
            ..Default::default()
        },
        None,
    )
    .unwrap();
    e
}

#[test]
fn export_then_import_into_a_fresh_install() {
    let src = populated();
    let file = transfer::export(&src.ctx, &admin(&src.ctx)).unwrap();
    let text = serde_json::to_string_pretty(&file).unwrap();
    assert!(!text.contains("bearer-token-0001"));
    assert!(!text.contains("page-secret-value"));
    assert!(!text.contains("whsec_"));

    let dst = env();
    let summary = transfer::import_json(&dst.ctx, &admin(&dst.ctx), &text, None).unwrap();
    assert_eq!(
        (summary.stores, summary.hooks, summary.order_webhooks),
        (2, 3, 1)
    );
    assert_eq!(summary.hooks_needing_secrets, 2);
    assert_eq!(
        stores::list(&dst.ctx, &admin(&dst.ctx)).unwrap(),
        stores::list(&src.ctx, &admin(&src.ctx)).unwrap()
    );
    let list = hooks::list(&dst.ctx, &admin(&dst.ctx), &Default::default()).unwrap();
    let plain = list.iter().find(|h| h.label == "Plain").unwrap();
    assert!(plain.enabled && plain.ordered && plain.disabled_reason.is_none());
    assert_eq!(
        (plain.timeout_ms, plain.retry_preset.as_str()),
        (5_000, "ordatic")
    );
    let token = list.iter().find(|h| h.label == "Needs token").unwrap();
    assert!(!token.enabled);
    assert!(token.disabled_reason.as_deref().unwrap().contains("bearer"));
    let page = order_webhooks::get(&dst.ctx, &admin(&dst.ctx), "store-1").unwrap();
    assert_eq!(page.header_name.as_deref(), Some("X-Partner"));
    assert!(page.header_value.is_none(), "secrets are not carried over");
    assert!(page.third_party_active && page.open.enabled);

    // Exporting the imported install gives the same file, apart from what needed secrets.
    let again = transfer::export(&dst.ctx, &admin(&dst.ctx)).unwrap();
    assert_eq!(again.stores, file.stores);
    assert_eq!(again.order_webhooks, file.order_webhooks);
    let plain_src = file.hooks.iter().find(|h| h.label == "Plain").unwrap();
    assert_eq!(
        again.hooks.iter().find(|h| h.label == "Plain").unwrap(),
        plain_src
    );
}

#[test]
fn a_bad_file_writes_nothing_at_all() {
    let src = populated();
    let mut file = transfer::export(&src.ctx, &admin(&src.ctx)).unwrap();
    // Valid stores and hooks first; the last hook is broken.
    file.stores[0].id = "store-new".into();
    let mut broken = file.hooks[1].clone();
    broken.id = None;
    broken.url = "ftp://nope.example/".into();
    file.hooks.push(broken);
    let dst = env();
    let dst_admin = admin(&dst.ctx);
    let text = serde_json::to_string(&file).unwrap();
    let before: i64 = [
        "stores",
        "hooks",
        "hook_events",
        "order_webhooks",
        "audit_log",
    ]
    .iter()
    .map(|t| count(&dst, t))
    .sum();
    let err = transfer::import_json(&dst.ctx, &dst_admin, &text, None).unwrap_err();
    assert_eq!(err.field(), Some("hooks[3].url"), "{err:?}");
    let after: i64 = [
        "stores",
        "hooks",
        "hook_events",
        "order_webhooks",
        "audit_log",
    ]
    .iter()
    .map(|t| count(&dst, t))
    .sum();
    assert_eq!(before, after);

    for (text, field) in [
        ("not json", "file"),
        (r#"{"format":"other","version":1}"#, "file"),
        (
            r#"{"format":"hookdesk-config","version":1,"stores":[{"id":"Bad Id","name":"x"}]}"#,
            "stores[0].id",
        ),
        (
            r#"{"format":"hookdesk-config","version":1,"orderWebhooks":[{"store":"ghost"}]}"#,
            "orderWebhooks[0].store",
        ),
    ] {
        let err = transfer::import_json(&dst.ctx, &admin(&dst.ctx), text, None).unwrap_err();
        assert_eq!(err.field(), Some(field), "{text}: {err:?}");
    }
    assert_eq!(count(&dst, "stores"), 0);
    let support = actor(&dst.ctx, hookdesk_core::auth::Role::Support);
    assert_eq!(
        transfer::import_json(&dst.ctx, &support, "{}", None)
            .unwrap_err()
            .code(),
        "forbidden"
    );
}

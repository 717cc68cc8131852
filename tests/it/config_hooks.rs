use hookdesk_core::auth::Role;
use hookdesk_core::catalog::EventType;
use hookdesk_core::config::hooks::{self, HookFilter};
use hookdesk_core::config::views::{AuthView, SignatureView};
use hookdesk_core::domain::{
    AuthInput, HookAuth, HookInput, HookSignature, Secret, SignatureInput,
};

use crate::support::config::*;

#[test]
fn create_show_list_update_delete() {
    let e = env();
    add_store(&e, "store-1");
    let a = admin(&e.ctx);
    let created = hooks::create(&e.ctx, &a, &merchant_hook("Sales"), None).unwrap();
    assert!(created.id.starts_with("hk_"));
    assert!(created.enabled);
    assert_eq!(
        created.auth,
        AuthView::Bearer {
            token: "••••0001".into()
        }
    );
    assert_eq!(hooks::get(&e.ctx, &a, &created.id).unwrap(), created);
    assert_eq!(count(&e, "hooks"), 1);
    assert_eq!(count(&e, "hook_events"), 1);

    let mut edit = merchant_hook("Sales renamed");
    edit.all_stores = false;
    edit.stores = vec!["store-1".into()];
    edit.events.push("ach.settled".into());
    e.clock.advance(5_000);
    let updated = hooks::update(&e.ctx, &a, &created.id, &edit, false, None).unwrap();
    assert_eq!(updated.label, "Sales renamed");
    assert_eq!(updated.stores.len(), 1);
    assert_eq!(updated.events.len(), 2);
    assert_ne!(updated.updated_at, created.updated_at);
    assert_eq!(count(&e, "hook_stores"), 1);

    let off = hooks::set_enabled(&e.ctx, &a, &created.id, false).unwrap();
    assert!(!off.enabled);
    hooks::delete(&e.ctx, &a, &created.id).unwrap();
    assert_eq!(count(&e, "hooks"), 0);
    assert_eq!(count(&e, "hook_events") + count(&e, "hook_stores"), 0);
    assert_eq!(
        hooks::get(&e.ctx, &a, &created.id).unwrap_err().code(),
        "not_found"
    );
    assert_eq!(
        hooks::delete(&e.ctx, &a, &created.id).unwrap_err().code(),
        "not_found"
    );
    let actions: Vec<String> = {
        let conn = e.ctx.db.conn();
        let mut st = conn
            .prepare("SELECT action FROM audit_log ORDER BY id")
            .unwrap();
        st.query_map(hookdesk_core::args![], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    for want in [
        "store.add",
        "hook.create",
        "hook.update",
        "hook.disable",
        "hook.delete",
    ] {
        assert!(
            actions.iter().any(|a| a == want),
            "{want} missing from {actions:?}"
        );
    }
}

#[test]
fn every_rejection_names_its_field_and_writes_nothing() {
    let e = env();
    add_store(&e, "store-1");
    let a = admin(&e.ctx);
    type Change = Box<dyn Fn(&mut HookInput)>;
    let cases: Vec<(&str, Change)> = vec![
        ("label", Box::new(|i| i.label = "  ".into())),
        ("url", Box::new(|i| i.url = "ftp://x.example/".into())),
        ("url", Box::new(|i| i.url = "https://u:p@x.example/".into())),
        ("url", Box::new(|i| i.url = "http://x.example/".into())),
        ("events", Box::new(|i| i.events.clear())),
        (
            "events",
            Box::new(|i| i.events = vec!["order.exploded".into()]),
        ),
        (
            "appType",
            Box::new(|i| i.events = vec!["order-accepted".into()]),
        ),
        (
            "events",
            Box::new(|i| {
                i.events = vec!["order-accepted".into(), "rider-refund".into()];
                i.app_type = Some("pos".into());
            }),
        ),
        ("appType", Box::new(|i| i.app_type = Some("kiosk".into()))),
        ("stores", Box::new(|i| i.all_stores = false)),
        (
            "stores",
            Box::new(|i| {
                i.all_stores = false;
                i.stores = vec!["store-404".into()];
            }),
        ),
        (
            "auth.name",
            Box::new(|i| {
                i.auth = AuthInput::Header {
                    name: "Content-Type".into(),
                    value: Secret::new("x"),
                }
            }),
        ),
        (
            "auth.value",
            Box::new(|i| {
                i.auth = AuthInput::Header {
                    name: "X-Key".into(),
                    value: Secret::new("a\r\nb"),
                }
            }),
        ),
        (
            "auth.password",
            Box::new(|i| {
                i.auth = AuthInput::Basic {
                    username: "u".into(),
                    password: Secret::new(""),
                }
            }),
        ),
        (
            "signature.secret",
            Box::new(|i| {
                i.signature = SignatureInput::Standard {
                    secret: Some(Secret::new("nope")),
                }
            }),
        ),
        (
            "retryPreset",
            Box::new(|i| i.retry_preset = Some("forever".into())),
        ),
        ("timeoutMs", Box::new(|i| i.timeout_ms = Some(500))),
    ];
    for (field, change) in cases {
        let mut input = merchant_hook("L");
        change(&mut input);
        let err = hooks::create(&e.ctx, &a, &input, None).unwrap_err();
        assert_eq!(err.field(), Some(field), "{err:?}");
    }
    assert_eq!(count(&e, "hooks"), 0);
    assert_eq!(count(&e, "hook_events"), 0);
    let changes: i64 = e
        .ctx
        .db
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM audit_log WHERE action NOT LIKE 'user.%'",
            hookdesk_core::args![],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(changes, 1, "only the store was audited");

    // The message names the event outside the app type's scope.
    let mut i = merchant_hook("L");
    i.events = vec!["rider-refund".into()];
    i.app_type = Some("pos".into());
    assert!(hooks::create(&e.ctx, &a, &i, None)
        .unwrap_err()
        .message()
        .contains("rider-refund"));
}

#[test]
fn support_reads_but_cannot_change_anything() {
    let e = env();
    add_store(&e, "store-1");
    let h = hooks::create(&e.ctx, &admin(&e.ctx), &merchant_hook("H"), None).unwrap();
    let s = actor(&e.ctx, Role::Support);
    assert_eq!(
        hooks::list(&e.ctx, &s, &HookFilter::default())
            .unwrap()
            .len(),
        1
    );
    assert!(hooks::get(&e.ctx, &s, &h.id).is_ok());
    let forbidden =
        |r: hookdesk_core::Result<_>| assert_eq!(r.map(|_| ()).unwrap_err().code(), "forbidden");
    forbidden(hooks::create(&e.ctx, &s, &merchant_hook("X"), None).map(|_| ()));
    forbidden(hooks::update(&e.ctx, &s, &h.id, &merchant_hook("X"), true, None).map(|_| ()));
    forbidden(hooks::set_enabled(&e.ctx, &s, &h.id, false).map(|_| ()));
    forbidden(hooks::delete(&e.ctx, &s, &h.id));
    forbidden(
        hookdesk_core::config::stores::add(
            &e.ctx,
            &s,
            &hookdesk_core::domain::StoreInput {
                id: "s2".into(),
                name: "S".into(),
                ..Default::default()
            },
        )
        .map(|_| ()),
    );
    assert_eq!(count(&e, "hooks"), 1);
    assert_eq!(count(&e, "stores"), 1);
    // A manager may edit.
    assert!(hooks::set_enabled(&e.ctx, &actor(&e.ctx, Role::Manager), &h.id, false).is_ok());
}

#[test]
fn private_network_needs_the_role_and_a_fresh_code() {
    let e = env();
    let mut i = merchant_hook("LAN");
    i.url = "http://192.168.1.20:8080/hook".into();
    i.allow_private_network = true;
    let a = admin(&e.ctx);
    assert_eq!(
        hooks::create(&e.ctx, &a, &i, None).unwrap_err().field(),
        Some("totpCode")
    );
    assert_eq!(
        hooks::create(&e.ctx, &a, &i, fresh("not-a-code"))
            .unwrap_err()
            .field(),
        Some("code")
    );
    assert_eq!(count(&e, "hooks"), 0);
    let (manager, code) = with_code(&e.ctx, Role::Manager);
    let h = hooks::create(&e.ctx, &manager, &i, fresh(&code)).unwrap();
    assert!(h.allow_private_network);
    // Keeping it on needs no new code; turning it on again after it was off does.
    let mut label_only = i.clone();
    label_only.label = "LAN 2".into();
    hooks::update(&e.ctx, &a, &h.id, &label_only, false, None).unwrap();
    let mut off = merchant_hook("LAN 3");
    off.url = "https://lan.example/".into();
    hooks::update(&e.ctx, &a, &h.id, &off, false, None).unwrap();
    let err = hooks::update(&e.ctx, &a, &h.id, &i, false, None).unwrap_err();
    assert_eq!(err.field(), Some("totpCode"));
    assert_eq!(hooks::get(&e.ctx, &a, &h.id).unwrap().label, "LAN 3");
}

#[test]
fn edits_keep_secrets_unless_auth_is_reset() {
    let e = env();
    let a = admin(&e.ctx);
    let mut i = merchant_hook("Keep");
    i.url = "https://merchant.example.com/in?api_key=query-secret-7777".into();
    i.signature = SignatureInput::Standard { secret: None };
    let h = hooks::create(&e.ctx, &a, &i, None).unwrap();
    assert_eq!(h.url, "https://merchant.example.com/in?••••7777");
    let before = hooks::load_for_delivery(&e.ctx, &h.id).unwrap();
    let HookSignature::Standard { secret } = &before.signature else {
        panic!("standard expected")
    };
    assert!(secret.expose().starts_with("whsec_"));
    assert!(
        matches!(&h.signature, SignatureView::Standard { secret } if secret.starts_with("••••"))
    );

    // The modal sends back what it showed: the masked URL and no secrets.
    let edit = HookInput {
        label: "Kept".into(),
        url: h.url.clone(),
        auth: AuthInput::None,
        ..i.clone()
    };
    hooks::update(&e.ctx, &a, &h.id, &edit, false, None).unwrap();
    let after = hooks::load_for_delivery(&e.ctx, &h.id).unwrap();
    assert_eq!(after.label, "Kept");
    assert_eq!(
        after.url.expose(),
        "https://merchant.example.com/in?api_key=query-secret-7777"
    );
    assert_eq!(after.auth, before.auth);
    assert_eq!(after.signature, before.signature);

    let reset = HookInput {
        auth: AuthInput::Basic {
            username: "ann".into(),
            password: Secret::new("pw-9"),
        },
        signature: SignatureInput::None,
        ..edit
    };
    hooks::update(&e.ctx, &a, &h.id, &reset, true, None).unwrap();
    let reset_h = hooks::load_for_delivery(&e.ctx, &h.id).unwrap();
    assert_eq!(
        reset_h.auth,
        HookAuth::Basic {
            username: "ann".into(),
            password: Secret::new("pw-9")
        }
    );
    assert_eq!(reset_h.signature, HookSignature::None);
}

#[test]
fn list_filters_and_engine_matching() {
    let e = env();
    add_store(&e, "store-1");
    add_store(&e, "store-2");
    let a = admin(&e.ctx);
    let all = hooks::create(&e.ctx, &a, &merchant_hook("Everywhere"), None).unwrap();
    let mut only2 = merchant_hook("Second only");
    only2.all_stores = false;
    only2.stores = vec!["store-2".into()];
    let only2 = hooks::create(&e.ctx, &a, &only2, None).unwrap();
    let mut pos = merchant_hook("POS app");
    pos.events = vec!["order-accepted".into(), "rider-created".into()];
    pos.app_type = Some("pos".into());
    let pos = hooks::create(&e.ctx, &a, &pos, None).unwrap();
    let off = hooks::create(&e.ctx, &a, &merchant_hook("Off"), None).unwrap();
    hooks::set_enabled(&e.ctx, &a, &off.id, false).unwrap();

    let ids = |f: HookFilter| -> Vec<String> {
        hooks::list(&e.ctx, &a, &f)
            .unwrap()
            .into_iter()
            .map(|h| h.id)
            .collect()
    };
    assert_eq!(ids(HookFilter::default()).len(), 4);
    assert_eq!(
        ids(HookFilter {
            search: Some("SECOND".into()),
            ..Default::default()
        }),
        vec![only2.id.clone()]
    );
    assert_eq!(
        ids(HookFilter {
            event: Some("rider-created".into()),
            ..Default::default()
        }),
        vec![pos.id.clone()]
    );
    assert_eq!(
        ids(HookFilter {
            store: Some("store-1".into()),
            ..Default::default()
        })
        .len(),
        3
    );
    assert_eq!(
        ids(HookFilter {
            enabled: Some(false),
            ..Default::default()
        }),
        vec![off.id.clone()]
    );
    let bad = hooks::list(
        &e.ctx,
        &a,
        &HookFilter {
            event: Some("nope".into()),
            ..Default::default()
        },
    );
    assert_eq!(bad.unwrap_err().field(), Some("event"));

    let sale = EventType::parse("t", "transaction.sale.success").unwrap();
    let m = |store: &str| -> Vec<String> {
        let mut ids: Vec<String> = hooks::matching_hooks(&e.ctx, sale, store)
            .unwrap()
            .into_iter()
            .map(|h| h.id)
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(m("store-1"), vec![all.id.clone()]);
    let mut both = vec![all.id.clone(), only2.id.clone()];
    both.sort();
    assert_eq!(m("store-2"), both);
    let rider = EventType::parse("t", "rider-created").unwrap();
    let hit = hooks::matching_hooks(&e.ctx, rider, "store-1").unwrap();
    assert_eq!(hit.len(), 1);
    assert_eq!(
        hit[0].auth,
        HookAuth::Bearer {
            token: Secret::new("bearer-token-0001")
        }
    );
    assert_eq!(hit[0].timeout_ms, 15_000);
    assert!(hooks::matching_hooks(
        &e.ctx,
        EventType::parse("t", "order-served").unwrap(),
        "store-1"
    )
    .unwrap()
    .is_empty());
}

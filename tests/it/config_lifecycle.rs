//! The configuration's life cycle: an export imported twice changes nothing (hooks and stores matched by
//! id, updated in place), and stores can be renamed and deleted, with deletion refused while something
//! depends on the store alone.

use hookdesk_core::config::stores::{self, StorePatch};
use hookdesk_core::config::{hooks, order_webhooks, transfer};
use hookdesk_core::domain::{OrderWebhooksPatch, UrlTogglePatch};

use crate::support::config::*;

/// Every row of the configuration tables, as text, to compare whole installs.
fn snapshot(e: &Env) -> Vec<String> {
    let conn = e.ctx.db.conn();
    let mut out = Vec::new();
    for sql in [
        "SELECT id || '|' || name || '|' || IFNULL(merch_key,'') || '|' || updated_at FROM stores ORDER BY id",
        "SELECT id || '|' || label || '|' || url_base || '|' || enabled || '|' || auth_kind || '|' || \
         hex(IFNULL(auth_secret, '')) || '|' || updated_at FROM hooks ORDER BY id",
        "SELECT hook_id || '|' || event FROM hook_events ORDER BY 1",
        "SELECT hook_id || '|' || store_id FROM hook_stores ORDER BY 1",
        "SELECT store_id || '|' || IFNULL(open_url_base,'') || '|' || updated_at FROM order_webhooks ORDER BY 1",
        "SELECT COUNT(*) FROM audit_log",
    ] {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt.query_map(hookdesk_core::args![], |r| r.get::<_, String>(0).or_else(|_| r.get::<_, i64>(0).map(|n| n.to_string()))).unwrap();
        out.extend(rows.map(Result::unwrap));
    }
    out
}

fn installed() -> Env {
    let e = env();
    add_store(&e, "store-1");
    add_store(&e, "store-2");
    hooks::create(
        &e.ctx,
        &admin(&e.ctx),
        &merchant_hook("Canary bearer"),
        None,
    )
    .unwrap();
    let mut plain = merchant_hook("Plain");
    plain.auth = Default::default();
    plain.all_stores = false;
    plain.stores = vec!["store-2".into()];
    hooks::create(&e.ctx, &admin(&e.ctx), &plain, None).unwrap();
    e
}

#[test]
fn importing_the_same_export_twice_changes_nothing() {
    let e = installed();
    let text = serde_json::to_string(&transfer::export(&e.ctx, &admin(&e.ctx)).unwrap()).unwrap();
    e.clock.advance(60_000);
    let before = snapshot(&e);
    let first = transfer::import_json(&e.ctx, &admin(&e.ctx), &text, None).unwrap();
    assert_eq!((first.created, first.updated), (0, 0));
    assert_eq!(
        first.unchanged, 4,
        "two stores and two hooks, all as installed"
    );
    let second = transfer::import_json(&e.ctx, &admin(&e.ctx), &text, None).unwrap();
    assert_eq!(
        (second.created, second.updated, second.unchanged),
        (0, 0, 4)
    );
    assert_eq!(
        snapshot(&e),
        before,
        "not a row changed, not even a timestamp"
    );
    assert_eq!(count(&e, "hooks"), 2);
    // The hook's bearer token, which no export carries, is still there and the hook still enabled.
    let listed = hooks::list(&e.ctx, &admin(&e.ctx), &Default::default()).unwrap();
    assert!(listed.iter().all(|h| h.enabled));
}

#[test]
fn an_edited_file_updates_in_place_and_a_fresh_install_gets_the_same_ids() {
    let e = installed();
    let mut file = transfer::export(&e.ctx, &admin(&e.ctx)).unwrap();
    file.stores[0].name = "Renamed by file".into();
    file.hooks[1].label = "Plain, relabelled".into();
    let summary = transfer::import(&e.ctx, &admin(&e.ctx), &file, None).unwrap();
    assert_eq!(
        (summary.created, summary.updated, summary.unchanged),
        (0, 2, 2)
    );
    assert_eq!(count(&e, "hooks"), 2);
    let listed = hooks::list(&e.ctx, &admin(&e.ctx), &Default::default()).unwrap();
    assert!(listed.iter().any(|h| h.label == "Plain, relabelled"));

    let dst = env();
    let first = transfer::import(&dst.ctx, &admin(&e.ctx), &file, None).unwrap();
    assert_eq!((first.created, first.updated), (4, 0));
    let again = transfer::import(&dst.ctx, &admin(&e.ctx), &file, None).unwrap();
    // The bearer hook arrived without its token, disabled with a reason; the file says enabled, and it
    // stays disabled until the token is re-entered: still nothing to change.
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 4));
    assert_eq!(count(&dst, "hooks"), 2);
}

#[test]
fn a_bad_hook_id_in_a_file_is_a_field_error() {
    let e = installed();
    let mut file = transfer::export(&e.ctx, &admin(&e.ctx)).unwrap();
    file.hooks[0].id = Some("no spaces allowed".into());
    let err = transfer::import(&e.ctx, &admin(&e.ctx), &file, None).unwrap_err();
    assert_eq!(err.field(), Some("hooks[0].id"));
    let mut file = transfer::export(&e.ctx, &admin(&e.ctx)).unwrap();
    file.hooks[1].id = file.hooks[0].id.clone();
    let err = transfer::import(&e.ctx, &admin(&e.ctx), &file, None).unwrap_err();
    assert_eq!(err.field(), Some("hooks[1].id"));
}

#[test]
fn a_store_is_renamed_in_place() {
    let e = installed();
    let patch = StorePatch {
        name: Some("Harbour Street".into()),
        merch_key: Some(String::new()),
        ..Default::default()
    };
    let s = stores::edit(&e.ctx, &admin(&e.ctx), "store-1", &patch).unwrap();
    assert_eq!(s.name.as_str(), "Harbour Street");
    assert_eq!(s.merch_key, None, "an empty merchant key clears it");
    assert!(s.restaurant_id.is_some(), "a field left out stays");
    let bad = StorePatch {
        restaurant_id: Some("not-hex".into()),
        ..Default::default()
    };
    let err = stores::edit(&e.ctx, &admin(&e.ctx), "store-1", &bad).unwrap_err();
    assert_eq!(err.field(), Some("restaurantId"));
    let err = stores::edit(&e.ctx, &admin(&e.ctx), "nope", &patch).unwrap_err();
    assert_eq!(err.code(), "not_found");
    let err = stores::edit(
        &e.ctx,
        &actor(&e.ctx, hookdesk_core::auth::Role::Support),
        "store-1",
        &patch,
    )
    .unwrap_err();
    assert_eq!(err.code(), "forbidden");
}

#[test]
fn deleting_a_store_something_depends_on_is_refused_with_the_names() {
    let e = installed();
    // "Plain" is scoped to store-2 alone.
    let err = stores::delete(&e.ctx, &admin(&e.ctx), "store-2").unwrap_err();
    assert_eq!(err.field(), Some("id"));
    assert!(err.message().contains("Plain"), "{}", err.message());
    assert_eq!(count(&e, "stores"), 2);

    order_webhooks::set(
        &e.ctx,
        &admin(&e.ctx),
        "store-1",
        &OrderWebhooksPatch {
            open: Some(UrlTogglePatch {
                url: Some("https://p.example/open".into()),
                enabled: Some(true),
            }),
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let err = stores::delete(&e.ctx, &admin(&e.ctx), "store-1").unwrap_err();
    assert!(
        err.message().contains("order-webhook page"),
        "{}",
        err.message()
    );

    // A store used only by all-store hooks, or by a hook that has other stores too, can go.
    add_store(&e, "store-3");
    let mut both = merchant_hook("Two stores");
    both.auth = Default::default();
    both.all_stores = false;
    both.stores = vec!["store-2".into(), "store-3".into()];
    let h = hooks::create(&e.ctx, &admin(&e.ctx), &both, None).unwrap();
    stores::delete(&e.ctx, &admin(&e.ctx), "store-3").unwrap();
    assert_eq!(count(&e, "stores"), 2);
    let after = hooks::get(&e.ctx, &admin(&e.ctx), &h.id).unwrap();
    let scoped: Vec<&str> = after.stores.iter().map(|s| s.as_str()).collect();
    assert_eq!(scoped, ["store-2"]);
    assert_eq!(
        stores::delete(&e.ctx, &admin(&e.ctx), "store-3")
            .unwrap_err()
            .code(),
        "not_found"
    );
}

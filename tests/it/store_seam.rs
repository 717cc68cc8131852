//! The storage seam runs one way (docs/architecture.md, Layers): the store keeps and returns sealed bytes
//! without opening them, and reads the audit log without asking who reads it; sealing happens in
//! `config/` and the permission check in `auth/`. Run on both backends.

use std::path::Path;

use hookdesk_core::auth::{self, Role};
use hookdesk_core::config::{hooks, order_webhooks};
use hookdesk_core::crypto::open;
use hookdesk_core::domain::{OrderWebhooksPatch, Secret, UrlTogglePatch};
use hookdesk_core::store::hooks::HookRow;
use hookdesk_core::store::order_webhooks::{PageRow, UrlRow};
use hookdesk_core::store::{self, audit};

use crate::support::config::*;

const BEARER: &str = "seam-bearer-7d41c0";
const QUERY: &str = "token=seam-query-2f9e18";
const HEADER: &str = "seam-header-5a0b3c";

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// A hook row whose secret columns hold bytes no seal made, one of them not even UTF-8.
fn odd_row(id: &str) -> HookRow {
    HookRow {
        id: id.into(),
        label: "Odd".into(),
        url_base: "https://example.com/odd".into(),
        url_query: Some(b"not sealed".to_vec()),
        events: vec!["transaction.sale.success".into()],
        all_stores: false,
        stores: vec!["store-1".into()],
        app_type: None,
        auth_kind: "bearer".into(),
        auth_name: None,
        auth_secret: Some(vec![0x00, 0xc3, 0x28, 0xff]),
        signature_kind: "none".into(),
        signature_key_source: None,
        signature_secret: None,
        signature_previous: None,
        signature_previous_until: None,
        retry_preset: "standard".into(),
        ordered: false,
        allow_private_network: false,
        timeout_ms: 15_000,
        enabled: false,
        failing_since_ms: None,
        disabled_reason: None,
        created_at_ms: 1,
        updated_at_ms: 1,
    }
}

#[test]
fn the_store_returns_sealed_bytes_exactly_as_it_was_given_them() {
    let e = env();
    add_store(&e, "store-1");
    let conn = e.ctx.db.conn();
    let row = odd_row("hk_odd");
    store::hooks::insert(&conn, &row).unwrap();
    assert_eq!(
        store::hooks::get(&conn, "hk_odd").unwrap(),
        Some(row.clone())
    );
    assert_eq!(store::hooks::list(&conn).unwrap(), vec![row]);

    let page = PageRow {
        header_name: Some("X-Partner".into()),
        header_value: Some(vec![0xfe, 0x01]),
        open: UrlRow {
            base: Some("https://example.com/open".into()),
            query: Some(b"plain=1".to_vec()),
            enabled: true,
        },
        ..PageRow::default()
    };
    store::order_webhooks::put(&conn, "store-1", &page, 5).unwrap();
    assert_eq!(
        store::order_webhooks::get(&conn, "store-1").unwrap(),
        Some(page)
    );
}

#[test]
fn config_seals_before_the_store_and_opens_after_it() {
    let e = env();
    add_store(&e, "store-1");
    let a = admin(&e.ctx);
    let mut input = merchant_hook("Sealed");
    input.url = format!("https://merchant.example.com/in?{QUERY}");
    input.auth = hookdesk_core::domain::AuthInput::Bearer {
        token: Secret::new(BEARER),
    };
    let h = hooks::create(&e.ctx, &a, &input, None).unwrap();
    order_webhooks::set(
        &e.ctx,
        &a,
        "store-1",
        &OrderWebhooksPatch {
            header_name: Some("X-Partner".into()),
            header_value: Some(Secret::new(HEADER)),
            open: Some(UrlTogglePatch {
                url: Some(format!("https://partner.example/open?{QUERY}")),
                enabled: Some(true),
            }),
            ..Default::default()
        },
        None,
    )
    .unwrap();

    let conn = e.ctx.db.conn();
    let row = store::hooks::get(&conn, &h.id).unwrap().unwrap();
    let (auth, query) = (row.auth_secret.unwrap(), row.url_query.unwrap());
    assert!(!contains(&auth, BEARER) && !contains(&query, QUERY));
    assert_eq!(
        open(&e.ctx.key, "hooks", "auth_secret", &h.id, &auth).unwrap(),
        BEARER.as_bytes()
    );
    assert_eq!(
        open(&e.ctx.key, "hooks", "url_query", &h.id, &query).unwrap(),
        QUERY.as_bytes()
    );
    let page = store::order_webhooks::get(&conn, "store-1")
        .unwrap()
        .unwrap();
    let value = page.header_value.unwrap();
    assert!(!contains(&value, HEADER));
    assert_eq!(
        open(
            &e.ctx.key,
            "order_webhooks",
            "header_value",
            "store-1",
            &value
        )
        .unwrap(),
        HEADER.as_bytes()
    );
    let page_query = page.open.query.unwrap();
    assert_eq!(
        open(
            &e.ctx.key,
            "order_webhooks",
            "open_url_query",
            "store-1",
            &page_query
        )
        .unwrap(),
        QUERY.as_bytes()
    );
    drop(conn);

    // And config opens them again on the way out.
    let d = hooks::load_for_delivery(&e.ctx, &h.id).unwrap();
    assert_eq!(
        d.url.expose(),
        format!("https://merchant.example.com/in?{QUERY}")
    );
}

#[test]
fn the_audit_log_is_gated_in_auth_and_read_plainly_by_the_store() {
    let e = env();
    let a = admin(&e.ctx);
    let m = actor(&e.ctx, Role::Manager);
    assert_eq!(
        auth::audit::list(&e.ctx, &m, 10, None).unwrap_err().code(),
        "forbidden"
    );
    let gated = auth::audit::list(&e.ctx, &a, 10, None).unwrap();
    assert!(!gated.is_empty());
    // The store answers anyone it is handed a connection by: the gate is not its job.
    assert_eq!(audit::list(&e.ctx.db.conn(), 10, None).unwrap(), gated);
}

/// The source files of a folder of the core, with their text.
fn sources(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(sources(&path));
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push((
                path.display().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            ));
        }
    }
    out
}

#[test]
fn store_and_crypto_do_not_reach_into_each_other_or_into_auth() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for (path, text) in sources(&src.join("store")) {
        for word in ["crate::crypto", "DataKey", "Permission", "Actor"] {
            assert!(!text.contains(word), "{path} names {word}");
        }
    }
    for (path, text) in sources(&src.join("crypto")) {
        assert!(!text.contains("crate::store"), "{path} names crate::store");
    }
}

#[test]
fn a_store_id_holding_a_nul_is_no_store_on_either_backend() {
    let e = env();
    add_store(&e, "store-1");
    let err = hookdesk_core::config::stores::require_exists(&e.ctx, "\0").unwrap_err();
    assert_eq!(err.field(), Some("store"), "{err}");
    assert_eq!(
        store::stores::get(&e.ctx.db.conn(), "store-1\0").unwrap(),
        None
    );
}

/// On PostgreSQL a transaction's `BEGIN` travels with its first statement: that statement must still
/// run inside the transaction, so a rollback takes it back.
#[test]
fn a_transaction_holds_its_first_statement_until_it_commits() {
    let e = env();
    let db = &e.ctx.db;
    let count = || -> i64 {
        db.read()
            .query_row("SELECT COUNT(*) FROM stores", hookdesk_core::args![], |r| {
                r.get(0)
            })
            .unwrap()
    };
    let insert = "INSERT INTO stores (id, name, created_at, updated_at) VALUES (?1, 'S', 1, 1)";
    {
        let conn = db.conn();
        let tx = conn.transaction_deferred().unwrap();
        tx.execute(insert, hookdesk_core::args!["rolled-back"])
            .unwrap();
        assert_eq!(count(), 0, "another session sees nothing before the commit");
    }
    assert_eq!(
        count(),
        0,
        "dropping the transaction took its first statement back"
    );
    {
        let conn = db.conn();
        let tx = conn.transaction_deferred().unwrap();
        tx.commit().unwrap();
        // An empty transaction leaves the session outside any transaction: this commits on its own.
        conn.execute(insert, hookdesk_core::args!["kept"]).unwrap();
    }
    assert_eq!(count(), 1);
}

#[test]
fn statements_sent_together_are_answered_each_in_turn() {
    let e = env();
    add_store(&e, "store-1");
    add_store(&e, "store-2");
    let conn = e.ctx.db.conn();
    let answers = conn
        .query_all(&[
            ("SELECT id FROM stores ORDER BY id", hookdesk_core::args![]),
            (
                "SELECT COUNT(*) FROM stores WHERE id = ?1",
                hookdesk_core::args!["store-2"],
            ),
            (
                "SELECT id FROM stores WHERE id = ?1",
                hookdesk_core::args!["none"],
            ),
        ])
        .unwrap();
    let ids: Vec<String> = answers[0].iter().map(|r| r.get(0).unwrap()).collect();
    assert_eq!(ids, ["store-1", "store-2"]);
    assert_eq!(answers[1][0].get::<_, i64>(0).unwrap(), 1);
    assert!(answers[2].is_empty());
}

#[test]
fn a_postgresql_database_is_served_by_the_pool_alone() {
    let dir = crate::support::TestDir::new();
    if crate::support::database_of(&dir.path()).is_none() {
        return; // SQLite keeps its two connections by design.
    }
    let db = crate::support::raw_db(&dir.path());
    let sessions = || -> i64 {
        db.read()
            .query_row(
                "SELECT COUNT(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND application_name = 'hookdesk'",
                hookdesk_core::args![],
                |r| r.get(0),
            )
            .unwrap()
    };
    // The migrations' session is gone; one caller at a time needs one pooled session.
    assert_eq!(sessions(), 1);
    assert_eq!(sessions(), 1);
}

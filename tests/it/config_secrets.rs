use hookdesk_core::config::{hooks, order_webhooks};
use hookdesk_core::domain::{
    AuthInput, KeySource, OrderWebhooksPatch, Secret, SignatureInput, UrlTogglePatch,
};

use crate::support::config::*;

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn no_secret_reaches_the_database_files_in_plain_text() {
    let e = env();
    add_store(&e, "store-1");
    let a = admin(&e.ctx);
    let canaries = [
        "CANARY-header-value-1111",
        "CANARY-query-2222",
        "CANARY-xsig-key-3333",
        "CANARY-page-header-4444",
        "CANARY-page-query-5555",
        "CANARY-basic-pass-6666",
    ];
    let mut i = merchant_hook("Secrets");
    i.url = format!("https://merchant.example.com/in?token={}", canaries[1]);
    i.auth = AuthInput::Header {
        name: "X-Api-Key".into(),
        value: Secret::new(canaries[0]),
    };
    i.signature = SignatureInput::XSignature {
        key_source: KeySource::SignatureKey,
        key: Secret::new(canaries[2]),
    };
    let h = hooks::create(&e.ctx, &a, &i, None).unwrap();
    let mut basic = merchant_hook("Basic");
    basic.auth = AuthInput::Basic {
        username: "merchant".into(),
        password: Secret::new(canaries[5]),
    };
    basic.signature = SignatureInput::Standard { secret: None };
    let b = hooks::create(&e.ctx, &a, &basic, None).unwrap();
    let whsec = match hooks::load_for_delivery(&e.ctx, &b.id).unwrap().signature {
        hookdesk_core::domain::HookSignature::Standard { secret } => secret.expose().to_string(),
        other => panic!("{other:?}"),
    };
    order_webhooks::set(
        &e.ctx,
        &a,
        "store-1",
        &OrderWebhooksPatch {
            header_name: Some("X-Partner".into()),
            header_value: Some(Secret::new(canaries[3])),
            close: Some(UrlTogglePatch {
                url: Some(format!("https://partner.example/close?k={}", canaries[4])),
                enabled: Some(true),
            }),
            ..Default::default()
        },
        None,
    )
    .unwrap();

    // Views and the audit log hold masks only.
    let shown = serde_json::to_string(&hooks::list(&e.ctx, &a, &Default::default()).unwrap())
        .unwrap()
        + &serde_json::to_string(&order_webhooks::get(&e.ctx, &a, "store-1").unwrap()).unwrap();
    let audit: Vec<String> = {
        let conn = e.ctx.db.conn();
        let mut st = conn.prepare("SELECT detail FROM audit_log").unwrap();
        st.query_map(hookdesk_core::args![], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    for c in canaries.iter().copied().chain([whsec.as_str()]) {
        assert!(!shown.contains(c), "{c} shown");
        assert!(!audit.iter().any(|d| d.contains(c)), "{c} audited");
    }

    // Both the main file and the WAL, while the connection is open and after a checkpoint.
    let scan = || {
        let bytes = crate::support::stored_bytes(&e.dir.path());
        for c in canaries.iter().copied().chain([whsec.as_str()]) {
            assert!(!contains(&bytes, c), "{c} found in plain text");
        }
        assert!(
            contains(&bytes, "merchant.example.com"),
            "the scan reads real data"
        );
    };
    scan();
    if e.ctx.db.path().is_some() {
        e.ctx
            .db
            .conn()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .unwrap();
        scan();
    }

    // And they still decrypt to what was typed.
    let d = hooks::load_for_delivery(&e.ctx, &h.id).unwrap();
    assert_eq!(
        d.url.expose(),
        format!("https://merchant.example.com/in?token={}", canaries[1])
    );
}

#[test]
fn a_secret_moved_to_another_row_does_not_decrypt() {
    let e = env();
    let a = admin(&e.ctx);
    let h1 = hooks::create(&e.ctx, &a, &merchant_hook("One"), None).unwrap();
    let h2 = hooks::create(&e.ctx, &a, &merchant_hook("Two"), None).unwrap();
    e.ctx
        .db
        .conn()
        .execute(
            "UPDATE hooks SET auth_secret = (SELECT auth_secret FROM hooks WHERE id = ?1) WHERE id = ?2",
            hookdesk_core::args![&h1.id, &h2.id],
        )
        .unwrap();
    assert_eq!(
        hooks::load_for_delivery(&e.ctx, &h2.id).unwrap_err().code(),
        "crypto"
    );
    assert!(hooks::load_for_delivery(&e.ctx, &h1.id).is_ok());
}

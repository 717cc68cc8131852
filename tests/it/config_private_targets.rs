//! Private and special addresses are refused when a hook or an order-webhook page is saved, in every
//! spelling, unless private-network targets were allowed (with a fresh code); the same rules the
//! connect-time check uses (docs/wire-formats.md, README "Security model").

use hookdesk_core::auth::{self, Permission};
use hookdesk_core::config::{self, transfer, FreshCode};
use hookdesk_core::domain::{HookInput, OrderWebhooksPatch, StoreInput, UrlTogglePatch};

use crate::support::accounts::{code_at, setup_admin, Env};

/// The addresses from the field report, plus other spellings of the same places.
const PRIVATE: &[&str] = &[
    "https://127.0.0.1/hook",
    "https://10.0.0.5/hook",
    "https://[::1]/hook",
    "https://169.254.169.254/latest/meta-data/",
    "https://[::ffff:127.0.0.1]/hook",
    "https://0.0.0.0/hook",
    "https://100.64.0.1/hook",
    "https://192.168.1.20:8443/pos",
    "https://2130706433/hook",
    "https://0x7f.1/hook",
    "https://localhost/hook",
];

fn hook(url: &str) -> HookInput {
    HookInput {
        label: "LAN POS".into(),
        url: url.into(),
        events: vec!["transaction.sale.success".into()],
        all_stores: true,
        ..HookInput::default()
    }
}

fn count_hooks(env: &Env) -> i64 {
    env.ctx
        .db
        .conn()
        .query_row("SELECT COUNT(*) FROM hooks", hookdesk_core::args![], |r| {
            r.get(0)
        })
        .unwrap()
}

#[test]
fn private_addresses_are_refused_at_save_unless_allowed_with_a_code() {
    let env = Env::new();
    let admin = setup_admin(&env, "ann");
    let a = auth::require(&env.ctx, &admin.token, Permission::EditHooks).unwrap();
    config::stores::add(
        &env.ctx,
        &a,
        &StoreInput {
            id: "store-1".into(),
            name: "Main".into(),
            merch_key: None,
            restaurant_id: None,
        },
    )
    .unwrap();

    for url in PRIVATE {
        let e = config::hooks::create(&env.ctx, &a, &hook(url), None).unwrap_err();
        assert_eq!(e.field(), Some("url"), "{url}: {e}");
        assert!(e.message().contains("private network"), "{url}: {e}");

        let page = OrderWebhooksPatch {
            open: Some(UrlTogglePatch {
                url: Some(url.to_string()),
                enabled: Some(true),
            }),
            ..Default::default()
        };
        let e = config::order_webhooks::set(&env.ctx, &a, "store-1", &page, None).unwrap_err();
        assert_eq!(e.field(), Some("open.url"), "{url}: {e}");
    }
    assert_eq!(count_hooks(&env), 0, "a refused hook was saved");

    // A public address saves; so does a private one once private networks are allowed with a code.
    let public = config::hooks::create(&env.ctx, &a, &hook("https://pos.example.com/x"), None);
    assert!(public.is_ok(), "{public:?}");
    env.next_step();
    let code = code_at(&admin.secret, env.now());
    let lan = HookInput {
        allow_private_network: true,
        ..hook("https://192.168.1.20:8443/pos")
    };
    config::hooks::create(&env.ctx, &a, &lan, Some(FreshCode::totp(&code))).unwrap();
    assert_eq!(count_hooks(&env), 2);

    // An import is checked by the same rules and writes nothing when one hook is refused.
    let mut file = transfer::export(&env.ctx, &a).unwrap();
    for h in &mut file.hooks {
        h.url = "https://[::ffff:a9fe:a9fe]/meta".into();
        h.allow_private_network = false;
    }
    let e = transfer::import(&env.ctx, &a, &file, None).unwrap_err();
    assert!(e.field().is_some_and(|f| f.ends_with("url")), "{e}");
    assert_eq!(count_hooks(&env), 2);
}

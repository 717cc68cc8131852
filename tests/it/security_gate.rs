//! The checks behind every desktop command: `auth::require` refuses sessions that are not unlocked, and each
//! permission-gated core operation refuses the roles docs/architecture.md (Who may do what) leaves out, changing nothing when it does.

use std::sync::Arc;

use hookdesk_core::auth::audit;
use hookdesk_core::auth::tokens;
use hookdesk_core::auth::{self, Actor, Permission, Role};
use hookdesk_core::config::{self, hooks::HookFilter, FreshCode};
use hookdesk_core::delivery::engine::outbox::{enqueue, NewEvent};
use hookdesk_core::delivery::engine::test_send::{send_test, TestSend};
use hookdesk_core::delivery::engine::Engine;
use hookdesk_core::delivery::log::stats;
use hookdesk_core::delivery::log::{self, Filter};
use hookdesk_core::domain::{HookInput, OrderWebhooksPatch, Secret, StoreInput};
use hookdesk_core::{Ctx, Error, Result};
use serde_json::json;

use crate::support::team::{self as se, Env, PASSWORD};

/// docs/architecture.md's role table, written out rather than derived from the code under test. Order: admin, manager, support.
/// Installation settings (ingest tokens, the unlock timeout) are the admin's, like users and audit.
fn design_allows(p: Permission) -> [bool; 3] {
    use Permission::*;
    match p {
        ReadHooks | SendTest | ReadLogs | Resend | OwnAccount => [true, true, true],
        EditHooks | EmitEvents | AllowPrivateNetwork | RevealSecrets => [true, true, false],
        ManageUsers | ReadAudit | ManageSettings => [true, false, false],
    }
}

const ADMIN_ONLY: [bool; 3] = [true, false, false];

const PERMISSIONS: [Permission; 12] = [
    Permission::ReadHooks,
    Permission::EditHooks,
    Permission::SendTest,
    Permission::ReadLogs,
    Permission::Resend,
    Permission::EmitEvents,
    Permission::AllowPrivateNetwork,
    Permission::RevealSecrets,
    Permission::ManageUsers,
    Permission::ReadAudit,
    Permission::ManageSettings,
    Permission::OwnAccount,
];

fn code<T>(r: &Result<T>) -> Option<&'static str> {
    r.as_ref().err().map(Error::code)
}

#[test]
fn require_matches_the_role_matrix() {
    let env = Env::real_time();
    let team = se::team(&env);
    for (i, u) in team.iter().enumerate() {
        for p in PERMISSIONS {
            let r = auth::require(&env.ctx, &u.token, p);
            if design_allows(p)[i] {
                assert_eq!(r.unwrap().role(), u.role, "{p:?} for {:?}", u.role);
            } else {
                assert_eq!(code(&r), Some("forbidden"), "{p:?} for {:?}", u.role);
            }
        }
    }
}

/// The ingest route's gate: a stored token holds `EmitEvents` and nothing else; any other value is
/// `unauthorized`, whichever permission is asked for.
#[test]
fn an_ingest_token_holds_only_emit_events() {
    let env = Env::real_time();
    let team = se::team(&env);
    let admin = auth::require(&env.ctx, &team[0].token, Permission::ManageSettings).unwrap();
    let (_, token) = tokens::create(&env.ctx, &admin, "").unwrap();
    for p in PERMISSIONS {
        let r = tokens::require_token(&env.ctx, Some(token.expose()), p);
        if p == Permission::EmitEvents {
            assert!(r.is_ok(), "{p:?}");
        } else {
            assert_eq!(code(&r), Some("forbidden"), "{p:?}");
        }
        let wrong = format!("{}0", token.expose());
        for bad in [
            None,
            Some(""),
            Some("hdi_0"),
            Some(wrong.as_str()),
            Some(&team[0].token[..]),
        ] {
            assert_eq!(
                code(&tokens::require_token(&env.ctx, bad, p)),
                Some("unauthorized"),
                "{bad:?} {p:?}"
            );
        }
    }
    // Listed without the token, revoked at once; only an admin does either.
    let listed = tokens::list(&env.ctx, &admin).unwrap();
    assert_eq!(listed.len(), 1);
    let last4 = &token.expose()[token.expose().len() - 4..];
    assert_eq!(listed[0].hint, format!("hdi_…{last4}"));
    for u in &team[1..] {
        let a = auth::require(&env.ctx, &u.token, Permission::ReadHooks).unwrap();
        assert_eq!(code(&tokens::list(&env.ctx, &a)), Some("forbidden"));
        assert_eq!(
            code(&tokens::revoke(&env.ctx, &a, listed[0].id)),
            Some("forbidden")
        );
    }
    tokens::revoke(&env.ctx, &admin, listed[0].id).unwrap();
    assert_eq!(
        code(&tokens::require_token(
            &env.ctx,
            Some(token.expose()),
            Permission::EmitEvents
        )),
        Some("unauthorized")
    );
    assert_eq!(
        code(&tokens::revoke(&env.ctx, &admin, listed[0].id)),
        Some("not_found")
    );
    let too_long = "l".repeat(tokens::MAX_LABEL_CHARS + 1);
    for bad in [too_long.as_str(), "tab\there"] {
        let e = tokens::create(&env.ctx, &admin, bad).unwrap_err();
        assert_eq!(e.field(), Some("label"), "{bad:?}");
    }
    assert!(tokens::list(&env.ctx, &admin).unwrap().is_empty());
}

#[test]
fn require_says_locked_without_an_unlocked_session() {
    let env = Env::real_time();
    let team = se::team(&env);
    let support = &team[2];
    for bad in [
        "",
        "   ",
        "not-a-token",
        &"f".repeat(64),
        &"x".repeat(10_000),
    ] {
        for p in PERMISSIONS {
            assert_eq!(
                code(&auth::require(&env.ctx, bad, p)),
                Some("locked"),
                "{bad:?} {p:?}"
            );
        }
    }
    // Signed in with the password, no code yet: locked, and "locked" comes before "forbidden".
    let signed = se::sign_in(&env, &support.name);
    assert_eq!(
        code(&auth::require(&env.ctx, &signed, Permission::ReadHooks)),
        Some("locked")
    );
    assert_eq!(
        code(&auth::require(&env.ctx, &signed, Permission::ManageUsers)),
        Some("locked")
    );
    // Unlocked, then locked by the user.
    auth::unlock(&env.ctx, &signed, &support.recovery[0]).unwrap();
    auth::require(&env.ctx, &signed, Permission::ReadHooks).unwrap();
    auth::lock(&env.ctx, &signed).unwrap();
    assert_eq!(
        code(&auth::require(&env.ctx, &signed, Permission::ReadHooks)),
        Some("locked")
    );
    // A signed-out token is gone for good.
    auth::sign_out(&env.ctx, &signed).unwrap();
    assert_eq!(
        code(&auth::require(&env.ctx, &signed, Permission::ReadHooks)),
        Some("locked")
    );
}

#[test]
fn the_unlock_ends_after_the_idle_timeout_and_use_extends_it() {
    let env = Env::real_time();
    let team = se::team(&env);
    let token = &team[1].token;
    // Exactly 15 minutes idle still counts as active; the call refreshes the timer.
    env.clock.advance(15 * 60_000);
    auth::require(&env.ctx, token, Permission::ReadHooks).unwrap();
    env.clock.advance(15 * 60_000 + 1);
    assert_eq!(
        code(&auth::require(&env.ctx, token, Permission::ReadHooks)),
        Some("locked")
    );
    // Once timed out it stays locked, even if it is used again right away.
    assert_eq!(
        code(&auth::require(&env.ctx, token, Permission::ReadHooks)),
        Some("locked")
    );
    // The admin shortens the timeout to one minute.
    let admin_token = &team[0].token;
    let fresh = se::sign_in(&env, &team[0].name);
    auth::unlock(&env.ctx, &fresh, &team[0].recovery[0]).unwrap();
    let admin = auth::require(&env.ctx, &fresh, Permission::ManageSettings).unwrap();
    auth::set_idle_minutes(&env.ctx, &admin, 1).unwrap();
    env.clock.advance(60_001);
    assert_eq!(
        code(&auth::require(&env.ctx, &fresh, Permission::ReadHooks)),
        Some("locked")
    );
    assert_eq!(
        code(&auth::require(&env.ctx, admin_token, Permission::ReadHooks)),
        Some("locked")
    );
}

/// Everything a refused operation could have changed.
fn snapshot(ctx: &Ctx) -> Vec<i64> {
    let conn = ctx.db.conn();
    [
        "SELECT COUNT(*) FROM users",
        "SELECT COUNT(*) FROM stores",
        "SELECT COUNT(*) FROM hooks",
        "SELECT CAST(COALESCE(SUM(enabled), 0) AS BIGINT) FROM hooks",
        "SELECT COUNT(*) FROM hooks WHERE label LIKE 'Changed%'",
        "SELECT COUNT(*) FROM order_webhooks",
        "SELECT COUNT(*) FROM events",
        "SELECT COUNT(*) FROM deliveries WHERE status = 'pending'",
        "SELECT COUNT(*) FROM attempts",
        "SELECT COUNT(*) FROM ingest_tokens",
        "SELECT COUNT(*) FROM app_settings",
    ]
    .iter()
    .map(|q| {
        conn.query_row(q, hookdesk_core::args![], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{q}: {e}"))
    })
    .collect()
}

struct Fixture {
    env: Env,
    receiver: se::Receiver,
    hook: String,
    /// One hook per role for that role's delete.
    doomed: Vec<String>,
    delivery: i64,
}

fn role_index(role: Role) -> usize {
    se::ROLES.iter().position(|r| *r == role).unwrap()
}

fn hook_input(label: &str, url: &str, private: bool) -> HookInput {
    HookInput {
        label: label.into(),
        url: url.into(),
        events: vec!["order.open".into()],
        all_stores: true,
        allow_private_network: private,
        ..HookInput::default()
    }
}

fn fixture(env: Env, admin: &Actor, admin_secret: &str) -> Fixture {
    let store = StoreInput {
        id: "store-1".into(),
        name: "Main".into(),
        ..StoreInput::default()
    };
    config::stores::add(&env.ctx, admin, &store).unwrap();
    let receiver = se::Receiver::start();
    let code = se::totp(admin_secret, env.now() / 1000 + 30);
    let hook = config::hooks::create(
        &env.ctx,
        admin,
        &hook_input("Receiver", &receiver.url, true),
        Some(FreshCode::totp(&code)),
    )
    .unwrap()
    .id;
    let doomed = se::ROLES
        .iter()
        .map(|r| {
            let input = hook_input(
                &format!("Doomed {}", r.as_str()),
                "https://hooks.example.com/d",
                false,
            );
            config::hooks::create(&env.ctx, admin, &input, None)
                .unwrap()
                .id
        })
        .collect();
    let ev = NewEvent::parse(
        "order.open",
        "store-1",
        json!({"checkId": "c-1", "source": "olo"}),
        None,
        None,
    )
    .unwrap();
    enqueue(&env.ctx, &ev, env.now()).unwrap();
    let delivery = env
        .ctx
        .db
        .conn()
        .query_row(
            "SELECT MAX(id) FROM deliveries",
            hookdesk_core::args![],
            |r| r.get(0),
        )
        .unwrap();
    Fixture {
        env,
        receiver,
        hook,
        doomed,
        delivery,
    }
}

type Op<'a> = (
    &'static str,
    [bool; 3],
    Box<dyn Fn(&Actor) -> Result<()> + 'a>,
);

/// Each gated operation a desktop command calls, with the permission the role table ties it to.
fn operations<'a>(
    f: &'a Fixture,
    rt: &'a tokio::runtime::Runtime,
    engine: &'a Engine,
) -> Vec<Op<'a>> {
    let ctx = &f.env.ctx;
    let hook = f.hook.as_str();
    let delivery = f.delivery;
    vec![
        (
            "hooks::list",
            design_allows(Permission::ReadHooks),
            Box::new(move |a| config::hooks::list(ctx, a, &HookFilter::default()).map(drop)),
        ),
        (
            "hooks::get",
            design_allows(Permission::ReadHooks),
            Box::new(move |a| config::hooks::get(ctx, a, hook).map(drop)),
        ),
        (
            "hooks::create",
            design_allows(Permission::EditHooks),
            Box::new(move |a| {
                config::hooks::create(
                    ctx,
                    a,
                    &hook_input("Changed new", "https://hooks.example.com/n", false),
                    None,
                )
                .map(drop)
            }),
        ),
        (
            "hooks::update",
            design_allows(Permission::EditHooks),
            Box::new(move |a| {
                let input = hook_input("Changed label", &f.receiver.url, true);
                config::hooks::update(ctx, a, hook, &input, false, None).map(drop)
            }),
        ),
        (
            "hooks::set_enabled",
            design_allows(Permission::EditHooks),
            Box::new(move |a| config::hooks::set_enabled(ctx, a, hook, true).map(drop)),
        ),
        (
            "hooks::delete",
            design_allows(Permission::EditHooks),
            Box::new(move |a| config::hooks::delete(ctx, a, &f.doomed[role_index(a.role())])),
        ),
        (
            "stores::list",
            design_allows(Permission::ReadHooks),
            Box::new(move |a| config::stores::list(ctx, a).map(drop)),
        ),
        (
            "stores::add",
            design_allows(Permission::EditHooks),
            Box::new(move |a| {
                let id = format!("store-{}", a.role().as_str());
                config::stores::add(
                    ctx,
                    a,
                    &StoreInput {
                        id,
                        name: "New".into(),
                        ..StoreInput::default()
                    },
                )
                .map(drop)
            }),
        ),
        (
            "stores::save",
            design_allows(Permission::EditHooks),
            Box::new(move |a| {
                let input = StoreInput {
                    id: "store-1".into(),
                    name: "Renamed".into(),
                    ..StoreInput::default()
                };
                config::stores::save(ctx, a, &input).map(drop)
            }),
        ),
        (
            "order_webhooks::get",
            design_allows(Permission::ReadHooks),
            Box::new(move |a| config::order_webhooks::get(ctx, a, "store-1").map(drop)),
        ),
        (
            "order_webhooks::set",
            design_allows(Permission::EditHooks),
            Box::new(move |a| {
                let patch = OrderWebhooksPatch {
                    third_party_active: Some(true),
                    ..OrderWebhooksPatch::default()
                };
                config::order_webhooks::set(ctx, a, "store-1", &patch, None).map(drop)
            }),
        ),
        (
            "transfer::export",
            design_allows(Permission::ReadHooks),
            Box::new(move |a| config::transfer::export(ctx, a).map(drop)),
        ),
        (
            "transfer::import_json",
            design_allows(Permission::EditHooks),
            Box::new(move |a| {
                config::transfer::import_json(
                    ctx,
                    a,
                    r#"{"format":"hookdesk-config","version":1}"#,
                    None,
                )
                .map(drop)
            }),
        ),
        (
            "auth::list_users",
            design_allows(Permission::ManageUsers),
            Box::new(move |a| auth::list_users(ctx, a).map(drop)),
        ),
        (
            "auth::add_user",
            design_allows(Permission::ManageUsers),
            Box::new(move |a| {
                let name = format!("added-by-{}", a.role().as_str());
                auth::add_user(ctx, a, &name, Role::Support, &Secret::new(PASSWORD)).map(drop)
            }),
        ),
        (
            "auth::remove_user",
            design_allows(Permission::ManageUsers),
            Box::new(move |a| auth::remove_user(ctx, a, &format!("victim-{}", a.role().as_str()))),
        ),
        (
            "auth::set_idle_minutes",
            ADMIN_ONLY,
            Box::new(move |a| auth::set_idle_minutes(ctx, a, 30)),
        ),
        (
            "audit::list",
            design_allows(Permission::ReadAudit),
            Box::new(move |a| audit::list(ctx, a, 50, None).map(drop)),
        ),
        (
            "log::list",
            design_allows(Permission::ReadLogs),
            Box::new(move |a| log::list(ctx, a, &Filter::default()).map(drop)),
        ),
        (
            "log::attempts",
            design_allows(Permission::ReadLogs),
            Box::new(move |a| log::attempts(ctx, a, delivery).map(drop)),
        ),
        (
            "log::resend",
            design_allows(Permission::Resend),
            Box::new(move |a| {
                ctx.db.conn().execute(
                    "UPDATE deliveries SET status = 'dead' WHERE id = ?1",
                    hookdesk_core::args![delivery],
                )?;
                let r = log::resend(ctx, a, delivery).map(drop);
                // A refused resend leaves it dead; put it back to pending so the snapshot compares alike.
                ctx.db.conn().execute(
                    "UPDATE deliveries SET status = 'pending' WHERE id = ?1",
                    hookdesk_core::args![delivery],
                )?;
                r
            }),
        ),
        (
            "log::recover",
            design_allows(Permission::Resend),
            Box::new(move |a| log::recover(ctx, a, hook, 0).map(drop)),
        ),
        (
            "stats::dashboard",
            design_allows(Permission::ReadLogs),
            Box::new(move |a| stats::dashboard(ctx, a, 0).map(drop)),
        ),
        (
            "tokens::create",
            design_allows(Permission::ManageSettings),
            Box::new(move |a| tokens::create(ctx, a, "x").map(drop)),
        ),
        (
            "test_send::send_test",
            design_allows(Permission::SendTest),
            Box::new(move |a| {
                let req = TestSend {
                    hook_id: hook.to_string(),
                    event: "order.open".into(),
                    data: None,
                    store: None,
                };
                rt.block_on(send_test(engine, a, req)).map(drop)
            }),
        ),
    ]
}

#[test]
fn every_gated_operation_refuses_the_roles_design_leaves_out() {
    let env = Env::real_time();
    let team = se::team(&env);
    let actors: Vec<Actor> = team.iter().map(|u| u.actor(&env)).collect();
    for role in se::ROLES {
        let victim = format!("victim-{}", role.as_str());
        auth::add_user(
            &env.ctx,
            &actors[0],
            &victim,
            Role::Support,
            &Secret::new(PASSWORD),
        )
        .unwrap();
    }
    let secret = team[0].secret.clone();
    let f = fixture(env, &actors[0], &secret);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let ctx = Arc::new(
        crate::support::open_ctx(&f.env.dir.path(), Arc::new(f.env.clock.clone())).unwrap(),
    );
    let engine = Engine::new(ctx).unwrap();
    let ops = operations(&f, &rt, &engine);
    assert!(ops.len() >= 25);
    // Support first, so a refused change is compared against the untouched fixture.
    for i in [2usize, 1, 0] {
        let actor = &actors[i];
        for (name, allowed, op) in &ops {
            let before = snapshot(&f.env.ctx);
            let r = op(actor);
            if allowed[i] {
                assert!(r.is_ok(), "{name} as {:?}: {:?}", actor.role(), r.err());
            } else {
                assert_eq!(code(&r), Some("forbidden"), "{name} as {:?}", actor.role());
                assert_eq!(
                    snapshot(&f.env.ctx),
                    before,
                    "{name} as {:?} was refused but changed something",
                    actor.role()
                );
            }
        }
    }
    // The allowed test sends really went out.
    assert_eq!(f.receiver.requests.lock().unwrap().len(), 3);
}

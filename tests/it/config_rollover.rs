//! Signing secrets a receiver can use: a generated secret is shown once, revealed with a fresh code and
//! rolled with an overlap. A real engine delivers to a real receiver, which checks every request with the
//! independent Standard Webhooks verifier of the wire tests.

use std::sync::Arc;

use hookdesk_core::auth::{self, Permission, Role};
use hookdesk_core::config::{self, secrets::Roll, FreshCode};
use hookdesk_core::delivery::engine::outbox::{enqueue, NewEvent};
use hookdesk_core::delivery::engine::Engine;
use hookdesk_core::domain::{AuthInput, HookInput, KeySource, Secret, SignatureInput, StoreInput};
use hookdesk_core::{Ctx, Error};
use serde_json::json;

use crate::support::accounts::{code_at, setup_admin, setup_user, Enrolled, Env};
use crate::wire_receiver::{Reply, TestReceiver};
use crate::wire_send::python_verifies;

const HOUR_MS: i64 = 3_600_000;

fn store(ctx: &Ctx, admin: &Enrolled) {
    let actor = auth::require(ctx, &admin.token, Permission::EditHooks).unwrap();
    let input = StoreInput {
        id: "store-1".into(),
        name: "Store 1".into(),
        merch_key: Some("7qwnw4j2kmqvrb3".into()),
        restaurant_id: None,
    };
    config::stores::add(ctx, &actor, &input).unwrap();
}

fn standard_hook(url: &str) -> HookInput {
    HookInput {
        label: "Riders".into(),
        url: url.into(),
        events: vec!["order-accepted".into()],
        app_type: Some("pos".into()),
        all_stores: true,
        signature: SignatureInput::Standard { secret: None },
        allow_private_network: true,
        ..HookInput::default()
    }
}

/// The current code for `u`, after moving the clock to a step nobody has used yet.
fn fresh_code(env: &Env, u: &Enrolled) -> String {
    env.next_step();
    code_at(&u.secret, env.now())
}

struct Delivered {
    id: String,
    ts: String,
    body: Vec<u8>,
    signature: String,
}

/// Emits one event and lets the engine deliver it; returns what the receiver got.
async fn deliver_one(env: &Env, engine: &Engine, rx: &TestReceiver) -> Delivered {
    let before = rx.captured().len();
    let ev = NewEvent::parse(
        "order-accepted",
        "store-1",
        json!({"orderId": format!("A{before}")}),
        None,
        None,
    )
    .unwrap();
    enqueue(&env.ctx, &ev, env.now()).unwrap();
    let report = engine.deliver_due(env.now()).await.unwrap();
    assert_eq!(report.claimed, 1);
    let all = rx.captured();
    assert_eq!(all.len(), before + 1);
    let c = all.last().unwrap();
    Delivered {
        id: c.header("webhook-id").unwrap().to_string(),
        ts: c.header("webhook-timestamp").unwrap().to_string(),
        body: c.body.clone(),
        signature: c.header("webhook-signature").unwrap().to_string(),
    }
}

fn verifies(secret: &str, d: &Delivered) -> bool {
    python_verifies(secret, &d.id, &d.ts, &d.body, &d.signature)
}

#[tokio::test]
async fn a_generated_secret_verifies_every_delivery_and_rolls_with_an_overlap() {
    let env = Env::new();
    let admin = setup_admin(&env, "ann");
    store(&env.ctx, &admin);
    let engine = Engine::new(Arc::new(env.open_again())).unwrap();
    let rx = TestReceiver::start(Reply::status(204)).await;
    let actor = auth::require(&env.ctx, &admin.token, Permission::ReadHooks).unwrap();

    let code = fresh_code(&env, &admin);
    let created = config::hooks::create(
        &env.ctx,
        &actor,
        &standard_hook(&rx.url("/riders")),
        Some(FreshCode::totp(&code)),
    )
    .unwrap();
    let first = created.new_secret.expect("the generated secret, once");
    let first = first.expose().to_string();
    assert!(first.starts_with("whsec_"), "{first}");
    let shown = config::hooks::get(&env.ctx, &actor, &created.id).unwrap();
    assert!(shown.new_secret.is_none());
    let listed =
        serde_json::to_string(&config::hooks::list(&env.ctx, &actor, &Default::default()).unwrap())
            .unwrap();
    assert!(
        !listed.contains(&first[6..]),
        "an ordinary read showed the secret"
    );

    let d = deliver_one(&env, &engine, &rx).await;
    assert!(
        verifies(&first, &d),
        "the receiver could not verify with the secret shown at creation"
    );
    assert!(!d.signature.contains(' '));

    let code = fresh_code(&env, &admin);
    let revealed = config::secrets::reveal(&env.ctx, &actor, &created.id, Some(&code)).unwrap();
    assert_eq!(revealed.expose(), first);

    let code = fresh_code(&env, &admin);
    let rolled =
        config::secrets::roll(&env.ctx, &actor, &created.id, Some(&code), Roll::default()).unwrap();
    let second = rolled
        .new_secret
        .expect("the new secret")
        .expose()
        .to_string();
    assert_ne!(second, first);
    let until = rolled
        .previous_secret_until
        .expect("an overlap of 24 hours");
    assert_eq!(until, env.now() + 24 * HOUR_MS);

    // During the overlap each secret verifies the same request on its own.
    let d = deliver_one(&env, &engine, &rx).await;
    assert_eq!(d.signature.split(' ').count(), 2, "{}", d.signature);
    assert!(verifies(&second, &d));
    assert!(verifies(&first, &d));
    assert!(!verifies("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", &d));

    // After it, only the new one.
    env.clock.advance(24 * HOUR_MS + 60_000);
    assert!(config::hooks::get(&env.ctx, &actor, &created.id)
        .unwrap()
        .previous_secret_until
        .is_none());
    let d = deliver_one(&env, &engine, &rx).await;
    assert!(verifies(&second, &d));
    assert!(
        !verifies(&first, &d),
        "the old secret still verified after the overlap"
    );

    // An overlap of 0 switches at once; a secret can also be brought by the user.
    let code = fresh_code(&env, &admin);
    let mine = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let roll = Roll {
        secret: Some(Secret::new(mine)),
        overlap_hours: Some(0),
    };
    let rolled = config::secrets::roll(&env.ctx, &actor, &created.id, Some(&code), roll).unwrap();
    assert!(rolled.previous_secret_until.is_none());
    let d = deliver_one(&env, &engine, &rx).await;
    assert!(verifies(mine, &d));
    assert!(!verifies(&second, &d));
}

#[tokio::test]
async fn x_signature_keys_are_generated_shown_once_and_switch_at_once() {
    let env = Env::new();
    let admin = setup_admin(&env, "ann");
    store(&env.ctx, &admin);
    let engine = Engine::new(Arc::new(env.open_again())).unwrap();
    let rx = TestReceiver::start(Reply::status(200)).await;
    let actor = auth::require(&env.ctx, &admin.token, Permission::ReadHooks).unwrap();
    let input = HookInput {
        label: "Sales".into(),
        url: rx.url("/merchant"),
        events: vec!["transaction.sale.success".into()],
        all_stores: true,
        auth: AuthInput::None,
        signature: SignatureInput::XSignature {
            key_source: KeySource::SignatureKey,
            key: Secret::new(""),
        },
        allow_private_network: true,
        ..HookInput::default()
    };
    let code = fresh_code(&env, &admin);
    let created =
        config::hooks::create(&env.ctx, &actor, &input, Some(FreshCode::totp(&code))).unwrap();
    let key = created.new_secret.unwrap().expose().to_string();
    assert_eq!(key.len(), 64);

    let ev = NewEvent::parse(
        "transaction.sale.success",
        "store-1",
        json!({"amount": "5.00"}),
        None,
        None,
    )
    .unwrap();
    enqueue(&env.ctx, &ev, env.now()).unwrap();
    engine.deliver_due(env.now()).await.unwrap();
    let c = rx.only();
    assert_eq!(
        c.header("x-signature"),
        Some(hmac_hex(key.as_bytes(), &c.body).as_str())
    );

    let code = fresh_code(&env, &admin);
    let roll = Roll {
        secret: None,
        overlap_hours: Some(24),
    };
    let rolled = config::secrets::roll(&env.ctx, &actor, &created.id, Some(&code), roll).unwrap();
    assert!(
        rolled.previous_secret_until.is_none(),
        "X-Signature carries one signature"
    );
    let new_key = rolled.new_secret.unwrap().expose().to_string();
    assert_ne!(new_key, key);
    let ev = NewEvent::parse(
        "transaction.sale.success",
        "store-1",
        json!({"amount": "6.00"}),
        None,
        None,
    )
    .unwrap();
    enqueue(&env.ctx, &ev, env.now()).unwrap();
    engine.deliver_due(env.now()).await.unwrap();
    let c = rx.captured().pop().unwrap();
    assert_eq!(
        c.header("x-signature"),
        Some(hmac_hex(new_key.as_bytes(), &c.body).as_str())
    );
}

/// HMAC-SHA256 in hex, computed here from the hmac crate rather than through the signer.
fn hmac_hex(key: &[u8], body: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

#[test]
fn reveal_needs_a_role_and_a_fresh_code_and_every_refusal_is_audited() {
    let env = Env::new();
    let admin = setup_admin(&env, "ann");
    store(&env.ctx, &admin);
    let support = setup_user(
        &env,
        &admin.token,
        "sam",
        Role::Support,
        "support-password-1",
    );
    let manager = setup_user(
        &env,
        &admin.token,
        "meg",
        Role::Manager,
        "manager-password-1",
    );
    let a = auth::require(&env.ctx, &admin.token, Permission::ReadHooks).unwrap();
    // A secret the user brought, so the suite's trace-log scan would catch it if a reveal logged it.
    let secret = format!("whsec_canary{}", "A".repeat(42));
    let mut input = standard_hook("https://riders.example.com/hook");
    input.allow_private_network = false;
    input.signature = SignatureInput::Standard {
        secret: Some(Secret::new(secret.as_str())),
    };
    let hook = config::hooks::create(&env.ctx, &a, &input, None).unwrap();
    assert!(
        hook.new_secret.is_none(),
        "a secret the user typed is not echoed"
    );

    let s = auth::require(&env.ctx, &support.token, Permission::ReadHooks).unwrap();
    let code = fresh_code(&env, &support);
    let e = config::secrets::reveal(&env.ctx, &s, &hook.id, Some(&code)).unwrap_err();
    assert!(matches!(e, Error::Forbidden(_)), "{e:?}");
    let e =
        config::secrets::roll(&env.ctx, &s, &hook.id, Some(&code), Roll::default()).unwrap_err();
    assert!(matches!(e, Error::Forbidden(_)), "{e:?}");

    let e = config::secrets::reveal(&env.ctx, &a, &hook.id, None).unwrap_err();
    assert_eq!(e.field(), Some("code"));
    let code = fresh_code(&env, &admin);
    let wrong = crate::support::accounts::wrong_code(&admin.secret, env.now());
    assert!(config::secrets::reveal(&env.ctx, &a, &hook.id, Some(&wrong)).is_err());
    let ok = config::secrets::reveal(&env.ctx, &a, &hook.id, Some(&code)).unwrap();
    assert_eq!(ok.expose(), secret);
    let e = config::secrets::reveal(&env.ctx, &a, &hook.id, Some(&code)).unwrap_err();
    assert!(e.message().contains("already used"), "{e}");

    let m = auth::require(&env.ctx, &manager.token, Permission::ReadHooks).unwrap();
    let code = fresh_code(&env, &manager);
    assert_eq!(
        config::secrets::reveal(&env.ctx, &m, &hook.id, Some(&code))
            .unwrap()
            .expose(),
        secret
    );
    let e = config::secrets::roll(
        &env.ctx,
        &m,
        &hook.id,
        Some(&code),
        Roll {
            secret: None,
            overlap_hours: Some(169),
        },
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("overlapHours"));

    let audit_actor = auth::require(&env.ctx, &admin.token, Permission::ReadAudit).unwrap();
    let log = hookdesk_core::auth::audit::list(&env.ctx, &audit_actor, 200, None).unwrap();
    let actions: Vec<(String, String)> = log
        .iter()
        .filter(|e| {
            e.action.starts_with("hook.reveal_secret") || e.action.starts_with("hook.roll_secret")
        })
        .map(|e| (e.actor.clone().unwrap_or_default(), e.action.clone()))
        .collect();
    let count = |who: &str, what: &str| {
        actions
            .iter()
            .filter(|(a, b)| a == who && b == what)
            .count()
    };
    assert_eq!(count("sam", "hook.reveal_secret.refused"), 1, "{actions:?}");
    assert_eq!(count("sam", "hook.roll_secret.refused"), 1, "{actions:?}");
    assert_eq!(count("ann", "hook.reveal_secret.refused"), 3, "{actions:?}");
    assert_eq!(count("ann", "hook.reveal_secret"), 1, "{actions:?}");
    assert_eq!(count("meg", "hook.reveal_secret"), 1, "{actions:?}");
    assert_eq!(count("meg", "hook.roll_secret.refused"), 1, "{actions:?}");
    let text = serde_json::to_string(&log.iter().map(|e| &e.detail).collect::<Vec<_>>()).unwrap();
    assert!(
        !text.contains(&secret[6..]),
        "a secret reached the audit log"
    );
}

#[test]
fn an_auth_value_is_replaced_at_once_with_a_fresh_code() {
    let env = Env::new();
    let admin = setup_admin(&env, "ann");
    store(&env.ctx, &admin);
    let a = auth::require(&env.ctx, &admin.token, Permission::ReadHooks).unwrap();
    let mut input = standard_hook("https://pos.example.com/hook");
    input.allow_private_network = false;
    input.auth = AuthInput::Bearer {
        token: Secret::new("old-token-canary-1111"),
    };
    let hook = config::hooks::create(&env.ctx, &a, &input, None).unwrap();
    let e = config::secrets::replace_auth(
        &env.ctx,
        &a,
        &hook.id,
        None,
        Secret::new("new-token-canary-2222"),
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("code"));
    let code = fresh_code(&env, &admin);
    let e =
        config::secrets::replace_auth(&env.ctx, &a, &hook.id, Some(&code), Secret::new("a\r\nb"))
            .unwrap_err();
    assert_eq!(e.field(), Some("value"));
    let v = config::secrets::replace_auth(
        &env.ctx,
        &a,
        &hook.id,
        Some(&code),
        Secret::new("new-token-canary-2222"),
    )
    .unwrap();
    assert_eq!(serde_json::to_value(&v.auth).unwrap()["token"], "••••2222");
    let stored = config::hooks::load_for_delivery(&env.ctx, &hook.id).unwrap();
    assert!(
        matches!(stored.auth, hookdesk_core::domain::HookAuth::Bearer { ref token } if token.expose() == "new-token-canary-2222")
    );
}

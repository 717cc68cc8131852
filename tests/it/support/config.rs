//! Shared set-up for the configuration tests: a real data dir, a manual clock, and users of each role made
//! through real sign-in and two-factor enrollment (an `Actor` only comes from the session check).

use std::collections::HashMap;
use std::sync::Mutex;

use hookdesk_core::auth::{self, Actor, Permission, Role};
use hookdesk_core::config::{self, FreshCode};
use hookdesk_core::domain::{AuthInput, HookInput, Secret, StoreInput};
use hookdesk_core::Ctx;

use crate::support::totp;

/// The password of every user these helpers make (a canary, so the trace-log scan would catch a leak).
pub const PASSWORD: &str = "canary-config-password";

pub use super::Env;

pub fn env() -> Env {
    Env::at(1_700_000_000_000)
}

/// A user these helpers made: its two-factor key and its session, per data directory.
#[derive(Clone)]
struct Member {
    name: String,
    role: Role,
    secret: String,
    token: String,
}

/// Users made so far, by database path. Each test has its own temporary data directory.
static TEAMS: Mutex<Option<HashMap<String, Vec<Member>>>> = Mutex::new(None);

fn team_key(ctx: &Ctx) -> String {
    ctx.db.describe()
}

fn members(ctx: &Ctx, role: Role) -> Vec<Member> {
    let teams = TEAMS.lock().unwrap_or_else(|e| e.into_inner());
    teams
        .as_ref()
        .and_then(|t| t.get(&team_key(ctx)))
        .map(|v| v.iter().filter(|m| m.role == role).cloned().collect())
        .unwrap_or_default()
}

fn remember(ctx: &Ctx, m: Member) {
    let mut teams = TEAMS.lock().unwrap_or_else(|e| e.into_inner());
    teams
        .get_or_insert_with(HashMap::new)
        .entry(team_key(ctx))
        .or_default()
        .push(m);
}

fn now_secs(ctx: &Ctx) -> i64 {
    ctx.clock.now_ms().div_euclid(1000)
}

/// A TOTP code for `m` the core will still take at the current time: the step before, at or after now
/// (one step of skew either way), whichever is the first later than the last one the user spent.
fn unused_code(ctx: &Ctx, m: &Member) -> Option<String> {
    let last: Option<i64> = ctx
        .db
        .conn()
        .query_row(
            "SELECT last_totp_step FROM users WHERE name = ?1",
            hookdesk_core::args![&m.name],
            |r| r.get(0),
        )
        .expect("user row");
    let step = now_secs(ctx).div_euclid(30);
    (step - 1..=step + 1)
        .find(|s| last.is_none_or(|l| *s > l))
        .map(|s| totp(&m.secret, s * 30))
}

/// Makes a new user of `role` through the real paths: first-run setup or an admin adding them, sign-in,
/// enrollment with a real code (which unlocks the session).
fn recruit(ctx: &Ctx, role: Role) -> Member {
    let count: i64 = ctx
        .db
        .conn()
        .query_row("SELECT COUNT(*) FROM users", hookdesk_core::args![], |r| {
            r.get(0)
        })
        .expect("count users");
    let name = format!("{}-user-{}", role.as_str(), members(ctx, role).len() + 1);
    let password = Secret::new(PASSWORD);
    if count == 0 {
        assert_eq!(role, Role::Admin, "the first user is an admin");
        auth::create_admin(ctx, &name, &password).expect("create admin");
    } else {
        auth::add_user(ctx, &admin(ctx), &name, role, &password).expect("add user");
    }
    let token = auth::sign_in(ctx, &name, &password)
        .expect("sign in")
        .token
        .expose()
        .to_string();
    let secret = auth::begin_enrollment(ctx, &token)
        .expect("enrollment")
        .secret_base32
        .expose()
        .to_string();
    // The step before now: that leaves two steps for fresh codes before the clock must move.
    let code = totp(&secret, (now_secs(ctx).div_euclid(30) - 1) * 30);
    auth::confirm_enrollment_for_token(ctx, &token, &code).expect("confirm enrollment");
    let m = Member {
        name,
        role,
        secret,
        token,
    };
    remember(ctx, m.clone());
    m
}

/// The member's actor from the real session check, signing in and unlocking again when the session
/// went idle on the test's clock.
fn session(ctx: &Ctx, m: &mut Member) -> Actor {
    if let Ok(a) = auth::require(ctx, &m.token, Permission::OwnAccount) {
        return a;
    }
    let signed = auth::sign_in(ctx, &m.name, &Secret::new(PASSWORD)).expect("sign in again");
    m.token = signed.token.expose().to_string();
    let code = unused_code(ctx, m).expect("a code to unlock with");
    auth::unlock(ctx, &m.token, &code).expect("unlock");
    let mut teams = TEAMS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(v) = teams.as_mut().and_then(|t| t.get_mut(&team_key(ctx))) {
        if let Some(slot) = v.iter_mut().find(|x| x.name == m.name) {
            slot.token = m.token.clone();
        }
    }
    auth::require(ctx, &m.token, Permission::OwnAccount).expect("unlocked")
}

/// An unlocked user of `role` in `ctx`'s data directory, made on first use.
pub fn actor(ctx: &Ctx, role: Role) -> Actor {
    let mut m = members(ctx, role)
        .into_iter()
        .next()
        .unwrap_or_else(|| recruit(ctx, role));
    session(ctx, &mut m)
}

pub fn admin(ctx: &Ctx) -> Actor {
    actor(ctx, Role::Admin)
}

/// A user of `role` with a current TOTP code they have not spent yet, for operations that need a fresh
/// code. A code (or its step) is accepted once, so when every member of the role has spent the steps
/// around now, another member is recruited.
pub fn with_code(ctx: &Ctx, role: Role) -> (Actor, String) {
    for mut m in members(ctx, role) {
        let actor = session(ctx, &mut m);
        if let Some(code) = unused_code(ctx, &m) {
            return (actor, code);
        }
    }
    let mut m = recruit(ctx, role);
    let actor = session(ctx, &mut m);
    let code = unused_code(ctx, &m).expect("a new member has unspent steps");
    (actor, code)
}

pub fn fresh(code: &str) -> Option<FreshCode<'_>> {
    Some(FreshCode::totp(code))
}

pub fn add_store(e: &Env, id: &str) {
    add_store_to(&e.ctx, id);
}

/// Adds store `id`, with a merchant key and a restaurant id so every family's envelope can be built.
pub fn add_store_to(ctx: &Ctx, id: &str) {
    let input = StoreInput {
        id: id.into(),
        name: format!("Store {id}"),
        merch_key: Some("7qwnw4j2kmqvrb3".into()),
        restaurant_id: Some("5f1b223c51e2d31e007b23d8".into()),
    };
    config::stores::add(ctx, &admin(ctx), &input).expect("add store");
}

/// A valid merchant hook for every store.
pub fn merchant_hook(label: &str) -> HookInput {
    HookInput {
        label: label.into(),
        url: "https://merchant.example.com/hooks".into(),
        events: vec!["transaction.sale.success".into()],
        all_stores: true,
        auth: AuthInput::Bearer {
            token: Secret::new("bearer-token-0001"),
        },
        ..HookInput::default()
    }
}

pub fn count(e: &Env, table: &str) -> i64 {
    e.ctx
        .db
        .conn()
        .query_row(
            &format!("SELECT COUNT(*) FROM {table}"),
            hookdesk_core::args![],
            |r| r.get(0),
        )
        .expect("count")
}

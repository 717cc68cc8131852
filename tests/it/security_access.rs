//! Access matrix of the real `hookdesk` binary: every command that reads or changes settings, tried with no
//! session, with sessions that are not (or no longer) unlocked, and with each role (docs/architecture.md, Who may do what).

use std::path::Path;

use hookdesk_core::auth::{self, Role};
use hookdesk_core::config::{self, FreshCode};
use hookdesk_core::delivery::engine::outbox::{enqueue, NewEvent};
use hookdesk_core::domain::{HookInput, StoreInput};
use serde_json::json;

use crate::support::cli::{error_code, run_with_stdin};
use crate::support::team::{self as se, Env, User, PASSWORD};

/// One command line and which of admin, manager, support may run it.
struct Case {
    name: &'static str,
    args: Vec<String>,
    allowed: [bool; 3],
}

fn case(name: &'static str, args: &[&str], allowed: [bool; 3]) -> Case {
    Case {
        name,
        args: args.iter().map(|s| s.to_string()).collect(),
        allowed,
    }
}

const ALL: [bool; 3] = [true, true, true];
const EDITORS: [bool; 3] = [true, true, false];
const ADMIN: [bool; 3] = [true, false, false];

struct World {
    env: Env,
    team: Vec<User>,
    base_hook: String,
    /// One hook per role for that role's `hook delete`.
    del_hooks: Vec<String>,
    delivery_id: i64,
    import_file: String,
    _receiver: se::Receiver,
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

fn world() -> World {
    let env = Env::real_time();
    let team = se::team(&env);
    let admin = team[0].actor(&env);
    let store = StoreInput {
        id: "store-1".into(),
        name: "Main Street".into(),
        ..StoreInput::default()
    };
    config::stores::add(&env.ctx, &admin, &store).unwrap();
    let receiver = se::Receiver::start();
    // The admin's enrollment used the current step; the next one is still inside the ±1 window.
    let fresh = se::totp(&team[0].secret, env.now() / 1000 + 30);
    let base = config::hooks::create(
        &env.ctx,
        &admin,
        &hook_input("Base", &receiver.url, true),
        Some(FreshCode::totp(&fresh)),
    )
    .unwrap();
    let mut del_hooks = Vec::new();
    for role in se::ROLES {
        let label = format!("Delete {}", role.as_str());
        let url = format!("https://hooks.example.com/{}", role.as_str());
        let h = config::hooks::create(&env.ctx, &admin, &hook_input(&label, &url, false), None)
            .unwrap();
        del_hooks.push(h.id);
        let victim = format!("victim-{}", role.as_str());
        auth::add_user(
            &env.ctx,
            &admin,
            &victim,
            Role::Support,
            &hookdesk_core::domain::Secret::new(PASSWORD),
        )
        .unwrap();
    }
    let ev = NewEvent::parse(
        "order.open",
        "store-1",
        json!({"checkId": "c-1", "source": "olo"}),
        None,
        None,
    )
    .unwrap();
    enqueue(&env.ctx, &ev, env.now()).unwrap();
    let delivery_id: i64 = env
        .ctx
        .db
        .conn()
        .query_row(
            "SELECT id FROM deliveries WHERE hook_id = ?1",
            hookdesk_core::args![&base.id],
            |r| r.get(0),
        )
        .unwrap();
    let import_file = env.dir.path().join("import.json");
    std::fs::write(&import_file, r#"{"format":"hookdesk-config","version":1}"#).unwrap();
    World {
        base_hook: base.id,
        del_hooks,
        delivery_id,
        import_file: import_file.display().to_string(),
        env,
        team,
        _receiver: receiver,
    }
}

fn cases(w: &World, role: &str) -> Vec<Case> {
    let base = w.base_hook.as_str();
    let i = se::ROLES.iter().position(|r| r.as_str() == role).unwrap();
    let del = w.del_hooks[i].clone();
    let new_user = format!("u-{role}");
    let victim = format!("victim-{role}");
    let new_store = format!("s-{role}");
    let delivery = w.delivery_id.to_string();
    vec![
        case(
            "user add",
            &[
                "user",
                "add",
                &new_user,
                "--role",
                "support",
                "--password-stdin",
            ],
            ADMIN,
        ),
        case("user list", &["user", "list"], ADMIN),
        case("user remove", &["user", "remove", &victim], ADMIN),
        case(
            "store add",
            &["store", "add", &new_store, "--name", "New store"],
            EDITORS,
        ),
        case("store list", &["store", "list"], ALL),
        case(
            "hook add",
            &[
                "hook",
                "add",
                "--label",
                "Added",
                "--url",
                "https://hooks.example.com/added",
                "--event",
                "order.open",
                "--all-stores",
            ],
            EDITORS,
        ),
        case(
            "hook edit",
            &["hook", "edit", base, "--label", "Edited"],
            EDITORS,
        ),
        case("hook list", &["hook", "list"], ALL),
        case("hook show", &["hook", "show", base], ALL),
        case("hook disable", &["hook", "disable", base], EDITORS),
        case("hook enable", &["hook", "enable", base], EDITORS),
        case("hook delete", &["hook", "delete", &del], EDITORS),
        case(
            "order-webhooks set",
            &[
                "order-webhooks",
                "set",
                "--store",
                "store-1",
                "--third-party",
                "on",
            ],
            EDITORS,
        ),
        case(
            "order-webhooks show",
            &["order-webhooks", "show", "--store", "store-1"],
            ALL,
        ),
        case(
            "emit",
            &[
                "emit",
                "--type",
                "order.update",
                "--store",
                "store-1",
                "--data",
                r#"{"checkId":"c-2"}"#,
            ],
            EDITORS,
        ),
        case(
            "send-test",
            &["send-test", base, "--event", "order.open"],
            ALL,
        ),
        case("deliveries", &["deliveries"], ALL),
        case("resend", &["resend", &delivery], ALL),
        case(
            "recover",
            &["recover", "--hook", base, "--since", "2020-01-01T00:00:00Z"],
            ALL,
        ),
        // Managers may already queue live events; a token lets a script do the same.
        case("ingest-token create", &["ingest-token", "create"], ADMIN),
        case("export", &["export"], ALL),
        case("import", &["import", &w.import_file], EDITORS),
        // Last: it ends the session the others use.
        case("lock", &["lock"], ALL),
    ]
}

fn run(dir: &Path, c: &Case, session: Option<&str>) -> std::process::Output {
    let args: Vec<&str> = c.args.iter().map(String::as_str).collect();
    let envs: Vec<(&str, &str)> = session
        .map(|t| ("HOOKDESK_SESSION", t))
        .into_iter()
        .collect();
    run_with_stdin(dir, &args, &envs, Some("a-new-password-123\n"))
}

fn assert_refused(out: &std::process::Output, want: &str, what: &str) {
    assert!(
        !out.status.success(),
        "{what}: expected {want}, but it succeeded"
    );
    assert_eq!(
        error_code(out).as_deref(),
        Some(want),
        "{what}: stderr {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn set_dead(w: &World) {
    w.env
        .ctx
        .db
        .conn()
        .execute(
            "UPDATE deliveries SET status = 'dead' WHERE id = ?1",
            hookdesk_core::args![w.delivery_id],
        )
        .unwrap();
}

#[test]
fn every_settings_command_needs_an_unlocked_session() {
    let w = world();
    let dir = &w.env.dir.path();
    // Signed in with the password only: never unlocked.
    let signed_only = se::sign_in(&w.env, &w.team[1].name);
    // Unlocked, then locked explicitly.
    let relocked = se::sign_in(&w.env, &w.team[2].name);
    auth::unlock(&w.env.ctx, &relocked, &w.team[2].recovery[0]).unwrap();
    auth::lock(&w.env.ctx, &relocked).unwrap();
    // Unlocked twenty minutes ago and idle since: past the 15-minute default.
    w.env.clock.advance(-20 * 60_000);
    let idle = se::user(&w.env, &w.team[0], "idle", Role::Admin).token;
    w.env.clock.advance(20 * 60_000);

    let garbage = "0".repeat(64);
    let sessions: [(&str, Option<&str>); 6] = [
        ("no session", None),
        ("empty session", Some("  ")),
        ("garbage session", Some(&garbage)),
        ("signed in, never unlocked", Some(&signed_only)),
        ("locked session", Some(&relocked)),
        ("idle-expired session", Some(&idle)),
    ];
    let before = state_counts(&w);
    for c in cases(&w, "admin") {
        for (label, token) in sessions {
            // Locking a session that is already locked or timed out is harmless and allowed.
            if c.name == "lock"
                && matches!(
                    label,
                    "locked session" | "idle-expired session" | "signed in, never unlocked"
                )
            {
                continue;
            }
            let out = run(dir, &c, token);
            assert_refused(&out, "locked", &format!("{} with {label}", c.name));
        }
    }
    assert_eq!(
        state_counts(&w),
        before,
        "a refused command changed something"
    );
}

/// Rows that any of the commands above would add, change or remove.
fn state_counts(w: &World) -> Vec<i64> {
    let conn = w.env.ctx.db.conn();
    [
        "SELECT COUNT(*) FROM users",
        "SELECT COUNT(*) FROM stores",
        "SELECT COUNT(*) FROM hooks",
        "SELECT COUNT(*) FROM hooks WHERE enabled = 1",
        "SELECT COUNT(*) FROM events",
        "SELECT COUNT(*) FROM deliveries",
        "SELECT COUNT(*) FROM deliveries WHERE status = 'pending'",
        "SELECT COUNT(*) FROM ingest_tokens",
        "SELECT COUNT(*) FROM hooks WHERE label = 'Edited'",
        "SELECT COUNT(*) FROM order_webhooks",
    ]
    .iter()
    .map(|q| {
        conn.query_row(q, hookdesk_core::args![], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{q}: {e}"))
    })
    .collect()
}

#[test]
fn each_role_may_run_exactly_what_design_allows() {
    let w = world();
    let dir = &w.env.dir.path();
    for (i, user) in w.team.iter().enumerate() {
        let role = user.role.as_str();
        for c in cases(&w, role) {
            if c.name == "resend" {
                set_dead(&w);
            }
            let before = state_counts(&w);
            let out = run(dir, &c, Some(&user.token));
            let what = format!("{} as {role}", c.name);
            if c.allowed[i] {
                assert!(
                    out.status.success(),
                    "{what}: expected success, got {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            } else {
                assert_refused(&out, "forbidden", &what);
                assert_eq!(
                    state_counts(&w),
                    before,
                    "{what}: refused but something changed"
                );
            }
        }
        // `lock` ran last: the session no longer opens anything.
        let out = run(
            dir,
            &case("hook list", &["hook", "list"], ALL),
            Some(&user.token),
        );
        assert_refused(&out, "locked", &format!("hook list as {role} after lock"));
    }
}

//! Sign-in, enrollment, unlock lifetime, roles, user management and the audit log.

use hookdesk_core::auth::audit;
use hookdesk_core::auth::{self, Permission, Role};
use hookdesk_core::domain::Secret;

use crate::support::accounts::{code_at, setup_admin, setup_user, sign_in, Env, ADMIN_PASSWORD};

const MINUTE: i64 = 60_000;

#[test]
fn first_run_creates_one_admin_only() {
    let env = Env::new();
    assert!(auth::needs_setup(&env.ctx).unwrap());
    let err = auth::create_admin(&env.ctx, "ana", &Secret::new("short")).unwrap_err();
    assert_eq!(err.field(), Some("password"));
    let err = auth::create_admin(&env.ctx, "  ", &Secret::new(ADMIN_PASSWORD)).unwrap_err();
    assert_eq!(err.field(), Some("name"));
    assert!(auth::needs_setup(&env.ctx).unwrap());
    let (user, enrollment) =
        auth::create_admin(&env.ctx, " ana ", &Secret::new(ADMIN_PASSWORD)).unwrap();
    assert_eq!(user.name, "ana");
    assert!(enrollment
        .otpauth_url
        .expose()
        .starts_with("otpauth://totp/"));
    assert_eq!(format!("{:?}", enrollment.secret_base32), "Secret(***)");
    assert!(!auth::needs_setup(&env.ctx).unwrap());
    let err = auth::create_admin(&env.ctx, "bob", &Secret::new(ADMIN_PASSWORD)).unwrap_err();
    assert_eq!(err.code(), "conflict");
}

#[test]
fn wrong_password_and_unknown_name_look_the_same() {
    let env = Env::new();
    setup_admin(&env, "ana");
    let a = auth::sign_in(&env.ctx, "ana", &Secret::new("wrong-password-x")).unwrap_err();
    let b = auth::sign_in(&env.ctx, "nobody", &Secret::new(ADMIN_PASSWORD)).unwrap_err();
    assert_eq!(a.code(), "unauthorized");
    assert_eq!(a.to_payload(), b.to_payload());
    // Names match case-insensitively.
    auth::sign_in(&env.ctx, "ANA", &Secret::new(ADMIN_PASSWORD)).unwrap();
}

#[test]
fn a_signed_in_session_is_locked_until_a_code_and_enrollment_comes_first() {
    let env = Env::new();
    let (_, enrollment) =
        auth::create_admin(&env.ctx, "ana", &Secret::new(ADMIN_PASSWORD)).unwrap();
    let token = auth::sign_in(&env.ctx, "ana", &Secret::new(ADMIN_PASSWORD))
        .unwrap()
        .token;
    let token = token.expose();
    assert_eq!(
        auth::require(&env.ctx, token, Permission::ReadHooks)
            .unwrap_err()
            .code(),
        "locked"
    );
    let secret = enrollment.secret_base32.expose();
    let err = auth::unlock(&env.ctx, token, &code_at(secret, env.now())).unwrap_err();
    assert_eq!(err.code(), "enrollment_required");
    // Asking again before confirming shows the same key.
    let again = auth::begin_enrollment(&env.ctx, token).unwrap();
    assert_eq!(again.secret_base32.expose(), secret);
    let info = auth::session_info(&env.ctx, token).unwrap();
    assert!(!info.unlocked && !info.totp_enrolled);

    let err = auth::confirm_enrollment_for_token(&env.ctx, token, "000000").unwrap_err();
    assert_eq!(err.field(), Some("code"));
    let codes =
        auth::confirm_enrollment_for_token(&env.ctx, token, &code_at(secret, env.now())).unwrap();
    assert_eq!(codes.len(), 10);
    let info = auth::session_info(&env.ctx, token).unwrap();
    assert!(info.unlocked && info.totp_enrolled);
    assert_eq!(info.idle_expires_at_ms, Some(env.now() + 15 * MINUTE));
    assert_eq!(
        auth::begin_enrollment(&env.ctx, token).unwrap_err().code(),
        "conflict"
    );
    auth::require(&env.ctx, token, Permission::ManageUsers).unwrap();
}

#[test]
fn an_unlock_ends_after_idling_or_an_explicit_lock() {
    let env = Env::new();
    let admin = setup_admin(&env, "ana");
    let token = sign_in(&env, &admin);
    let info = auth::unlock(&env.ctx, &token, &code_at(&admin.secret, env.now())).unwrap();
    assert_eq!(info.expires_at_ms, env.now() + 15 * MINUTE);

    // Activity keeps it open.
    for _ in 0..3 {
        env.clock.advance(14 * MINUTE);
        auth::require(&env.ctx, &token, Permission::ReadHooks).unwrap();
    }
    env.clock.advance(15 * MINUTE + 1);
    assert_eq!(
        auth::require(&env.ctx, &token, Permission::ReadHooks)
            .unwrap_err()
            .code(),
        "locked"
    );
    // Still signed in: a code unlocks it again.
    assert!(!auth::session_info(&env.ctx, &token).unwrap().unlocked);
    auth::unlock(&env.ctx, &token, &code_at(&admin.secret, env.now())).unwrap();
    auth::lock(&env.ctx, &token).unwrap();
    assert_eq!(
        auth::require(&env.ctx, &token, Permission::ReadHooks)
            .unwrap_err()
            .code(),
        "locked"
    );

    auth::sign_out(&env.ctx, &token).unwrap();
    assert_eq!(
        auth::session_info(&env.ctx, &token).unwrap_err().code(),
        "unauthorized"
    );
    assert_eq!(
        auth::require(&env.ctx, "not-a-token", Permission::ReadHooks)
            .unwrap_err()
            .code(),
        "locked"
    );
}

#[test]
fn the_idle_timeout_is_an_admin_setting() {
    let env = Env::new();
    let admin = setup_admin(&env, "ana");
    let manager = setup_user(&env, &admin.token, "max", Role::Manager, "manager-password");
    let m = auth::require(&env.ctx, &manager.token, Permission::ReadHooks).unwrap();
    assert_eq!(
        auth::set_idle_minutes(&env.ctx, &m, 60).unwrap_err().code(),
        "forbidden"
    );
    let a = auth::require(&env.ctx, &admin.token, Permission::ManageSettings).unwrap();
    for bad in [0, 481, -5] {
        assert_eq!(
            auth::set_idle_minutes(&env.ctx, &a, bad)
                .unwrap_err()
                .field(),
            Some("minutes")
        );
    }
    auth::set_idle_minutes(&env.ctx, &a, 1).unwrap();
    assert_eq!(auth::idle_minutes(&env.ctx).unwrap(), 1);
    env.clock.advance(MINUTE);
    auth::require(&env.ctx, &admin.token, Permission::ReadHooks).unwrap();
    env.clock.advance(MINUTE + 1);
    assert_eq!(
        auth::require(&env.ctx, &admin.token, Permission::ReadHooks)
            .unwrap_err()
            .code(),
        "locked"
    );
}

#[test]
fn roles_gate_commands() {
    let env = Env::new();
    let admin = setup_admin(&env, "ana");
    let manager = setup_user(&env, &admin.token, "max", Role::Manager, "manager-password");
    let support = setup_user(&env, &admin.token, "sue", Role::Support, "support-password");

    auth::require(&env.ctx, &support.token, Permission::ReadLogs).unwrap();
    auth::require(&env.ctx, &support.token, Permission::SendTest).unwrap();
    let err = auth::require(&env.ctx, &support.token, Permission::EditHooks).unwrap_err();
    assert_eq!(err.code(), "forbidden");
    auth::require(&env.ctx, &manager.token, Permission::EditHooks).unwrap();
    assert_eq!(
        auth::require(&env.ctx, &manager.token, Permission::ManageUsers)
            .unwrap_err()
            .code(),
        "forbidden"
    );

    let m = auth::require(&env.ctx, &manager.token, Permission::ReadHooks).unwrap();
    let err = auth::add_user(
        &env.ctx,
        &m,
        "eve",
        Role::Admin,
        &Secret::new("eve-password-1"),
    )
    .unwrap_err();
    assert_eq!(err.code(), "forbidden");
    assert_eq!(
        auth::list_users(&env.ctx, &m).unwrap_err().code(),
        "forbidden"
    );
    assert_eq!(
        audit::list(&env.ctx, &m, 10, None).unwrap_err().code(),
        "forbidden"
    );
}

#[test]
fn admins_manage_users_but_not_themselves() {
    let env = Env::new();
    let admin = setup_admin(&env, "ana");
    let a = auth::require(&env.ctx, &admin.token, Permission::ManageUsers).unwrap();
    let err = auth::add_user(
        &env.ctx,
        &a,
        "ANA",
        Role::Support,
        &Secret::new("another-password"),
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("name"));
    let err = auth::add_user(
        &env.ctx,
        &a,
        "bob",
        Role::Support,
        &Secret::new("123456789"),
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("password"));
    let bob = auth::add_user(
        &env.ctx,
        &a,
        "bob",
        Role::Support,
        &Secret::new("bob-password-1"),
    )
    .unwrap();
    assert!(!bob.totp_enrolled);
    let names: Vec<String> = auth::list_users(&env.ctx, &a)
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(names, ["ana", "bob"]);

    assert_eq!(
        auth::remove_user(&env.ctx, &a, "ana").unwrap_err().field(),
        Some("name")
    );
    assert_eq!(
        auth::remove_user(&env.ctx, &a, "nobody")
            .unwrap_err()
            .code(),
        "not_found"
    );
    let bob_session = auth::sign_in(&env.ctx, "bob", &Secret::new("bob-password-1"))
        .unwrap()
        .token;
    auth::remove_user(&env.ctx, &a, "bob").unwrap();
    // The removed user's sessions go with them.
    let err = auth::session_info(&env.ctx, bob_session.expose()).unwrap_err();
    assert_eq!(err.code(), "unauthorized");
    assert_eq!(auth::list_users(&env.ctx, &a).unwrap().len(), 1);
}

#[test]
fn the_audit_log_records_sign_ins_codes_and_user_changes() {
    let env = Env::new();
    let admin = setup_admin(&env, "ana");
    let token = sign_in(&env, &admin);
    auth::unlock(&env.ctx, &token, "000000").unwrap_err();
    auth::sign_in(&env.ctx, "ana", &Secret::new("wrong-password-x")).unwrap_err();
    let a = auth::require(&env.ctx, &admin.token, Permission::ReadAudit).unwrap();
    auth::add_user(
        &env.ctx,
        &a,
        "bob",
        Role::Support,
        &Secret::new("bob-password-1"),
    )
    .unwrap();

    let entries = audit::list(&env.ctx, &a, 100, None).unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    for expected in [
        "user.add",
        "user.enroll",
        "user.sign_in",
        "user.code_failed",
        "user.sign_in_failed",
    ] {
        assert!(
            actions.contains(&expected),
            "{expected} missing from {actions:?}"
        );
    }
    assert_eq!(entries[0].action, "user.add");
    assert_eq!(entries[0].target, "bob");
    assert_eq!(entries[0].detail["role"], "support");
    assert!(entries.windows(2).all(|w| w[0].id > w[1].id));
    let older = audit::list(&env.ctx, &a, 2, Some(entries[1].id)).unwrap();
    assert_eq!(older.len(), 2);
    assert_eq!(older[0].id, entries[2].id);
    assert_eq!(
        audit::list(&env.ctx, &a, 0, None).unwrap_err().field(),
        Some("limit")
    );
}

//! The account lifecycle through the library on a manual clock: two-factor resets, new recovery codes,
//! password changes, disabling, enabling and role changes, and a user's own sessions.

use hookdesk_core::auth::{self, Permission, Role};
use hookdesk_core::domain::Secret;

use crate::support::accounts::{
    code_at, setup_admin, setup_user, sign_in, wrong_code, Enrolled, Env,
};

fn actor(env: &Env, u: &Enrolled) -> auth::Actor {
    auth::require(&env.ctx, &u.token, Permission::OwnAccount).unwrap()
}

/// A code for the current step, then moves on a step so the next call gets an unspent one.
fn code(env: &Env, u: &Enrolled) -> String {
    let c = code_at(&u.secret, env.now());
    env.next_step();
    c
}

fn audit_actions(env: &Env) -> Vec<String> {
    let conn = env.ctx.db.conn();
    let mut stmt = conn
        .prepare("SELECT action FROM audit_log ORDER BY id")
        .unwrap();
    let rows = stmt
        .query_map(hookdesk_core::args![], |r| r.get(0))
        .unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

fn user_row(env: &Env, name: &str) -> (Option<Vec<u8>>, bool, i64) {
    env.ctx
        .db
        .conn()
        .query_row(
            "SELECT totp_secret, totp_confirmed, (SELECT COUNT(*) FROM recovery_codes r WHERE r.user_id = u.id)
             FROM users u WHERE name = ?1",
            hookdesk_core::args![name],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
}

#[test]
fn reset_two_factor_clears_the_key_and_codes_and_ends_sessions() {
    let env = Env::new();
    let ana = setup_admin(&env, "ana");
    let bob = setup_user(&env, &ana.token, "bob", Role::Manager, "bob-password-1");
    let admin = actor(&env, &ana);

    // A wrong code changes nothing.
    let err = auth::reset_two_factor(&env.ctx, &admin, "bob", "000000x").unwrap_err();
    assert_eq!(err.field(), Some("code"));
    assert!(user_row(&env, "bob").1);
    assert!(auth::require(&env.ctx, &bob.token, Permission::ReadHooks).is_ok());
    let err = auth::reset_two_factor(&env.ctx, &admin, "nobody", &code(&env, &ana)).unwrap_err();
    assert_eq!(err.code(), "not_found");

    let view = auth::reset_two_factor(&env.ctx, &admin, "bob", &code(&env, &ana)).unwrap();
    assert!(!view.totp_enrolled);
    assert_eq!(user_row(&env, "bob"), (None, false, 0));
    assert_eq!(
        auth::require(&env.ctx, &bob.token, Permission::ReadHooks)
            .unwrap_err()
            .code(),
        "locked"
    );
    // Bob signs in again and is sent through enrollment; the old key and codes are worthless.
    let token = sign_in(&env, &bob);
    assert_eq!(
        auth::unlock(&env.ctx, &token, &bob.recovery[0])
            .unwrap_err()
            .code(),
        "enrollment_required"
    );
    let fresh = auth::begin_enrollment(&env.ctx, &token).unwrap();
    assert_ne!(fresh.secret_base32.expose(), bob.secret);
    let codes = auth::confirm_enrollment_for_token(
        &env.ctx,
        &token,
        &code_at(fresh.secret_base32.expose(), env.now()),
    )
    .unwrap();
    assert_eq!(codes.len(), 10);
    assert!(auth::require(&env.ctx, &token, Permission::EditHooks).is_ok());
    assert!(audit_actions(&env).contains(&"user.reset_2fa".to_string()));
}

#[test]
fn new_recovery_codes_replace_the_old_ones() {
    let env = Env::new();
    let ana = setup_admin(&env, "ana");
    let sam = setup_user(&env, &ana.token, "sam", Role::Support, "sam-password-1");
    let me = actor(&env, &sam);
    let err = auth::renew_recovery_codes(&env.ctx, &me, &sam.recovery[0]).unwrap_err();
    assert_eq!(
        err.field(),
        Some("code"),
        "a recovery code is no fresh code"
    );
    let codes = auth::renew_recovery_codes(&env.ctx, &me, &code(&env, &sam)).unwrap();
    assert_eq!(codes.len(), 10);
    assert!(codes.iter().all(|c| !sam.recovery.contains(c)));
    let old = sign_in(&env, &sam);
    assert_eq!(
        auth::unlock(&env.ctx, &old, &sam.recovery[1])
            .unwrap_err()
            .field(),
        Some("code")
    );
    let new = sign_in(&env, &sam);
    auth::unlock(&env.ctx, &new, &codes[0]).unwrap();
    assert!(audit_actions(&env).contains(&"user.recovery_codes".to_string()));
}

#[test]
fn a_password_change_checks_the_old_one_applies_the_rules_and_ends_other_sessions() {
    let env = Env::new();
    let ana = setup_admin(&env, "ana");
    let other = sign_in(&env, &ana);
    let me = actor(&env, &ana);
    let new = Secret::new("canary-new-password-1");
    let cases = [
        (
            "wrong-password-1",
            "canary-new-password-1",
            "currentPassword",
        ),
        (ana.password.as_str(), "short", "newPassword"),
        (ana.password.as_str(), ana.password.as_str(), "newPassword"),
    ];
    for (current, next, field) in cases {
        let err = auth::change_password(
            &env.ctx,
            &me,
            &Secret::new(current),
            &Secret::new(next),
            &code_at(&ana.secret, env.now()),
        )
        .unwrap_err();
        assert_eq!(err.field(), Some(field), "{err:?}");
    }
    // Nothing changed: the old password still signs in.
    let _ = sign_in(&env, &ana);
    auth::change_password(
        &env.ctx,
        &me,
        &Secret::new(ana.password.as_str()),
        &new,
        &code(&env, &ana),
    )
    .unwrap();
    assert_eq!(
        auth::sign_in(&env.ctx, "ana", &Secret::new(ana.password.as_str()))
            .unwrap_err()
            .code(),
        "unauthorized"
    );
    assert!(auth::sign_in(&env.ctx, "ana", &new).is_ok());
    // The session that made the change carries on; the other one is gone.
    assert!(auth::require(&env.ctx, &ana.token, Permission::ManageUsers).is_ok());
    assert_eq!(
        auth::session_info(&env.ctx, &other).unwrap_err().code(),
        "unauthorized"
    );
}

#[test]
fn disabled_users_cannot_sign_in_and_the_last_enabled_admin_stays() {
    let env = Env::new();
    let ana = setup_admin(&env, "ana");
    let bob = setup_user(&env, &ana.token, "bob", Role::Admin, "bob-password-1");
    let admin = actor(&env, &ana);

    let err =
        auth::set_disabled(&env.ctx, &admin, "ana", true, Some(&code(&env, &ana))).unwrap_err();
    assert_eq!(err.field(), Some("name"), "not yourself");
    let view = auth::set_disabled(&env.ctx, &admin, "bob", true, Some(&code(&env, &ana))).unwrap();
    assert!(view.disabled);
    assert_eq!(
        auth::require(&env.ctx, &bob.token, Permission::ReadHooks)
            .unwrap_err()
            .code(),
        "locked",
        "the session ended at once"
    );
    assert_eq!(
        auth::sign_in(&env.ctx, "bob", &Secret::new("bob-password-1"))
            .unwrap_err()
            .code(),
        "unauthorized"
    );
    // Ana is now the last enabled admin: she cannot be demoted or removed until Carl is made an admin.
    let carl = setup_user(&env, &ana.token, "carl", Role::Manager, "carl-password-1");
    let err = auth::set_role(
        &env.ctx,
        &admin,
        "ana",
        Role::Manager,
        Some(&code(&env, &ana)),
    )
    .unwrap_err();
    assert!(
        err.message().contains("last enabled administrator"),
        "{err:?}"
    );
    let err = auth::remove_user(&env.ctx, &admin, "ana").unwrap_err();
    assert_eq!(err.field(), Some("name"));
    auth::set_role(
        &env.ctx,
        &admin,
        "carl",
        Role::Admin,
        Some(&code(&env, &ana)),
    )
    .unwrap();
    let carl_admin = auth::require(&env.ctx, &carl.token, Permission::ManageUsers).unwrap();
    assert_eq!(carl_admin.role(), Role::Admin);
    // With Carl an admin, Ana may be demoted; the last enabled admin (Carl) may not disable himself.
    auth::set_role(
        &env.ctx,
        &carl_admin,
        "ana",
        Role::Support,
        Some(&code(&env, &carl)),
    )
    .unwrap();
    assert_eq!(
        auth::require(&env.ctx, &ana.token, Permission::ManageUsers)
            .unwrap_err()
            .code(),
        "forbidden"
    );
    let err = auth::set_role(
        &env.ctx,
        &carl_admin,
        "carl",
        Role::Manager,
        Some(&code(&env, &carl)),
    )
    .unwrap_err();
    assert!(
        err.message().contains("last enabled administrator"),
        "{err:?}"
    );

    auth::set_disabled(
        &env.ctx,
        &carl_admin,
        "bob",
        false,
        Some(&code(&env, &carl)),
    )
    .unwrap();
    assert!(auth::sign_in(&env.ctx, "bob", &Secret::new("bob-password-1")).is_ok());
    let actions = audit_actions(&env);
    for a in ["user.disable", "user.enable", "user.role"] {
        assert!(actions.contains(&a.to_string()), "{a} in {actions:?}");
    }
}

#[test]
fn own_sessions_are_listed_and_signed_out_everywhere() {
    let env = Env::new();
    let ana = setup_admin(&env, "ana");
    let second = sign_in(&env, &ana);
    let me = actor(&env, &ana);
    let list = auth::own_sessions(&env.ctx, &me).unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list.iter().filter(|s| s.current).count(), 1);
    assert!(list
        .iter()
        .all(|s| s.id.len() == 12 && !ana.token.contains(&s.id)));
    assert_eq!(auth::sign_out_everywhere(&env.ctx, &me).unwrap(), 2);
    for t in [&ana.token, &second] {
        assert_eq!(
            auth::session_info(&env.ctx, t).unwrap_err().code(),
            "unauthorized"
        );
    }
}

/// The role matrix for the lifecycle operations: only an admin manages other users (and is refused
/// before any code is looked at); every role manages its own account.
#[test]
fn only_admins_manage_users_and_everyone_manages_their_own_account() {
    let env = Env::new();
    let ana = setup_admin(&env, "ana");
    let mona = setup_user(&env, &ana.token, "mona", Role::Manager, "mona-password-1");
    let sam = setup_user(&env, &ana.token, "sam", Role::Support, "sam-password-1");
    let snapshot = || -> Vec<(String, String, Option<i64>, bool)> {
        let conn = env.ctx.db.conn();
        let mut stmt = conn
            .prepare("SELECT name, role, disabled_at, totp_confirmed FROM users ORDER BY id")
            .unwrap();
        let rows = stmt
            .query_map(hookdesk_core::args![], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .unwrap();
        rows.collect::<Result<_, _>>().unwrap()
    };
    for u in [&mona, &sam] {
        let a = actor(&env, u);
        let before = snapshot();
        let c = code_at(&u.secret, env.now());
        let refused = [
            auth::reset_two_factor(&env.ctx, &a, "ana", &c).map(drop),
            auth::set_disabled(&env.ctx, &a, "ana", true, Some(&c)).map(drop),
            auth::set_disabled(&env.ctx, &a, "ana", false, Some(&c)).map(drop),
            auth::set_role(&env.ctx, &a, "ana", Role::Support, Some(&c)).map(drop),
            auth::set_role(&env.ctx, &a, &u.name, Role::Admin, Some(&c)).map(drop),
        ];
        for r in refused {
            assert_eq!(r.unwrap_err().code(), "forbidden", "{}", u.name);
        }
        assert_eq!(snapshot(), before, "refused calls changed nothing");
        // Their code is still unspent: the refusal came first.
        assert_eq!(
            auth::renew_recovery_codes(&env.ctx, &a, &c).unwrap().len(),
            10
        );
        assert_eq!(auth::own_sessions(&env.ctx, &a).unwrap().len(), 1);
    }
}

/// The CLI runs `user disable|enable|role` without `--code` (docs/architecture.md, Who may do what), right after `hookdesk unlock`: an unlock
/// with a code in the last five minutes stands in for a fresh code there. Later it does not, and
/// reset-2fa always takes a code.
#[test]
fn disable_enable_and_role_accept_a_recent_unlock_instead_of_a_code() {
    let env = Env::new();
    let ana = setup_admin(&env, "ana");
    setup_user(&env, &ana.token, "bob", Role::Manager, "bob-password-1");
    let token = sign_in(&env, &ana);
    auth::unlock(&env.ctx, &token, &code_at(&ana.secret, env.now())).unwrap();
    let admin = auth::require(&env.ctx, &token, Permission::ManageUsers).unwrap();

    env.clock.advance(auth::RECENT_UNLOCK_MS - 1_000);
    let view = auth::set_disabled(&env.ctx, &admin, "bob", true, None).unwrap();
    assert!(view.disabled);
    auth::set_disabled(&env.ctx, &admin, "bob", false, None).unwrap();
    let view = auth::set_role(&env.ctx, &admin, "bob", Role::Support, None).unwrap();
    assert_eq!(view.role, Role::Support);

    env.clock.advance(2_000);
    let before = user_row(&env, "bob");
    for r in [
        auth::set_disabled(&env.ctx, &admin, "bob", true, None).map(drop),
        auth::set_role(&env.ctx, &admin, "bob", Role::Manager, None).map(drop),
    ] {
        let e = r.unwrap_err();
        assert_eq!((e.code(), e.field()), ("invalid", Some("code")), "{e:?}");
    }
    assert_eq!(user_row(&env, "bob"), before);
    // A code given is checked even inside the window: a wrong one is refused.
    let wrong = wrong_code(&ana.secret, env.now());
    let e = auth::set_role(&env.ctx, &admin, "bob", Role::Manager, Some(&wrong)).unwrap_err();
    assert_eq!(e.field(), Some("code"), "{e:?}");
    let view = auth::set_role(
        &env.ctx,
        &admin,
        "bob",
        Role::Manager,
        Some(&code_at(&ana.secret, env.now())),
    )
    .unwrap();
    assert_eq!(view.role, Role::Manager);
}

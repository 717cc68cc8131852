//! Wrong codes lock the user out: 5 minutes after five, doubling up to an hour, across restarts.
//! Recovery codes work once each and count against the same limit.

use hookdesk_core::auth::{self, Permission};
use hookdesk_core::Error;

use crate::support::accounts::{code_at, setup_admin, sign_in, wrong_code, Enrolled, Env};

const MINUTE: i64 = 60_000;

fn fail_five(env: &Env, ctx: &hookdesk_core::Ctx, u: &Enrolled, token: &str) -> Error {
    for i in 1..=4 {
        let err = auth::unlock(ctx, token, &wrong_code(&u.secret, env.now())).unwrap_err();
        assert_eq!(err.field(), Some("code"), "attempt {i}: {err:?}");
    }
    auth::unlock(ctx, token, &wrong_code(&u.secret, env.now())).unwrap_err()
}

/// Read through the signed-in (locked) session, which works while the user is locked out.
fn locked_until(env: &Env, token: &str) -> Option<i64> {
    auth::session_info(&env.ctx, token)
        .unwrap()
        .user
        .locked_until_ms
}

#[test]
fn five_wrong_codes_lock_for_five_minutes_even_against_the_right_code() {
    let env = Env::new();
    let admin = setup_admin(&env, "ana");
    let token = sign_in(&env, &admin);
    let err = fail_five(&env, &env.ctx, &admin, &token);
    assert_eq!(err.code(), "locked_out", "{err:?}");
    assert_eq!(locked_until(&env, &token), Some(env.now() + 5 * MINUTE));

    let right = code_at(&admin.secret, env.now());
    assert_eq!(
        auth::unlock(&env.ctx, &token, &right).unwrap_err().code(),
        "locked_out"
    );
    env.clock.advance(5 * MINUTE - 1_000);
    let right = code_at(&admin.secret, env.now());
    assert_eq!(
        auth::unlock(&env.ctx, &token, &right).unwrap_err().code(),
        "locked_out"
    );
    env.clock.advance(1_000);
    auth::unlock(&env.ctx, &token, &code_at(&admin.secret, env.now())).unwrap();
    auth::require(&env.ctx, &token, Permission::ReadHooks).unwrap();
}

#[test]
fn each_further_lockout_doubles_up_to_an_hour() {
    let env = Env::new();
    let admin = setup_admin(&env, "ana");
    let token = sign_in(&env, &admin);
    for expected_minutes in [5, 10, 20, 40, 60, 60] {
        let err = fail_five(&env, &env.ctx, &admin, &token);
        assert_eq!(err.code(), "locked_out");
        let until = locked_until(&env, &token).unwrap();
        assert_eq!(until - env.now(), expected_minutes * MINUTE);
        env.clock.set(until);
    }
    // A right code ends the streak: the next lockout is short again.
    auth::unlock(&env.ctx, &token, &code_at(&admin.secret, env.now())).unwrap();
    env.next_step();
    fail_five(&env, &env.ctx, &admin, &token);
    assert_eq!(locked_until(&env, &token).unwrap() - env.now(), 5 * MINUTE);
}

#[test]
fn a_lockout_survives_reopening_the_data_dir() {
    let env = Env::new();
    let admin = setup_admin(&env, "ana");
    let token = sign_in(&env, &admin);
    {
        let other = env.open_again();
        fail_five(&env, &other, &admin, &token);
    }
    let reopened = env.open_again();
    let err = auth::unlock(&reopened, &token, &code_at(&admin.secret, env.now())).unwrap_err();
    assert_eq!(err.code(), "locked_out");
    // Failures below the limit persist too.
    env.clock.advance(5 * MINUTE);
    for _ in 0..3 {
        auth::unlock(&reopened, &token, &wrong_code(&admin.secret, env.now())).unwrap_err();
    }
    drop(reopened);
    let again = env.open_again();
    auth::unlock(&again, &token, &wrong_code(&admin.secret, env.now())).unwrap_err();
    let err = auth::unlock(&again, &token, &wrong_code(&admin.secret, env.now())).unwrap_err();
    assert_eq!(err.code(), "locked_out");
}

#[test]
fn recovery_codes_work_once_each_and_wrong_ones_count() {
    let env = Env::new();
    let admin = setup_admin(&env, "ana");
    assert_eq!(admin.recovery.len(), 10);
    let token = sign_in(&env, &admin);
    // Typed sloppily: upper case, spaces for dashes.
    let sloppy = admin.recovery[0].to_uppercase().replace('-', " ");
    auth::unlock(&env.ctx, &token, &sloppy).unwrap();
    auth::lock(&env.ctx, &token).unwrap();
    let err = auth::unlock(&env.ctx, &token, &admin.recovery[0]).unwrap_err();
    assert_eq!(err.field(), Some("code"));
    auth::unlock(&env.ctx, &token, &admin.recovery[1]).unwrap();
    auth::lock(&env.ctx, &token).unwrap();

    // The success reset the count: four made-up codes, then the fifth locks.
    for guess in [
        "abcd-efgh-jkmn",
        "bcde-fghj-kmnp",
        "cdef-ghjk-mnpq",
        "xyzw-vuts-rqpn",
    ] {
        assert_eq!(
            auth::unlock(&env.ctx, &token, guess).unwrap_err().field(),
            Some("code")
        );
    }
    let err = auth::unlock(&env.ctx, &token, "defg-hjkm-npqr").unwrap_err();
    assert_eq!(err.code(), "locked_out", "{err:?}");
    assert_eq!(
        auth::unlock(&env.ctx, &token, &admin.recovery[2])
            .unwrap_err()
            .code(),
        "locked_out"
    );
}

#[test]
fn a_malformed_code_is_refused_without_counting() {
    let env = Env::new();
    let admin = setup_admin(&env, "ana");
    let token = sign_in(&env, &admin);
    for junk in ["", "12345", "1234567", "not a code", "12345a"] {
        let err = auth::unlock(&env.ctx, &token, junk).unwrap_err();
        assert_eq!(err.field(), Some("code"), "{junk:?}");
    }
    auth::unlock(&env.ctx, &token, &code_at(&admin.secret, env.now())).unwrap();
}

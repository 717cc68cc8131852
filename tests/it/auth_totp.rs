//! TOTP computation (RFC 6238 vectors), replay protection and the clock-skew hint.

use std::sync::{Arc, Barrier};

use hookdesk_core::auth::{self, totp, Permission};

use crate::support::accounts::{code_at, setup_admin, sign_in, Env, STEP_MS};

/// RFC 6238 appendix B, SHA1 column, with the RFC's 8 digits; the 6-digit code is the last six.
#[test]
fn rfc6238_sha1_vectors() {
    let secret = b"12345678901234567890";
    let vectors: [(u64, &str); 6] = [
        (59, "94287082"),
        (1_111_111_109, "07081804"),
        (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"),
        (20_000_000_000, "65353130"),
    ];
    for (t, expected) in vectors {
        assert_eq!(totp::code_at(secret, 8, t).unwrap(), expected, "t = {t}");
        assert_eq!(
            totp::code_at(secret, 6, t).unwrap(),
            expected[2..],
            "t = {t}"
        );
        let m = totp::match_code(secret, &expected[2..], t as i64).unwrap();
        assert_eq!(m, totp::CodeMatch::Step((t / 30) as i64), "t = {t}");
    }
}

#[test]
fn a_code_is_accepted_once_and_earlier_steps_never_again() {
    let env = Env::new();
    let admin = setup_admin(&env, "ana");
    let code = code_at(&admin.secret, env.now());
    let t1 = sign_in(&env, &admin);
    auth::unlock(&env.ctx, &t1, &code).unwrap();

    let t2 = sign_in(&env, &admin);
    let err = auth::unlock(&env.ctx, &t2, &code).unwrap_err();
    assert_eq!(err.field(), Some("code"), "{err:?}");
    assert!(err.message().contains("already used"), "{}", err.message());
    assert_eq!(
        auth::require(&env.ctx, &t2, Permission::ReadHooks)
            .unwrap_err()
            .code(),
        "locked"
    );

    // The previous step's code is still inside the ±1 window but older than the one used.
    let previous = code_at(&admin.secret, env.now() - STEP_MS);
    assert!(auth::unlock(&env.ctx, &t2, &previous).is_err());

    env.next_step();
    auth::unlock(&env.ctx, &t2, &code_at(&admin.secret, env.now())).unwrap();
    auth::require(&env.ctx, &t2, Permission::ReadHooks).unwrap();
}

#[test]
fn two_concurrent_unlocks_with_one_code_let_exactly_one_through() {
    for _ in 0..5 {
        let env = Env::new();
        let admin = setup_admin(&env, "ana");
        let code = code_at(&admin.secret, env.now());
        let tokens = [sign_in(&env, &admin), sign_in(&env, &admin)];
        let barrier = Arc::new(Barrier::new(2));
        let results: Vec<_> = tokens
            .into_iter()
            .map(|token| {
                // Each thread has its own Ctx, so its own SQLite connection to the same file.
                let ctx = env.open_again();
                let code = code.clone();
                let barrier = barrier.clone();
                std::thread::spawn(move || {
                    barrier.wait();
                    auth::unlock(&ctx, &token, &code).map(|_| ())
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| h.join().unwrap())
            .collect();
        let ok = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(ok, 1, "{results:?}");
    }
}

#[test]
fn a_code_from_minutes_away_hints_at_the_clock() {
    let env = Env::new();
    let admin = setup_admin(&env, "ana");
    let token = sign_in(&env, &admin);
    for steps in [3, -4, 10] {
        let code = code_at(&admin.secret, env.now() + steps * STEP_MS);
        let err = auth::unlock(&env.ctx, &token, &code).unwrap_err();
        assert_eq!(err.code(), "invalid");
        assert_eq!(err.field(), Some("code"));
        assert!(err.message().contains("clock"), "{}", err.message());
    }
    let far = code_at(&admin.secret, env.now() + 40 * STEP_MS);
    let err = auth::unlock(&env.ctx, &token, &far).unwrap_err();
    assert!(!err.message().contains("clock"), "{}", err.message());
    // A code from the next step is within the allowed skew.
    auth::unlock(
        &env.ctx,
        &token,
        &code_at(&admin.secret, env.now() + STEP_MS),
    )
    .unwrap();
}

#[test]
fn a_fresh_code_check_follows_the_same_replay_rules() {
    let env = Env::new();
    let admin = setup_admin(&env, "ana");
    let token = sign_in(&env, &admin);
    let code = code_at(&admin.secret, env.now());
    auth::unlock(&env.ctx, &token, &code).unwrap();
    let actor = auth::require(&env.ctx, &token, Permission::AllowPrivateNetwork).unwrap();
    assert!(auth::verify_fresh_code(&env.ctx, &actor, &code).is_err());
    let rc = &admin.recovery[0];
    assert_eq!(
        auth::verify_fresh_code(&env.ctx, &actor, rc)
            .unwrap_err()
            .field(),
        Some("code")
    );
    env.next_step();
    auth::verify_fresh_code(&env.ctx, &actor, &code_at(&admin.secret, env.now())).unwrap();
}

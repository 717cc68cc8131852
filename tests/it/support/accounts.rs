//! Users for the account and two-factor tests, made through the library on the `Env`'s manual clock.

use hookdesk_core::auth::{self, Role};
use hookdesk_core::domain::Secret;

pub use super::Env;

/// The start of a TOTP step, so "30 s later" is always the next step.
pub const T0: i64 = 1_700_000_010_000;
pub const STEP_MS: i64 = 30_000;
pub const ADMIN_PASSWORD: &str = "admin-password-1";

/// The code an authenticator app shows at `at_ms`, computed with totp-rs from the base32 key alone.
pub fn code_at(secret_base32: &str, at_ms: i64) -> String {
    let secret = totp_rs::Secret::try_from_base32(secret_base32).unwrap();
    let totp = totp_rs::Builder::new()
        .with_secret(secret.as_bytes().to_vec())
        .build()
        .unwrap();
    totp.generate((at_ms / 1000) as u64).to_string()
}

/// A 6-digit code that is not the one for `at_ms`.
pub fn wrong_code(secret_base32: &str, at_ms: i64) -> String {
    let right: u32 = code_at(secret_base32, at_ms).parse().unwrap();
    format!("{:06}", (right + 500_001) % 1_000_000)
}

/// A user with confirmed two-factor and a signed-in, unlocked session.
pub struct Enrolled {
    pub name: String,
    pub password: String,
    pub secret: String,
    pub recovery: Vec<String>,
    pub token: String,
}

pub fn setup_admin(env: &Env, name: &str) -> Enrolled {
    let (user, enrollment) =
        auth::create_admin(&env.ctx, name, &Secret::new(ADMIN_PASSWORD)).unwrap();
    assert_eq!(user.role, Role::Admin);
    assert!(!user.totp_enrolled);
    let secret = enrollment.secret_base32.expose().to_string();
    let signed = auth::sign_in(&env.ctx, name, &Secret::new(ADMIN_PASSWORD)).unwrap();
    let token = signed.token.expose().to_string();
    let recovery =
        auth::confirm_enrollment_for_token(&env.ctx, &token, &code_at(&secret, env.now())).unwrap();
    env.next_step();
    Enrolled {
        name: name.into(),
        password: ADMIN_PASSWORD.into(),
        secret,
        recovery,
        token,
    }
}

/// An admin-created user who then enrolls through their own session.
pub fn setup_user(
    env: &Env,
    admin_token: &str,
    name: &str,
    role: Role,
    password: &str,
) -> Enrolled {
    let admin = auth::require(&env.ctx, admin_token, auth::Permission::ManageUsers).unwrap();
    auth::add_user(&env.ctx, &admin, name, role, &Secret::new(password)).unwrap();
    let signed = auth::sign_in(&env.ctx, name, &Secret::new(password)).unwrap();
    let token = signed.token.expose().to_string();
    let enrollment = auth::begin_enrollment(&env.ctx, &token).unwrap();
    let secret = enrollment.secret_base32.expose().to_string();
    let recovery =
        auth::confirm_enrollment_for_token(&env.ctx, &token, &code_at(&secret, env.now())).unwrap();
    env.next_step();
    Enrolled {
        name: name.into(),
        password: password.into(),
        secret,
        recovery,
        token,
    }
}

/// Signs in again and returns a new, locked session token.
pub fn sign_in(env: &Env, u: &Enrolled) -> String {
    auth::sign_in(&env.ctx, &u.name, &Secret::new(u.password.as_str()))
        .unwrap()
        .token
        .expose()
        .to_string()
}

//! Nothing secret reaches the database files in the clear.

use hookdesk_core::auth::{self, Permission, Role};
use hookdesk_core::domain::Secret;

use crate::support::accounts::{code_at, Env};

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn passwords_totp_keys_recovery_codes_and_tokens_never_hit_the_disk() {
    let env = Env::new();
    let admin_pw = "canary-admin-pw-7Q2x";
    let user_pw = "canary-user-pw-K9m4";
    let mut canaries: Vec<Vec<u8>> = vec![admin_pw.into(), user_pw.into()];

    let (_, enrollment) = auth::create_admin(&env.ctx, "ana", &Secret::new(admin_pw)).unwrap();
    let admin_secret = enrollment.secret_base32.expose().to_string();
    let token = auth::sign_in(&env.ctx, "ana", &Secret::new(admin_pw))
        .unwrap()
        .token;
    let codes = auth::confirm_enrollment_for_token(
        &env.ctx,
        token.expose(),
        &code_at(&admin_secret, env.now()),
    )
    .unwrap();
    env.next_step();
    let a = auth::require(&env.ctx, token.expose(), Permission::ManageUsers).unwrap();
    auth::add_user(&env.ctx, &a, "bob", Role::Support, &Secret::new(user_pw)).unwrap();
    let bob_token = auth::sign_in(&env.ctx, "bob", &Secret::new(user_pw))
        .unwrap()
        .token;
    let bob_secret = auth::begin_enrollment(&env.ctx, bob_token.expose())
        .unwrap()
        .secret_base32
        .expose()
        .to_string();
    let bob_codes = auth::confirm_enrollment_for_token(
        &env.ctx,
        bob_token.expose(),
        &code_at(&bob_secret, env.now()),
    )
    .unwrap();
    auth::unlock(&env.ctx, token.expose(), &codes[0]).unwrap();

    for b32 in [&admin_secret, &bob_secret] {
        canaries.push(b32.as_bytes().to_vec());
        canaries.push(
            totp_rs::Secret::try_from_base32(b32)
                .unwrap()
                .as_bytes()
                .to_vec(),
        );
    }
    for c in codes.iter().chain(&bob_codes) {
        canaries.push(c.as_bytes().to_vec());
        canaries.push(c.replace('-', "").into_bytes());
    }
    canaries.push(token.expose().as_bytes().to_vec());
    canaries.push(bob_token.expose().as_bytes().to_vec());

    let bytes = crate::support::stored_bytes(&env.dir.path());
    for c in &canaries {
        assert!(
            !contains(&bytes, c),
            "the database holds a secret in the clear ({} bytes)",
            c.len()
        );
    }
    // The scan can find things: the user names are stored plainly.
    assert!(contains(&bytes, b"bob"));
}

//! `hookdesk hook add` shows a generated signing secret once; `reveal-secret` and `roll-secret` need a
//! fresh code (README, Command line), run as a real process on the real clock.

use std::sync::Arc;

use hookdesk_core::auth;
use hookdesk_core::clock::{Clock, SystemClock};
use hookdesk_core::domain::Secret;

use crate::config_cli::{err, ok};
use crate::support::accounts::code_at;
use crate::support::cli::run;
use crate::support::TestDir;

const STEP_MS: i64 = 30_000;

/// An unlocked admin session whose enrollment used the previous time step, so the current and the next
/// step's codes are both still unused: two fresh-code commands without waiting for the clock.
fn unlocked(dir: &TestDir) -> (String, String) {
    let ctx = crate::support::open_ctx(&dir.path(), Arc::new(SystemClock)).unwrap();
    let (_, enrollment) =
        auth::create_admin(&ctx, "ann", &Secret::new("admin-password-1")).unwrap();
    let signed = auth::sign_in(&ctx, "ann", &Secret::new("admin-password-1")).unwrap();
    let token = signed.token.expose().to_string();
    let secret = enrollment.secret_base32.expose().to_string();
    let code = code_at(&secret, SystemClock.now_ms() - STEP_MS);
    auth::confirm_enrollment_for_token(&ctx, &token, &code).unwrap();
    (token, secret)
}

#[test]
fn generated_secrets_are_printed_once_then_revealed_or_rolled_with_a_code() {
    let dir = TestDir::new();
    let (token, totp) = unlocked(&dir);
    let d = dir.path();
    let s = Some(token.as_str());
    ok(run(
        &d,
        s,
        &["store", "add", "store-1", "--name", "Main St"],
        &[],
    ));

    let hook_args = |signature: &'static str| {
        [
            "hook",
            "add",
            "--label",
            "Riders",
            "--url",
            "https://riders.example.com/hook",
            "--event",
            "order-accepted",
            "--app-type",
            "pos",
            "--all-stores",
            "--signature",
            signature,
        ]
    };
    let added = ok(run(&d, s, &hook_args("standard"), &[]));
    let secret = added["newSecret"].as_str().expect("newSecret").to_string();
    assert!(secret.starts_with("whsec_"), "{added}");
    let masked = added["signature"]["secret"].as_str().unwrap();
    assert!(masked.starts_with("••••") && !masked.contains(&secret[6..]));
    let id = added["id"].as_str().unwrap().to_string();

    let shown = run(&d, s, &["hook", "show", &id], &[]);
    let text = String::from_utf8_lossy(&shown.stdout).to_string();
    assert!(shown.status.success());
    assert!(
        !text.contains(&secret[6..]) && !text.contains("newSecret"),
        "{text}"
    );

    let e = err(run(&d, s, &["hook", "reveal-secret", &id], &[]));
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("invalid"), Some("code"))
    );

    let now_code = code_at(&totp, SystemClock.now_ms());
    let e = err(run(
        &d,
        s,
        &[
            "hook",
            "roll-secret",
            &id,
            "--code",
            &now_code,
            "--overlap-hours",
            "200",
        ],
        &[],
    ));
    assert_eq!(e["field"], "overlapHours", "{e}");
    let rolled = ok(run(
        &d,
        s,
        &["hook", "roll-secret", &id, "--code", &now_code],
        &[],
    ));
    let new_secret = rolled["newSecret"].as_str().unwrap().to_string();
    assert!(new_secret.starts_with("whsec_") && new_secret != secret);
    assert!(rolled["previousSecretUntilMs"].is_i64(), "{rolled}");

    let next_code = code_at(&totp, SystemClock.now_ms() + STEP_MS);
    let revealed = ok(run(
        &d,
        s,
        &["hook", "reveal-secret", &id, "--code", &next_code],
        &[],
    ));
    assert_eq!(revealed, serde_json::json!({ "secret": new_secret }));
    let e = err(run(
        &d,
        s,
        &["hook", "reveal-secret", &id, "--code", &next_code],
        &[],
    ));
    assert_eq!(e["field"], "code", "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("already used"),
        "{e}"
    );

    let keyed = ok(run(&d, s, &hook_args("signature-key"), &[]));
    let key = keyed["newSecret"].as_str().unwrap();
    assert_eq!(key.len(), 64, "{keyed}");
    let brought = ok(run(
        &d,
        s,
        &hook_args("signature-key"),
        &[("HOOKDESK_SIGNING_KEY", "merchant-signature-canary-7777")],
    ));
    assert!(
        brought.get("newSecret").is_none(),
        "a key the user typed is not echoed: {brought}"
    );
}

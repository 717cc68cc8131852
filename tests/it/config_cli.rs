//! The `hookdesk` binary's configuration commands (README, Command line), run as a real process on a real data dir.

use std::process::Output;
use std::sync::Arc;

use hookdesk_core::auth;
use hookdesk_core::clock::{Clock, SystemClock};
use hookdesk_core::config::hooks;
use hookdesk_core::domain::{HookAuth, Secret};
use hookdesk_core::Ctx;
use serde_json::Value;

use crate::support::accounts::code_at;
use crate::support::cli::run;
use crate::support::TestDir;

const CANARY: &str = "cli-token-canary-4321";

/// A data dir with an enrolled admin and an unlocked session on the real clock (the binary's clock).
fn unlocked(dir: &TestDir) -> (Ctx, String) {
    let ctx = crate::support::open_ctx(&dir.path(), Arc::new(SystemClock)).unwrap();
    let (_, enrollment) =
        auth::create_admin(&ctx, "ann", &Secret::new("admin-password-1")).unwrap();
    let signed = auth::sign_in(&ctx, "ann", &Secret::new("admin-password-1")).unwrap();
    let token = signed.token.expose().to_string();
    let code = code_at(enrollment.secret_base32.expose(), SystemClock.now_ms());
    auth::confirm_enrollment_for_token(&ctx, &token, &code).unwrap();
    (ctx, token)
}

pub(crate) fn ok(o: Output) -> Value {
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        o.status.success(),
        "stdout {out}\nstderr {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!out.contains(CANARY), "a secret was printed: {out}");
    serde_json::from_str(&out).unwrap()
}

pub(crate) fn err(o: Output) -> Value {
    assert!(!o.status.success());
    serde_json::from_slice(&o.stderr).unwrap()
}

#[test]
fn configure_everything_from_the_command_line() {
    let dir = TestDir::new();
    let (ctx, token) = unlocked(&dir);
    let d = dir.path();
    let s = Some(token.as_str());

    let locked = err(run(&d, None, &["hook", "list"], &[]));
    assert_eq!(locked["code"], "locked");

    let store = ok(run(
        &d,
        s,
        &[
            "store",
            "add",
            "store-1",
            "--name",
            "Main St",
            "--merch-key",
            "abc123",
        ],
        &[],
    ));
    assert_eq!(store["merchKey"], "abc123");

    let add = [
        "hook",
        "add",
        "--label",
        "Sales",
        "--url",
        "https://m.example/in",
        "--event",
        "transaction.sale.success",
        "--event",
        "ach.settled",
        "--all-stores",
        "--auth",
        "bearer",
        "--signature",
        "standard",
        "--retry",
        "usaepay",
        "--ordered",
        "--timeout-ms",
        "20000",
    ];
    let hook = ok(run(&d, s, &add, &[("HOOKDESK_AUTH_VALUE", CANARY)]));
    let id = hook["id"].as_str().unwrap().to_string();
    assert_eq!(hook["auth"]["kind"], "bearer");
    assert_eq!(hook["auth"]["token"], "••••4321");
    assert_eq!(hook["signature"]["kind"], "standard");
    assert_eq!(
        (hook["retryPreset"].as_str(), hook["ordered"].as_bool()),
        (Some("usaepay"), Some(true))
    );
    assert_eq!(hook["timeoutMs"], 20000);

    let bad = err(run(
        &d,
        s,
        &[
            "hook",
            "add",
            "--label",
            "X",
            "--url",
            "ftp://x",
            "--event",
            "ach.settled",
            "--all-stores",
        ],
        &[],
    ));
    assert_eq!(
        (bad["code"].as_str(), bad["field"].as_str()),
        (Some("invalid"), Some("url"))
    );

    // Editing without --reset-auth keeps the token even though the flags say otherwise.
    let edited = ok(run(
        &d,
        s,
        &["hook", "edit", &id, "--label", "Sales 2", "--auth", "none"],
        &[],
    ));
    assert_eq!(edited["label"], "Sales 2");
    assert_eq!(edited["events"].as_array().unwrap().len(), 2);
    assert_eq!(
        hooks::load_for_delivery(&ctx, &id).unwrap().auth,
        HookAuth::Bearer {
            token: Secret::new(CANARY)
        }
    );
    let reset = ok(run(
        &d,
        s,
        &["hook", "edit", &id, "--auth", "none", "--reset-auth"],
        &[],
    ));
    assert_eq!(reset["auth"]["kind"], "none");

    assert_eq!(
        ok(run(&d, s, &["hook", "disable", &id], &[]))["enabled"],
        false
    );
    assert_eq!(
        ok(run(&d, s, &["hook", "show", &id], &[]))["enabled"],
        false
    );
    assert_eq!(
        ok(run(&d, s, &["hook", "enable", &id], &[]))["enabled"],
        true
    );
    assert_eq!(
        ok(run(&d, s, &["hook", "list"], &[]))
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let page = ok(run(
        &d,
        s,
        &[
            "order-webhooks",
            "set",
            "--store",
            "store-1",
            "--header-name",
            "X-Partner",
            "--open-url",
            "https://p.example/open",
            "--open",
            "on",
            "--third-party",
            "on",
        ],
        &[("HOOKDESK_AUTH_VALUE", CANARY)],
    ));
    assert_eq!(
        page["open"],
        serde_json::json!({"url": "https://p.example/open", "enabled": true})
    );
    assert_eq!(page["headerValue"], "••••4321");
    let shown = ok(run(
        &d,
        s,
        &["order-webhooks", "show", "--store", "store-1"],
        &[],
    ));
    assert_eq!(shown, page);

    let exported = ok(run(&d, s, &["export"], &[]));
    assert_eq!(exported["hooks"].as_array().unwrap().len(), 1);
    let file = dir.path().join("config.json");
    std::fs::write(&file, exported.to_string()).unwrap();
    let imported = ok(run(&d, s, &["import", file.to_str().unwrap()], &[]));
    assert_eq!(imported["hooks"], 1);

    assert_eq!(
        ok(run(&d, s, &["hook", "delete", &id], &[]))["deleted"],
        id.as_str()
    );
    assert_eq!(
        err(run(&d, s, &["hook", "show", &id], &[]))["code"],
        "not_found"
    );
}

//! Authorization holds in the core, not in the page: signed in as support, the window's own IPC is
//! called directly (a script run in the WebDriver session) with manager-only and admin-only commands.
//! Every call is refused with `forbidden` and nothing changes.

use hookdesk_e2e::{cli, cli_first_run, totp_now, App, ADMIN, ADMIN_PASSWORD};
use serde_json::{json, Value};

const SUPPORT: &str = "sam";
const SUPPORT_PASSWORD: &str = "support canary password";

/// What a refused call could have changed, read through the CLI as the admin.
fn snapshot(dir: &std::path::Path, session: &str) -> Value {
    let env = [("HOOKDESK_SESSION", session)];
    json!({
        "users": cli(dir, &["user", "list"], None, &env),
        "stores": cli(dir, &["store", "list"], None, &env),
        "hooks": cli(dir, &["hook", "list"], None, &env),
        "page": cli(dir, &["order-webhooks", "show", "--store", "s1"], None, &env),
        "deliveries": cli(dir, &["deliveries"], None, &env),
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn support_is_refused_manager_and_admin_commands_called_through_ipc() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path();
    let password = format!("{ADMIN_PASSWORD}\n");
    let enrolled = cli_first_run(dir);
    let recovery = enrolled.recovery_codes[0].as_str();
    let unlock = [
        "unlock",
        "--user",
        ADMIN,
        "--code",
        recovery,
        "--password-stdin",
    ];
    let session = cli(dir, &unlock, Some(&password), &[])["session"]
        .as_str()
        .unwrap()
        .to_string();
    let env = [("HOOKDESK_SESSION", session.as_str())];
    let support_pw = format!("{SUPPORT_PASSWORD}\n");
    cli(
        dir,
        &[
            "user",
            "add",
            SUPPORT,
            "--role",
            "support",
            "--password-stdin",
        ],
        Some(&support_pw),
        &env,
    );
    cli(dir, &["store", "add", "s1", "--name", "Main"], None, &env);
    let hook = cli(
        dir,
        &[
            "hook",
            "add",
            "--label",
            "Kept",
            "--url",
            "https://hooks.example.com/k",
            "--event",
            "order.open",
            "--all-stores",
        ],
        None,
        &env,
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    let key = cli(
        dir,
        &["2fa", "enroll", "--user", SUPPORT, "--password-stdin"],
        Some(&support_pw),
        &[],
    )["totp"]["secret"]
        .as_str()
        .unwrap()
        .to_string();
    let support_codes = cli(
        dir,
        &[
            "2fa",
            "confirm",
            "--user",
            SUPPORT,
            "--code",
            &totp_now(&key),
        ],
        None,
        &[],
    );
    let before = snapshot(dir, &session);

    let app = App::launch(dir).await;
    app.fill("#signin-name", SUPPORT).await;
    app.fill("#signin-password", SUPPORT_PASSWORD).await;
    app.click("#signin-submit").await;
    app.unlock_with_recovery(support_codes["recovery_codes"][0].as_str().unwrap())
        .await;

    let calls: Vec<(&str, Value)> = vec![
        // Manager's (and admin's).
        (
            "hook_create",
            json!({"input": {"label": "X", "url": "https://x.example.com/", "events": ["order.open"], "allStores": true}, "totpCode": null}),
        ),
        (
            "hook_update",
            json!({"id": hook, "input": {"label": "Changed"}, "resetAuth": false, "totpCode": null}),
        ),
        ("hook_delete", json!({"id": hook})),
        ("hook_set_enabled", json!({"id": hook, "enabled": false})),
        (
            "store_save",
            json!({"store": {"id": "s2", "name": "Other"}}),
        ),
        (
            "order_webhooks_set",
            json!({"store": "s1", "settings": {"openUrl": "https://x.example.com/"}, "totpCode": null}),
        ),
        (
            "emit_event",
            json!({"eventType": "order.open", "store": "s1", "data": {"checkId": "c1"}, "key": null}),
        ),
        // Admin's only.
        ("users_list", json!({})),
        (
            "user_add",
            json!({"name": "mallory", "role": "admin", "password": "canary-mallory-pw"}),
        ),
        ("user_remove", json!({"name": ADMIN})),
        ("user_reset_2fa", json!({"name": ADMIN, "code": "123456"})),
        (
            "user_set_disabled",
            json!({"name": ADMIN, "disabled": true, "code": "123456"}),
        ),
        (
            "user_set_role",
            json!({"name": SUPPORT, "role": "admin", "code": "123456"}),
        ),
        ("audit_list", json!({"limit": 10, "beforeId": null})),
        ("settings_set", json!({"idleMinutes": 30})),
        ("retention_set", json!({"days": 1})),
        ("store_delete", json!({"id": "s1"})),
        ("backup_save_as", json!({})),
        ("ingest_tokens_list", json!({})),
        ("ingest_token_create", json!({"label": "mallory"})),
        ("ingest_token_revoke", json!({"id": 1})),
    ];
    for (cmd, args) in &calls {
        let answer = app
            .client
            .execute_async(
                "const [cmd, args, done] = arguments;
                 window.__TAURI_INTERNALS__.invoke(cmd, args)
                   .then(v => done({ok: v === undefined ? null : v}), e => done({err: e}));",
                vec![json!(cmd), args.clone()],
            )
            .await
            .unwrap_or_else(|e| panic!("{cmd}: script failed: {e}"));
        assert_eq!(
            answer["err"]["code"], "forbidden",
            "{cmd} as support answered {answer}"
        );
    }
    // The window does not offer support what the core refuses: no store form, no delete.
    app.go("Stores").await;
    app.wait_for("#stores-read-only").await;
    assert_eq!(app.count("#store-submit").await, 0);
    assert_eq!(app.count(".store-delete").await, 0);

    // The same window may still do what support may: the refusals were about the role.
    let read = app
        .client
        .execute_async(
            "const [done] = arguments;
             window.__TAURI_INTERNALS__.invoke('hooks_list', {filter: null})
               .then(v => done({ok: v}), e => done({err: e}));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(read["ok"].as_array().map(Vec::len), Some(1), "{read}");
    app.close().await;
    assert_eq!(
        snapshot(dir, &session),
        before,
        "a refused call changed something"
    );
}

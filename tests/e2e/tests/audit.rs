//! The audit log in the real window shows each entry's real time and a readable detail: the row's time
//! is the entry's own (`atMs` as the page formats it), and its detail is the core's one-line summary,
//! never "—" or "[object Object]".

use std::time::{SystemTime, UNIX_EPOCH};

use hookdesk_e2e::{cli, cli_first_run, cli_session, App, ADMIN, ADMIN_PASSWORD};
use serde_json::json;

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_audit_row_shows_its_time_and_detail() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path();
    let enrolled = cli_first_run(dir);
    let codes = enrolled.recovery_codes;
    let session = cli_session(dir, &codes[0]);
    // The newest entry: adding a support user records its role as the detail.
    let before = now_ms();
    cli(
        dir,
        &[
            "user",
            "add",
            "bea",
            "--role",
            "support",
            "--password-stdin",
        ],
        Some("bea canary password"),
        &[("HOOKDESK_SESSION", session.as_str())],
    );
    let after = now_ms();

    let app = App::launch(dir).await;
    app.fill("#signin-name", ADMIN).await;
    app.fill("#signin-password", ADMIN_PASSWORD).await;
    app.click("#signin-submit").await;
    app.unlock_with_recovery(&codes[1]).await;
    app.go("Audit log").await;

    // The row for the user added above; newer rows (the window's own sign-in) come first.
    app.wait_for(".audit-row").await;
    let rows = app
        .client
        .execute(
            "return [...document.querySelectorAll('.audit-row')].map(r => ({
                 id: Number(r.dataset.id),
                 time: r.querySelector('.audit-time').textContent.trim(),
                 action: r.querySelector('code').textContent.trim(),
                 target: r.children[3].textContent.trim(),
                 detail: r.querySelector('.detail').textContent.trim(),
             }));",
            vec![],
        )
        .await
        .expect("read the audit rows");
    let add = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["action"] == "user.add" && r["target"] == "bea")
        .unwrap_or_else(|| panic!("no user.add row for bea in {rows}"))
        .clone();
    assert_eq!(add["detail"], "role: support", "{add}");

    // The time on screen is the entry's own time as the page formats it, within the add's window.
    let entry = app
        .client
        .execute_async(
            "const [id, done] = arguments;
             window.__TAURI_INTERNALS__.invoke('audit_list', {limit: 50})
               .then(list => {
                   const e = list.find(x => x.id === id);
                   done(e ? {atMs: e.atMs, shown: new Date(e.atMs).toLocaleString()} : {missing: true});
               }, err => done({err}));",
            vec![add["id"].clone()],
        )
        .await
        .expect("read the entry through the IPC");
    let at_ms = entry["atMs"].as_i64().unwrap_or_else(|| panic!("{entry}"));
    assert!(
        (before - 1000..=after + 1000).contains(&at_ms),
        "entry time {at_ms} is not when the user was added ({before}..{after})"
    );
    assert_eq!(add["time"], entry["shown"], "{add} vs {entry}");
    assert_ne!(add["time"], json!("—"));
    for r in rows.as_array().unwrap() {
        assert_ne!(r["time"], "—", "a row without its time: {r}");
        assert!(
            !r["detail"]
                .as_str()
                .unwrap_or("")
                .contains("[object Object]"),
            "{r}"
        );
    }
    app.screenshot("audit-log.png").await;
    app.close().await;
}

//! Two desktop apps on one PostgreSQL database (README, Team mode): each on a data directory of its own
//! with the team's data key, the status bar names the shared database and the live workers, and a hook
//! added in one window appears in the other's list without a restart. Runs when HOOKDESK_E2E_DATABASE
//! names an empty PostgreSQL database (`make e2e` starts a throw-away server for it); skipped otherwise.

use hookdesk_e2e::{cli_first_run, App, Receiver};

#[tokio::test(flavor = "multi_thread")]
async fn a_hook_added_in_one_app_appears_in_the_other() {
    let Ok(database) = std::env::var("HOOKDESK_E2E_DATABASE") else {
        eprintln!("HOOKDESK_E2E_DATABASE is unset: no shared database to test against");
        return;
    };
    // This test binary is a process of its own: the CLI, tauri-driver and both apps inherit these.
    std::env::set_var("HOOKDESK_DATABASE_URL", &database);
    std::env::set_var("HOOKDESK_MASTER_KEY", "5e".repeat(32));
    let hq = tempfile::tempdir().unwrap();
    let store = tempfile::tempdir().unwrap();
    let enrolled = cli_first_run(hq.path());
    let receiver = Receiver::start().await;

    let first = App::launch(hq.path()).await;
    first
        .sign_in_with_recovery(&enrolled.recovery_codes[0])
        .await;
    let shown = first
        .wait_text("#status-database", |t| t.contains("PostgreSQL"))
        .await;
    assert!(
        shown.contains("Shared database (PostgreSQL, 127.0.0.1)"),
        "{shown}"
    );
    first.add_store("store-1", "Harbour").await;

    let second = App::launch(store.path()).await;
    second
        .sign_in_with_recovery(&enrolled.recovery_codes[1])
        .await;
    // Both apps deliver: two workers beat on the one database.
    second
        .wait_text("#status-workers", |t| t.starts_with("2 workers"))
        .await;
    second.go("Webhooks").await;
    assert_eq!(second.count(".hook-row").await, 0);

    first
        .add_local_hook(
            &enrolled,
            "Shared hook",
            &format!("http://{}/shared", receiver.addr),
        )
        .await;
    second.wait_count(".hook-row", 1).await;
    let row = second.text(".hook-row").await;
    assert!(row.contains("Shared hook"), "{row}");
    second.screenshot("team-second-window.png").await;
    first.close().await;
    second.close().await;
}

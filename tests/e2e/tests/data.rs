//! Stores deleted from the window (refused while a hook needs the store alone), and Settings: the
//! retention period, the database size and a backup written while the app's engine runs.

use hookdesk_e2e::{cli, cli_session, App};

#[tokio::test(flavor = "multi_thread")]
async fn stores_are_deleted_and_settings_back_up_the_database() {
    let data = tempfile::tempdir().unwrap();
    // The system's save dialog cannot be clicked under Xvfb; the app takes this path as its answer.
    let backups = tempfile::tempdir().unwrap();
    let file = backups.path().join("hookdesk-backup.db");
    let app = App::launch_with(
        data.path(),
        &[("HOOKDESK_SAVE_DIALOG_ANSWER", file.to_str().unwrap())],
    )
    .await;
    app.wait_for("#setup-name").await;
    let enrolled = app.first_run().await;
    app.add_store("store-1", "Harbour").await;
    app.add_store("store-2", "Station").await;

    // Adding with an id already in use is refused on the id field; the stored store keeps its name.
    app.fill("#store-id", "store-1").await;
    app.fill("#store-name", "Someone else").await;
    app.click("#store-submit").await;
    let refused = app
        .wait_text(".field-error[data-field='id']", |t| !t.is_empty())
        .await;
    assert!(refused.contains("already exists"), "{refused}");
    assert!(app
        .text(".store-row[data-id='store-1']")
        .await
        .contains("Harbour"));
    app.fill("#store-id", "").await;
    app.fill("#store-name", "").await;

    // A hook scoped to store-2 alone, made through the CLI.
    let session = cli_session(data.path(), &enrolled.recovery_codes[0]);
    cli(
        data.path(),
        &[
            "hook",
            "add",
            "--label",
            "Station payments",
            "--url",
            "https://payments.example/hook",
            "--event",
            "transaction.sale.success",
            "--store",
            "store-2",
        ],
        None,
        &[("HOOKDESK_SESSION", &session)],
    );

    app.go("Stores").await;
    app.wait_for(".store-row[data-id='store-2']").await;
    app.click(".store-row[data-id='store-2'] .store-delete")
        .await;
    app.click("#confirm-yes").await;
    let refused = app
        .wait_text("#store-delete-error", |t| !t.is_empty())
        .await;
    assert!(refused.contains("Station payments"), "{refused}");
    assert_eq!(app.count(".store-row[data-id='store-2']").await, 1);

    app.click(".store-row[data-id='store-1'] .store-delete")
        .await;
    app.click("#confirm-yes").await;
    app.wait_count(".store-row[data-id='store-1']", 0).await;

    app.go("Settings").await;
    let size = app.wait_text("#db-size", |t| t.contains("Database")).await;
    assert!(size.contains("KiB") || size.contains("MiB"), "{size}");
    app.fill("#retention-days", "7").await;
    app.click("#retention-submit").await;
    app.wait_text("#data-message", |t| t.contains("7 days"))
        .await;
    let shown = cli(
        data.path(),
        &["retention", "show"],
        None,
        &[("HOOKDESK_SESSION", &session)],
    );
    assert_eq!(shown["days"], 7);

    // Settings › Ingest tokens: made here, shown once, listed by label and last four characters only.
    app.fill("#token-label", "POS bridge").await;
    app.click("#token-create").await;
    let token = app
        .wait_value("#token-new", |v| v.starts_with("hdi_"))
        .await;
    let row = app.text(".token-row").await;
    assert!(
        row.contains("POS bridge") && row.contains(&token[token.len() - 4..]),
        "{row}"
    );
    assert!(!row.contains(&token));
    let listed = cli(
        data.path(),
        &["ingest-token", "list"],
        None,
        &[("HOOKDESK_SESSION", &session)],
    );
    assert_eq!(listed["ingest_tokens"][0]["label"], "POS bridge");
    app.click(".token-row .token-revoke").await;
    app.click("#confirm-yes").await;
    app.wait_count(".token-row", 0).await;
    let listed = cli(
        data.path(),
        &["ingest-token", "list"],
        None,
        &[("HOOKDESK_SESSION", &session)],
    );
    assert_eq!(listed["ingest_tokens"], serde_json::json!([]));

    app.click("#backup-submit").await;
    app.wait_text("#data-message", |t| t.contains("Backed up"))
        .await;
    let bytes = std::fs::read(&file).expect("the backup file");
    assert!(bytes.starts_with(b"SQLite format 3\0"));
    app.screenshot("settings-data.png").await;
    app.close().await;
}

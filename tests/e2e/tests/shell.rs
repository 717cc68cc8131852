use hookdesk_e2e::{cli, App};

#[tokio::test(flavor = "multi_thread")]
async fn window_opens_and_status_panel_reads_the_real_database() {
    let data = tempfile::tempdir().unwrap();
    let app = App::launch(data.path()).await;

    assert_eq!(app.client.title().await.unwrap(), "Hookdesk");

    // What the database file itself records, read by a separate process.
    let status = cli(data.path(), &["status"], None, &[]);
    let schema = status["schemaVersion"].as_i64().expect("schemaVersion");
    assert!(schema >= 1);

    let shown = app
        .wait_text("#status-schema-version", |t| !t.is_empty())
        .await;
    assert_eq!(shown, schema.to_string());
    let dir = app.text("#status-data-dir").await;
    assert_eq!(dir, data.path().display().to_string());
    assert_eq!(
        app.text("#status-version").await,
        status["version"].as_str().unwrap()
    );

    // A fresh data directory starts at the first-run screen.
    app.wait_for("#setup-name").await;
    let enrolled = app.first_run().await;
    assert_eq!(enrolled.recovery_codes.len(), 10);

    let nav = app.text("nav").await;
    for item in [
        "Stores",
        "Webhooks",
        "Integration Hub",
        "Delivery log",
        "Users",
    ] {
        assert!(nav.contains(item), "nav lacks {item}: {nav}");
    }

    let shot = app.screenshot("app-shell.png").await;
    let png = std::fs::read(&shot).unwrap();
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 5_000,
        "screenshot too small"
    );
    app.close().await;
}

use hookdesk_e2e::{cli, cli_session, App, Receiver};

#[tokio::test(flavor = "multi_thread")]
async fn send_a_test_then_see_a_live_event_in_the_log_and_resend_it() {
    let receiver = Receiver::start().await;
    let data = tempfile::tempdir().unwrap();
    // The save dialog's answer for the CSV export (it cannot be clicked under Xvfb).
    let exports = tempfile::tempdir().unwrap();
    let csv = exports.path().join("deliveries.csv");
    let app = App::launch_with(
        data.path(),
        &[("HOOKDESK_SAVE_DIALOG_ANSWER", csv.to_str().unwrap())],
    )
    .await;
    let enrolled = app.first_run().await;
    app.add_store("store-1", "Downtown").await;

    // A loopback target needs the private-network opt-in, which needs a fresh code.
    app.add_local_hook(
        &enrolled,
        "Local POS",
        &format!("http://{}/hooks", receiver.addr),
    )
    .await;

    // Send test: the receiver's answer is shown in the window.
    app.click(".hook-test").await;
    send_sale_test(&app).await;
    assert!(app.text("#test-response-body").await.contains("received"));
    let got = receiver.wait_for(1).await;
    assert!(got[0].starts_with("POST /hooks HTTP/1.1"), "{}", got[0]);
    assert!(
        got[0].contains("\"event_type\":\"transaction.sale.success\""),
        "{}",
        got[0]
    );
    app.screenshot("send-test.png").await;
    app.click("#test-close").await;

    // The Edit modal offers the same test send for the saved hook.
    app.click(".hook-row .hook-open").await;
    app.click("#hook-send-test").await;
    send_sale_test(&app).await;
    receiver.wait_for(2).await;
    app.click("#test-close").await;

    // A live event from the CLI, delivered by the engine running inside the app.
    let session = cli_session(data.path(), &enrolled.recovery_codes[1]);
    let emitted = cli(
        data.path(),
        &[
            "emit",
            "--type",
            "transaction.sale.success",
            "--store",
            "store-1",
            "--data",
            r#"{"type":"transaction","key":"live-sale-1","amount_detail":{"amount":"9.99"}}"#,
        ],
        None,
        &[("HOOKDESK_SESSION", &session)],
    );
    assert_eq!(emitted["deliveries"], 1);
    let event_id = emitted["event_id"].as_str().unwrap().to_string();
    let got = receiver.wait_for(3).await;
    assert!(
        got[2].contains(&event_id),
        "live delivery lacks the event id"
    );

    app.go("Delivery log").await;
    app.wait_for(".delivery-row[data-status='succeeded']").await;
    let rows = app.text("#log-table").await;
    assert!(rows.contains("transaction.sale.success"), "{rows}");

    // Resend the live delivery (the newest row) and see the second attempt.
    app.click(".delivery-row .resend-button").await;
    // Resending asks first, naming what goes where.
    let asked = app
        .wait_text("#confirm-modal", |t| t.contains("again"))
        .await;
    assert!(asked.contains("transaction.sale.success"), "{asked}");
    app.click("#confirm-yes").await;
    let got = receiver.wait_for(4).await;
    assert!(
        got[3].contains(&event_id),
        "the resend carried another event id"
    );
    app.click(".delivery-row td:nth-child(2) button").await;
    app.wait_text("#attempts", |t| t.contains("resend")).await;
    app.screenshot("delivery-log.png").await;

    // Export CSV writes every delivery the filter matches, one line each after the header.
    app.click("#log-export").await;
    let saved = app.wait_text("#log-notice", |t| t.contains("Saved")).await;
    assert!(saved.contains("deliveries.csv"), "{saved}");
    let text = std::fs::read_to_string(&csv).expect("the CSV file");
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("delivery_id,event_id"), "{}", lines[0]);
    assert!(lines.len() >= 2 && text.contains(&event_id), "{text}");

    // The dashboard tells the one live delivery from its two attempts (live, resend); test sends are
    // not counted. Its chart has a bar for every hour of the last day, with a time axis under them.
    app.go("Dashboard").await;
    app.wait_for(".dashboard-row").await;
    assert_eq!(app.text(".dashboard-row .deliveries").await, "1");
    assert_eq!(app.text(".dashboard-row .attempts").await, "2");
    let bars = app.count(".dashboard-row .chart rect.ok").await;
    assert!((24..=25).contains(&bars), "{bars} hourly bars");
    assert_eq!(app.count(".dashboard-row .chart text.tick").await, 3);
    app.close().await;
}

/// In the open Send test modal: picks the sale event, sends it and expects the receiver's 200 shown.
async fn send_sale_test(app: &App) {
    app.wait_for("#test-modal").await;
    app.select("#test-event", "transaction.sale.success").await;
    app.wait_value("#test-payload", |t| t.contains("1nftvzx7xtcggm3"))
        .await;
    app.click("#test-send").await;
    assert_eq!(
        app.wait_text("#test-status", |t| !t.is_empty()).await,
        "200"
    );
}

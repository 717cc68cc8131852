//! The window closes but Hookdesk keeps delivering; Quit drains; a second launch shows the first window;
//! a receiver answering 410 raises one desktop notification, and clicking it opens the filtered log.
//! There is no tray host under a bare X server, so closing the window asks what to do.

use std::time::Duration;

use hookdesk_e2e::desktop::{
    request_close, wait_app_exit, wait_shown, NotificationServer, SessionBus,
};
use hookdesk_e2e::{app_binary, cli, cli_emit_sale, cli_session, App, Receiver};

#[tokio::test(flavor = "multi_thread")]
async fn closed_window_keeps_delivering_a_second_launch_shows_it_and_quit_drains() {
    // Slow enough that Quit comes while an attempt is in flight.
    let receiver = Receiver::start_with(200, Duration::from_millis(2500)).await;
    let data = tempfile::tempdir().unwrap();
    let app = App::launch(data.path()).await;
    let enrolled = app.first_run().await;
    app.add_store("store-1", "Downtown").await;
    let url = format!("http://{}/hooks", receiver.addr);
    app.add_local_hook(&enrolled, "Kitchen POS", &url).await;

    // Close as the window manager would: with no tray, the window asks.
    request_close("Hookdesk");
    app.wait_for("#close-modal").await;
    app.screenshot("close-asks.png").await;
    app.click_and_leave("#close-keep").await;
    wait_shown(data.path(), "Hookdesk", false).await;

    // With the window hidden, an event from the CLI is delivered by the app's engine.
    let session = cli_session(data.path(), &enrolled.recovery_codes[0]);
    let first = cli_emit_sale(data.path(), &session, "bg-sale-1");
    let got = receiver.wait_for(1).await;
    assert!(got[0].contains(&first), "the delivery lacks the event id");

    // Starting Hookdesk again on the same data dir shows the running window and exits.
    let second = std::process::Command::new(app_binary())
        .arg("--data-dir")
        .arg(data.path())
        .env("HOOKDESK_NO_KEYCHAIN", "1")
        .output()
        .expect("second launch");
    assert!(second.status.success(), "second launch failed");
    assert!(
        String::from_utf8_lossy(&second.stderr).contains("already open"),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    wait_shown(data.path(), "Hookdesk", true).await;
    assert_eq!(hookdesk_e2e::desktop::app_pids(data.path()).len(), 1);

    // Quit while a delivery is in flight: the attempt finishes before the process exits.
    let inflight = cli_emit_sale(data.path(), &session, "bg-sale-2");
    let got = receiver.wait_for(2).await;
    assert!(got[1].contains(&inflight));
    request_close("Hookdesk");
    app.wait_for("#close-modal").await;
    app.click_and_leave("#close-quit").await;
    wait_app_exit(data.path(), Duration::from_secs(30)).await;
    let rows = cli(
        data.path(),
        &["deliveries", "--event", &inflight],
        None,
        &[("HOOKDESK_SESSION", &session)],
    );
    assert_eq!(
        rows[0]["status"], "succeeded",
        "the in-flight attempt was drained: {rows}"
    );
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_gone_receiver_raises_one_notification_that_opens_the_log_on_its_hook() {
    let bus = SessionBus::start();
    let server = NotificationServer::start(&bus);
    let receiver = Receiver::start_with(410, Duration::ZERO).await;
    let data = tempfile::tempdir().unwrap();
    let app = App::launch_with(
        data.path(),
        &[("DBUS_SESSION_BUS_ADDRESS", bus.address.as_str())],
    )
    .await;
    let enrolled = app.first_run().await;
    app.add_store("store-1", "Downtown").await;
    let url = format!("http://{}/gone", receiver.addr);
    let hook = app.add_local_hook(&enrolled, "Old partner", &url).await;

    let session = cli_session(data.path(), &enrolled.recovery_codes[0]);
    cli_emit_sale(data.path(), &session, "gone-sale-1");
    let shown = server.wait_for(1).await;
    assert!(shown[0].summary.contains("Old partner"), "{shown:?}");
    assert!(shown[0].body.contains("410"), "{shown:?}");
    app.wait_for(&format!(".alert-banner[data-hook='{hook}']"))
        .await;
    app.screenshot("alert-banner.png").await;

    // The dead delivery of the same hook is grouped with it: no second notification.
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(server.shown().len(), 1, "{:?}", server.shown());

    // Clicking the notification opens the delivery log filtered to that hook.
    app.go("Webhooks").await;
    server.click(shown[0].id);
    app.wait_value("#log-hook", |v| v == hook).await;
    app.wait_for(".delivery-row[data-status='dead']").await;
    app.close().await;
}

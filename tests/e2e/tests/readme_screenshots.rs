//! The README's pictures, taken of the real window with realistic data: the webhooks list, the dashboard
//! after real deliveries, and the enrollment screen with its QR code. Ignored in the suite (it writes
//! into `docs/screenshots/`); run it on purpose:
//! `cargo test --test readme_screenshots -- --ignored`.

use std::time::Duration;

use hookdesk_e2e::{
    cli, cli_emit_sale, cli_session, next_totp_step, repo_root, totp_now, App, Receiver,
    ADMIN_PASSWORD,
};

async fn save(app: &App, name: &str) {
    let png = app.client.screenshot().await.expect("screenshot");
    let path = repo_root().join("docs/screenshots").join(name);
    std::fs::write(&path, png).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

async fn dismiss_alerts(app: &App) {
    while app.count(".alert-dismiss").await > 0 {
        app.click(".alert-dismiss").await;
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "writes the README's screenshots into docs/screenshots"]
async fn readme_screenshots() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path();
    let app = App::launch(dir).await;
    app.client
        .set_window_size(1200, 760)
        .await
        .expect("resize the window");
    let enrolled = app.first_run().await;
    let session = cli_session(dir, &enrolled.recovery_codes[0]);
    let as_admin = [("HOOKDESK_SESSION", session.as_str())];

    // Merchant events carry the store's merchant key, so the stores have one.
    for (id, name, key) in [
        ("store-1", "Harbor Street", "7qwnw4j2kmqvrb3"),
        ("store-12", "Main Street", "k3v9dq2mwz8tq1x"),
    ] {
        cli(
            dir,
            &["store", "add", id, "--name", name, "--merch-key", key],
            None,
            &as_admin,
        );
    }
    let bearer = [
        ("HOOKDESK_SESSION", session.as_str()),
        ("HOOKDESK_AUTH_VALUE", "sk_live_screenshot_token_4242"),
    ];
    cli(
        dir,
        &[
            "hook",
            "add",
            "--label",
            "Storefront payments",
            "--url",
            "https://payments.cornerbakery.example/hooks/hookdesk",
            "--event",
            "transaction.refund.success",
            "--event",
            "transaction.sale.voided",
            "--all-stores",
            "--auth",
            "bearer",
            "--signature",
            "standard",
        ],
        None,
        &bearer,
    );
    cli(
        dir,
        &[
            "hook",
            "add",
            "--label",
            "Rider dispatch",
            "--url",
            "https://dispatch.fleetly.example/v2/webhooks",
            "--event",
            "rider-created",
            "--event",
            "rider-delivering",
            "--event",
            "rider-completed",
            "--app-type",
            "channel",
            "--store",
            "store-12",
            "--retry",
            "ordatic",
        ],
        None,
        &as_admin,
    );
    cli(
        dir,
        &[
            "hook",
            "add",
            "--label",
            "Nightly settlement",
            "--url",
            "https://accounting.ledgerline.example/settlements",
            "--event",
            "settlement.batch.success",
            "--event",
            "settlement.batch.failure",
            "--all-stores",
            "--retry",
            "usaepay",
            "--auth",
            "bearer",
        ],
        None,
        &bearer,
    );

    // Receivers on the restaurant network (loopback here) take real deliveries for the dashboard; each
    // private-network hook needs a fresh two-factor code.
    let kitchen = Receiver::start().await;
    let office = Receiver::start_with(200, Duration::from_millis(140)).await;
    for (label, receiver) in [("Kitchen display", &kitchen), ("Back-office POS", &office)] {
        next_totp_step().await;
        let url = format!("http://{}/hookdesk", receiver.addr);
        cli(
            dir,
            &[
                "hook",
                "add",
                "--label",
                label,
                "--url",
                &url,
                "--event",
                "transaction.sale.success",
                "--store",
                "store-1",
                "--allow-private-network",
                "--code",
                &totp_now(&enrolled.secret),
            ],
            None,
            &as_admin,
        );
    }
    for n in 0..24 {
        cli_emit_sale(dir, &session, &format!("readme-{n}"));
    }
    kitchen.wait_for(24).await;
    office.wait_for(24).await;

    // The list opened at sign-in, before the hooks existed: leave and come back to load it again.
    app.go("Stores").await;
    app.go("Webhooks").await;
    app.wait_count(".hook-row", 5).await;
    dismiss_alerts(&app).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    save(&app, "webhooks-list.png").await;

    app.go("Dashboard").await;
    app.wait_for(".dashboard-row").await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    save(&app, "dashboard.png").await;

    // A user the admin added enrolls at their first sign-in: the QR code and the key.
    cli(
        dir,
        &[
            "user",
            "add",
            "maria",
            "--role",
            "manager",
            "--password-stdin",
        ],
        Some(ADMIN_PASSWORD),
        &as_admin,
    );
    app.click("#signout-button").await;
    app.fill("#signin-name", "maria").await;
    app.fill("#signin-password", ADMIN_PASSWORD).await;
    app.click("#signin-submit").await;
    app.wait_for("#enroll-qr").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    save(&app, "enrollment.png").await;
    app.close().await;
}

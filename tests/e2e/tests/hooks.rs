use hookdesk_e2e::App;

const HOOK_URL: &str = "https://partner.example.com/hooks?token=canary-query-secret";

#[tokio::test(flavor = "multi_thread")]
async fn add_edit_abandon_delete_a_hook_in_the_modal() {
    let data = tempfile::tempdir().unwrap();
    let app = App::launch(data.path()).await;
    app.first_run().await;
    app.add_store("store-12", "Main Street").await;

    app.go("Webhooks").await;
    app.click("#add-hook").await;
    app.wait_for("#hook-modal").await;
    app.fill("#hook-label", "Payments <script>alert(1)</script>")
        .await;
    app.fill("#hook-url", "ftp://nope").await;
    app.click("input.hook-event[value='transaction.sale.success']")
        .await;
    app.select("#hook-auth-kind", "basic").await;
    app.fill("#hook-auth-username", "merchant").await;
    app.fill("#hook-auth-password", "canary-basic-password")
        .await;
    app.select("#hook-signature-kind", "signature_key").await;
    app.fill("#hook-signature-key", "canary-signature-key")
        .await;
    app.click("#hook-submit").await;
    let err = app
        .wait_text(".field-error[data-field='url']", |t| !t.is_empty())
        .await;
    assert!(
        err.to_lowercase().contains("http"),
        "unexpected URL error: {err}"
    );
    assert_eq!(app.count(".hook-row").await, 0, "an invalid hook was saved");

    app.fill("#hook-url", HOOK_URL).await;
    app.click("#hook-submit").await;
    app.wait_count(".hook-row", 1).await;
    let row = app.text(".hook-row").await;
    // The label renders as text, and the URL's query (a secret) is masked.
    assert!(row.contains("Payments <script>alert(1)</script>"), "{row}");
    assert!(!row.contains("canary-query-secret"), "{row}");
    app.screenshot("webhooks-list.png").await;

    // Even markup that reached the DOM could not run: the CSP refuses inline scripts and handlers.
    app.client
        .execute(
            "const s = document.createElement('script'); s.textContent = 'window.__inline = 1';
             document.body.appendChild(s);
             document.body.insertAdjacentHTML('beforeend', '<img src=\"data:,x\" onerror=\"window.__handler = 1\">');",
            vec![],
        )
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let ran = app
        .client
        .execute(
            "return [window.__inline === undefined, window.__handler === undefined]",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        ran,
        serde_json::json!([true, true]),
        "inline script ran despite the CSP"
    );

    // Edit: authentication is locked until Reset Webhook Authentication.
    app.click(".hook-row .hook-open").await;
    app.wait_for("#hook-modal").await;
    assert!(app.attr("#hook-auth-kind", "disabled").await.is_some());
    assert_eq!(
        app.text("#hook-reset-auth").await,
        "Reset Webhook Authentication"
    );
    app.click("#hook-reset-auth").await;
    assert_eq!(
        app.text("#hook-reset-auth").await,
        "Keep Current Configuration"
    );
    app.select("#hook-auth-kind", "bearer").await;
    app.fill("#hook-auth-value", "canary-bearer-token").await;
    app.select("#hook-signature-kind", "none").await;
    app.click("#hook-submit").await;
    app.wait_count("#hook-modal", 0).await;

    app.click(".hook-row .hook-open").await;
    assert_eq!(app.value("#hook-auth-kind").await, "bearer");
    let page = app.client.source().await.unwrap();
    assert!(
        !page.contains("canary-bearer-token"),
        "a secret reached the page"
    );

    // Close with unsaved changes asks to abandon them; the saved label stays.
    app.fill("#hook-label", "Renamed but abandoned").await;
    app.click("#hook-close").await;
    assert!(app.text("#confirm-modal").await.contains("Abandon Changes"));
    app.click("#confirm-yes").await;
    app.wait_count("#hook-modal", 0).await;
    assert!(!app
        .text(".hook-row")
        .await
        .contains("Renamed but abandoned"));

    // Delete asks for confirmation.
    app.click(".hook-row .hook-open").await;
    app.click("#hook-delete").await;
    app.wait_for("#confirm-modal").await;
    app.click("#confirm-yes").await;
    app.wait_count(".hook-row", 0).await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn order_webhook_page_toggles_survive_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let app = App::launch(data.path()).await;
    let enrolled = app.first_run().await;
    app.add_store("store-7", "Harbor").await;

    app.go("Integration Hub").await;
    app.click("#hub-order-webhook").await;
    app.select("#hub-store", "store-7").await;
    app.fill("#hub-header-name", "X-Partner-Key").await;
    app.fill("#hub-header-value", "canary-hub-header").await;
    app.fill("#hub-open-url", "https://pos.example.com/open")
        .await;
    app.fill("#hub-update-url", "https://pos.example.com/update")
        .await;
    app.fill("#hub-close-url", "https://pos.example.com/close")
        .await;
    for toggle in [
        "#hub-open-toggle",
        "#hub-close-toggle",
        "#hub-third-party-toggle",
    ] {
        assert_eq!(app.text(toggle).await, "NO");
        app.click(toggle).await;
        assert_eq!(app.text(toggle).await, "YES");
    }
    app.click("#hub-submit").await;
    app.wait_for("#hub-saved").await;
    app.screenshot("order-webhooks.png").await;
    app.close().await;

    let app = App::launch(data.path()).await;
    app.sign_in_with_recovery(&enrolled.recovery_codes[0]).await;
    app.go("Integration Hub").await;
    app.click("#hub-order-webhook").await;
    app.select("#hub-store", "store-7").await;
    app.wait_text("#hub-open-toggle", |t| t == "YES").await;
    assert_eq!(app.value("#hub-header-name").await, "X-Partner-Key");
    assert_eq!(
        app.value("#hub-header-value").await,
        "",
        "a secret was read back"
    );
    assert_eq!(
        app.value("#hub-open-url").await,
        "https://pos.example.com/open"
    );
    assert_eq!(
        app.value("#hub-close-url").await,
        "https://pos.example.com/close"
    );
    assert_eq!(
        app.attr("#hub-open-toggle", "aria-pressed")
            .await
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        app.attr("#hub-update-toggle", "aria-pressed")
            .await
            .as_deref(),
        Some("false")
    );
    assert_eq!(app.text("#hub-update-toggle").await, "NO");
    assert_eq!(app.text("#hub-close-toggle").await, "YES");
    assert_eq!(app.text("#hub-third-party-toggle").await, "YES");
    app.close().await;
}

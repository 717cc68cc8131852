//! The order-webhook page in the real window says what is wrong instead of looking saved: a bad header
//! name, YES without a URL, a bad URL after an earlier save; a stored value can be cleared; unsaved edits
//! are not dropped by switching store or leaving the page.

use hookdesk_e2e::App;

async fn field_error(app: &App, field: &str) -> String {
    app.wait_text(&format!(".field-error[data-field='{field}']"), |t| {
        !t.is_empty()
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_order_webhook_page_never_looks_saved_when_it_is_not() {
    let data = tempfile::tempdir().unwrap();
    let app = App::launch(data.path()).await;
    app.first_run().await;
    app.add_store("store-1", "Main Street").await;
    app.add_store("store-2", "Harbor").await;

    app.go("Integration Hub").await;
    app.click("#hub-order-webhook").await;
    app.select("#hub-store", "store-1").await;
    app.fill("#hub-header-name", "X Partner Key").await;
    app.fill("#hub-header-value", "canary-partner-value").await;
    app.click("#hub-submit").await;
    let e = field_error(&app, "requestHeader.name").await;
    assert!(!e.is_empty());
    assert_eq!(app.count("#hub-saved").await, 0);

    app.fill("#hub-header-name", "X-Partner-Key").await;
    app.fill("#hub-open-url", "https://pos.example.com/open")
        .await;
    app.click("#hub-open-toggle").await;
    app.click("#hub-update-toggle").await;
    app.click("#hub-submit").await;
    let e = field_error(&app, "update.url").await;
    assert!(e.contains("URL"), "{e}");
    assert_eq!(app.count("#hub-saved").await, 0);
    app.click("#hub-update-toggle").await;
    app.click("#hub-submit").await;
    app.wait_for("#hub-saved").await;

    // An edit hides the old confirmation; a URL the core refuses is named, and nothing claims success.
    app.fill("#hub-close-url", "https://10.0.0.5/close").await;
    assert_eq!(
        app.count("#hub-saved").await,
        0,
        "an old 'Settings updated.' stayed"
    );
    app.click("#hub-submit").await;
    let e = field_error(&app, "close.url").await;
    assert!(e.contains("private"), "{e}");
    assert_eq!(app.count("#hub-saved").await, 0);
    app.fill("#hub-close-url", "").await;

    // The stored value can be cleared, on request only.
    app.click("#hub-clear-value").await;
    app.wait_for("#hub-value-cleared").await;
    app.click("#hub-submit").await;
    app.wait_for("#hub-saved").await;
    assert_eq!(
        app.attr("#hub-header-value", "placeholder")
            .await
            .as_deref(),
        Some("Not set")
    );
    assert_eq!(app.value("#hub-header-name").await, "X-Partner-Key");

    // Unsaved edits: switching store asks first, and Keep Editing keeps both the store and the text.
    app.fill("#hub-update-url", "https://pos.example.com/update")
        .await;
    app.select("#hub-store", "store-2").await;
    app.wait_for("#confirm-modal").await;
    app.click("#confirm-no").await;
    assert_eq!(app.value("#hub-store").await, "store-1");
    assert_eq!(
        app.value("#hub-update-url").await,
        "https://pos.example.com/update"
    );

    // Leaving the page asks too; Abandon Changes leaves.
    app.go("Webhooks").await;
    app.wait_for("#confirm-modal").await;
    app.click("#confirm-yes").await;
    app.wait_for("#hooks-table").await;

    // The delivery log's hook filter has an entry for each store's order-webhook page.
    app.go("Delivery log").await;
    let entry = app.text("#log-hook option[value='hub:store-1']").await;
    assert_eq!(entry, "Order webhook page (Main Street)");
    app.select("#log-hook", "hub:store-1").await;
    app.click("#log-apply").await;
    app.wait_for("#log-table").await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        app.count("main .error").await,
        0,
        "the page filter was refused"
    );
    app.close().await;
}

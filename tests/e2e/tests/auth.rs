use hookdesk_e2e::{totp_now, App};

#[tokio::test(flavor = "multi_thread")]
async fn enroll_lock_refuse_a_wrong_code_and_unlock() {
    let data = tempfile::tempdir().unwrap();
    let app = App::launch(data.path()).await;
    let enrolled = app.first_run().await;
    assert_eq!(enrolled.recovery_codes.len(), 10);
    for c in &enrolled.recovery_codes {
        assert!(c.len() >= 8, "recovery code looks wrong: {c:?}");
    }

    app.click("#lock-button").await;
    app.wait_for("#unlock-code").await;

    // A code that is certainly not the current one.
    let good = totp_now(&enrolled.secret);
    let wrong = format!(
        "{:06}",
        (good.parse::<u32>().unwrap() + 500_000) % 1_000_000
    );
    app.fill("#unlock-code", &wrong).await;
    app.click("#unlock-submit").await;
    let err = app.wait_text("#unlock-error", |t| !t.is_empty()).await;
    assert!(!err.is_empty());
    assert!(
        app.client
            .find(fantoccini::Locator::Css("#lock-button"))
            .await
            .is_err(),
        "a wrong code unlocked"
    );

    // The code used at enrollment cannot be replayed; a recovery code unlocks.
    app.unlock_with_recovery(&enrolled.recovery_codes[0]).await;
    app.go("Webhooks").await;
    app.wait_for("#hooks-table").await;
    app.screenshot("webhooks-empty.png").await;
    app.close().await;
}

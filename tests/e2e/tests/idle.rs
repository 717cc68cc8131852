//! The idle lock happens on screen: a countdown in its last minute, then the unlock prompt over the
//! screens; after unlocking, the form that was open still holds what was typed and saves.

use std::time::{Duration, Instant};

use hookdesk_e2e::App;

#[tokio::test(flavor = "multi_thread")]
async fn the_idle_lock_shows_when_it_happens_and_keeps_what_was_typed() {
    let data = tempfile::tempdir().unwrap();
    let app = App::launch(data.path()).await;
    let enrolled = app.first_run().await;

    app.go("Users").await;
    app.fill("#settings-idle", "1").await;
    app.click("#settings-submit").await;
    app.wait_text("form .success", |t| !t.is_empty()).await;

    // A store half typed, not saved.
    app.go("Stores").await;
    app.fill("#store-id", "store-9").await;
    app.fill("#store-name", "Typed before the lock").await;

    // With a one-minute timeout the countdown shows at once, and the lock follows without a click.
    let seconds: u32 = app
        .wait_text("#idle-seconds", |t| !t.is_empty())
        .await
        .parse()
        .unwrap();
    assert!((1..=60).contains(&seconds), "{seconds}");
    let deadline = Instant::now() + Duration::from_secs(90);
    while app.count("#lock-cover").await == 0 {
        assert!(
            Instant::now() < deadline,
            "the window never showed the lock"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert_eq!(app.count("#idle-warning").await, 0);
    assert!(app.text("#unlock-kept").await.contains("kept"));
    assert_eq!(app.count("#lock-button").await, 0);

    app.unlock_with_recovery(&enrolled.recovery_codes[0]).await;
    assert_eq!(app.value("#store-name").await, "Typed before the lock");
    app.click("#store-submit").await;
    app.wait_for(".store-row[data-id='store-9']").await;
    app.close().await;
}

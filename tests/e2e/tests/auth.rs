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

/// Five wrong codes lock the user out: the window says until when in local time, with a countdown
/// that moves, not the core's UTC timestamp.
#[tokio::test(flavor = "multi_thread")]
async fn a_lockout_shows_local_time_and_a_countdown() {
    let data = tempfile::tempdir().unwrap();
    let app = App::launch(data.path()).await;
    let enrolled = app.first_run().await;
    app.click("#lock-button").await;
    app.wait_for("#unlock-code").await;
    let good = totp_now(&enrolled.secret);
    let wrong = format!(
        "{:06}",
        (good.parse::<u32>().unwrap() + 500_000) % 1_000_000
    );
    for _ in 0..5 {
        app.fill("#unlock-code", &wrong).await;
        app.click("#unlock-submit").await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    let first = app
        .wait_text("#unlock-lockout", |t| t.contains("try again at"))
        .await;
    assert!(!first.contains('Z') && !first.contains("T1"), "{first}");
    assert!(
        first.contains("(in 4:") || first.contains("(in 5:0"),
        "{first}"
    );
    tokio::time::sleep(std::time::Duration::from_millis(2_100)).await;
    let later = app.text("#unlock-lockout").await;
    assert_ne!(first, later, "the countdown does not move");
    app.close().await;
}

/// The set-up and sign-in forms speak about what they show: a short password is named as a password,
/// and a failed sign-in does not mention a code the form never asked for.
#[tokio::test(flavor = "multi_thread")]
async fn setup_and_sign_in_errors_name_what_the_form_asks() {
    let data = tempfile::tempdir().unwrap();
    let app = App::launch(data.path()).await;
    app.fill("#setup-name", "admin").await;
    app.fill("#setup-password", "short").await;
    app.fill("#setup-password2", "short").await;
    app.click("#setup-submit").await;
    let e = app
        .wait_text("#setup-error", |t| t.contains("password"))
        .await;
    assert!(e.contains("at least 10 characters long"), "{e}");

    app.first_run().await;
    app.click("#signout-button").await;
    app.fill("#signin-name", "admin").await;
    app.fill("#signin-password", "not-the-password").await;
    app.click("#signin-submit").await;
    let e = app.wait_text("#signin-error", |t| !t.is_empty()).await;
    assert_eq!(e, "Wrong name or password.");
    app.close().await;
}

/// The recovery codes shown at enrollment can be saved to a file, where the save dialog says.
#[tokio::test(flavor = "multi_thread")]
async fn recovery_codes_are_saved_to_the_chosen_file() {
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("codes.txt");
    let app = App::launch_with(
        data.path(),
        &[("HOOKDESK_SAVE_DIALOG_ANSWER", file.to_str().unwrap())],
    )
    .await;
    app.fill("#setup-name", "admin").await;
    app.fill("#setup-password", "admin-password-1").await;
    app.fill("#setup-password2", "admin-password-1").await;
    app.click("#setup-submit").await;
    let secret = app
        .wait_text("#enroll-secret", |t| t.len() >= 16)
        .await
        .replace(' ', "");
    app.fill("#enroll-code", &totp_now(&secret)).await;
    app.click("#enroll-submit").await;
    let shown = app.wait_text("#recovery-codes", |t| !t.is_empty()).await;
    app.click("#recovery-save").await;
    app.wait_text("#recovery-saved", |t| t.contains("codes.txt"))
        .await;
    let saved = std::fs::read_to_string(&file).expect("the codes file");
    // The file: a heading naming the user, a note, then the ten codes shown, one a line.
    let codes: Vec<&str> = saved
        .lines()
        .skip(2)
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(codes.len(), 10, "{saved}");
    assert!(
        codes.iter().all(|c| shown.contains(c)),
        "{saved} vs {shown}"
    );
    assert!(saved.lines().next().unwrap().contains("admin"));
    app.close().await;
}

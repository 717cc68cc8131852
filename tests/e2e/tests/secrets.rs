//! Signing secrets in the real window: a generated secret is shown once after Add Hook, the receiver
//! verifies live deliveries with it, Reveal needs a fresh code, and a roll keeps both secrets signing.

use std::time::{SystemTime, UNIX_EPOCH};

use hookdesk_e2e::{cli, cli_session, next_totp_step, totp_at, App, Receiver};

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("time")
        .as_secs()
}

/// The next step's code: accepted once, and never the one the last command used.
fn next_code(secret: &str) -> String {
    totp_at(secret, now_secs() + 30)
}

/// A header's value and the body of one raw HTTP request the receiver kept.
fn header<'a>(raw: &'a str, name: &str) -> &'a str {
    let head = raw.split("\r\n\r\n").next().unwrap_or_default();
    head.lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then_some(v.trim())
        })
        .unwrap_or_else(|| panic!("no {name} header in {head}"))
}

fn body(raw: &str) -> &str {
    raw.split_once("\r\n\r\n")
        .map(|(_, b)| b)
        .unwrap_or_default()
}

/// Standard Webhooks verification as a receiver would run it, in Python's standard library, so the
/// app's signer is not checked against itself.
fn verifies(secret: &str, raw: &str) -> bool {
    let script = r#"
import base64, hashlib, hmac, sys
secret, msg_id, ts, body, header = sys.argv[1:6]
key = base64.b64decode(secret.split('_', 1)[1])
mac = hmac.new(key, (msg_id + '.' + ts + '.' + body).encode(), hashlib.sha256).digest()
expected = 'v1,' + base64.b64encode(mac).decode()
sys.exit(0 if any(hmac.compare_digest(expected, p) for p in header.split(' ')) else 1)
"#;
    std::process::Command::new("python3")
        .args([
            "-c",
            script,
            secret,
            header(raw, "webhook-id"),
            header(raw, "webhook-timestamp"),
            body(raw),
            header(raw, "webhook-signature"),
        ])
        .status()
        .expect("python3")
        .success()
}

fn emit(data: &std::path::Path, session: &str, order: &str) {
    let out = cli(
        data,
        &[
            "emit",
            "--type",
            "order-accepted",
            "--store",
            "store-1",
            "--data",
            &format!(r#"{{"orderId":"{order}"}}"#),
        ],
        None,
        &[("HOOKDESK_SESSION", session)],
    );
    assert_eq!(out["deliveries"], 1, "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_generated_secret_is_shown_once_revealed_with_a_code_and_rolled() {
    let data = tempfile::tempdir().unwrap();
    let receiver = Receiver::start().await;
    let app = App::launch(data.path()).await;
    let enrolled = app.first_run().await;
    app.add_store("store-1", "Main Street").await;

    app.go("Webhooks").await;
    app.click("#add-hook").await;
    app.wait_for("#hook-modal").await;
    app.fill("#hook-label", "Rider app").await;
    app.fill("#hook-url", &format!("http://{}/riders", receiver.addr))
        .await;
    app.click("input.hook-event[value='order-accepted']").await;
    app.select("#hook-app-type", "pos").await;
    app.select("#hook-signature-kind", "standard").await;
    app.click("#hook-allow-private").await;
    app.fill("#hook-totp", &next_code(&enrolled.secret)).await;
    app.click("#hook-submit").await;

    // Shown once, in a copy box, right after saving.
    app.wait_for("#secret-once").await;
    let secret = app
        .wait_value("#secret-once-value", |v| v.starts_with("whsec_"))
        .await;
    assert!(app
        .text("#secret-once")
        .await
        .contains("you will not see this again"));
    app.screenshot("secret-shown-once.png").await;
    app.click("#secret-once-done").await;
    app.wait_count(".hook-row", 1).await;
    let page = app.text("body").await;
    assert!(!page.contains(&secret[6..]), "the secret stayed on screen");

    let session = cli_session(data.path(), &enrolled.recovery_codes[0]);
    emit(data.path(), &session, "A1");
    let got = receiver.wait_for(1).await;
    assert!(
        verifies(&secret, &got[0]),
        "the receiver could not verify with the secret shown"
    );

    // Reveal: needs a fresh code, shows the same secret, hides it again by itself.
    app.click(".hook-row .hook-open").await;
    app.wait_for("#hook-modal").await;
    let masked = app.text("#signing-secret-masked").await;
    assert_eq!(masked, format!("••••{}", &secret[secret.len() - 4..]));
    app.click("#secret-reveal").await;
    app.fill("#secret-code", "12345").await;
    app.click("#secret-confirm").await;
    app.wait_text("#secret-action-error", |t| t.contains("6-digit"))
        .await;
    next_totp_step().await;
    app.fill("#secret-code", &next_code(&enrolled.secret)).await;
    app.click("#secret-confirm").await;
    let revealed = app
        .wait_value("#signing-secret-value", |v| v.starts_with("whsec_"))
        .await;
    assert_eq!(revealed, secret);
    app.wait_text("#signing-secret-countdown", |t| t.ends_with(" s"))
        .await;

    // Roll with the default 24-hour overlap: both secrets verify the next delivery on their own.
    next_totp_step().await;
    app.click("#secret-roll").await;
    assert_eq!(app.value("#secret-overlap").await, "24");
    app.fill("#secret-code", &next_code(&enrolled.secret)).await;
    app.click("#secret-confirm").await;
    let rolled = app
        .wait_value("#signing-secret-value", |v| {
            v.starts_with("whsec_") && v != secret
        })
        .await;
    app.wait_text("#signing-secret-previous", |t| t.contains("valid until"))
        .await;
    app.screenshot("secret-rolled.png").await;
    emit(data.path(), &session, "A2");
    let got = receiver.wait_for(2).await;
    assert!(verifies(&rolled, &got[1]), "the new secret did not verify");
    assert!(
        verifies(&secret, &got[1]),
        "the old secret stopped verifying during the overlap"
    );
    assert!(!verifies("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", &got[1]));
    app.close().await;
}

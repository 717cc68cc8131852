//! The account lifecycle in the real window: the Users screen's reset two-factor, disable, enable and role
//! actions (each behind the admin's code), and the Security page's new recovery codes, password change,
//! own sessions and sign-out-everywhere. Each step is checked through the CLI on the same data dir.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use hookdesk_e2e::{
    cli, cli_binary, current_step, totp_at_step, totp_now, App, ADMIN, ADMIN_PASSWORD,
};
use serde_json::Value;

const BOB_PASSWORD: &str = "bob canary password";

/// Codes the app will still take: one step later than the last one spent, and within a step of now. A
/// step is accepted once, so this waits when all three steps around now are spent.
struct Codes {
    secret: String,
    last: u64,
}

impl Codes {
    async fn next(&mut self) -> String {
        loop {
            let now = current_step();
            let step = (self.last + 1).max(now - 1);
            if step <= now + 1 {
                self.last = step;
                return totp_at_step(&self.secret, step);
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

/// The error code a failing `hookdesk --json` command printed.
fn cli_error(dir: &Path, args: &[&str], stdin: &str, session: Option<&str>) -> String {
    use std::io::Write;
    let mut cmd = Command::new(cli_binary());
    if let Some(s) = session {
        cmd.env("HOOKDESK_SESSION", s);
    }
    let mut child = cmd
        .arg("--data-dir")
        .arg(dir)
        .arg("--json")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success(), "hookdesk {args:?} succeeded");
    let v: Value = serde_json::from_slice(&out.stderr).unwrap_or(Value::Null);
    v["code"].as_str().unwrap_or("").to_string()
}

fn user(dir: &Path, session: &str, name: &str) -> Value {
    let list = cli(
        dir,
        &["user", "list"],
        None,
        &[("HOOKDESK_SESSION", session)],
    );
    list["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == name)
        .cloned()
        .unwrap_or(Value::Null)
}

async fn confirm_code(app: &App, code: &str) {
    app.fill("#code-modal-code", code).await;
    app.click("#code-modal-submit").await;
    app.wait_count("#code-modal", 0).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn users_screen_actions_and_the_security_page() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path();
    let app = App::launch(dir).await;
    let enrolled = app.first_run().await;
    let mut codes = Codes {
        secret: enrolled.secret.clone(),
        last: current_step(),
    };
    // The CLI acts beside the window with its own session (unlocked by a recovery code).
    let password = format!("{ADMIN_PASSWORD}\n");
    let unlock = [
        "unlock",
        "--user",
        ADMIN,
        "--code",
        &enrolled.recovery_codes[1],
        "--password-stdin",
    ];
    let session = cli(dir, &unlock, Some(&password), &[])["session"]
        .as_str()
        .unwrap()
        .to_string();
    let env = [("HOOKDESK_SESSION", session.as_str())];
    let bob_pw = format!("{BOB_PASSWORD}\n");
    cli(
        dir,
        &[
            "user",
            "add",
            "bob",
            "--role",
            "manager",
            "--password-stdin",
        ],
        Some(&bob_pw),
        &env,
    );
    let key = cli(
        dir,
        &["2fa", "enroll", "--user", "bob", "--password-stdin"],
        Some(&bob_pw),
        &[],
    )["totp"]["secret"]
        .as_str()
        .unwrap()
        .to_string();
    let bob_codes = cli(
        dir,
        &["2fa", "confirm", "--user", "bob", "--code", &totp_now(&key)],
        None,
        &[],
    );
    let bob_recovery: Vec<String> =
        serde_json::from_value(bob_codes["recovery_codes"].clone()).unwrap();

    app.go("Users").await;
    let row = "tr.user-row[data-name='bob']";
    app.wait_for(row).await;

    // Disable: Bob cannot sign in.
    app.click(&format!("{row} .user-disable")).await;
    confirm_code(&app, &codes.next().await).await;
    app.wait_text(&format!("{row} .user-status"), |t| t == "Disabled")
        .await;
    let bob_unlock = [
        "unlock",
        "--user",
        "bob",
        "--code",
        &bob_recovery[0],
        "--password-stdin",
    ];
    assert_eq!(cli_error(dir, &bob_unlock, &bob_pw, None), "unauthorized");
    assert_eq!(user(dir, &session, "bob")["disabled"], true);

    // Enable: Bob signs in again.
    app.click(&format!("{row} .user-enable")).await;
    confirm_code(&app, &codes.next().await).await;
    app.wait_text(&format!("{row} .user-status"), |t| t == "Active")
        .await;
    cli(dir, &bob_unlock, Some(&bob_pw), &[]);

    // Role: manager to support.
    app.select(&format!("{row} .user-role"), "support").await;
    confirm_code(&app, &codes.next().await).await;
    assert_eq!(user(dir, &session, "bob")["role"], "support");

    // Reset two-factor: Bob's key and codes are gone; he enrolls again.
    app.click(&format!("{row} .user-reset-2fa")).await;
    confirm_code(&app, &codes.next().await).await;
    assert_eq!(user(dir, &session, "bob")["totpEnrolled"], false);
    let bob_unlock = [
        "unlock",
        "--user",
        "bob",
        "--code",
        &bob_recovery[1],
        "--password-stdin",
    ];
    assert_eq!(
        cli_error(dir, &bob_unlock, &bob_pw, None),
        "enrollment_required"
    );
    app.screenshot("users-actions.png").await;

    // Security page: new recovery codes, shown once; the old ones stop working.
    app.go("Security").await;
    app.fill("#rc-code", &codes.next().await).await;
    app.click("#rc-submit").await;
    app.wait_count("#rc-codes li", 10).await;
    let old = [
        "unlock",
        "--user",
        ADMIN,
        "--code",
        &enrolled.recovery_codes[2],
        "--password-stdin",
    ];
    assert_eq!(cli_error(dir, &old, &password, None), "invalid");
    let new_code = app.text("#rc-codes li:first-child").await;
    app.screenshot("security-page.png").await;

    // Two sessions are listed (the window's and the CLI's); the password change ends the CLI's.
    app.wait_count("tr.own-session", 2).await;
    let new_password = "a new canary password";
    app.fill("#pw-current", ADMIN_PASSWORD).await;
    app.fill("#pw-new", new_password).await;
    app.fill("#pw-new2", new_password).await;
    app.fill("#pw-code", &codes.next().await).await;
    app.click("#pw-submit").await;
    app.wait_for("#pw-done").await;
    assert_eq!(
        cli_error(dir, &["user", "list"], "", Some(&session)),
        "locked"
    );
    let with_new = [
        "unlock",
        "--user",
        ADMIN,
        "--code",
        &new_code,
        "--password-stdin",
    ];
    let cli_session = cli(dir, &with_new, Some(&format!("{new_password}\n")), &[])["session"]
        .as_str()
        .unwrap()
        .to_string();

    // Sign out everywhere: the window returns to the sign-in screen and the CLI's session ends too.
    app.go("Dashboard").await;
    app.go("Security").await;
    app.wait_count("tr.own-session", 2).await;
    app.click("#sign-out-everywhere").await;
    app.wait_for("#signin-name").await;
    let out = Command::new(cli_binary())
        .arg("--data-dir")
        .arg(dir)
        .args(["--json", "user", "list"])
        .env("HOOKDESK_SESSION", &cli_session)
        .output()
        .unwrap();
    assert!(!out.status.success());
    app.close().await;
}

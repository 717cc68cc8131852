//! The account commands of the `hookdesk` binary, run as a user would (README, Command line).

use std::process::Output;

use serde_json::Value;

use crate::support::accounts::code_at;
use crate::support::cli::{ok_json, run_with_stdin};
use crate::support::TestDir;

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// Runs `hookdesk --json --data-dir DIR args…` with `stdin` and an optional session.
fn hookdesk(dir: &TestDir, args: &[&str], stdin: &str, session: Option<&str>) -> Output {
    let envs: Vec<(&str, &str)> = session
        .map(|s| ("HOOKDESK_SESSION", s))
        .into_iter()
        .collect();
    run_with_stdin(&dir.path(), args, &envs, Some(stdin))
}

fn err_json(out: &Output) -> Value {
    assert!(
        !out.status.success(),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    serde_json::from_slice(&out.stderr).unwrap()
}

#[test]
fn init_confirm_unlock_add_user_and_lock() {
    let dir = TestDir::new();
    let init = ok_json(&hookdesk(
        &dir,
        &["init", "--admin", "ana", "--password-stdin"],
        "admin-password-1\n",
        None,
    ));
    assert_eq!(init["user"]["name"], "ana");
    assert_eq!(init["user"]["role"], "admin");
    let secret = init["totp"]["secret"].as_str().unwrap().to_string();
    assert!(init["totp"]["otpauth_url"]
        .as_str()
        .unwrap()
        .contains(&secret));

    let again = err_json(&hookdesk(
        &dir,
        &["init", "--admin", "bob", "--password-stdin"],
        "admin-password-1\n",
        None,
    ));
    assert_eq!(again["code"], "conflict");

    let now = now_ms();
    let confirm = ok_json(&hookdesk(
        &dir,
        &[
            "2fa",
            "confirm",
            "--user",
            "ana",
            "--code",
            &code_at(&secret, now),
        ],
        "",
        None,
    ));
    let codes = confirm["recovery_codes"].as_array().unwrap();
    assert_eq!(codes.len(), 10);

    let wrong_pw = err_json(&hookdesk(
        &dir,
        &[
            "unlock",
            "--user",
            "ana",
            "--code",
            &code_at(&secret, now + 30_000),
            "--password-stdin",
        ],
        "not-the-password\n",
        None,
    ));
    assert_eq!(wrong_pw["code"], "unauthorized");

    // The confirmation used this step; the next step's code is inside the allowed skew.
    let unlock = ok_json(&hookdesk(
        &dir,
        &[
            "unlock",
            "--user",
            "ana",
            "--code",
            &code_at(&secret, now + 30_000),
            "--password-stdin",
        ],
        "admin-password-1\n",
        None,
    ));
    let session = unlock["session"].as_str().unwrap().to_string();
    assert_eq!(session.len(), 64);
    assert!(unlock["expires_at"].as_str().unwrap().ends_with('Z'));

    let locked = err_json(&hookdesk(
        &dir,
        &[
            "user",
            "add",
            "sue",
            "--role",
            "support",
            "--password-stdin",
        ],
        "support-password\n",
        None,
    ));
    assert_eq!(locked["code"], "locked");

    let added = ok_json(&hookdesk(
        &dir,
        &[
            "user",
            "add",
            "sue",
            "--role",
            "support",
            "--password-stdin",
        ],
        "support-password\n",
        Some(&session),
    ));
    assert_eq!(added["user"]["name"], "sue");
    assert_eq!(added["user"]["role"], "support");
    assert_eq!(added["user"]["totpEnrolled"], false);

    let short = err_json(&hookdesk(
        &dir,
        &[
            "user",
            "add",
            "tim",
            "--role",
            "manager",
            "--password-stdin",
        ],
        "short\n",
        Some(&session),
    ));
    assert_eq!(short["code"], "invalid");
    assert_eq!(short["field"], "password");

    // The new user enrolls with their password, then confirms a code.
    let enroll = ok_json(&hookdesk(
        &dir,
        &["2fa", "enroll", "--user", "sue", "--password-stdin"],
        "support-password\n",
        None,
    ));
    let sue_secret = enroll["totp"]["secret"].as_str().unwrap().to_string();
    let sue_unlock = err_json(&hookdesk(
        &dir,
        &[
            "unlock",
            "--user",
            "sue",
            "--code",
            &code_at(&sue_secret, now_ms()),
            "--password-stdin",
        ],
        "support-password\n",
        None,
    ));
    assert_eq!(sue_unlock["code"], "enrollment_required");
    ok_json(&hookdesk(
        &dir,
        &[
            "2fa",
            "confirm",
            "--user",
            "sue",
            "--code",
            &code_at(&sue_secret, now_ms()),
        ],
        "",
        None,
    ));

    // A support user may not add users.
    let sue_session = ok_json(&hookdesk(
        &dir,
        &[
            "unlock",
            "--user",
            "sue",
            "--code",
            &code_at(&sue_secret, now_ms() + 30_000),
            "--password-stdin",
        ],
        "support-password\n",
        None,
    ))["session"]
        .as_str()
        .unwrap()
        .to_string();
    let forbidden = err_json(&hookdesk(
        &dir,
        &[
            "user",
            "add",
            "tim",
            "--role",
            "manager",
            "--password-stdin",
        ],
        "tim-password-1\n",
        Some(&sue_session),
    ));
    assert_eq!(forbidden["code"], "forbidden");

    ok_json(&hookdesk(&dir, &["lock"], "", Some(&session)));
    let after_lock = err_json(&hookdesk(
        &dir,
        &[
            "user",
            "add",
            "tim",
            "--role",
            "manager",
            "--password-stdin",
        ],
        "tim-password-1\n",
        Some(&session),
    ));
    assert_eq!(after_lock["code"], "locked");

    // A recovery code unlocks too.
    let rc = ok_json(&hookdesk(
        &dir,
        &[
            "unlock",
            "--user",
            "ana",
            "--code",
            codes[1].as_str().unwrap(),
            "--password-stdin",
        ],
        "admin-password-1\n",
        None,
    ));
    assert!(rc["session"].is_string());
}

#[test]
fn passwords_come_only_from_stdin() {
    let dir = TestDir::new();
    let err = err_json(&hookdesk(
        &dir,
        &["init", "--admin", "ana"],
        "admin-password-1\n",
        None,
    ));
    assert_eq!(err["field"], "password");
    let err = err_json(&hookdesk(
        &dir,
        &["init", "--admin", "ana", "--password-stdin"],
        "short\n",
        None,
    ));
    assert_eq!(err["field"], "password");
    let err = err_json(&hookdesk(&dir, &["lock"], "", None));
    assert_eq!(err["code"], "locked");
}

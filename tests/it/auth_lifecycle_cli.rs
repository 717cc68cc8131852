//! The account lifecycle and the command line's manners through the real `hookdesk` binary: each
//! lifecycle command, usage errors as JSON with exit code 2, help text, completions and the man page.

use std::process::Output;

use hookdesk_core::auth::Role;
use serde_json::Value;

use crate::support::cli::{error_code, run_with_stdin};
use crate::support::team::{self as se, Env, User, PASSWORD};

fn ok(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

/// A TOTP code the core still takes now: within one step of the system clock (which the binary uses)
/// and later than the last step the user spent.
fn code(env: &Env, u: &User) -> String {
    let last: Option<i64> = env
        .ctx
        .db
        .conn()
        .query_row(
            "SELECT last_totp_step FROM users WHERE name = ?1",
            hookdesk_core::args![&u.name],
            |r| r.get(0),
        )
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        / 30;
    let step = (now - 1..=now + 1)
        .find(|s| last.is_none_or(|l| *s > l))
        .expect("an unspent step: use another user");
    se::totp(&u.secret, step * 30)
}

fn run(env: &Env, u: &User, args: &[&str], stdin: Option<&str>) -> Output {
    run_with_stdin(
        &env.dir.path(),
        args,
        &[("HOOKDESK_SESSION", &u.token)],
        stdin,
    )
}

#[test]
fn reset_2fa_disable_enable_and_role_through_the_cli() {
    let env = Env::real_time();
    let team = se::team(&env);
    let (root, mona, sam) = (&team[0], &team[1], &team[2]);
    // Each admin command spends a code, and a code's step is accepted once: each admin here acts once.
    let ops = &se::user(&env, root, "ops", Role::Admin);
    let lee = &se::user(&env, root, "lee", Role::Admin);
    let kim = &se::user(&env, root, "kim", Role::Admin);
    let val = &se::user(&env, root, "val", Role::Admin);

    // Support and manager are refused before their code is even looked at.
    for u in [mona, sam] {
        let out = run(
            &env,
            u,
            &["user", "disable", "root", "--code", "123456"],
            None,
        );
        assert_eq!(error_code(&out).as_deref(), Some("forbidden"));
    }

    let out = run(
        &env,
        root,
        &["user", "reset-2fa", "sam", "--code", &code(&env, root)],
        None,
    );
    assert_eq!(ok(&out)["user"]["totpEnrolled"], false);
    // Sam's session ended; Sam enrolls again with the password, as at first sign-in.
    let out = run(&env, sam, &["hook", "list"], None);
    assert_eq!(error_code(&out).as_deref(), Some("locked"));
    let out = run_with_stdin(
        &env.dir.path(),
        &["2fa", "enroll", "--user", "sam", "--password-stdin"],
        &[],
        Some(&format!("{PASSWORD}\n")),
    );
    let secret = ok(&out)["totp"]["secret"].as_str().unwrap().to_string();
    assert_ne!(secret, sam.secret);

    let out = run(
        &env,
        ops,
        &["user", "disable", "mona", "--code", &code(&env, ops)],
        None,
    );
    assert_eq!(ok(&out)["user"]["disabled"], true);
    let out = run(&env, mona, &["hook", "list"], None);
    assert_eq!(error_code(&out).as_deref(), Some("locked"));
    let unlock = [
        "unlock",
        "--user",
        "mona",
        "--code",
        &mona.recovery[0],
        "--password-stdin",
    ];
    let out = run_with_stdin(
        &env.dir.path(),
        &unlock,
        &[],
        Some(&format!("{PASSWORD}\n")),
    );
    assert_eq!(error_code(&out).as_deref(), Some("unauthorized"));

    let out = run(
        &env,
        lee,
        &["user", "enable", "mona", "--code", &code(&env, lee)],
        None,
    );
    assert_eq!(ok(&out)["user"]["disabled"], false);
    let out = run_with_stdin(
        &env.dir.path(),
        &unlock,
        &[],
        Some(&format!("{PASSWORD}\n")),
    );
    let mona_session = ok(&out)["session"].as_str().unwrap().to_string();

    let out = run(
        &env,
        kim,
        &[
            "user",
            "role",
            "mona",
            "--role",
            "support",
            "--code",
            &code(&env, kim),
        ],
        None,
    );
    assert_eq!(ok(&out)["user"]["role"], "support");
    let out = run_with_stdin(
        &env.dir.path(),
        &["hook", "delete", "nope"],
        &[("HOOKDESK_SESSION", &mona_session)],
        None,
    );
    assert_eq!(error_code(&out).as_deref(), Some("forbidden"));

    // The last enabled admin rule, through the CLI: with the other admins disabled, val cannot step
    // down. Disabling the others one by one would spend more codes than one step allows, so their rows
    // are set directly.
    env.ctx
        .db
        .conn()
        .execute(
            "UPDATE users SET disabled_at = 1 WHERE role = 'admin' AND name != 'val'",
            hookdesk_core::args![],
        )
        .unwrap();
    let out = run(
        &env,
        val,
        &[
            "user",
            "role",
            "val",
            "--role",
            "manager",
            "--code",
            &code(&env, val),
        ],
        None,
    );
    assert_eq!(error_code(&out).as_deref(), Some("invalid"));
    let users = ok(&run(&env, val, &["user", "list"], None));
    let val_row = users["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "val")
        .cloned()
        .unwrap();
    assert_eq!(val_row["role"], "admin");
}

#[test]
fn recovery_codes_and_passwd_through_the_cli() {
    let env = Env::real_time();
    let team = se::team(&env);
    let (mona, sam) = (&team[1], &team[2]);

    let out = run(
        &env,
        sam,
        &["2fa", "recovery-codes", "--code", &code(&env, sam)],
        None,
    );
    let codes: Vec<String> = serde_json::from_value(ok(&out)["recovery_codes"].clone()).unwrap();
    assert_eq!(codes.len(), 10);
    assert!(codes.iter().all(|c| !sam.recovery.contains(c)));

    let old = run_with_stdin(
        &env.dir.path(),
        &[
            "unlock",
            "--user",
            "sam",
            "--code",
            &sam.recovery[0],
            "--password-stdin",
        ],
        &[],
        Some(&format!("{PASSWORD}\n")),
    );
    assert_eq!(
        error_code(&old).as_deref(),
        Some("invalid"),
        "old codes stop working"
    );
    ok(&run_with_stdin(
        &env.dir.path(),
        &[
            "unlock",
            "--user",
            "sam",
            "--code",
            &codes[0],
            "--password-stdin",
        ],
        &[],
        Some(&format!("{PASSWORD}\n")),
    ));

    // passwd, as Mona: two lines on stdin, the current password, then the new one. The rules apply.
    let other = ok(&run_with_stdin(
        &env.dir.path(),
        &[
            "unlock",
            "--user",
            "mona",
            "--code",
            &mona.recovery[0],
            "--password-stdin",
        ],
        &[],
        Some(&format!("{PASSWORD}\n")),
    ))["session"]
        .as_str()
        .unwrap()
        .to_string();
    let short = run(
        &env,
        mona,
        &["passwd", "--code", "123456"],
        Some(&format!("{PASSWORD}\nshort\n")),
    );
    let err: Value = serde_json::from_slice(&short.stderr).unwrap();
    assert_eq!(err["field"], "newPassword");
    let new = "canary-mona-password-2";
    let out = run(
        &env,
        mona,
        &["passwd", "--code", &code(&env, mona)],
        Some(&format!("{PASSWORD}\n{new}\n")),
    );
    assert_eq!(ok(&out)["password_changed"], true);
    // The other session ended; the old password no longer signs in, the new one does.
    let out = run_with_stdin(
        &env.dir.path(),
        &["hook", "list"],
        &[("HOOKDESK_SESSION", &other)],
        None,
    );
    assert_eq!(error_code(&out).as_deref(), Some("locked"));
    let unlock = |pw: &str, c: &str| {
        run_with_stdin(
            &env.dir.path(),
            &["unlock", "--user", "mona", "--code", c, "--password-stdin"],
            &[],
            Some(&format!("{pw}\n")),
        )
    };
    assert_eq!(
        error_code(&unlock(PASSWORD, &mona.recovery[1])).as_deref(),
        Some("unauthorized")
    );
    ok(&unlock(new, &mona.recovery[2]));
}

#[test]
fn usage_errors_are_json_with_exit_code_2() {
    let dir = crate::support::TestDir::new();
    for (args, field) in [
        (&["hook", "list", "--bogus"][..], Some("bogus")),
        (
            &["order-webhooks", "set", "--store", "s", "--open", "maybe"][..],
            Some("open"),
        ),
        (&["frobnicate"][..], Some("frobnicate")),
        (&["user", "role", "x", "--code", "1"][..], Some("role")),
    ] {
        let out = run_with_stdin(&dir.path(), args, &[], None);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let v: Value = serde_json::from_str(stderr.trim())
            .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {stderr}"));
        assert_eq!(v["code"], "usage", "{args:?}");
        assert!(!v["message"].as_str().unwrap_or("").is_empty());
        assert_eq!(v["field"].as_str(), field, "{args:?}: {v}");
    }
    // Without --json, clap's text as before, still exit 2.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hookdesk"))
        .args(["hook", "list", "--bogus"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error:"));
}

/// Every line under "Options:" in `--help` carries a description, for every subcommand: the subcommands
/// are found from the help output itself, so new ones are walked too.
#[test]
fn every_subcommand_help_describes_every_flag() {
    fn help(path: &[String]) -> String {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_hookdesk"))
            .args(path)
            .arg("--help")
            .output()
            .unwrap();
        assert!(out.status.success(), "{path:?}");
        String::from_utf8(out.stdout).unwrap()
    }
    fn section<'a>(text: &'a str, title: &str) -> Vec<&'a str> {
        text.lines()
            .skip_while(|l| *l != title)
            .skip(1)
            .take_while(|l| !l.is_empty())
            .collect()
    }
    let mut todo = vec![Vec::<String>::new()];
    let mut walked = 0;
    while let Some(path) = todo.pop() {
        let text = help(&path);
        walked += 1;
        for lines in [section(&text, "Options:"), section(&text, "Arguments:")] {
            for (i, line) in lines.iter().enumerate() {
                // "  -x, --flag <V>  Help": two spaces part the name from its help, which moves to the
                // next, deeper-indented line when the name is long.
                let body = line.trim_start();
                if !(body.starts_with('-') || body.starts_with('<') || body.starts_with('[')) {
                    continue;
                }
                let same_line = body.split_once("  ").map(|(_, h)| h.trim()).unwrap_or("");
                let next_line = lines.get(i + 1).map(|l| l.trim_start()).unwrap_or("");
                let next_is_help = !next_line.is_empty()
                    && !next_line.starts_with('-')
                    && lines[i + 1].len() - next_line.len() > line.len() - body.len();
                assert!(
                    !same_line.is_empty() || next_is_help,
                    "hookdesk {} --help: {line:?}",
                    path.join(" ")
                );
            }
        }
        for line in section(&text, "Commands:") {
            let name = line.split_whitespace().next().unwrap_or("");
            if !name.is_empty() && name != "help" {
                let mut next = path.clone();
                next.push(name.to_string());
                todo.push(next);
            }
        }
    }
    assert!(walked > 40, "only {walked} commands walked");
    let set = help(&["order-webhooks".into(), "set".into()]);
    assert!(set.contains("--open <on|off>"), "{set}");
}

#[test]
fn completions_and_the_man_page_come_from_the_same_definitions() {
    let dir = crate::support::TestDir::new();
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef hookdesk"),
        ("fish", "complete -c hookdesk"),
    ] {
        let out = run_with_stdin(&dir.path(), &["completions", shell], &[], None);
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            out.status.success() && text.contains(marker),
            "{shell}: {text:.200}"
        );
        assert!(
            text.contains("reset-2fa"),
            "{shell} completes the new commands"
        );
    }
    let out = run_with_stdin(&dir.path(), &["man"], &[], None);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(".ie") || text.contains(".TH hookdesk"),
        "{text:.200}"
    );
    assert!(text.contains("completions"));
}

/// The CLI reference writes `user disable NAME`, `user enable NAME` and `user role NAME --role R` without a code:
/// right after `hookdesk unlock` they run as written; once the unlock is over five minutes old they ask
/// for `--code`, and change nothing.
#[test]
fn disable_enable_and_role_run_without_a_code_right_after_unlocking() {
    let env = Env::real_time();
    let team = se::team(&env);
    let (root, mona) = (&team[0], &team[1]);
    let out = run(&env, root, &["user", "disable", "mona"], None);
    assert_eq!(ok(&out)["user"]["disabled"], true);
    let out = run(&env, root, &["user", "enable", "mona"], None);
    assert_eq!(ok(&out)["user"]["disabled"], false);
    let out = run(
        &env,
        root,
        &["user", "role", "mona", "--role", "support"],
        None,
    );
    assert_eq!(ok(&out)["user"]["role"], "support");

    let ten_minutes_ago = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
        - 10 * 60_000;
    env.ctx
        .db
        .conn()
        .execute(
            "UPDATE sessions SET unlocked_at = ?1",
            hookdesk_core::args![ten_minutes_ago],
        )
        .unwrap();
    for args in [
        &["user", "disable", "mona"][..],
        &["user", "role", "mona", "--role", "manager"][..],
    ] {
        let out = run(&env, root, args, None);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap();
        let e: Value = serde_json::from_str(last).expect("a JSON error");
        assert_eq!(
            (e["code"].as_str(), e["field"].as_str()),
            (Some("invalid"), Some("code"))
        );
    }
    let users = ok(&run(&env, root, &["user", "list"], None));
    let row = users["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == mona.name)
        .cloned()
        .unwrap();
    assert_eq!(
        (row["role"].as_str(), row["disabled"].as_bool()),
        (Some("support"), Some(false))
    );
}

/// `ingest-token create --label`, `list` (never the token) and `revoke`, through the binary, admin only.
#[test]
fn ingest_tokens_are_listed_without_the_token_and_revoked() {
    let env = Env::real_time();
    let team = se::team(&env);
    let (root, mona) = (&team[0], &team[1]);
    let out = ok(&run(
        &env,
        root,
        &["ingest-token", "create", "--label", "POS bridge"],
        None,
    ));
    let token = out["token"].as_str().unwrap().to_string();
    let id = out["ingest_token"]["id"].as_i64().unwrap();
    let listed = run(&env, root, &["ingest-token", "list"], None);
    assert!(!String::from_utf8_lossy(&listed.stdout).contains(&token));
    let listed = ok(&listed);
    assert_eq!(listed["ingest_tokens"][0]["label"], "POS bridge");
    let out = run(
        &env,
        mona,
        &["ingest-token", "revoke", &id.to_string()],
        None,
    );
    assert_eq!(error_code(&out).as_deref(), Some("forbidden"));
    let out = ok(&run(
        &env,
        root,
        &["ingest-token", "revoke", &id.to_string()],
        None,
    ));
    assert_eq!(out["revoked"]["id"], id);
    let listed = ok(&run(&env, root, &["ingest-token", "list"], None));
    assert_eq!(listed["ingest_tokens"], serde_json::json!([]));
}

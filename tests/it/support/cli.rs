//! The one runner for the real `hookdesk` binary, and the readers of what it printed.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// Variables of the run passed on to the binary: the trace log that `make test` scans for secrets should
/// hold what the CLI logged too.
const PASSED_ON: [&str; 2] = ["HOOKDESK_LOG", "HOOKDESK_LOG_FILE"];

/// Runs `hookdesk --json --data-dir DIR ARGS…`, writing `stdin` if given. The binary sees PATH, HOME (the
/// data dir), the trace-log settings and `envs`, nothing else: no session, data key, data dir or session
/// bus (so no keychain) of the machine running the tests can change what a test checks.
pub fn run_with_stdin(
    dir: &Path,
    args: &[&str],
    envs: &[(&str, &str)],
    stdin: Option<&str>,
) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hookdesk"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir);
    for name in PASSED_ON {
        if let Some(v) = std::env::var_os(name) {
            cmd.env(name, v);
        }
    }
    if let Some(db) = super::database_of(dir) {
        cmd.env(hookdesk_core::store::DATABASE_URL_ENV, db.unmasked());
    }
    cmd.arg("--json")
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .envs(envs.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn hookdesk");
    if let (Some(mut pipe), Some(text)) = (child.stdin.take(), stdin) {
        // A command refused before it reads stdin may already have exited: a broken pipe is expected then.
        if let Err(e) = pipe.write_all(text.as_bytes()) {
            assert_eq!(
                e.kind(),
                std::io::ErrorKind::BrokenPipe,
                "writing stdin: {e}"
            );
        }
    }
    child.wait_with_output().expect("hookdesk output")
}

/// Runs a command as the holder of `session` (none: signed out), with nothing on stdin.
pub fn run(dir: &Path, session: Option<&str>, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut all: Vec<(&str, &str)> = session
        .map(|s| ("HOOKDESK_SESSION", s))
        .into_iter()
        .collect();
    all.extend_from_slice(envs);
    run_with_stdin(dir, args, &all, None)
}

/// The JSON a successful command printed on stdout (null when it printed nothing); fails the test,
/// with stderr, when the command failed.
pub fn ok_json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    if out.stdout.iter().all(u8::is_ascii_whitespace) {
        return Value::Null;
    }
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

/// The `{code, message, field}` a failed `--json` command printed last on stderr.
pub fn error_json(out: &Output) -> Option<Value> {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty())?;
    serde_json::from_str(last).ok()
}

/// The error code of a failed `--json` command.
pub fn error_code(out: &Output) -> Option<String> {
    error_json(out)?.get("code")?.as_str().map(str::to_string)
}

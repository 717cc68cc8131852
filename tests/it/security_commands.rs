//! Every desktop command that reads or changes settings goes through the session gate. Checked on the
//! source text, so the desktop crate (and its webview stack) need not be built for the core tests.

use std::path::PathBuf;

/// Commands that run before or without an unlocked session, each on purpose.
const OPEN: &[&str] = &[
    "app_status",
    "auth_state",
    "setup_admin",
    "sign_in",
    "sign_out",
    "begin_enrollment",
    "confirm_enrollment",
    "unlock",
    "lock",
    "catalog",
    "storage_status",
    // The answer to "keep delivering or quit?" when the window is closed: whoever can close the window
    // may choose, signed in or not.
    "close_choice",
];

fn commands_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../src/commands")
}

/// `(name, body)` of each `#[tauri::command]` fn in `src`. The body runs to the next command attribute
/// or the end of the file, which is enough to see whether the gate is called.
fn commands(src: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let parts: Vec<&str> = src.split("#[tauri::command]").collect();
    for part in parts.iter().skip(1) {
        let sig_at = part.find("fn ").expect("a command attribute without a fn");
        let after = &part[sig_at + 3..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        // Stop the body at the next item so a later helper that happens to call the gate does not count.
        let body_end = after.find("\n}\n").map_or(after.len(), |i| i + 3);
        out.push((name, after[..body_end].to_string()));
    }
    out
}

#[test]
fn every_command_outside_the_open_list_calls_the_gate() {
    let mut seen = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(commands_dir())
        .expect("src-tauri/src/commands")
        .collect();
    entries.sort_by_key(|e| e.as_ref().map(|e| e.path()).ok());
    for entry in entries {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("rs") {
            continue;
        }
        let src = std::fs::read_to_string(&path).unwrap();
        for (name, body) in commands(&src) {
            let gated = body.contains("state.actor(");
            if OPEN.contains(&name.as_str()) {
                assert!(
                    !gated,
                    "{name} is listed as open but calls the gate: update OPEN"
                );
            } else {
                assert!(
                    gated,
                    "{}: command `{name}` does not call state.actor(…)",
                    path.display()
                );
            }
            seen.push(name);
        }
    }
    // The scan must have found the real command set, or it proves nothing.
    for must in [
        "hooks_list",
        "hook_create",
        "order_webhooks_set",
        "user_add",
        "send_test",
        "resend",
    ] {
        assert!(
            seen.iter().any(|n| n == must),
            "{must} not found among {seen:?}"
        );
    }
    for open in OPEN {
        assert!(
            seen.iter().any(|n| n == open),
            "open command {open} no longer exists: update OPEN"
        );
    }
}

#[test]
fn the_scanner_notices_a_command_without_the_gate() {
    let src = "#[tauri::command]\npub fn a(state: State<'_, AppState>) -> Result<()> {\n    let (ctx, actor) = state.actor(Permission::ReadHooks)?;\n    Ok(())\n}\n\n\
               #[tauri::command]\npub fn b(state: State<'_, AppState>) -> Result<()> {\n    Ok(())\n}\n\n\
               fn helper(state: &AppState) { state.actor(Permission::ReadHooks); }\n";
    let found = commands(src);
    assert_eq!(found.len(), 2);
    assert!(found[0].1.contains("state.actor("));
    assert!(
        !found[1].1.contains("state.actor("),
        "the helper after b must not count for b"
    );
}

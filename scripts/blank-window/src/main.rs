//! A blank Tauri 2 window for `make startup`: the page calls `painted` once it has rendered, and with
//! `HOOKDESK_STARTUP_PROBE=1` the time since process start is printed as Hookdesk's own probe does.

use std::sync::OnceLock;
use std::time::Instant;

static STARTED: OnceLock<Instant> = OnceLock::new();

#[tauri::command]
fn painted() {
    if std::env::var_os("HOOKDESK_STARTUP_PROBE").is_some() {
        if let Some(t) = STARTED.get() {
            eprintln!(
                "hookdesk-startup: first-paint-ms={}",
                t.elapsed().as_millis()
            );
        }
    }
}

fn main() {
    STARTED.get_or_init(Instant::now);
    if let Err(e) = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![painted])
        .run(tauri::generate_context!())
    {
        eprintln!("blank window: {e}");
        std::process::exit(1);
    }
}

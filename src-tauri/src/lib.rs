//! The desktop shell: opens the data directory, manages state and registers the thin commands.

mod commands;
mod state;

use std::path::PathBuf;

use hookdesk_core::paths::resolve_data_dir;

pub use state::AppState;

/// `--data-dir DIR` on the command line wins over `HOOKDESK_DATA_DIR` and the OS default, as in the CLI.
fn data_dir_from_args() -> Option<PathBuf> {
    let mut args = std::env::args_os().skip(1);
    while let Some(a) = args.next() {
        if a == "--data-dir" {
            return args.next().map(PathBuf::from);
        }
        if let Some(v) = a.to_str().and_then(|s| s.strip_prefix("--data-dir=")) {
            return Some(PathBuf::from(v));
        }
    }
    None
}

pub fn builder<R: tauri::Runtime>(state: AppState) -> tauri::Builder<R> {
    tauri::Builder::<R>::new()
        .manage(state)
        .invoke_handler(tauri::generate_handler![commands::app_status])
}

pub fn run() {
    let state = AppState::open(resolve_data_dir(data_dir_from_args()));
    if let Err(e) = builder::<tauri::Wry>(state).run(tauri::generate_context!()) {
        eprintln!("hookdesk: the window could not be started: {e}");
        std::process::exit(1);
    }
}

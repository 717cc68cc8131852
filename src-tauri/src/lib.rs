//! The desktop shell: opens the data directory, manages state, runs the delivery engine while the window is
//! open and registers the thin commands.

#[cfg(test)]
mod capability_check;
mod commands;
mod state;

use std::path::PathBuf;

use hookdesk_core::paths::resolve_data_dir;
use tauri::Manager;

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
    use commands::*;
    tauri::Builder::<R>::new()
        .manage(state)
        .setup(|app| {
            start_engine(app.state::<AppState>().inner());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            status::app_status,
            auth::auth_state,
            auth::setup_admin,
            auth::sign_in,
            auth::sign_out,
            auth::begin_enrollment,
            auth::confirm_enrollment,
            auth::unlock,
            auth::lock,
            auth::users_list,
            auth::user_add,
            auth::user_remove,
            auth::audit_list,
            auth::settings_get,
            auth::settings_set,
            config::stores_list,
            config::store_save,
            config::catalog,
            config::hooks_list,
            config::hook_get,
            config::hook_create,
            config::hook_update,
            config::hook_delete,
            config::hook_set_enabled,
            config::order_webhooks_get,
            config::order_webhooks_set,
            delivery::sample_payload,
            delivery::send_test,
            delivery::deliveries_list,
            delivery::delivery_attempts,
            delivery::resend,
            delivery::recover,
            delivery::recover_progress,
            delivery::emit_event,
            delivery::dashboard,
            data::storage_status,
            data::data_settings_get,
            data::retention_set,
            data::store_delete,
            data::backup_save,
        ])
}

/// The engine delivers live events while the window is open; with `hookdesk serve` on the same data dir,
/// the engine lease lets only one of them deliver.
fn start_engine(state: &AppState) {
    let Ok(engine) = state.engine() else { return };
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    // Kept for the life of the process: dropping the sender would stop the engine.
    std::mem::forget(stop_tx);
    tauri::async_runtime::spawn(async move {
        if let Err(e) = hookdesk_core::delivery::run::run(engine, stop_rx).await {
            eprintln!("hookdesk: the delivery engine stopped: {e}");
        }
    });
}

/// When the process started, for the start-up probe (`HOOKDESK_STARTUP_PROBE=1`).
pub(crate) static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

pub fn run() {
    STARTED.get_or_init(std::time::Instant::now);
    let state = AppState::open(resolve_data_dir(data_dir_from_args()));
    if let Err(e) = builder::<tauri::Wry>(state).run(tauri::generate_context!()) {
        eprintln!("hookdesk: the window could not be started: {e}");
        std::process::exit(1);
    }
}

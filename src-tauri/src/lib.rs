//! The desktop shell: opens the data directory, manages state, runs the delivery engine (also while the
//! window is hidden), keeps one instance per data directory and registers the thin commands.

mod alerts;
mod autostart;
mod background;
#[cfg(test)]
mod capability_check;
mod commands;
mod instance;
#[cfg(target_os = "linux")]
mod notify;
mod state;
mod tray;
mod window;

use std::path::PathBuf;

use hookdesk_core::paths::resolve_data_dir;
use tauri::{Manager, WindowEvent};

use background::Delivery;
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

/// `--hidden` (used by the start-at-login entry) starts delivering without showing the window.
fn hidden_from_args() -> bool {
    std::env::args_os().skip(1).any(|a| a == "--hidden")
}

pub fn builder<R: tauri::Runtime>(state: AppState) -> tauri::Builder<R> {
    use commands::*;
    tauri::Builder::<R>::new()
        .manage(state)
        .manage(Delivery::default())
        .setup(|app| {
            let app = app.handle();
            app.state::<Delivery>()
                .start(app.state::<AppState>().inner());
            tray::create(app);
            alerts::start(app);
            if hidden_from_args() {
                window::hide(app);
            }
            Ok(())
        })
        .on_window_event(|w, event| {
            if let WindowEvent::CloseRequested { api, .. } = event {
                let app = w.app_handle();
                if w.label() == "main" && !app.state::<Delivery>().quitting() {
                    api.prevent_close();
                    window::close_requested(app);
                }
            }
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
            config::hook_reveal_secret,
            config::hook_roll_secret,
            config::hook_replace_auth,
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
            shell::close_choice,
            shell::desktop_settings_get,
            shell::desktop_settings_set,
        ])
}

/// When the process started, for the start-up probe (`HOOKDESK_STARTUP_PROBE=1`).
pub(crate) static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

pub fn run() {
    STARTED.get_or_init(std::time::Instant::now);
    let data_dir = resolve_data_dir(data_dir_from_args());
    let _ = std::fs::create_dir_all(&data_dir);
    let Some(instance) = instance::claim(&data_dir) else {
        eprintln!(
            "hookdesk: Hookdesk is already open on {}; showing its window",
            data_dir.display()
        );
        return;
    };
    let state = AppState::open(data_dir);
    let app = match builder::<tauri::Wry>(state).build(tauri::generate_context!()) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("hookdesk: the window could not be started: {e}");
            std::process::exit(1);
        }
    };
    let handle = app.handle().clone();
    instance.serve(move || {
        let h = handle.clone();
        let _ = handle.run_on_main_thread(move || window::show(&h));
    });
    app.run(|_, _| {});
}

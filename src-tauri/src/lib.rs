//! The desktop shell: opens the data directory, manages state, runs the delivery engine (also while the
//! window is hidden), keeps one instance per data directory and registers the thin commands.

mod alerts;
mod autostart;
mod background;
#[macro_use]
mod command_list;
#[cfg(test)]
mod capability_check;
mod commands;
mod instance;
#[cfg(test)]
mod ipc_types;
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

/// The value of `--NAME VALUE` or `--NAME=VALUE` on the command line.
fn flag_from_args(name: &str) -> Option<std::ffi::OsString> {
    let flag = format!("--{name}");
    let prefix = format!("--{name}=");
    let mut args = std::env::args_os().skip(1);
    while let Some(a) = args.next() {
        if a == flag.as_str() {
            return args.next();
        }
        if let Some(v) = a.to_str().and_then(|s| s.strip_prefix(prefix.as_str())) {
            return Some(v.into());
        }
    }
    None
}

/// `--data-dir DIR` on the command line wins over `HOOKDESK_DATA_DIR` and the OS default, as in the CLI.
fn data_dir_from_args() -> Option<PathBuf> {
    flag_from_args("data-dir").map(PathBuf::from)
}

/// `--database URL` wins over `HOOKDESK_DATABASE_URL`, as in the CLI; the core reads the variable
/// (README, PostgreSQL).
fn database_from_args() {
    if let Some(url) = flag_from_args("database") {
        std::env::set_var(hookdesk_core::store::DATABASE_URL_ENV, url);
    }
}

/// The invoke handler for the one command list in command_list.rs.
macro_rules! register_commands {
    ($($module:ident :: $name:ident),* $(,)?) => {
        tauri::generate_handler![$($module::$name),*]
    };
}

/// `--hidden` (used by the start-at-login entry) starts delivering without showing the window.
fn hidden_from_args() -> bool {
    std::env::args_os().skip(1).any(|a| a == "--hidden")
}

pub fn builder<R: tauri::Runtime>(state: AppState) -> tauri::Builder<R> {
    use commands::*;
    tauri::Builder::<R>::new()
        .plugin(tauri_plugin_dialog::init())
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
        .invoke_handler(hookdesk_commands!(register_commands))
}

/// When the process started, for the start-up probe (`HOOKDESK_STARTUP_PROBE=1`).
pub(crate) static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

pub fn run() {
    STARTED.get_or_init(std::time::Instant::now);
    database_from_args();
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

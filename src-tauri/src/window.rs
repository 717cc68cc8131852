//! The main window: what closing it does, bringing it back, and telling the page about shell events
//! (a DOM event the page listens for, so no extra IPC permission is needed).

use tauri::{AppHandle, Manager, Runtime, WebviewWindow};

use crate::background;
use crate::AppState;

pub fn main_window<R: Runtime>(app: &AppHandle<R>) -> Option<WebviewWindow<R>> {
    app.get_webview_window("main")
}

/// Shows, unminimizes and focuses the main window (tray "Open Hookdesk", a second launch, a notification).
pub fn show<R: Runtime>(app: &AppHandle<R>) {
    if let Some(w) = main_window(app) {
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
    }
}

pub fn hide<R: Runtime>(app: &AppHandle<R>) {
    if let Some(w) = main_window(app) {
        let _ = w.hide();
    }
}

/// Dispatches `hookdesk:<name>` with a JSON `detail` on the page's window.
pub fn dispatch<R: Runtime>(app: &AppHandle<R>, name: &str, detail: &serde_json::Value) {
    if let Some(w) = main_window(app) {
        // `detail` is serialized JSON, which is a valid JavaScript expression; `name` is ours.
        let js = format!(
            "window.dispatchEvent(new CustomEvent('hookdesk:{name}', {{ detail: {detail} }}))"
        );
        let _ = w.eval(&js);
    }
}

/// The close button was pressed. With "keep delivering" off (or no data directory) Hookdesk quits;
/// with a tray the window hides; without one the page asks which of the two the user wants.
pub fn close_requested<R: Runtime>(app: &AppHandle<R>) {
    let keep = app
        .state::<AppState>()
        .ctx()
        .and_then(|ctx| hookdesk_core::config::desktop::get(ctx))
        .map(|s| s.keep_delivering)
        .unwrap_or(false);
    if !keep {
        background::quit(app);
        return;
    }
    if crate::tray::present(app).is_some() {
        hide(app);
    } else {
        dispatch(app, "close-asked", &serde_json::Value::Null);
    }
}

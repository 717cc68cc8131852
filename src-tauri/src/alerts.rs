//! Alerts in the app: a poll of the core's watcher every few seconds, each new alert shown as a desktop
//! notification and as a banner in the window, and the tray status refreshed on the way.
//!
//! Storage trouble seen elsewhere (a write refused because the disk is full, say) goes through
//! [`raise`] with `Alert::storage(..)`, so it is grouped and shown the same way.

use std::sync::Mutex;
use std::time::Duration;

use hookdesk_core::alerts::{Alert, AlertKind, Watcher};
use tauri::{AppHandle, Manager, Runtime};

use crate::AppState;

const POLL: Duration = Duration::from_secs(2);

pub struct Alerts {
    watcher: Mutex<Option<Watcher>>,
    #[cfg(target_os = "linux")]
    notifier: Option<crate::notify::Notifier>,
}

pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let watcher = app
        .state::<AppState>()
        .ctx()
        .ok()
        .map(|ctx| Watcher::start(ctx));
    let has_watcher = watcher.is_some();
    app.manage(Alerts {
        watcher: Mutex::new(watcher),
        #[cfg(target_os = "linux")]
        notifier: crate::notify::start(app.clone()),
    });
    if !has_watcher {
        return;
    }
    let app = app.clone();
    std::thread::spawn(move || loop {
        std::thread::sleep(POLL);
        let found = {
            let state = app.state::<AppState>();
            let Ok(ctx) = state.ctx() else { return };
            let alerts = app.state::<Alerts>();
            let mut w = alerts.watcher.lock().unwrap_or_else(|e| e.into_inner());
            w.as_mut().map(|w| w.poll(ctx)).unwrap_or_default()
        };
        for alert in found {
            show(&app, alert);
        }
        // Writes refused for lack of space (README, "Full disk") raise one grouped storage alert.
        let full = app
            .state::<AppState>()
            .ctx()
            .ok()
            .is_some_and(|ctx| ctx.storage.problem().is_some());
        if full {
            let detail =
                "The disk is full: new events are refused until there is free space again.";
            raise(&app, Alert::storage(AlertKind::DiskFull, detail));
        }
        crate::tray::refresh(&app);
    });
}

/// Shows an alert found outside the watcher, subject to the same grouping.
pub fn raise<R: Runtime>(app: &AppHandle<R>, alert: Alert) {
    let admitted = {
        let state = app.state::<AppState>();
        let now = state.ctx().map(|c| c.now_ms()).unwrap_or_default();
        let alerts = app.state::<Alerts>();
        let mut w = alerts.watcher.lock().unwrap_or_else(|e| e.into_inner());
        w.as_mut().map(|w| w.admit(&alert, now)).unwrap_or(true)
    };
    if admitted {
        show(app, alert);
    }
}

fn show<R: Runtime>(app: &AppHandle<R>, alert: Alert) {
    crate::window::dispatch(
        app,
        "alert",
        &serde_json::to_value(&alert).unwrap_or_default(),
    );
    #[cfg(target_os = "linux")]
    if let Some(n) = &app.state::<Alerts>().notifier {
        n.send(alert);
    }
}

/// A notification was clicked: bring the window back on the delivery log, filtered to the hook.
pub fn open_log<R: Runtime>(app: &AppHandle<R>, hook_id: Option<&str>) {
    let app2 = app.clone();
    let detail = serde_json::json!({ "hookId": hook_id });
    let _ = app.run_on_main_thread(move || {
        crate::window::show(&app2);
        crate::window::dispatch(&app2, "open-log", &detail);
    });
}

//! The tray icon: delivery status (delivering / N failing / paused) and Open Hookdesk, Pause deliveries,
//! Quit. Many Linux desktops (and a bare X server) have no tray host; then there is no icon and closing
//! the window asks what to do instead (see window.rs).

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Manager, Runtime};

use crate::background::{self, Delivery};
use crate::AppState;

const TRAY_ID: &str = "main";

struct Items<R: Runtime> {
    status: MenuItem<R>,
    pause: MenuItem<R>,
}

pub fn present<R: Runtime>(app: &AppHandle<R>) -> Option<TrayIcon<R>> {
    app.tray_by_id(TRAY_ID)
}

/// Adds the icon when a tray host is there. The indicator library panics when it cannot be loaded, so
/// that is caught and treated as "no tray".
pub fn create<R: Runtime>(app: &AppHandle<R>) -> bool {
    if !host_available() {
        return false;
    }
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build(app)));
    match built {
        Ok(Ok(())) => {
            refresh(app);
            true
        }
        Ok(Err(e)) => {
            eprintln!("hookdesk: no tray icon: {e}");
            false
        }
        Err(_) => {
            eprintln!("hookdesk: no tray icon: the indicator library is missing");
            false
        }
    }
}

fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let status = MenuItem::with_id(app, "status", "Delivering", false, None::<&str>)?;
    let open = MenuItem::with_id(app, "open", "Open Hookdesk", true, None::<&str>)?;
    let pause = MenuItem::with_id(app, "pause", "Pause deliveries", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?;
    let sep = PredefinedMenuItem::separator(app)?;
    let menu = Menu::with_items(app, &[&status, &sep, &open, &pause, &quit])?;
    let mut tray = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("Hookdesk")
        .menu(&menu)
        .on_menu_event(|app, ev| match ev.id().as_ref() {
            "open" => crate::window::show(app),
            "pause" => {
                let running = app.state::<Delivery>().is_running();
                background::set_paused(app, running);
            }
            "quit" => background::quit(app),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone().to_owned());
    }
    tray.build(app)?;
    app.manage(Items { status, pause });
    Ok(())
}

/// Updates the status line and the pause item; cheap enough to run on every alert poll.
pub fn refresh<R: Runtime>(app: &AppHandle<R>) {
    let Some(items) = app.try_state::<Items<R>>() else {
        return;
    };
    let running = app.state::<Delivery>().is_running();
    let failing = app
        .state::<AppState>()
        .ctx()
        .ok()
        .and_then(|ctx| hookdesk_core::store::alerts::failing_hooks(&ctx.db.conn()).ok())
        .unwrap_or(0);
    let status = status_text(running, failing);
    let _ = items.status.set_text(&status);
    let _ = items.pause.set_text(if running {
        "Pause deliveries"
    } else {
        "Resume deliveries"
    });
    if let Some(t) = present(app) {
        let _ = t.set_tooltip(Some(format!("Hookdesk: {status}")));
    }
}

fn status_text(running: bool, failing: i64) -> String {
    match (running, failing) {
        (false, _) => "Paused".into(),
        (true, 0) => "Delivering".into(),
        (true, n) => format!("{n} failing"),
    }
}

/// A tray host on Linux is a StatusNotifierWatcher on the session bus. `HOOKDESK_TRAY=off` forces the
/// no-tray behaviour.
fn host_available() -> bool {
    if std::env::var("HOOKDESK_TRAY").is_ok_and(|v| v == "off") {
        return false;
    }
    #[cfg(target_os = "linux")]
    {
        crate::notify::bus_has_name("org.kde.StatusNotifierWatcher")
    }
    #[cfg(not(target_os = "linux"))]
    {
        true
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn status_line() {
        assert_eq!(super::status_text(false, 3), "Paused");
        assert_eq!(super::status_text(true, 0), "Delivering");
        assert_eq!(super::status_text(true, 2), "2 failing");
    }
}

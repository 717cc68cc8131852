//! Desktop notifications through the freedesktop notification service on the session bus. One thread
//! owns the bus connection: it sends what [`Notifier::send`] queues and hears which notification was
//! clicked, which opens the delivery log filtered to that hook.

use std::collections::HashMap;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dbus::arg::PropMap;
use dbus::blocking::Connection;
use dbus::message::MatchRule;
use hookdesk_core::alerts::Alert;
use tauri::{AppHandle, Runtime};

const SERVICE: &str = "org.freedesktop.Notifications";
const PATH: &str = "/org/freedesktop/Notifications";

pub struct Notifier {
    tx: Mutex<mpsc::Sender<Alert>>,
}

impl Notifier {
    pub fn send(&self, alert: Alert) {
        let _ = self.tx.lock().map(|tx| tx.send(alert));
    }
}

/// Whether a session bus is announced. Without one, connecting would make libdbus try to launch a bus
/// of its own, which is not ours to start.
fn session_bus_announced() -> bool {
    std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|v| !v.is_empty())
        || std::env::var_os("XDG_RUNTIME_DIR")
            .is_some_and(|d| std::path::Path::new(&d).join("bus").exists())
}

/// Starts the notification thread; `None` without a session bus (then only the in-app banner shows).
pub fn start<R: Runtime>(app: AppHandle<R>) -> Option<Notifier> {
    if !session_bus_announced() {
        eprintln!("hookdesk: no desktop notifications (no session bus)");
        return None;
    }
    let conn = match Connection::new_session() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("hookdesk: no desktop notifications (no session bus): {e}");
            return None;
        }
    };
    let (tx, rx) = mpsc::channel::<Alert>();
    std::thread::spawn(move || run(conn, rx, app));
    Some(Notifier { tx: Mutex::new(tx) })
}

fn run<R: Runtime>(conn: Connection, rx: mpsc::Receiver<Alert>, app: AppHandle<R>) {
    let shown: Arc<Mutex<HashMap<u32, Option<String>>>> = Arc::default();
    let clicked = shown.clone();
    let rule = MatchRule::new_signal(SERVICE, "ActionInvoked");
    let added = conn.add_match(rule, move |(id, _action): (u32, String), _, _| {
        let hook = clicked.lock().ok().and_then(|m| m.get(&id).cloned());
        if let Some(hook) = hook {
            crate::alerts::open_log(&app, hook.as_deref());
        }
        true
    });
    if let Err(e) = added {
        eprintln!("hookdesk: notification clicks are not heard: {e}");
    }
    loop {
        loop {
            match rx.try_recv() {
                Ok(alert) => match notify(&conn, &alert) {
                    Ok(id) => {
                        if let Ok(mut m) = shown.lock() {
                            m.insert(id, alert.hook_id);
                        }
                    }
                    Err(e) => eprintln!("hookdesk: a notification was not shown: {e}"),
                },
                Err(mpsc::TryRecvError::Empty) => break,
                Err(mpsc::TryRecvError::Disconnected) => return,
            }
        }
        if conn.process(Duration::from_millis(250)).is_err() {
            return;
        }
    }
}

fn notify(conn: &Connection, alert: &Alert) -> Result<u32, dbus::Error> {
    let proxy = conn.with_proxy(SERVICE, PATH, Duration::from_secs(5));
    let actions = vec!["default", "Open delivery log"];
    let hints = PropMap::new();
    let (id,): (u32,) = proxy.method_call(
        SERVICE,
        "Notify",
        (
            "Hookdesk",
            0u32,
            "hookdesk-desktop",
            alert.title.as_str(),
            alert.body.as_str(),
            actions,
            hints,
            -1i32,
        ),
    )?;
    Ok(id)
}

/// Whether some process owns `name` on the session bus (false without a bus).
pub fn bus_has_name(name: &str) -> bool {
    if !session_bus_announced() {
        return false;
    }
    let Ok(conn) = Connection::new_session() else {
        return false;
    };
    let proxy = conn.with_proxy(
        "org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        Duration::from_secs(2),
    );
    let owned: Result<(bool,), dbus::Error> =
        proxy.method_call("org.freedesktop.DBus", "NameHasOwner", (name,));
    owned.map(|(has,)| has).unwrap_or(false)
}

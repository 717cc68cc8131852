//! The delivery engine inside the app. It keeps running while the window is hidden; the tray pauses and
//! resumes it; Quit stops it through its shutdown sender, so in-flight attempts finish (the engine's own
//! bounded drain) and the engine lease is released before the process exits.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use tauri::async_runtime::JoinHandle;
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::watch;

use crate::AppState;

/// How long Quit waits for the engine: its own drain bound and a little more, so a stuck engine cannot
/// keep the app alive.
const STOP_WAIT: Duration =
    Duration::from_millis(hookdesk_core::delivery::engine::run::DRAIN_MS + 5_000);

struct Running {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

#[derive(Default)]
pub struct Delivery {
    running: Mutex<Option<Running>>,
    quitting: AtomicBool,
}

impl Delivery {
    /// Starts the engine unless it runs already. With `hookdesk serve` on the same data dir, the engine
    /// lease lets only one of them deliver.
    pub fn start(&self, state: &AppState) {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        if running.is_some() {
            return;
        }
        let Ok(engine) = state.engine() else { return };
        let (stop, stop_rx) = watch::channel(false);
        let task = tauri::async_runtime::spawn(async move {
            if let Err(e) = hookdesk_core::delivery::engine::run::run(
                engine,
                hookdesk_core::team::WorkerKind::App,
                stop_rx,
            )
            .await
            {
                eprintln!("hookdesk: the delivery engine stopped: {e}");
            }
        });
        *running = Some(Running { stop, task });
    }

    pub fn is_running(&self) -> bool {
        self.running.lock().map(|r| r.is_some()).unwrap_or(false)
    }

    /// Stops the engine and waits for its drain and lease release (bounded).
    pub async fn stop(&self) {
        let running = self
            .running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(r) = running {
            let _ = r.stop.send(true);
            let _ = tokio::time::timeout(STOP_WAIT, r.task).await;
        }
    }

    pub fn quitting(&self) -> bool {
        self.quitting.load(Ordering::SeqCst)
    }
}

/// Pause and resume from the tray.
pub fn set_paused<R: Runtime>(app: &AppHandle<R>, paused: bool) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let delivery = app.state::<Delivery>();
        if paused {
            delivery.stop().await;
        } else {
            delivery.start(app.state::<AppState>().inner());
        }
        crate::tray::refresh(&app);
    });
}

/// Quit: hide the window at once, drain the engine, then exit.
pub fn quit<R: Runtime>(app: &AppHandle<R>) {
    if app
        .state::<Delivery>()
        .quitting
        .swap(true, Ordering::SeqCst)
    {
        return;
    }
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.hide();
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        app.state::<Delivery>().stop().await;
        app.exit(0);
    });
}

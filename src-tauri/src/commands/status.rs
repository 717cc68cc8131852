use hookdesk_core::auth::Permission;
use hookdesk_core::status::AppStatus;
use hookdesk_core::store::workers::WorkerRow;
use tauri::State;

use super::{blocking, IpcResult};
use crate::AppState;

/// The UI asks for the status as soon as it has rendered, so the first call marks first paint.
static PROBED: std::sync::Once = std::sync::Once::new();

#[tauri::command]
pub async fn app_status(state: State<'_, AppState>) -> IpcResult<AppStatus> {
    if std::env::var_os("HOOKDESK_STARTUP_PROBE").is_some() {
        PROBED.call_once(|| {
            if let Some(t) = crate::STARTED.get() {
                eprintln!(
                    "hookdesk-startup: first-paint-ms={}",
                    t.elapsed().as_millis()
                );
            }
        });
    }
    blocking(&state, |state| {
        let ctx = state.ctx()?;
        hookdesk_core::status::app_status(&ctx.db, ctx.now_ms())
    })
    .await
}

#[tauri::command]
pub async fn workers_list(state: State<'_, AppState>) -> IpcResult<Vec<WorkerRow>> {
    blocking(&state, |state| {
        let (ctx, actor) = state.actor(Permission::ReadLogs)?;
        hookdesk_core::status::workers(&ctx, &actor)
    })
    .await
}

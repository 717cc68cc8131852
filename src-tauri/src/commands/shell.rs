use hookdesk_core::auth::Permission;
use hookdesk_core::config::desktop::{self, DesktopSettings};
use hookdesk_core::Error;
use tauri::{AppHandle, Runtime, State};

use super::{blocking, IpcResult};
use crate::{background, window, AppState};

/// The answer to "keep delivering in the background, or quit?" asked when the window is closed without
/// a tray. Needs no session: whoever can close the window can choose.
#[tauri::command]
pub async fn close_choice<R: Runtime>(app: AppHandle<R>, choice: String) -> IpcResult<()> {
    match choice.as_str() {
        "background" => window::hide(&app),
        "quit" => background::quit(&app),
        _ => return Err(Error::invalid("choice", "must be \"background\" or \"quit\"").into()),
    }
    Ok(())
}

#[tauri::command]
pub async fn desktop_settings_get(state: State<'_, AppState>) -> IpcResult<DesktopSettings> {
    blocking(&state, |state| {
        let (ctx, _) = state.actor(Permission::ReadHooks)?;
        desktop::get(&ctx)
    })
    .await
}

#[tauri::command]
pub async fn desktop_settings_set(
    state: State<'_, AppState>,
    keep_delivering: bool,
    start_at_login: bool,
) -> IpcResult<DesktopSettings> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::ManageSettings)?;
        let saved = desktop::set(
            &ctx,
            &actor,
            DesktopSettings {
                keep_delivering,
                start_at_login,
            },
        )?;
        crate::autostart::apply(saved.start_at_login, ctx.db.data_dir())
            .map_err(|e| Error::invalid("startAtLogin", e.to_string()))?;
        Ok(saved)
    })
    .await
}

//! The Security page: the signed-in user's own password, recovery codes and sessions.

use hookdesk_core::auth::{self, Permission, SessionView};
use hookdesk_core::domain::Secret;
use serde::Serialize;
use tauri::State;

use super::{blocking, IpcResult};
use crate::AppState;

#[tauri::command]
pub async fn password_change(
    state: State<'_, AppState>,
    current_password: String,
    new_password: String,
    code: String,
) -> IpcResult<()> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::OwnAccount)?;
        auth::change_password(
            &ctx,
            &actor,
            &Secret::new(current_password),
            &Secret::new(new_password),
            &code,
        )
    })
    .await
}

#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryCodes {
    pub recovery_codes: Vec<String>,
}

/// Ten new codes, shown once.
#[tauri::command]
pub async fn recovery_codes_renew(
    state: State<'_, AppState>,
    code: String,
) -> IpcResult<RecoveryCodes> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::OwnAccount)?;
        Ok(RecoveryCodes {
            recovery_codes: auth::renew_recovery_codes(&ctx, &actor, &code)?,
        })
    })
    .await
}

#[tauri::command]
pub async fn own_sessions(state: State<'_, AppState>) -> IpcResult<Vec<SessionView>> {
    blocking(&state, |state| {
        let (ctx, actor) = state.actor(Permission::OwnAccount)?;
        auth::own_sessions(&ctx, &actor)
    })
    .await
}

/// Ends every session of the user, this window's included: it returns to the sign-in screen.
#[tauri::command]
pub async fn sign_out_everywhere(state: State<'_, AppState>) -> IpcResult<usize> {
    blocking(&state, |state| {
        let (ctx, actor) = state.actor(Permission::OwnAccount)?;
        let ended = auth::sign_out_everywhere(&ctx, &actor)?;
        state.set_session(None);
        Ok(ended)
    })
    .await
}

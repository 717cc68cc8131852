//! The Security page: the signed-in user's own password, recovery codes and sessions.

use hookdesk_core::auth::{self, Permission, SessionView};
use hookdesk_core::domain::Secret;
use hookdesk_core::Result;
use serde::Serialize;
use tauri::State;

use crate::AppState;

#[tauri::command]
pub fn password_change(
    state: State<'_, AppState>,
    current_password: String,
    new_password: String,
    code: String,
) -> Result<()> {
    let (ctx, actor) = state.actor(Permission::OwnAccount)?;
    auth::change_password(
        &ctx,
        &actor,
        &Secret::new(current_password),
        &Secret::new(new_password),
        &code,
    )
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryCodes {
    recovery_codes: Vec<String>,
}

/// Ten new codes, shown once.
#[tauri::command]
pub fn recovery_codes_renew(state: State<'_, AppState>, code: String) -> Result<RecoveryCodes> {
    let (ctx, actor) = state.actor(Permission::OwnAccount)?;
    Ok(RecoveryCodes {
        recovery_codes: auth::renew_recovery_codes(&ctx, &actor, &code)?,
    })
}

#[tauri::command]
pub fn own_sessions(state: State<'_, AppState>) -> Result<Vec<SessionView>> {
    let (ctx, actor) = state.actor(Permission::OwnAccount)?;
    auth::own_sessions(&ctx, &actor)
}

/// Ends every session of the user, this window's included: it returns to the sign-in screen.
#[tauri::command]
pub fn sign_out_everywhere(state: State<'_, AppState>) -> Result<usize> {
    let (ctx, actor) = state.actor(Permission::OwnAccount)?;
    let ended = auth::sign_out_everywhere(&ctx, &actor)?;
    state.set_session(None);
    Ok(ended)
}

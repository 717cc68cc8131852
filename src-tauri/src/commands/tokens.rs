//! Ingest tokens from Settings (admin): create (shown once), list (never the token), revoke.

use hookdesk_core::auth::tokens::{self, TokenView};
use hookdesk_core::auth::Permission;
use serde::Serialize;
use tauri::State;

use super::{blocking, IpcResult};
use crate::AppState;

#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct CreatedToken {
    pub token: TokenView,
    /// The token itself: this answer is the only time it leaves the core.
    pub secret: String,
}

#[tauri::command]
pub async fn ingest_tokens_list(state: State<'_, AppState>) -> IpcResult<Vec<TokenView>> {
    blocking(&state, |state| {
        let (ctx, actor) = state.actor(Permission::ManageSettings)?;
        tokens::list(&ctx, &actor)
    })
    .await
}

#[tauri::command]
pub async fn ingest_token_create(
    state: State<'_, AppState>,
    label: String,
) -> IpcResult<CreatedToken> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::ManageSettings)?;
        let (token, secret) = tokens::create(&ctx, &actor, &label)?;
        Ok(CreatedToken {
            token,
            secret: secret.expose().to_string(),
        })
    })
    .await
}

#[tauri::command]
pub async fn ingest_token_revoke(state: State<'_, AppState>, id: i64) -> IpcResult<TokenView> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::ManageSettings)?;
        tokens::revoke(&ctx, &actor, id)
    })
    .await
}

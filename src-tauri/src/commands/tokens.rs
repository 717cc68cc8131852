//! Ingest tokens from Settings (admin): create (shown once), list (never the token), revoke.

use hookdesk_core::auth::tokens::{self, TokenView};
use hookdesk_core::auth::Permission;
use hookdesk_core::{Error, Result};
use serde::Serialize;
use tauri::State;

use crate::AppState;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedToken {
    pub token: TokenView,
    /// The token itself: this answer is the only time it leaves the core.
    pub secret: String,
}

/// Runs core work on the blocking pool, so the window's main thread never waits on the database.
pub(crate) async fn off_main<T: Send + 'static>(
    job: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tauri::async_runtime::spawn_blocking(job)
        .await
        .map_err(|e| Error::Io(std::io::Error::other(e.to_string())))?
}

#[tauri::command]
pub async fn ingest_tokens_list(state: State<'_, AppState>) -> Result<Vec<TokenView>> {
    let (ctx, actor) = state.actor(Permission::ManageSettings)?;
    off_main(move || tokens::list(&ctx, &actor)).await
}

#[tauri::command]
pub async fn ingest_token_create(
    state: State<'_, AppState>,
    label: String,
) -> Result<CreatedToken> {
    let (ctx, actor) = state.actor(Permission::ManageSettings)?;
    off_main(move || {
        let (token, secret) = tokens::create(&ctx, &actor, &label)?;
        Ok(CreatedToken {
            token,
            secret: secret.expose().to_string(),
        })
    })
    .await
}

#[tauri::command]
pub async fn ingest_token_revoke(state: State<'_, AppState>, id: i64) -> Result<TokenView> {
    let (ctx, actor) = state.actor(Permission::ManageSettings)?;
    off_main(move || tokens::revoke(&ctx, &actor, id)).await
}

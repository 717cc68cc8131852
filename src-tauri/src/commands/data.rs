//! Storage health, retention, database size and store deletion from the app (backups: files.rs).

use hookdesk_core::auth::{Actor, Permission};
use hookdesk_core::data::retention;
use hookdesk_core::storage_health::StorageProblem;
use hookdesk_core::store::retention::DbSize;
use hookdesk_core::{config, Ctx, Result};
use serde::Serialize;
use tauri::State;

use super::{blocking, IpcResult};
use crate::AppState;

/// The storage failure in progress, if any: the banner shown while writes fail (a full disk). Open
/// before sign-in, like the status panel: a full disk matters on the sign-in screen too, and the answer
/// holds no data.
#[tauri::command]
pub async fn storage_status(state: State<'_, AppState>) -> IpcResult<Option<StorageProblem>> {
    blocking(&state, |state| Ok(state.ctx()?.storage.problem())).await
}

#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct DataSettings {
    pub retention_days: i64,
    pub default_days: i64,
    pub size: DbSize,
}

fn data_settings(ctx: &Ctx, actor: &Actor) -> Result<DataSettings> {
    let r = retention::show(ctx, actor)?;
    Ok(DataSettings {
        retention_days: r.days,
        default_days: r.default_days,
        size: retention::size(ctx)?,
    })
}

#[tauri::command]
pub async fn data_settings_get(state: State<'_, AppState>) -> IpcResult<DataSettings> {
    blocking(&state, |state| {
        let (ctx, actor) = state.actor(Permission::ReadLogs)?;
        data_settings(&ctx, &actor)
    })
    .await
}

#[tauri::command]
pub async fn retention_set(state: State<'_, AppState>, days: i64) -> IpcResult<DataSettings> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::ManageSettings)?;
        retention::set(&ctx, &actor, days)?;
        data_settings(&ctx, &actor)
    })
    .await
}

#[tauri::command]
pub async fn store_delete(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::EditHooks)?;
        config::stores::delete(&ctx, &actor, &id)
    })
    .await
}

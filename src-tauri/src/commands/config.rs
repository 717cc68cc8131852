use hookdesk_core::auth::Permission;
use hookdesk_core::catalog::{catalog_by_family, CatalogFamily};
use hookdesk_core::config::views::{HookView, OrderWebhooksView, RevealedSecret, StoreView};
use hookdesk_core::config::{self, hooks::HookFilter, FreshCode};
use hookdesk_core::domain::{HookInput, OrderWebhooksPatch, Secret, StoreInput};
use serde::Deserialize;
use tauri::State;

use super::{blocking, IpcResult};
use crate::AppState;

#[tauri::command]
pub async fn stores_list(state: State<'_, AppState>) -> IpcResult<Vec<StoreView>> {
    blocking(&state, |state| {
        let (ctx, actor) = state.actor(Permission::ReadHooks)?;
        config::stores::list_views(&ctx, &actor)
    })
    .await
}

#[tauri::command]
pub async fn store_save(state: State<'_, AppState>, store: StoreInput) -> IpcResult<StoreView> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::EditHooks)?;
        config::stores::save_view(&ctx, &actor, &store)
    })
    .await
}

#[tauri::command]
pub async fn catalog() -> IpcResult<Vec<CatalogFamily>> {
    Ok(catalog_by_family())
}

/// The hooks list's search box and filters; absent fields do not filter.
#[derive(Debug, Default, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(optional_fields)]
pub struct HookListFilter {
    search: Option<String>,
    event: Option<String>,
    store: Option<String>,
    enabled: Option<bool>,
}

#[tauri::command]
pub async fn hooks_list(
    state: State<'_, AppState>,
    filter: Option<HookListFilter>,
) -> IpcResult<Vec<HookView>> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::ReadHooks)?;
        let f = filter.unwrap_or_default();
        let filter = HookFilter {
            search: f.search,
            event: f.event,
            store: f.store,
            enabled: f.enabled,
        };
        config::hooks::list(&ctx, &actor, &filter)
    })
    .await
}

#[tauri::command]
pub async fn hook_get(state: State<'_, AppState>, id: String) -> IpcResult<HookView> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::ReadHooks)?;
        config::hooks::get(&ctx, &actor, &id)
    })
    .await
}

#[tauri::command]
pub async fn hook_create(
    state: State<'_, AppState>,
    input: HookInput,
    totp_code: Option<String>,
) -> IpcResult<HookView> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::EditHooks)?;
        let fresh = totp_code.as_deref().map(FreshCode::totp);
        config::hooks::create(&ctx, &actor, &input, fresh)
    })
    .await
}

#[tauri::command]
pub async fn hook_update(
    state: State<'_, AppState>,
    id: String,
    input: HookInput,
    reset_auth: bool,
    totp_code: Option<String>,
) -> IpcResult<HookView> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::EditHooks)?;
        let fresh = totp_code.as_deref().map(FreshCode::totp);
        config::hooks::update(&ctx, &actor, &id, &input, reset_auth, fresh)
    })
    .await
}

/// Signed in is enough to reach the core, which checks the role itself so that refusals are audited.
#[tauri::command]
pub async fn hook_reveal_secret(
    state: State<'_, AppState>,
    id: String,
    totp_code: Option<String>,
) -> IpcResult<RevealedSecret> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::ReadHooks)?;
        config::secrets::reveal(&ctx, &actor, &id, totp_code.as_deref())
    })
    .await
}

#[tauri::command]
pub async fn hook_roll_secret(
    state: State<'_, AppState>,
    id: String,
    totp_code: Option<String>,
    overlap_hours: Option<u32>,
    secret: Option<Secret>,
) -> IpcResult<HookView> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::ReadHooks)?;
        let roll = config::secrets::Roll {
            secret,
            overlap_hours,
        };
        config::secrets::roll(&ctx, &actor, &id, totp_code.as_deref(), roll)
    })
    .await
}

#[tauri::command]
pub async fn hook_replace_auth(
    state: State<'_, AppState>,
    id: String,
    totp_code: Option<String>,
    value: Secret,
) -> IpcResult<HookView> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::ReadHooks)?;
        config::secrets::replace_auth(&ctx, &actor, &id, totp_code.as_deref(), value)
    })
    .await
}

#[tauri::command]
pub async fn hook_delete(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::EditHooks)?;
        config::hooks::delete(&ctx, &actor, &id)
    })
    .await
}

#[tauri::command]
pub async fn hook_set_enabled(
    state: State<'_, AppState>,
    id: String,
    enabled: bool,
) -> IpcResult<HookView> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::EditHooks)?;
        config::hooks::set_enabled(&ctx, &actor, &id, enabled)
    })
    .await
}

#[tauri::command]
pub async fn order_webhooks_get(
    state: State<'_, AppState>,
    store: String,
) -> IpcResult<OrderWebhooksView> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::ReadHooks)?;
        config::order_webhooks::get(&ctx, &actor, &store)
    })
    .await
}

#[tauri::command]
pub async fn order_webhooks_set(
    state: State<'_, AppState>,
    store: String,
    settings: OrderWebhooksPatch,
    totp_code: Option<String>,
) -> IpcResult<OrderWebhooksView> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::EditHooks)?;
        let fresh = totp_code.as_deref().map(FreshCode::totp);
        config::order_webhooks::set(&ctx, &actor, &store, &settings, fresh)
    })
    .await
}

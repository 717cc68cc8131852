use hookdesk_core::auth::Permission;
use hookdesk_core::catalog::{Family, EVENTS};
use hookdesk_core::config::views::RevealedSecret;
use hookdesk_core::config::{self, hooks::HookFilter, FreshCode};
use hookdesk_core::domain::{Secret, Store, StoreInput};
use serde::Deserialize;
use serde_json::{json, Value};
use tauri::State;

use super::convert::{hook_from_ui, hook_to_ui, hub_from_ui, hub_to_ui};
use super::{blocking, IpcResult};
use crate::AppState;

#[tauri::command]
pub async fn stores_list(state: State<'_, AppState>) -> IpcResult<Vec<Value>> {
    blocking(&state, |s| {
        let (ctx, actor) = s.actor(Permission::ReadHooks)?;
        let online = hookdesk_core::delivery::log::pos_status(&ctx)?;
        config::stores::list(&ctx, &actor)?
            .into_iter()
            .map(|s| {
                let mut v = serde_json::to_value(&s).unwrap_or(Value::Null);
                v["posOnline"] = json!(online.get(s.id.as_str()));
                Ok(v)
            })
            .collect()
    })
    .await
}

#[tauri::command]
pub async fn store_save(state: State<'_, AppState>, store: StoreInput) -> IpcResult<Store> {
    blocking(&state, move |s| {
        let (ctx, actor) = s.actor(Permission::EditHooks)?;
        config::stores::save(&ctx, &actor, &store)
    })
    .await
}

#[tauri::command]
pub async fn catalog() -> IpcResult<Value> {
    let families = [
        Family::Hub,
        Family::OrderInjection,
        Family::OrderStatus,
        Family::Merchant,
    ];
    Ok(Value::Array(
        families
            .iter()
            .map(|f| {
                let events: Vec<Value> = EVENTS
                    .iter()
                    .filter(|e| e.family == *f)
                    .map(
                        |e| json!({"name": e.name, "description": e.description, "scope": e.scope}),
                    )
                    .collect();
                json!({"family": f, "label": f.label(), "events": events})
            })
            .collect(),
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UiHookFilter {
    search: Option<String>,
    event: Option<String>,
    store: Option<String>,
    enabled: Option<bool>,
}

#[tauri::command]
pub async fn hooks_list(
    state: State<'_, AppState>,
    filter: Option<UiHookFilter>,
) -> IpcResult<Vec<Value>> {
    blocking(&state, move |s| {
        let (ctx, actor) = s.actor(Permission::ReadHooks)?;
        let f = filter.unwrap_or_default();
        let filter = HookFilter {
            search: f.search,
            event: f.event,
            store: f.store,
            enabled: f.enabled,
        };
        config::hooks::list(&ctx, &actor, &filter)?
            .iter()
            .map(hook_to_ui)
            .collect()
    })
    .await
}

#[tauri::command]
pub async fn hook_get(state: State<'_, AppState>, id: String) -> IpcResult<Value> {
    blocking(&state, move |s| {
        let (ctx, actor) = s.actor(Permission::ReadHooks)?;
        hook_to_ui(&config::hooks::get(&ctx, &actor, &id)?)
    })
    .await
}

#[tauri::command]
pub async fn hook_create(
    state: State<'_, AppState>,
    input: Value,
    totp_code: Option<String>,
) -> IpcResult<Value> {
    blocking(&state, move |s| {
        let (ctx, actor) = s.actor(Permission::EditHooks)?;
        let input = hook_from_ui(input)?;
        let fresh = totp_code.as_deref().map(FreshCode::totp);
        hook_to_ui(&config::hooks::create(&ctx, &actor, &input, fresh)?)
    })
    .await
}

#[tauri::command]
pub async fn hook_update(
    state: State<'_, AppState>,
    id: String,
    input: Value,
    reset_auth: bool,
    totp_code: Option<String>,
) -> IpcResult<Value> {
    blocking(&state, move |s| {
        let (ctx, actor) = s.actor(Permission::EditHooks)?;
        let input = hook_from_ui(input)?;
        let fresh = totp_code.as_deref().map(FreshCode::totp);
        hook_to_ui(&config::hooks::update(
            &ctx, &actor, &id, &input, reset_auth, fresh,
        )?)
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
    blocking(&state, move |s| {
        let (ctx, actor) = s.actor(Permission::ReadHooks)?;
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
) -> IpcResult<Value> {
    blocking(&state, move |s| {
        let (ctx, actor) = s.actor(Permission::ReadHooks)?;
        let roll = config::secrets::Roll {
            secret,
            overlap_hours,
        };
        hook_to_ui(&config::secrets::roll(
            &ctx,
            &actor,
            &id,
            totp_code.as_deref(),
            roll,
        )?)
    })
    .await
}

#[tauri::command]
pub async fn hook_replace_auth(
    state: State<'_, AppState>,
    id: String,
    totp_code: Option<String>,
    value: Secret,
) -> IpcResult<Value> {
    blocking(&state, move |s| {
        let (ctx, actor) = s.actor(Permission::ReadHooks)?;
        hook_to_ui(&config::secrets::replace_auth(
            &ctx,
            &actor,
            &id,
            totp_code.as_deref(),
            value,
        )?)
    })
    .await
}

#[tauri::command]
pub async fn hook_delete(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    blocking(&state, move |s| {
        let (ctx, actor) = s.actor(Permission::EditHooks)?;
        config::hooks::delete(&ctx, &actor, &id)
    })
    .await
}

#[tauri::command]
pub async fn hook_set_enabled(
    state: State<'_, AppState>,
    id: String,
    enabled: bool,
) -> IpcResult<Value> {
    blocking(&state, move |s| {
        let (ctx, actor) = s.actor(Permission::EditHooks)?;
        hook_to_ui(&config::hooks::set_enabled(&ctx, &actor, &id, enabled)?)
    })
    .await
}

#[tauri::command]
pub async fn order_webhooks_get(state: State<'_, AppState>, store: String) -> IpcResult<Value> {
    blocking(&state, move |s| {
        let (ctx, actor) = s.actor(Permission::ReadHooks)?;
        hub_to_ui(&config::order_webhooks::get(&ctx, &actor, &store)?)
    })
    .await
}

#[tauri::command]
pub async fn order_webhooks_set(
    state: State<'_, AppState>,
    store: String,
    settings: Value,
    totp_code: Option<String>,
) -> IpcResult<Value> {
    blocking(&state, move |s| {
        let (ctx, actor) = s.actor(Permission::EditHooks)?;
        let patch = hub_from_ui(settings)?;
        let fresh = totp_code.as_deref().map(FreshCode::totp);
        hub_to_ui(&config::order_webhooks::set(
            &ctx, &actor, &store, &patch, fresh,
        )?)
    })
    .await
}

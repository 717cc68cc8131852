use hookdesk_core::auth::Permission;
use hookdesk_core::catalog::{sample, EventType};
use hookdesk_core::delivery::log::{self, AttemptView, DeliveryView, Filter};
use hookdesk_core::delivery::outbox::{enqueue, NewEvent};
use hookdesk_core::delivery::stats::{dashboard as stats, HookStats};
use hookdesk_core::delivery::test_send::{send_test as core_send_test, TestSend};
use hookdesk_core::Result;
use serde::Deserialize;
use serde_json::{json, Value};
use tauri::State;

use crate::AppState;

#[tauri::command]
pub fn sample_payload(state: State<'_, AppState>, event: String) -> Result<Value> {
    state.actor(Permission::ReadHooks)?;
    Ok(sample(EventType::parse("event", &event)?))
}

#[tauri::command]
pub async fn send_test(
    state: State<'_, AppState>,
    hook_id: String,
    event: String,
    data: Option<Value>,
) -> Result<AttemptView> {
    let (_, actor) = state.actor(Permission::SendTest)?;
    let engine = state.engine()?;
    core_send_test(
        &engine,
        &actor,
        TestSend {
            hook_id,
            event,
            data,
            store: None,
        },
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UiDeliveryFilter {
    hook: Option<String>,
    store: Option<String>,
    event: Option<String>,
    status: Option<String>,
    since: Option<i64>,
    until: Option<i64>,
    limit: Option<usize>,
    before_id: Option<i64>,
}

#[tauri::command]
pub fn deliveries_list(
    state: State<'_, AppState>,
    filter: Option<UiDeliveryFilter>,
) -> Result<Vec<DeliveryView>> {
    let (ctx, actor) = state.actor(Permission::ReadLogs)?;
    let f = filter.unwrap_or_default();
    let filter = Filter {
        hook: f.hook,
        store: f.store,
        event: f.event,
        event_id: None,
        status: f.status,
        since: f.since,
        until: f.until,
        before_id: f.before_id,
        limit: f.limit,
    };
    log::list(&ctx, &actor, &filter)
}

#[tauri::command]
pub fn delivery_attempts(state: State<'_, AppState>, id: i64) -> Result<Vec<AttemptView>> {
    let (ctx, actor) = state.actor(Permission::ReadLogs)?;
    log::attempts(&ctx, &actor, id)
}

#[tauri::command]
pub fn resend(state: State<'_, AppState>, id: i64) -> Result<Value> {
    let (ctx, actor) = state.actor(Permission::Resend)?;
    log::resend(&ctx, &actor, id)?;
    if let Ok(e) = state.engine() {
        e.wake();
    }
    Ok(json!({"deliveryId": id}))
}

#[tauri::command]
pub fn recover(state: State<'_, AppState>, hook_id: String, since: i64) -> Result<Value> {
    let (ctx, actor) = state.actor(Permission::Resend)?;
    let n = log::recover(&ctx, &actor, &hook_id, since)?;
    if let Ok(e) = state.engine() {
        e.wake();
    }
    // The job id encodes what to count, so progress needs no server-side job table.
    Ok(json!({"jobId": format!("{since}:{hook_id}"), "queued": n}))
}

#[tauri::command]
pub fn recover_progress(state: State<'_, AppState>, job_id: String) -> Result<Value> {
    let (ctx, _) = state.actor(Permission::ReadLogs)?;
    let (since, hook) = job_id
        .split_once(':')
        .and_then(|(s, h)| s.parse::<i64>().ok().map(|s| (s, h.to_string())))
        .ok_or_else(|| hookdesk_core::Error::invalid("jobId", "unknown recovery job"))?;
    let (total, done) = log::recover_progress(&ctx, &hook, since)?;
    Ok(json!({"total": total, "done": done, "finished": done >= total}))
}

#[tauri::command]
pub fn emit_event(
    state: State<'_, AppState>,
    event_type: String,
    store: String,
    data: Value,
    key: Option<String>,
) -> Result<Value> {
    let (ctx, _) = state.actor(Permission::EmitEvents)?;
    let ev = NewEvent::parse(&event_type, &store, data, key, None)?;
    let q = enqueue(&ctx, &ev, ctx.now_ms())?;
    if let Ok(e) = state.engine() {
        e.wake();
    }
    Ok(json!({"eventId": q.event_id, "deliveries": q.deliveries}))
}

#[tauri::command]
pub fn dashboard(state: State<'_, AppState>, since: i64) -> Result<Vec<HookStats>> {
    let (ctx, actor) = state.actor(Permission::ReadLogs)?;
    stats(&ctx, &actor, since)
}

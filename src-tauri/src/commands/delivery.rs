use hookdesk_core::auth::Permission;
use hookdesk_core::catalog::{sample, EventType};
use hookdesk_core::delivery::log::{self, AttemptView, DeliveryView, Filter};
use hookdesk_core::delivery::outbox::{enqueue, NewEvent};
use hookdesk_core::delivery::stats::{dashboard as stats, HookStats};
use hookdesk_core::delivery::test_send::{send_test as core_send_test, TestSend};
use serde::Deserialize;
use serde_json::{json, Value};
use tauri::State;

use super::{blocking, IpcResult};
use crate::AppState;

#[tauri::command]
pub async fn sample_payload(state: State<'_, AppState>, event: String) -> IpcResult<Value> {
    blocking(&state, move |s| {
        s.actor(Permission::ReadHooks)?;
        Ok(sample(EventType::parse("event", &event)?))
    })
    .await
}

#[tauri::command]
pub async fn send_test(
    state: State<'_, AppState>,
    hook_id: String,
    event: String,
    data: Option<Value>,
) -> IpcResult<AttemptView> {
    let (actor, engine) = blocking(&state, |s| {
        let (_, actor) = s.actor(Permission::SendTest)?;
        Ok((actor, s.engine()?))
    })
    .await?;
    // The send itself is async network I/O on the engine's client; it never touches the main thread.
    Ok(core_send_test(
        &engine,
        &actor,
        TestSend {
            hook_id,
            event,
            data,
            store: None,
        },
    )
    .await?)
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
pub async fn deliveries_list(
    state: State<'_, AppState>,
    filter: Option<UiDeliveryFilter>,
) -> IpcResult<Vec<DeliveryView>> {
    blocking(&state, move |s| {
        let (ctx, actor) = s.actor(Permission::ReadLogs)?;
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
    })
    .await
}

#[tauri::command]
pub async fn delivery_attempts(state: State<'_, AppState>, id: i64) -> IpcResult<Vec<AttemptView>> {
    blocking(&state, move |s| {
        let (ctx, actor) = s.actor(Permission::ReadLogs)?;
        log::attempts(&ctx, &actor, id)
    })
    .await
}

#[tauri::command]
pub async fn resend(state: State<'_, AppState>, id: i64) -> IpcResult<Value> {
    blocking(&state, move |s| {
        let (ctx, actor) = s.actor(Permission::Resend)?;
        log::resend(&ctx, &actor, id)?;
        if let Ok(e) = s.engine() {
            e.wake();
        }
        Ok(json!({"deliveryId": id}))
    })
    .await
}

#[tauri::command]
pub async fn recover(state: State<'_, AppState>, hook_id: String, since: i64) -> IpcResult<Value> {
    blocking(&state, move |s| {
        let (ctx, actor) = s.actor(Permission::Resend)?;
        let n = log::recover(&ctx, &actor, &hook_id, since)?;
        if let Ok(e) = s.engine() {
            e.wake();
        }
        // The job id encodes what to count, so progress needs no server-side job table.
        Ok(json!({"jobId": format!("{since}:{hook_id}"), "queued": n}))
    })
    .await
}

#[tauri::command]
pub async fn recover_progress(state: State<'_, AppState>, job_id: String) -> IpcResult<Value> {
    blocking(&state, move |s| {
        let (ctx, _) = s.actor(Permission::ReadLogs)?;
        let (since, hook) = job_id
            .split_once(':')
            .and_then(|(s, h)| s.parse::<i64>().ok().map(|s| (s, h.to_string())))
            .ok_or_else(|| hookdesk_core::Error::invalid("jobId", "unknown recovery job"))?;
        let (total, done) = log::recover_progress(&ctx, &hook, since)?;
        Ok(json!({"total": total, "done": done, "finished": done >= total}))
    })
    .await
}

#[tauri::command]
pub async fn emit_event(
    state: State<'_, AppState>,
    event_type: String,
    store: String,
    data: Value,
    key: Option<String>,
) -> IpcResult<Value> {
    blocking(&state, move |s| {
        let (ctx, _) = s.actor(Permission::EmitEvents)?;
        let ev = NewEvent::parse(&event_type, &store, data, key, None)?;
        let q = enqueue(&ctx, &ev, ctx.now_ms())?;
        if let Ok(e) = s.engine() {
            e.wake();
        }
        Ok(json!({"eventId": q.event_id, "deliveries": q.deliveries}))
    })
    .await
}

#[tauri::command]
pub async fn dashboard(state: State<'_, AppState>, since: i64) -> IpcResult<Vec<HookStats>> {
    blocking(&state, move |s| {
        let (ctx, actor) = s.actor(Permission::ReadLogs)?;
        stats(&ctx, &actor, since)
    })
    .await
}

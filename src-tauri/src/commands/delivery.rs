use std::time::Duration;

use hookdesk_core::auth::Permission;
use hookdesk_core::catalog::{sample, EventType};
use hookdesk_core::delivery::engine::outbox::{enqueue, NewEvent};
use hookdesk_core::delivery::engine::test_send::{send_test as core_send_test, TestSend};
use hookdesk_core::delivery::log::stats::{dashboard as stats, HookStats};
use hookdesk_core::delivery::log::{self, AttemptView, DeliveryView, Filter};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tauri::ipc::Channel;
use tauri::State;

use super::{blocking, IpcResult};
use crate::AppState;

/// An event's `data`: free JSON whose shape each receiver family defines (docs/wire-formats.md); the
/// sample payloads show one per event type. The core validates it when the event is queued or sent.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[serde(transparent)]
#[ts(type = "unknown")]
pub struct EventData(Value);

#[tauri::command]
pub async fn sample_payload(state: State<'_, AppState>, event: String) -> IpcResult<EventData> {
    blocking(&state, move |state| {
        state.actor(Permission::ReadHooks)?;
        Ok(EventData(sample(EventType::parse("event", &event)?)))
    })
    .await
}

#[tauri::command]
pub async fn send_test(
    state: State<'_, AppState>,
    hook_id: String,
    event: String,
    data: Option<EventData>,
) -> IpcResult<AttemptView> {
    let (actor, engine) = blocking(&state, |state| {
        let (_, actor) = state.actor(Permission::SendTest)?;
        Ok((actor, state.engine()?))
    })
    .await?;
    // The send itself is async network I/O on the engine's client; it never touches the main thread.
    Ok(core_send_test(
        &engine,
        &actor,
        TestSend {
            hook_id,
            event,
            data: data.map(|d| d.0),
            store: None,
        },
    )
    .await?)
}

/// The delivery log's filters; absent fields do not filter. Times in milliseconds since the epoch.
#[derive(Debug, Default, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(optional_fields)]
pub struct DeliveryFilter {
    hook: Option<String>,
    store: Option<String>,
    event: Option<String>,
    #[ts(as = "Option<log::DeliveryStatus>")]
    status: Option<String>,
    since_ms: Option<i64>,
    until_ms: Option<i64>,
    limit: Option<usize>,
    before_id: Option<i64>,
}

impl From<DeliveryFilter> for Filter {
    fn from(f: DeliveryFilter) -> Filter {
        Filter {
            hook: f.hook,
            store: f.store,
            event: f.event,
            event_id: None,
            status: f.status,
            since: f.since_ms,
            until: f.until_ms,
            before_id: f.before_id,
            limit: f.limit,
        }
    }
}

#[tauri::command]
pub async fn deliveries_list(
    state: State<'_, AppState>,
    filter: Option<DeliveryFilter>,
) -> IpcResult<Vec<DeliveryView>> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::ReadLogs)?;
        log::list(&ctx, &actor, &filter.unwrap_or_default().into())
    })
    .await
}

#[tauri::command]
pub async fn delivery_attempts(state: State<'_, AppState>, id: i64) -> IpcResult<Vec<AttemptView>> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::ReadLogs)?;
        log::attempts(&ctx, &actor, id)
    })
    .await
}

#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Resent {
    pub delivery_id: i64,
}

#[tauri::command]
pub async fn resend(state: State<'_, AppState>, id: i64) -> IpcResult<Resent> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::Resend)?;
        log::resend(&ctx, &actor, id)?;
        if let Ok(e) = state.engine() {
            e.wake();
        }
        Ok(Resent { delivery_id: id })
    })
    .await
}

/// How far a recovery has come: of the deliveries it queued again, how many have finished.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct RecoverProgress {
    /// Deliveries the recovery queued again.
    pub queued: i64,
    pub delivered: i64,
    /// Given up after their retries ran out.
    pub gave_up: i64,
    /// Failed again and waiting for their next retry.
    pub still_failing: i64,
    /// Not tried since they were queued again.
    pub waiting: i64,
    /// Every queued delivery was delivered or given up.
    pub finished: bool,
}

#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct RecoverStarted {
    pub queued: usize,
}

/// How often a recovery's progress is counted and sent, and for how long at most: deliveries that
/// keep failing stay in retry for hours, and the dialog has long been closed by then.
const PROGRESS_EVERY: Duration = Duration::from_millis(300);
const PROGRESS_FOR: Duration = Duration::from_secs(3600);

/// Queues the hook's failed and dead deliveries since `since_ms` again, then reports their progress
/// on `on_progress` until all have finished (succeeded or dead): the window listens instead of polling.
#[tauri::command]
pub async fn recover(
    state: State<'_, AppState>,
    hook_id: String,
    since_ms: i64,
    on_progress: Channel<RecoverProgress>,
) -> IpcResult<RecoverStarted> {
    let hook = hook_id.clone();
    let queued = blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::Resend)?;
        let n = log::recover(&ctx, &actor, &hook_id, since_ms)?;
        if let Ok(e) = state.engine() {
            e.wake();
        }
        Ok(n)
    })
    .await?;
    let state = state.inner().clone();
    tauri::async_runtime::spawn(async move {
        let started = std::time::Instant::now();
        while started.elapsed() < PROGRESS_FOR {
            let hook = hook.clone();
            let counted = blocking(&state, move |state| {
                log::recover_progress(state.ctx()?, &hook, since_ms)
            })
            .await;
            let Ok(c) = counted else { break };
            let finished = c.finished();
            let sent = on_progress.send(RecoverProgress {
                queued: c.queued,
                delivered: c.delivered,
                gave_up: c.gave_up,
                still_failing: c.still_failing,
                waiting: c.waiting,
                finished,
            });
            if sent.is_err() || finished {
                break;
            }
            tokio::time::sleep(PROGRESS_EVERY).await;
        }
    });
    Ok(RecoverStarted { queued })
}

#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Emitted {
    pub event_id: String,
    pub deliveries: usize,
}

#[tauri::command]
pub async fn emit_event(
    state: State<'_, AppState>,
    event_type: String,
    store: String,
    data: EventData,
    key: Option<String>,
) -> IpcResult<Emitted> {
    blocking(&state, move |state| {
        let (ctx, _) = state.actor(Permission::EmitEvents)?;
        let ev = NewEvent::parse(&event_type, &store, data.0, key, None)?;
        let q = enqueue(&ctx, &ev, ctx.now_ms())?;
        if let Ok(e) = state.engine() {
            e.wake();
        }
        Ok(Emitted {
            event_id: q.event_id,
            deliveries: q.deliveries,
        })
    })
    .await
}

#[tauri::command]
pub async fn dashboard(state: State<'_, AppState>, since_ms: i64) -> IpcResult<Vec<HookStats>> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::ReadLogs)?;
        stats(&ctx, &actor, since_ms)
    })
    .await
}

//! Test sends: the same prepare/send/record path as live deliveries, run synchronously and logged with
//! trigger `test` (never retried).

use crate::args;
use serde_json::Value;

use super::outbox::Claimed;
use super::Engine;
use crate::auth::{Actor, Permission};
use crate::catalog::EventType;
use crate::delivery::log::{attempts_of, AttemptView};
use crate::{Error, Result};

pub struct TestSend {
    pub hook_id: String,
    pub event: String,
    pub data: Option<Value>,
    pub store: Option<String>,
}

pub async fn send_test(engine: &Engine, actor: &Actor, req: TestSend) -> Result<AttemptView> {
    actor.require(Permission::SendTest)?;
    let ctx = engine.ctx().clone();
    let event = EventType::parse("event", &req.event)?;
    let hook = crate::config::hooks::load_for_delivery(&ctx, &req.hook_id)?;
    if !hook.events.contains(&event) {
        return Err(Error::invalid(
            "event",
            "this hook is not subscribed to that event",
        ));
    }
    let data = req.data.unwrap_or_else(|| crate::catalog::sample(event));
    if !data.is_object() {
        return Err(Error::invalid("data", "must be a JSON object"));
    }
    let store = match req.store {
        Some(s) => s,
        None => crate::config::stores::first_for_hook(&ctx, &hook)?
            .ok_or_else(|| Error::invalid("store", "add a store before sending a test"))?,
    };
    crate::config::stores::require_exists(&ctx, &store)?;
    let now = ctx.now_ms();
    let event_id = crate::delivery::wire::render::new_event_id();
    let text = serde_json::to_string(&data).map_err(|e| Error::invalid("data", e.to_string()))?;
    let delivery_id = {
        let conn = ctx.db.conn();
        let tx = conn.transaction_deferred()?;
        let row: i64 = tx.query_row(
            "INSERT INTO events (event_id, type, store, occurred_at, data, trigger, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'test', ?4) RETURNING id",
            args![event_id, event.name(), store, now, text],
            |r| r.get(0),
        )?;
        let id: i64 = tx.query_row(
            "INSERT INTO deliveries (event_row, dest, hook_id, store, event_type, status, lease_until,
                                     created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'delivering', ?6, ?7, ?7) RETURNING id",
            args![
                row,
                format!("test:{}", req.hook_id),
                req.hook_id,
                store,
                event.name(),
                now + 60_000,
                now
            ],
            |r| r.get(0),
        )?;
        crate::store::audit::record(
            &tx,
            now,
            Some(actor.name()),
            "hook.send_test",
            &req.hook_id,
            &serde_json::json!({"event": event.name()}),
        )?;
        tx.commit()?;
        id
    };
    let claimed = Claimed {
        id: delivery_id,
        dest: format!("test:{}", req.hook_id),
        hook_id: Some(req.hook_id.clone()),
        store,
        event_type: event.name().to_string(),
        event_id,
        occurred_at: now,
        data: text,
        attempts: 0,
        retry_preset: "standard".into(),
        retry_base: 0,
        trigger: "test",
    };
    engine.send_one(&claimed, now).await;
    attempts_of(&ctx, delivery_id)?
        .pop()
        .ok_or_else(|| Error::Delivery("the test attempt was not recorded".into()))
}

//! Test sends: the same prepare/send/record path as live deliveries, run synchronously and logged with
//! trigger `test` (never retried).

use serde_json::Value;

use super::claim::Claimed;
use super::Engine;
use crate::auth::{Actor, Permission};
use crate::catalog::EventType;
use crate::delivery::log::{attempts_of, AttemptView};
use crate::domain::{Destination, RetryPreset, Trigger};
use crate::store::outbox;
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
        let id = outbox::insert_test_send(
            &tx,
            &outbox::TestSendRows {
                event_id: &event_id,
                event_type: event.name(),
                store: &store,
                data: &text,
                hook_id: &req.hook_id,
                lease_until: now + 60_000,
                now,
            },
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
        dest: Destination::Test(req.hook_id.clone()),
        store,
        event_type: event.name().to_string(),
        event_id,
        occurred_at: now,
        data: text,
        attempts: 0,
        retry_preset: RetryPreset::Standard,
        retry_base: 0,
        trigger: Trigger::Test,
    };
    engine.send_one(&claimed, now).await;
    attempts_of(&ctx, delivery_id)?
        .pop()
        .ok_or_else(|| Error::Delivery("the test attempt was not recorded".into()))
}

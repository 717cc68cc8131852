//! Shared set-up for the engine tests: a real data dir, a manual clock, an engine, loopback hooks.

use std::sync::Arc;

use hookdesk_core::clock::ManualClock;
use hookdesk_core::config::{self, order_webhooks};
use hookdesk_core::delivery::engine::outbox::{enqueue, Enqueued, NewEvent};
use hookdesk_core::delivery::engine::{Engine, StepReport};
use hookdesk_core::domain::{AuthInput, HookInput, OrderWebhooksPatch};
use hookdesk_core::Ctx;
use serde_json::Value;

use hookdesk_core::auth::Role;

use super::config::{add_store_to, fresh, with_code};
use super::TestDir;

pub const T0: i64 = 1_700_000_000_000;

pub struct Eng {
    pub ctx: Arc<Ctx>,
    pub clock: ManualClock,
    pub engine: Engine,
    pub _dir: TestDir,
}

impl Eng {
    pub fn new() -> Eng {
        let dir = TestDir::new();
        let clock = ManualClock::at(T0);
        let ctx = Arc::new(super::open_ctx(&dir.path(), Arc::new(clock.clone())).expect("open"));
        let engine = Engine::new(ctx.clone()).expect("engine");
        let e = Eng {
            ctx,
            clock,
            engine,
            _dir: dir,
        };
        e.store("store-1");
        e
    }

    pub fn now(&self) -> i64 {
        self.ctx.now_ms()
    }

    pub fn store(&self, id: &str) {
        add_store_to(&self.ctx, id);
    }

    /// Creates a hook allowed on the loopback network; returns its id.
    pub fn hook(&self, input: HookInput) -> String {
        let input = HookInput {
            allow_private_network: true,
            ..input
        };
        let (admin, code) = with_code(&self.ctx, Role::Admin);
        config::hooks::create(&self.ctx, &admin, &input, fresh(&code))
            .expect("create hook")
            .id
    }

    pub fn page(&self, store: &str, patch: OrderWebhooksPatch) {
        let patch = OrderWebhooksPatch {
            allow_private_network: Some(true),
            ..patch
        };
        let (admin, code) = with_code(&self.ctx, Role::Admin);
        order_webhooks::set(&self.ctx, &admin, store, &patch, fresh(&code)).expect("set page");
    }

    pub fn emit(&self, ty: &str, store: &str, data: Value) -> Enqueued {
        self.emit_keyed(ty, store, data, None)
    }

    pub fn emit_keyed(&self, ty: &str, store: &str, data: Value, key: Option<&str>) -> Enqueued {
        let ev = NewEvent::parse(ty, store, data, key.map(str::to_string), None).expect("event");
        enqueue(&self.ctx, &ev, self.now()).expect("enqueue")
    }

    pub async fn step(&self) -> StepReport {
        self.engine
            .deliver_due(self.now())
            .await
            .expect("deliver_due")
    }

    /// Steps at the current time until nothing more is due (ordered deliveries go one per step).
    pub async fn drain(&self) -> usize {
        let mut n = 0;
        for _ in 0..100 {
            let r = self.step().await;
            if r.claimed == 0 {
                return n;
            }
            n += r.claimed;
        }
        panic!("the queue did not drain");
    }

    pub fn count(&self, sql: &str) -> i64 {
        self.ctx
            .db
            .conn()
            .query_row(sql, hookdesk_core::args![], |r| r.get(0))
            .expect("count")
    }

    /// (status, attempts, next_attempt_at) of one delivery.
    pub fn delivery(&self, id: i64) -> (String, i64, Option<i64>) {
        self.ctx
            .db
            .conn()
            .query_row(
                "SELECT status, attempts, next_attempt_at FROM deliveries WHERE id = ?1",
                hookdesk_core::args![id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .expect("delivery")
    }

    pub fn delivery_ids(&self) -> Vec<i64> {
        let conn = self.ctx.db.conn();
        let mut stmt = conn
            .prepare("SELECT id FROM deliveries ORDER BY id")
            .expect("prepare");
        let rows = stmt
            .query_map(hookdesk_core::args![], |r| r.get(0))
            .expect("query");
        rows.collect::<hookdesk_core::Result<_>>().expect("rows")
    }

    /// (enabled, failing_since_ms, disabled_reason) of a hook.
    pub fn hook_health(&self, id: &str) -> (bool, Option<i64>, Option<String>) {
        self.ctx
            .db
            .conn()
            .query_row(
                "SELECT enabled, failing_since_ms, disabled_reason FROM hooks WHERE id = ?1",
                hookdesk_core::args![id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .expect("hook")
    }
}

/// A loopback hook with bearer auth for `events`, every store.
pub fn hook_input(url: &str, events: &[&str]) -> HookInput {
    HookInput {
        label: "Loopback".into(),
        url: url.into(),
        events: events.iter().map(|e| e.to_string()).collect(),
        all_stores: true,
        auth: AuthInput::None,
        ..HookInput::default()
    }
}

pub fn body_json(body: &[u8]) -> Value {
    serde_json::from_slice(body).expect("json body")
}

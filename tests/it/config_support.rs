//! Shared set-up for the configuration tests: a real data dir, a manual clock and actors of each role.

use std::sync::Arc;

use hookdesk_core::auth::{Actor, Role};
use hookdesk_core::clock::ManualClock;
use hookdesk_core::config::{self, FreshCode};
use hookdesk_core::domain::{AuthInput, HookInput, Secret, StoreInput};
use hookdesk_core::{Ctx, Error, Result};

use crate::support::TestDir;

pub const GOOD_CODE: &str = "246810";

pub struct Env {
    pub ctx: Ctx,
    pub clock: ManualClock,
    pub dir: TestDir,
}

pub fn env() -> Env {
    let dir = TestDir::new();
    let clock = ManualClock::at(1_700_000_000_000);
    let ctx = Ctx::open_with_clock(&dir.path(), Arc::new(clock.clone())).expect("open ctx");
    Env { ctx, clock, dir }
}

pub fn actor(role: Role) -> Actor {
    Actor {
        user_id: 1,
        name: format!("{}-user", role.as_str()),
        role,
    }
}

pub fn admin() -> Actor {
    actor(Role::Admin)
}

/// Stands in for the accounts module's TOTP check, which has its own tests.
pub fn check_code(_: &Ctx, _: &Actor, code: &str) -> Result<()> {
    if code == GOOD_CODE {
        Ok(())
    } else {
        Err(Error::Unauthorized)
    }
}

pub fn fresh(code: &str) -> Option<FreshCode<'_>> {
    Some(FreshCode {
        code,
        verify: check_code,
    })
}

pub fn add_store(e: &Env, id: &str) {
    let input = StoreInput {
        id: id.into(),
        name: format!("Store {id}"),
        merch_key: Some("7qwnw4j2kmqvrb3".into()),
        restaurant_id: Some("5f1b223c51e2d31e007b23d8".into()),
    };
    config::stores::add(&e.ctx, &admin(), &input).expect("add store");
}

/// A valid merchant hook for every store.
pub fn merchant_hook(label: &str) -> HookInput {
    HookInput {
        label: label.into(),
        url: "https://merchant.example.com/hooks".into(),
        events: vec!["transaction.sale.success".into()],
        all_stores: true,
        auth: AuthInput::Bearer {
            token: Secret::new("bearer-token-0001"),
        },
        ..HookInput::default()
    }
}

pub fn count(e: &Env, table: &str) -> i64 {
    e.ctx
        .db
        .conn()
        .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .expect("count")
}

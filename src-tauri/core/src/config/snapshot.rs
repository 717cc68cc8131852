//! The configuration one batch of events or deliveries is handled with, read once for the batch: the
//! hook set (one read of its generation counter, see [`super::hook_cache`]) and each store the batch
//! names. On PostgreSQL every read is a round trip, so a batch of 200 deliveries to 10 hooks costs two
//! reads instead of 400 (README, Performance). A change committed before the batch began is seen, as
//! it would be if each delivery read for itself.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use super::hook_cache::HookSet;
use super::hooks::DeliveryHook;
use crate::catalog::EventType;
use crate::domain::Store;
use crate::{store, Ctx, Error, Result};

#[derive(Default)]
pub struct Snapshot {
    hooks: OnceLock<HookSet>,
    stores: Mutex<HashMap<String, Option<Store>>>,
}

impl Snapshot {
    pub fn new() -> Snapshot {
        Snapshot::default()
    }

    /// Every hook as of the batch's start; an error (a hook that cannot be opened) is not kept, so
    /// callers fall back to reading only the hook they need.
    fn hook_set(&self, ctx: &Ctx) -> Result<HookSet> {
        if let Some(set) = self.hooks.get() {
            return Ok(set.clone());
        }
        let set = ctx.hook_cache.current(&ctx.db.read(), &ctx.key)?;
        Ok(self.hooks.get_or_init(|| set).clone())
    }

    /// Reads the hook set and `stores` now, in one statement each, before the batch is handled.
    /// Errors are left for each event or delivery to meet on its own.
    pub fn preload<'s>(&self, ctx: &Ctx, stores: impl IntoIterator<Item = &'s str>) {
        let _ = self.hook_set(ctx);
        let mut wanted: Vec<&str> = {
            let held = self.stores.lock().unwrap_or_else(|e| e.into_inner());
            stores
                .into_iter()
                .filter(|id| !held.contains_key(*id))
                .collect()
        };
        wanted.sort_unstable();
        wanted.dedup();
        if wanted.is_empty() {
            return;
        }
        let Ok(found) = store::stores::get_many(&ctx.db.read(), &wanted) else {
            return;
        };
        let mut held = self.stores.lock().unwrap_or_else(|e| e.into_inner());
        for s in found {
            held.insert(s.id.as_str().to_string(), Some(s));
        }
    }

    /// One hook, decrypted, whether enabled or not.
    pub fn hook(&self, ctx: &Ctx, id: &str) -> Result<DeliveryHook> {
        match self.hook_set(ctx) {
            Ok(set) => set
                .iter()
                .find(|h| h.id == id)
                .cloned()
                .ok_or_else(|| Error::NotFound(format!("hook {id}"))),
            // One damaged hook must fail only its own deliveries: read this one alone for the exact error.
            Err(_) => super::hooks::read_for_delivery(ctx, id),
        }
    }

    /// Enabled hooks subscribed to `event` whose store scope covers `store_id` and whose app type may
    /// take the event (re-checked here in case the catalogue's matrix changed since the hook was saved).
    pub fn matching_hooks(
        &self,
        ctx: &Ctx,
        event: EventType,
        store_id: &str,
    ) -> Result<Vec<DeliveryHook>> {
        match self.hook_set(ctx) {
            Ok(set) => Ok(set
                .iter()
                .filter(|h| {
                    h.enabled
                        && h.events.contains(&event)
                        && h.stores.covers(store_id)
                        && event.allowed_for(h.app_type)
                })
                .cloned()
                .collect()),
            Err(_) => super::hooks::matching_one_by_one(ctx, event, store_id),
        }
    }

    /// A store, read once per batch.
    pub fn store(&self, ctx: &Ctx, id: &str) -> Result<Option<Store>> {
        let held = |s: &Self| {
            s.stores
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(id)
                .cloned()
        };
        if let Some(found) = held(self) {
            return Ok(found);
        }
        let found = store::stores::get(&ctx.db.read(), id)?;
        self.stores
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id.to_string(), found.clone());
        Ok(found)
    }

    /// For delivery: the store an event names; it must still exist.
    pub fn require_store(&self, ctx: &Ctx, id: &str) -> Result<Store> {
        self.store(ctx, id)?
            .ok_or_else(|| Error::NotFound(format!("store {id}")))
    }

    /// For ingest: an event for an unknown store is refused on its `store` field.
    pub fn require_store_exists(&self, ctx: &Ctx, id: &str) -> Result<()> {
        match self.store(ctx, id)? {
            Some(_) => Ok(()),
            None => Err(super::stores::no_such_store(id)),
        }
    }
}

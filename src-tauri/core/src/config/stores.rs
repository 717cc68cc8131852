//! Stores: the restaurants and merchant locations events belong to.

use serde_json::json;

use super::audit;
use crate::auth::{Actor, Permission};
use crate::domain::{Store, StoreInput};
use crate::{store, Ctx, Error, Result};

pub fn list(ctx: &Ctx, actor: &Actor) -> Result<Vec<Store>> {
    actor.require(Permission::ReadHooks)?;
    store::stores::list(&ctx.db.conn())
}

/// Adds a new store; an existing id is a conflict (use [`save`] to change one).
pub fn add(ctx: &Ctx, actor: &Actor, input: &StoreInput) -> Result<Store> {
    write(ctx, actor, input, false)
}

/// Adds or updates a store.
pub fn save(ctx: &Ctx, actor: &Actor, input: &StoreInput) -> Result<Store> {
    write(ctx, actor, input, true)
}

fn write(ctx: &Ctx, actor: &Actor, input: &StoreInput, replace: bool) -> Result<Store> {
    actor.require(Permission::EditHooks)?;
    let s = input.validate()?;
    let mut conn = ctx.db.conn();
    let tx = conn.transaction()?;
    if !replace && store::stores::exists(&tx, s.id.as_str())? {
        return Err(Error::Conflict(format!(
            "a store with id {} already exists",
            s.id.as_str()
        )));
    }
    let created = store::stores::upsert(&tx, &s, ctx.now_ms())?;
    let action = if created { "store.add" } else { "store.update" };
    audit(
        &tx,
        ctx,
        actor,
        action,
        s.id.as_str(),
        &json!({"name": s.name, "merchKey": s.merch_key, "restaurantId": s.restaurant_id}),
    )?;
    tx.commit()?;
    Ok(s)
}

/// For the delivery engine (no user involved): the store an event belongs to.
pub fn get_internal(ctx: &Ctx, id: &str) -> Result<Store> {
    store::stores::get(&ctx.db.read(), id)?.ok_or_else(|| Error::NotFound(format!("store {id}")))
}

/// For ingest: an event for an unknown store is refused on its `store` field.
pub fn require_exists(ctx: &Ctx, id: &str) -> Result<()> {
    if store::stores::exists(&ctx.db.read(), id)? {
        Ok(())
    } else {
        Err(Error::invalid(
            "store",
            format!("there is no store {id:?}; add it first"),
        ))
    }
}

/// The store a test send renders with when none is named: the hook's first store, or the first store.
pub fn first_for_hook(
    ctx: &Ctx,
    hook: &crate::config::hooks::DeliveryHook,
) -> Result<Option<String>> {
    if let crate::domain::StoreScope::Only(ids) = &hook.stores {
        return Ok(ids.first().map(|s| s.as_str().to_string()));
    }
    Ok(store::stores::list(&ctx.db.conn())?
        .into_iter()
        .next()
        .map(|s| s.id.as_str().to_string()))
}

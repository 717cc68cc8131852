//! Stores: the restaurants and merchant locations events belong to.

use serde_json::json;

use super::audit;
use super::views::StoreView;
use crate::auth::{Actor, Permission};
use crate::domain::{Store, StoreInput};
use crate::{store, Ctx, Error, Result};

pub fn list(ctx: &Ctx, actor: &Actor) -> Result<Vec<Store>> {
    actor.require(Permission::ReadHooks)?;
    store::stores::list(&ctx.db.conn())
}

/// The stores as the window lists them, each with its POS's last `is_online` answer.
pub fn list_views(ctx: &Ctx, actor: &Actor) -> Result<Vec<StoreView>> {
    let stores = list(ctx, actor)?;
    let online = crate::delivery::log::pos_status(ctx)?;
    Ok(stores
        .iter()
        .map(|s| StoreView::new(s, online.get(s.id.as_str()).copied()))
        .collect())
}

/// [`save`], answered as the window lists the store.
pub fn save_view(ctx: &Ctx, actor: &Actor, input: &StoreInput) -> Result<StoreView> {
    let s = save(ctx, actor, input)?;
    let online = crate::delivery::log::pos_status(ctx)?;
    Ok(StoreView::new(&s, online.get(s.id.as_str()).copied()))
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
    let conn = ctx.db.conn();
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

/// Changes an existing store's name, merchant key or restaurant id; a field left out stays as it is, and
/// an empty merchant key or restaurant id clears it. The id never changes: events and hooks refer to it.
pub fn edit(ctx: &Ctx, actor: &Actor, id: &str, patch: &StorePatch) -> Result<Store> {
    actor.require(Permission::EditHooks)?;
    let current = store::stores::get(&ctx.db.conn(), id)?
        .ok_or_else(|| Error::NotFound(format!("store {id}")))?;
    let keep = |v: Option<&str>| v.map(str::to_string);
    let input = StoreInput {
        id: current.id.as_str().to_string(),
        name: patch
            .name
            .clone()
            .unwrap_or_else(|| current.name.as_str().to_string()),
        merch_key: patch
            .merch_key
            .clone()
            .or_else(|| keep(current.merch_key.as_ref().map(|k| k.as_str()))),
        restaurant_id: patch
            .restaurant_id
            .clone()
            .or_else(|| keep(current.restaurant_id.as_ref().map(|r| r.as_str()))),
    };
    save(ctx, actor, &input)
}

/// Deletes a store. Refused, naming them, while a hook is scoped to this store alone or the store has
/// an order-webhook page: those would silently stop delivering. Multi-store hooks just lose this store.
pub fn delete(ctx: &Ctx, actor: &Actor, id: &str) -> Result<()> {
    actor.require(Permission::EditHooks)?;
    let conn = ctx.db.conn();
    let tx = conn.transaction()?;
    if !store::stores::exists(&tx, id)? {
        return Err(Error::NotFound(format!("store {id}")));
    }
    let mut blockers = Vec::new();
    let hooks = store::stores::hooks_scoped_only_to(&tx, id)?;
    if !hooks.is_empty() {
        let names: Vec<String> = hooks
            .iter()
            .map(|(hook, label)| format!("{label} ({hook})"))
            .collect();
        blockers.push(format!(
            "scoped to this store alone: {}; edit or delete them first",
            names.join(", ")
        ));
    }
    let page = super::order_webhooks::read_page(&tx, &ctx.key, id)?;
    if page.is_some_and(|p| p != Default::default()) {
        blockers.push(
            "it has an Integration Hub order-webhook page; clear its URLs and header first".into(),
        );
    }
    if !blockers.is_empty() {
        return Err(Error::invalid(
            "id",
            format!("store {id} is still in use: {}", blockers.join("; ")),
        ));
    }
    store::stores::delete(&tx, id)?;
    audit(&tx, ctx, actor, "store.delete", id, &json!({}))?;
    tx.commit()?;
    Ok(())
}

/// The parts of a store an edit may change; `None` keeps the current value.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct StorePatch {
    pub name: Option<String>,
    pub merch_key: Option<String>,
    pub restaurant_id: Option<String>,
}

/// For the delivery engine (no user involved): the store an event belongs to.
pub fn get_internal(ctx: &Ctx, id: &str) -> Result<Store> {
    super::snapshot::Snapshot::new().require_store(ctx, id)
}

/// For ingest: an event for an unknown store is refused on its `store` field.
pub fn require_exists(ctx: &Ctx, id: &str) -> Result<()> {
    if store::stores::exists(&ctx.db.read(), id)? {
        Ok(())
    } else {
        Err(no_such_store(id))
    }
}

pub(super) fn no_such_store(id: &str) -> Error {
    Error::invalid("store", format!("there is no store {id:?}; add it first"))
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

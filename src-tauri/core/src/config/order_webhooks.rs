//! The Integration Hub order-webhook page of each store (docs/architecture.md, Stores, hooks and routing) and where a hub event goes.

use serde_json::{json, Value};

use super::views::OrderWebhooksView;
use super::{audit, require_private_network, FreshCode};
use crate::auth::{Actor, Permission};
use crate::catalog::EventType;
use crate::domain::{HeaderName, OrderWebhookSettings, OrderWebhooksPatch, Secret};
use crate::{store, Ctx, Error, Result};

pub fn get(ctx: &Ctx, actor: &Actor, store_id: &str) -> Result<OrderWebhooksView> {
    actor.require(Permission::ReadHooks)?;
    let settings = load(ctx, store_id)?;
    Ok(OrderWebhooksView::new(store_id, &settings))
}

/// Applies `patch` to the page; absent fields keep their value. `fresh` is needed only when the patch
/// turns private-network targets on.
pub fn set(
    ctx: &Ctx,
    actor: &Actor,
    store_id: &str,
    patch: &OrderWebhooksPatch,
    fresh: Option<FreshCode<'_>>,
) -> Result<OrderWebhooksView> {
    actor.require(Permission::EditHooks)?;
    let current = load(ctx, store_id)?;
    let next = current.apply(patch)?;
    if next.allow_private_network && !current.allow_private_network {
        require_private_network(ctx, actor, fresh)?;
    }
    let view = OrderWebhooksView::new(store_id, &next);
    let conn = ctx.db.conn();
    let tx = conn.transaction()?;
    store::order_webhooks::put(&tx, &ctx.key, store_id, &next, ctx.now_ms())?;
    let detail = serde_json::to_value(&view).unwrap_or_else(|_| json!({}));
    audit(&tx, ctx, actor, "order_webhooks.set", store_id, &detail)?;
    tx.commit()?;
    Ok(view)
}

/// Where a hub event is sent, with the page's request header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubDestination {
    /// The full URL, query included.
    pub url: Secret,
    pub masked_url: String,
    /// Sent only when the page names a header; the value may be empty.
    pub header: Option<(HeaderName, Secret)>,
    pub allow_private_network: bool,
}

/// docs/architecture.md, Stores, hooks and routing: `order.open` from OLO goes to the Open URL when Open is enabled; from the POS, to the Open
/// URL when third-party is active; `order.update` / `order.close` to their URL when enabled. An empty
/// URL, a toggle off, an unknown `source`, or any other event sends nothing (`None`).
pub fn destination_for(
    ctx: &Ctx,
    store_id: &str,
    event: EventType,
    data: &Value,
) -> Result<Option<HubDestination>> {
    let Some(s) = store::order_webhooks::get(&ctx.db.read(), &ctx.key, store_id)? else {
        return Ok(None);
    };
    let url = match event.name() {
        "order.open" => match data.get("source").and_then(Value::as_str) {
            Some("olo") => s.open.target(),
            Some("pos") if s.third_party_active => s.open.url.as_ref(),
            _ => None,
        },
        "order.update" => s.update.target(),
        "order.close" => s.close.target(),
        _ => None,
    };
    Ok(url.map(|u| HubDestination {
        url: Secret::new(u.expose_full()),
        masked_url: u.display(),
        header: s
            .header_name
            .clone()
            .map(|n| (n, s.header_value.clone().unwrap_or_else(|| Secret::new("")))),
        allow_private_network: s.allow_private_network,
    }))
}

/// The page of an existing store; a page never saved reads as all off.
fn load(ctx: &Ctx, store_id: &str) -> Result<OrderWebhookSettings> {
    let conn = ctx.db.conn();
    if !store::stores::exists(&conn, store_id)? {
        return Err(Error::NotFound(format!("store {store_id}")));
    }
    Ok(store::order_webhooks::get(&conn, &ctx.key, store_id)?.unwrap_or_default())
}

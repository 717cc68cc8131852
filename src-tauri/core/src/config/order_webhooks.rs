//! The Integration Hub order-webhook page of each store (docs/architecture.md, Stores, hooks and routing) and where a hub event goes.
//! The page's header value and URL queries are sealed here before the store keeps them.

use serde_json::{json, Value};

use super::secrets::{open_opt, seal_opt};
use super::views::OrderWebhooksView;
use super::{audit, require_private_network, FreshCode};
use crate::auth::{Actor, Permission};
use crate::catalog::EventType;
use crate::crypto::DataKey;
use crate::domain::{
    HeaderName, OrderWebhookSettings, OrderWebhooksPatch, Secret, UrlToggle, WebhookUrl,
};
use crate::store::order_webhooks::{PageRow, UrlRow};
use crate::store::Conn;
use crate::{store, Ctx, Error, Result};

/// The table a page's secrets are bound to when sealed.
const TABLE: &str = "order_webhooks";

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
    write_page(&tx, &ctx.key, store_id, &next, ctx.now_ms())?;
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
    let Some(s) = read_page(&ctx.db.read(), &ctx.key, store_id)? else {
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
    Ok(read_page(&conn, &ctx.key, store_id)?.unwrap_or_default())
}

/// Stores the page of `store_id`, its header value and URL queries sealed and bound to
/// (order_webhooks, column, store id).
pub(super) fn write_page(
    conn: &Conn,
    key: &DataKey,
    store_id: &str,
    s: &OrderWebhookSettings,
    now_ms: i64,
) -> Result<()> {
    let url = |row: &UrlToggle, col: &str| UrlRow {
        base: row.url.as_ref().map(|u| u.base().to_string()),
        query: seal_opt(
            key,
            TABLE,
            col,
            store_id,
            row.url.as_ref().and_then(WebhookUrl::query),
        ),
        enabled: row.enabled,
    };
    let page = PageRow {
        header_name: s.header_name.as_ref().map(|n| n.as_str().to_string()),
        header_value: seal_opt(
            key,
            TABLE,
            "header_value",
            store_id,
            s.header_value.as_ref(),
        ),
        open: url(&s.open, "open_url_query"),
        update: url(&s.update, "update_url_query"),
        close: url(&s.close, "close_url_query"),
        third_party_active: s.third_party_active,
        allow_private_network: s.allow_private_network,
    };
    store::order_webhooks::put(conn, store_id, &page, now_ms)
}

/// The stored page of `store_id`, secrets opened; `None` when it was never saved.
pub(super) fn read_page(
    conn: &Conn,
    key: &DataKey,
    store_id: &str,
) -> Result<Option<OrderWebhookSettings>> {
    let Some(page) = store::order_webhooks::get(conn, store_id)? else {
        return Ok(None);
    };
    let row = |r: UrlRow, field: &str, col: &str| {
        let query = open_opt(key, TABLE, col, store_id, r.query)?;
        let url = r
            .base
            .map(|b| WebhookUrl::from_parts(field, &b, query))
            .transpose()?;
        Ok::<_, Error>(UrlToggle {
            url,
            enabled: r.enabled,
        })
    };
    Ok(Some(OrderWebhookSettings {
        header_name: page
            .header_name
            .map(|n| HeaderName::parse("headerName", &n))
            .transpose()?,
        header_value: open_opt(key, TABLE, "header_value", store_id, page.header_value)?,
        open: row(page.open, "open.url", "open_url_query")?,
        update: row(page.update, "update.url", "update_url_query")?,
        close: row(page.close, "close.url", "close_url_query")?,
        third_party_active: page.third_party_active,
        allow_private_network: page.allow_private_network,
    }))
}

//! The `order_webhooks` table: one Integration Hub order-webhook page per store. The header value and
//! each URL's query are sealed, bound to (order_webhooks, column, store id).

use crate::args;
use crate::store::{Conn, OptionalExt};

use super::hooks::{open_opt, seal_opt};
use crate::crypto::DataKey;
use crate::domain::{HeaderName, OrderWebhookSettings, UrlToggle, WebhookUrl};
use crate::Result;

const TABLE: &str = "order_webhooks";

pub fn put(
    conn: &Conn,
    key: &DataKey,
    store: &str,
    s: &OrderWebhookSettings,
    now_ms: i64,
) -> Result<()> {
    let url = |row: &UrlToggle, col: &str| {
        (
            row.url.as_ref().map(|u| u.base().to_string()),
            seal_opt(
                key,
                TABLE,
                col,
                store,
                row.url.as_ref().and_then(WebhookUrl::query),
            ),
        )
    };
    let (open_base, open_q) = url(&s.open, "open_url_query");
    let (update_base, update_q) = url(&s.update, "update_url_query");
    let (close_base, close_q) = url(&s.close, "close_url_query");
    conn.execute(
        "INSERT INTO order_webhooks (store_id, header_name, header_value, open_url_base, open_url_query,
             open_enabled, update_url_base, update_url_query, update_enabled, close_url_base, close_url_query,
             close_enabled, third_party_active, allow_private_network, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
         ON CONFLICT(store_id) DO UPDATE SET header_name = ?2, header_value = ?3, open_url_base = ?4,
             open_url_query = ?5, open_enabled = ?6, update_url_base = ?7, update_url_query = ?8,
             update_enabled = ?9, close_url_base = ?10, close_url_query = ?11, close_enabled = ?12,
             third_party_active = ?13, allow_private_network = ?14, updated_at = ?15",
        args![
            store,
            s.header_name.as_ref().map(HeaderName::as_str),
            seal_opt(key, TABLE, "header_value", store, s.header_value.as_ref()),
            open_base,
            open_q,
            s.open.enabled,
            update_base,
            update_q,
            s.update.enabled,
            close_base,
            close_q,
            s.close.enabled,
            s.third_party_active,
            s.allow_private_network,
            now_ms,
        ],
    )?;
    Ok(())
}

type RawRow = (
    Option<String>,
    Option<Vec<u8>>,
    [(Option<String>, Option<Vec<u8>>, bool); 3],
    bool,
    bool,
);

/// The page of `store`, or `None` when it was never saved (callers treat that as all off).
pub fn get(conn: &Conn, key: &DataKey, store: &str) -> Result<Option<OrderWebhookSettings>> {
    let raw: Option<RawRow> = conn
        .query_row(
            "SELECT header_name, header_value, open_url_base, open_url_query, open_enabled, update_url_base,
                 update_url_query, update_enabled, close_url_base, close_url_query, close_enabled,
                 third_party_active, allow_private_network
             FROM order_webhooks WHERE store_id = ?1",
            args![store],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    [
                        (r.get(2)?, r.get(3)?, r.get(4)?),
                        (r.get(5)?, r.get(6)?, r.get(7)?),
                        (r.get(8)?, r.get(9)?, r.get(10)?),
                    ],
                    r.get(11)?,
                    r.get(12)?,
                ))
            },
        )
        .optional()?;
    let Some((name, value, [open, update, close], third_party_active, allow_private_network)) = raw
    else {
        return Ok(None);
    };
    let row = |(base, query, enabled): (Option<String>, Option<Vec<u8>>, bool),
               field: &str,
               col: &str| {
        let query = open_opt(key, TABLE, col, store, query)?;
        let url = base
            .map(|b| WebhookUrl::from_parts(field, &b, query))
            .transpose()?;
        Ok::<_, crate::Error>(UrlToggle { url, enabled })
    };
    Ok(Some(OrderWebhookSettings {
        header_name: name
            .map(|n| HeaderName::parse("headerName", &n))
            .transpose()?,
        header_value: open_opt(key, TABLE, "header_value", store, value)?,
        open: row(open, "open.url", "open_url_query")?,
        update: row(update, "update.url", "update_url_query")?,
        close: row(close, "close.url", "close_url_query")?,
        third_party_active,
        allow_private_network,
    }))
}

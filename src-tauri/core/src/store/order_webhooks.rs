//! The `order_webhooks` table: one Integration Hub order-webhook page per store. The header value and
//! each URL's query are sealed bytes: `config/order_webhooks.rs` seals them, bound to (order_webhooks,
//! column, store id), and opens them; this module writes and returns them unchanged.

use crate::args;
use crate::store::{Conn, OptionalExt};

use crate::Result;

/// A page as its row holds it; `header_value` and each `query` are sealed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageRow {
    pub header_name: Option<String>,
    pub header_value: Option<Vec<u8>>,
    pub open: UrlRow,
    pub update: UrlRow,
    pub close: UrlRow,
    pub third_party_active: bool,
    pub allow_private_network: bool,
}

/// One URL of a page and its toggle: the URL without its query, and the query sealed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UrlRow {
    pub base: Option<String>,
    pub query: Option<Vec<u8>>,
    pub enabled: bool,
}

pub fn put(conn: &Conn, store: &str, page: &PageRow, now_ms: i64) -> Result<()> {
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
            page.header_name,
            page.header_value,
            page.open.base,
            page.open.query,
            page.open.enabled,
            page.update.base,
            page.update.query,
            page.update.enabled,
            page.close.base,
            page.close.query,
            page.close.enabled,
            page.third_party_active,
            page.allow_private_network,
            now_ms,
        ],
    )?;
    Ok(())
}

/// The page of `store`, or `None` when it was never saved (callers treat that as all off).
pub fn get(conn: &Conn, store: &str) -> Result<Option<PageRow>> {
    conn.query_row(
        "SELECT header_name, header_value, open_url_base, open_url_query, open_enabled, update_url_base,
             update_url_query, update_enabled, close_url_base, close_url_query, close_enabled,
             third_party_active, allow_private_network
         FROM order_webhooks WHERE store_id = ?1",
        args![store],
        |r| {
            Ok(PageRow {
                header_name: r.get(0)?,
                header_value: r.get(1)?,
                open: UrlRow {
                    base: r.get(2)?,
                    query: r.get(3)?,
                    enabled: r.get(4)?,
                },
                update: UrlRow {
                    base: r.get(5)?,
                    query: r.get(6)?,
                    enabled: r.get(7)?,
                },
                close: UrlRow {
                    base: r.get(8)?,
                    query: r.get(9)?,
                    enabled: r.get(10)?,
                },
                third_party_active: r.get(11)?,
                allow_private_network: r.get(12)?,
            })
        },
    )
    .optional()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Db;

    #[test]
    fn sealed_columns_round_trip_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open_at(dir.path(), None).unwrap();
        let conn = db.conn();
        conn.execute(
            "INSERT INTO stores (id, name, created_at, updated_at) VALUES ('store-1', 'One', 0, 0)",
            args![],
        )
        .unwrap();
        assert_eq!(get(&conn, "store-1").unwrap(), None);
        // Bytes no seal made: opening them here would fail.
        let page = PageRow {
            header_name: Some("X-Api-Key".into()),
            header_value: Some(vec![0xff, 0x00, 0x41]),
            open: UrlRow {
                base: Some("https://example.com/open".into()),
                query: Some(b"key=plain".to_vec()),
                enabled: true,
            },
            update: UrlRow::default(),
            close: UrlRow {
                base: Some("https://example.com/close".into()),
                query: None,
                enabled: false,
            },
            third_party_active: true,
            allow_private_network: false,
        };
        put(&conn, "store-1", &page, 10).unwrap();
        assert_eq!(get(&conn, "store-1").unwrap(), Some(page.clone()));
        let cleared = PageRow {
            header_value: None,
            ..page
        };
        put(&conn, "store-1", &cleared, 11).unwrap();
        assert_eq!(get(&conn, "store-1").unwrap(), Some(cleared));
    }
}

//! The `stores` table.

use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::domain::{Label, MerchKey, RestaurantId, Store, StoreId};
use crate::Result;

/// Inserts or replaces a store; returns true when it is new.
pub fn upsert(conn: &Connection, store: &Store, now_ms: i64) -> Result<bool> {
    let created = !exists(conn, store.id.as_str())?;
    conn.execute(
        "INSERT INTO stores (id, name, merch_key, restaurant_id, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)
         ON CONFLICT(id) DO UPDATE SET name = ?2, merch_key = ?3, restaurant_id = ?4, updated_at = ?5",
        params![
            store.id.as_str(),
            store.name.as_str(),
            store.merch_key.as_deref(),
            store.restaurant_id.as_deref(),
            now_ms
        ],
    )?;
    Ok(created)
}

pub fn exists(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM stores WHERE id = ?1")?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}

pub fn get(conn: &Connection, id: &str) -> Result<Option<Store>> {
    conn.prepare_cached("SELECT id, name, merch_key, restaurant_id FROM stores WHERE id = ?1")?
        .query_row([id], read)
        .optional()?
        .transpose()
}

pub fn list(conn: &Connection) -> Result<Vec<Store>> {
    let mut stmt =
        conn.prepare("SELECT id, name, merch_key, restaurant_id FROM stores ORDER BY id")?;
    let rows = stmt
        .query_map([], read)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().collect()
}

/// Rows are re-validated on the way out: a row edited by hand cannot become an invalid value.
fn read(r: &Row<'_>) -> rusqlite::Result<Result<Store>> {
    let id: String = r.get(0)?;
    let name: String = r.get(1)?;
    let merch_key: Option<String> = r.get(2)?;
    let restaurant_id: Option<String> = r.get(3)?;
    Ok((|| {
        Ok(Store {
            id: StoreId::parse("id", &id)?,
            name: Label::parse("name", &name)?,
            merch_key: merch_key
                .map(|k| MerchKey::parse("merchKey", &k))
                .transpose()?,
            restaurant_id: restaurant_id
                .map(|k| RestaurantId::parse("restaurantId", &k))
                .transpose()?,
        })
    })())
}

/// Every store id, for validating many references at once.
pub fn ids(conn: &Connection) -> Result<std::collections::HashSet<String>> {
    let mut stmt = conn.prepare("SELECT id FROM stores")?;
    let ids = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

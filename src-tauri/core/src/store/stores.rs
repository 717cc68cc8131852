//! The `stores` table.

use crate::args;
use crate::store::{json_arg, Conn, OptionalExt, Row};

use crate::domain::{Label, MerchKey, RestaurantId, Store, StoreId};
use crate::Result;

/// Inserts or replaces a store; returns true when it is new.
pub fn upsert(conn: &Conn, store: &Store, now_ms: i64) -> Result<bool> {
    let created = !exists(conn, store.id.as_str())?;
    conn.execute(
        "INSERT INTO stores (id, name, merch_key, restaurant_id, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)
         ON CONFLICT(id) DO UPDATE SET name = ?2, merch_key = ?3, restaurant_id = ?4, updated_at = ?5",
        args![
            store.id.as_str(),
            store.name.as_str(),
            store.merch_key.as_deref(),
            store.restaurant_id.as_deref(),
            now_ms
        ],
    )?;
    Ok(created)
}

/// No saved id holds a NUL (ids are validated), and PostgreSQL cannot compare text that does: such an
/// id is answered "no such store" on both backends without asking.
fn unstorable(id: &str) -> bool {
    id.contains('\0')
}

pub fn exists(conn: &Conn, id: &str) -> Result<bool> {
    if unstorable(id) {
        return Ok(false);
    }
    Ok(conn
        .prepare_cached("SELECT 1 FROM stores WHERE id = ?1")?
        .query_row(args![id], |_| Ok(()))
        .optional()?
        .is_some())
}

pub fn get(conn: &Conn, id: &str) -> Result<Option<Store>> {
    if unstorable(id) {
        return Ok(None);
    }
    conn.prepare_cached("SELECT id, name, merch_key, restaurant_id FROM stores WHERE id = ?1")?
        .query_row(args![id], read)
        .optional()?
        .transpose()
}

/// The stores among `ids` that exist, in one statement; a stored row that no longer parses is left
/// out, for [`get`] to report.
pub fn get_many(conn: &Conn, ids: &[&str]) -> Result<Vec<Store>> {
    let ids: Vec<&str> = ids.iter().copied().filter(|id| !unstorable(id)).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(conn
        .prepare_cached(
            "SELECT id, name, merch_key, restaurant_id FROM stores
             WHERE id IN (SELECT value FROM json_each(?1))",
        )?
        .query_map(args![json_arg(&ids)], read)?
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .filter_map(|s| s.ok())
        .collect())
}

pub fn list(conn: &Conn) -> Result<Vec<Store>> {
    let mut stmt =
        conn.prepare("SELECT id, name, merch_key, restaurant_id FROM stores ORDER BY id")?;
    let rows = stmt.query_map(args![], read)?.collect::<Result<Vec<_>>>()?;
    rows.into_iter().collect()
}

/// Rows are re-validated on the way out: a row edited by hand cannot become an invalid value.
fn read(r: &Row) -> Result<Result<Store>> {
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
pub fn ids(conn: &Conn) -> Result<std::collections::HashSet<String>> {
    let mut stmt = conn.prepare("SELECT id FROM stores")?;
    let ids = stmt
        .query_map(args![], |r| r.get(0))?
        .collect::<Result<_>>()?;
    Ok(ids)
}

/// Hooks scoped to this store and no other, by id and label: deleting the store would leave them
/// without a destination.
pub fn hooks_scoped_only_to(conn: &Conn, id: &str) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT h.id, h.label FROM hooks h JOIN hook_stores s ON s.hook_id = h.id
         WHERE s.store_id = ?1 AND h.all_stores = 0
           AND NOT EXISTS (SELECT 1 FROM hook_stores o WHERE o.hook_id = h.id AND o.store_id <> ?1)
         ORDER BY h.id",
    )?;
    let rows = stmt
        .query_map(args![id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_>>()?;
    Ok(rows)
}

/// Deletes a store, taking it out of multi-store hooks' scopes and dropping its POS status and its empty
/// order-webhook page. The caller has checked that nothing depends on it alone. Returns false when there was no such store.
pub fn delete(conn: &Conn, id: &str) -> Result<bool> {
    conn.execute("DELETE FROM hook_stores WHERE store_id = ?1", args![id])?;
    conn.execute("DELETE FROM pos_status WHERE store = ?1", args![id])?;
    conn.execute("DELETE FROM order_webhooks WHERE store_id = ?1", args![id])?;
    Ok(conn.execute("DELETE FROM stores WHERE id = ?1", args![id])? > 0)
}

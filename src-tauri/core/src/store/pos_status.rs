//! The `pos_status` table: the last `is_online` answer per store, shown as "POS online / offline".

use std::collections::HashMap;

use crate::args;
use crate::store::Conn;
use crate::Result;

pub fn set(conn: &Conn, store: &str, online: bool, checked_at: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO pos_status (store, online, checked_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(store) DO UPDATE SET online = excluded.online, checked_at = excluded.checked_at",
    )?
    .execute(args![store, online, checked_at])?;
    Ok(())
}

/// Store id → its point of sale was online at the last check.
pub fn all(conn: &Conn) -> Result<HashMap<String, bool>> {
    conn.prepare_cached("SELECT store, online FROM pos_status")?
        .query_map(args![], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect()
}

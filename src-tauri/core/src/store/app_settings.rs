//! `app_settings`: small named values an administrator sets for the whole data directory.

use crate::args;
use crate::store::{Conn, OptionalExt};

use crate::Result;

pub fn get(conn: &Conn, key: &str) -> Result<Option<String>> {
    conn.query_row(
        "SELECT value FROM app_settings WHERE key = ?1",
        args![key],
        |r| r.get(0),
    )
    .optional()
}

pub fn set(conn: &Conn, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO app_settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        args![key, value],
    )?;
    Ok(())
}

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

/// The key holding the data key's check value, HMAC-SHA256(data key, "hookdesk data key check") in hex.
/// It ties the data to its key (`data_key.rs`), and a backup file carries it (`sqlite/backup.rs`).
pub const KEY_CHECK_SETTING: &str = "data_key_check";

/// The recorded check value of the data key, if any.
pub fn key_check(conn: &Conn) -> Result<Option<String>> {
    get(conn, KEY_CHECK_SETTING)
}

/// Records `check` unless a check value is there already; the caller reads it back to compare, which
/// catches another process that recorded a different key first.
pub fn record_key_check(conn: &Conn, check: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO app_settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING",
        args![KEY_CHECK_SETTING, check],
    )?;
    Ok(())
}

/// Whether the database holds data a data key must match: a recorded check value, or, for data written
/// before check values existed, any user or hook.
pub fn holds_data(conn: &Conn) -> Result<bool> {
    if key_check(conn)?.is_some() {
        return Ok(true);
    }
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM hooks)",
        args![],
        |r| r.get(0),
    )
}

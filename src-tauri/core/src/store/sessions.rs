//! Session rows. Only the SHA-256 of a token is stored; the token itself lives with the client.

use rusqlite::{params, Connection, OptionalExtension};

use crate::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub token_hash: String,
    pub user_id: i64,
    pub created_at: i64,
    pub last_seen: i64,
    pub unlocked_at: Option<i64>,
}

pub fn insert(conn: &Connection, token_hash: &str, user_id: i64, now_ms: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen) VALUES (?1, ?2, ?3, ?3)",
        params![token_hash, user_id, now_ms],
    )?;
    Ok(())
}

pub fn find(conn: &Connection, token_hash: &str) -> Result<Option<SessionRow>> {
    Ok(conn
        .query_row(
            "SELECT token_hash, user_id, created_at, last_seen, unlocked_at FROM sessions WHERE token_hash = ?1",
            [token_hash],
            |r| {
                Ok(SessionRow {
                    token_hash: r.get(0)?,
                    user_id: r.get(1)?,
                    created_at: r.get(2)?,
                    last_seen: r.get(3)?,
                    unlocked_at: r.get(4)?,
                })
            },
        )
        .optional()?)
}

pub fn touch(conn: &Connection, token_hash: &str, now_ms: i64) -> Result<()> {
    conn.execute(
        "UPDATE sessions SET last_seen = ?2 WHERE token_hash = ?1",
        params![token_hash, now_ms],
    )?;
    Ok(())
}

pub fn set_unlocked(conn: &Connection, token_hash: &str, now_ms: i64) -> Result<()> {
    conn.execute(
        "UPDATE sessions SET unlocked_at = ?2, last_seen = ?2 WHERE token_hash = ?1",
        params![token_hash, now_ms],
    )?;
    Ok(())
}

/// Drops the unlocked state; the session stays signed in.
pub fn lock(conn: &Connection, token_hash: &str) -> Result<bool> {
    let n = conn.execute(
        "UPDATE sessions SET unlocked_at = NULL WHERE token_hash = ?1",
        [token_hash],
    )?;
    Ok(n > 0)
}

pub fn delete(conn: &Connection, token_hash: &str) -> Result<bool> {
    let n = conn.execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])?;
    Ok(n > 0)
}

/// Forgets sessions nobody has used since `before_ms`.
pub fn delete_idle(conn: &Connection, before_ms: i64) -> Result<usize> {
    Ok(conn.execute("DELETE FROM sessions WHERE last_seen < ?1", [before_ms])?)
}

//! Session rows. Only the SHA-256 of a token is stored; the token itself lives with the client.

use crate::args;
use crate::store::{Conn, OptionalExt};

use crate::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub token_hash: String,
    pub user_id: i64,
    pub created_at: i64,
    pub last_seen: i64,
    pub unlocked_at: Option<i64>,
}

pub fn insert(conn: &Conn, token_hash: &str, user_id: i64, now_ms: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen) VALUES (?1, ?2, ?3, ?3)",
        args![token_hash, user_id, now_ms],
    )?;
    Ok(())
}

pub fn find(conn: &Conn, token_hash: &str) -> Result<Option<SessionRow>> {
    conn
        .query_row(
            "SELECT token_hash, user_id, created_at, last_seen, unlocked_at FROM sessions WHERE token_hash = ?1",
            args![token_hash],
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
        .optional()
}

pub fn touch(conn: &Conn, token_hash: &str, now_ms: i64) -> Result<()> {
    conn.execute(
        "UPDATE sessions SET last_seen = ?2 WHERE token_hash = ?1",
        args![token_hash, now_ms],
    )?;
    Ok(())
}

pub fn set_unlocked(conn: &Conn, token_hash: &str, now_ms: i64) -> Result<()> {
    conn.execute(
        "UPDATE sessions SET unlocked_at = ?2, last_seen = ?2 WHERE token_hash = ?1",
        args![token_hash, now_ms],
    )?;
    Ok(())
}

/// Drops the unlocked state; the session stays signed in.
pub fn lock(conn: &Conn, token_hash: &str) -> Result<bool> {
    let n = conn.execute(
        "UPDATE sessions SET unlocked_at = NULL WHERE token_hash = ?1",
        args![token_hash],
    )?;
    Ok(n > 0)
}

pub fn delete(conn: &Conn, token_hash: &str) -> Result<bool> {
    let n = conn.execute(
        "DELETE FROM sessions WHERE token_hash = ?1",
        args![token_hash],
    )?;
    Ok(n > 0)
}

/// Forgets sessions nobody has used since `before_ms`.
pub fn delete_idle(conn: &Conn, before_ms: i64) -> Result<usize> {
    conn.execute(
        "DELETE FROM sessions WHERE last_seen < ?1",
        args![before_ms],
    )
}

/// Ends every session of a user but `keep` (the one making the change, when it should survive).
pub fn delete_for_user(conn: &Conn, user_id: i64, keep: Option<&str>) -> Result<usize> {
    conn.execute(
        "DELETE FROM sessions WHERE user_id = ?1 AND token_hash IS NOT ?2",
        args![user_id, keep],
    )
}

/// A user's sessions, most recently used first.
pub fn list_for_user(conn: &Conn, user_id: i64) -> Result<Vec<SessionRow>> {
    let mut stmt = conn.prepare(
        "SELECT token_hash, user_id, created_at, last_seen, unlocked_at FROM sessions
         WHERE user_id = ?1 ORDER BY last_seen DESC",
    )?;
    let rows = stmt.query_map(args![user_id], |r| {
        Ok(SessionRow {
            token_hash: r.get(0)?,
            user_id: r.get(1)?,
            created_at: r.get(2)?,
            last_seen: r.get(3)?,
            unlocked_at: r.get(4)?,
        })
    })?;
    rows.collect::<Result<Vec<_>>>()
}

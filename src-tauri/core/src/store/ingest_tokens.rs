//! Ingest API token rows. Only the SHA-256 of a token is stored; the token itself is shown once.

use rusqlite::{params, Connection};

use crate::Result;

pub fn insert(conn: &Connection, token_hash: &str, created_by: &str, now_ms: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO ingest_tokens (token_hash, created_by, created_at) VALUES (?1, ?2, ?3)",
        params![token_hash, created_by, now_ms],
    )?;
    Ok(())
}

pub fn exists(conn: &Connection, token_hash: &str) -> Result<bool> {
    let n: i64 = conn
        .prepare_cached("SELECT COUNT(*) FROM ingest_tokens WHERE token_hash = ?1")?
        .query_row([token_hash], |r| r.get(0))?;
    Ok(n > 0)
}

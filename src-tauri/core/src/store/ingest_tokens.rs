//! Ingest API token rows. Only the SHA-256 of a token is stored; the token itself is shown once.

use std::collections::HashSet;

use crate::args;
use crate::store::{json_arg, Conn};

use crate::Result;

/// A stored token as lists show it: never the token, only its last four characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub id: i64,
    pub label: String,
    pub hint: String,
    pub created_by: Option<String>,
    pub created_at: i64,
}

pub struct NewToken<'a> {
    pub token_hash: &'a str,
    pub label: &'a str,
    pub hint: &'a str,
    pub created_by: &'a str,
}

pub fn insert(conn: &Conn, t: &NewToken<'_>, now_ms: i64) -> Result<i64> {
    conn.query_row(
        "INSERT INTO ingest_tokens (token_hash, label, hint, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
        args![t.token_hash, t.label, t.hint, t.created_by, now_ms],
        |r| r.get(0),
    )
}

/// Which of `token_hashes` belong to a stored token, in one statement.
pub fn existing(conn: &Conn, token_hashes: &[&str]) -> Result<HashSet<String>> {
    if token_hashes.is_empty() {
        return Ok(HashSet::new());
    }
    conn.prepare_cached(
        "SELECT token_hash FROM ingest_tokens WHERE token_hash IN (SELECT value FROM json_each(?1))",
    )?
    .query_map(
        args![json_arg(token_hashes)],
        |r| r.get(0),
    )?
    .collect()
}

pub fn list(conn: &Conn) -> Result<Vec<TokenRow>> {
    let mut stmt = conn
        .prepare("SELECT id, label, hint, created_by, created_at FROM ingest_tokens ORDER BY id")?;
    let rows = stmt.query_map(args![], |r| {
        Ok(TokenRow {
            id: r.get(0)?,
            label: r.get(1)?,
            hint: r.get(2)?,
            created_by: r.get(3)?,
            created_at: r.get(4)?,
        })
    })?;
    rows.collect::<Result<_>>()
}

/// The revoked token's row, or `None` when there was no such token.
pub fn delete(conn: &Conn, id: i64) -> Result<Option<TokenRow>> {
    let row = list(conn)?.into_iter().find(|t| t.id == id);
    if row.is_some() {
        conn.execute("DELETE FROM ingest_tokens WHERE id = ?1", args![id])?;
    }
    Ok(row)
}

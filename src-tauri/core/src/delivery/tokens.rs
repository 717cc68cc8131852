//! Ingest API tokens: shown once, stored only as SHA-256.

use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::auth::{Actor, Permission};
use crate::domain::Secret;
use crate::{Ctx, Result};

pub fn create(ctx: &Ctx, actor: &Actor) -> Result<Secret> {
    actor.require(Permission::ManageSettings)?;
    let mut raw = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    let token = format!("hdi_{}", hex::encode(raw));
    let conn = ctx.db.conn();
    conn.execute(
        "INSERT INTO ingest_tokens (token_hash, created_by, created_at) VALUES (?1, ?2, ?3)",
        rusqlite::params![hash(&token), actor.name(), ctx.now_ms()],
    )?;
    crate::store::audit::record(
        &conn,
        ctx.now_ms(),
        Some(actor.name()),
        "ingest_token.create",
        "ingest",
        &serde_json::json!({}),
    )?;
    Ok(Secret::new(token))
}

pub fn verify(ctx: &Ctx, presented: &str) -> Result<bool> {
    if presented.len() > 200 {
        return Ok(false);
    }
    let n: i64 = ctx
        .db
        .read()
        .prepare_cached("SELECT COUNT(*) FROM ingest_tokens WHERE token_hash = ?1")?
        .query_row([hash(presented)], |r| r.get(0))?;
    Ok(n > 0)
}

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

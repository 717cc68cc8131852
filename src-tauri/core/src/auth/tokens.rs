//! Ingest API tokens: the machine credential behind `POST /v1/events` (docs/architecture.md, the gates).
//! Shown once, stored only as SHA-256. A token is not a user: it carries exactly one permission,
//! `EmitEvents`, and reaches the core through `require_token`, the ingest route's gate.

use rand::RngCore;
use sha2::{Digest, Sha256};

use super::{Actor, Permission};
use crate::domain::Secret;
use crate::store::{audit, ingest_tokens};
use crate::{Ctx, Error, Result};

/// Longer presented values are refused unhashed: no real token is anywhere near this long.
const MAX_PRESENTED: usize = 200;

pub fn create(ctx: &Ctx, actor: &Actor) -> Result<Secret> {
    actor.require(Permission::ManageSettings)?;
    let mut raw = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    let token = format!("hdi_{}", hex::encode(raw));
    let now = ctx.now_ms();
    let mut conn = ctx.db.conn();
    let tx = conn.transaction()?;
    ingest_tokens::insert(&tx, &hash(&token), actor.name(), now)?;
    audit::record(
        &tx,
        now,
        Some(actor.name()),
        "ingest_token.create",
        "ingest",
        &serde_json::json!({}),
    )?;
    tx.commit()?;
    Ok(Secret::new(token))
}

/// Proof that a request carried a valid ingest token; only `require_token` builds one.
#[derive(Debug)]
pub struct TokenCaller {
    _private: (),
}

/// What an ingest token may do: queue live events, nothing else.
fn token_allows(p: Permission) -> bool {
    matches!(p, Permission::EmitEvents)
}

/// The gate in front of every ingest route: a presented token that matches a stored one, for a
/// permission tokens hold. No token or a wrong one is `Unauthorized`; a permission tokens never hold
/// is `Forbidden`, whatever the token.
pub fn require_token(ctx: &Ctx, presented: Option<&str>, perm: Permission) -> Result<TokenCaller> {
    let presented = presented.ok_or(Error::Unauthorized)?;
    if presented.len() > MAX_PRESENTED {
        return Err(Error::Unauthorized);
    }
    // The read connection: one indexed lookup that never waits behind a write transaction.
    if !ingest_tokens::exists(&ctx.db.read(), &hash(presented))? {
        return Err(Error::Unauthorized);
    }
    if !token_allows(perm) {
        return Err(Error::Forbidden(perm.describe().to_string()));
    }
    Ok(TokenCaller { _private: () })
}

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

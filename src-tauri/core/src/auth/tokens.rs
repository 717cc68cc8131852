//! Ingest API tokens: the machine credential behind `POST /v1/events` (docs/architecture.md, the gates).
//! Shown once, stored only as SHA-256 with a label and the last four characters to tell them apart.
//! A token is not a user: it carries exactly one permission, `EmitEvents`, and reaches the core through
//! `require_token`, the ingest route's gate.

use rand::RngCore;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{Actor, Permission};
use crate::domain::Secret;
use crate::store::audit;
use crate::store::ingest_tokens::{self, NewToken, TokenRow};
use crate::{Ctx, Error, Result};

/// Longer presented values are refused unhashed: no real token is anywhere near this long.
const MAX_PRESENTED: usize = 200;
pub const MAX_LABEL_CHARS: usize = 64;

/// A token as the lists show it (the token itself is never shown again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct TokenView {
    pub id: i64,
    pub label: String,
    /// "hdi_…" and the token's last four characters.
    pub hint: String,
    pub created_by: Option<String>,
    pub created_at_ms: i64,
}

impl From<TokenRow> for TokenView {
    fn from(r: TokenRow) -> TokenView {
        TokenView {
            id: r.id,
            label: r.label,
            hint: format!("hdi_…{}", r.hint),
            created_by: r.created_by,
            created_at_ms: r.created_at,
        }
    }
}

fn check_label(label: &str) -> Result<String> {
    let label = label.trim();
    if label.chars().count() > MAX_LABEL_CHARS {
        return Err(Error::invalid(
            "label",
            format!("at most {MAX_LABEL_CHARS} characters"),
        ));
    }
    if label.chars().any(char::is_control) {
        return Err(Error::invalid(
            "label",
            "must not contain control characters",
        ));
    }
    Ok(label.to_string())
}

/// A new token, returned once; `label` says what it is for (may be empty).
pub fn create(ctx: &Ctx, actor: &Actor, label: &str) -> Result<(TokenView, Secret)> {
    actor.require(Permission::ManageSettings)?;
    let label = check_label(label)?;
    let mut raw = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    let token = format!("hdi_{}", hex::encode(raw));
    let hint = token[token.len() - 4..].to_string();
    let now = ctx.now_ms();
    let conn = ctx.db.conn();
    let tx = conn.transaction()?;
    let new = NewToken {
        token_hash: &hash(&token),
        label: &label,
        hint: &hint,
        created_by: actor.name(),
    };
    let id = ingest_tokens::insert(&tx, &new, now)?;
    audit::record(
        &tx,
        now,
        Some(actor.name()),
        "ingest_token.create",
        "ingest",
        &json!({"id": id, "label": label}),
    )?;
    tx.commit()?;
    let view = TokenView::from(TokenRow {
        id,
        label,
        hint,
        created_by: Some(actor.name().to_string()),
        created_at: now,
    });
    Ok((view, Secret::new(token)))
}

pub fn list(ctx: &Ctx, actor: &Actor) -> Result<Vec<TokenView>> {
    actor.require(Permission::ManageSettings)?;
    Ok(ingest_tokens::list(&ctx.db.conn())?
        .into_iter()
        .map(TokenView::from)
        .collect())
}

/// Revokes at once: the next request with the token is refused.
pub fn revoke(ctx: &Ctx, actor: &Actor, id: i64) -> Result<TokenView> {
    actor.require(Permission::ManageSettings)?;
    let now = ctx.now_ms();
    let conn = ctx.db.conn();
    let tx = conn.transaction()?;
    let row = ingest_tokens::delete(&tx, id)?
        .ok_or_else(|| Error::NotFound(format!("ingest token {id}")))?;
    audit::record(
        &tx,
        now,
        Some(actor.name()),
        "ingest_token.revoke",
        "ingest",
        &json!({"id": id, "label": row.label}),
    )?;
    tx.commit()?;
    Ok(TokenView::from(row))
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
    let presented = Presented::from_header(presented)?;
    require_tokens(ctx, &[&presented], perm)?
        .pop()
        .unwrap_or(Err(Error::Unauthorized))
}

/// A token as a request presented it, kept only as its hash, to be checked with others (see
/// [`require_tokens`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presented(String);

impl Presented {
    /// No token, or one longer than any real token, is `Unauthorized` before anything is read.
    pub fn from_header(presented: Option<&str>) -> Result<Presented> {
        let presented = presented.ok_or(Error::Unauthorized)?;
        if presented.len() > MAX_PRESENTED {
            return Err(Error::Unauthorized);
        }
        Ok(Presented(hash(presented)))
    }
}

/// [`require_token`] for a batch of requests, answered each on its own, with one read for all of
/// them: on PostgreSQL a read is a round trip (README, Performance).
pub fn require_tokens(
    ctx: &Ctx,
    presented: &[&Presented],
    perm: Permission,
) -> Result<Vec<Result<TokenCaller>>> {
    let hashes: Vec<&str> = presented.iter().map(|p| p.0.as_str()).collect();
    // The read connection: an indexed lookup that never waits behind a write transaction.
    let known = ingest_tokens::existing(&ctx.db.read(), &hashes)?;
    Ok(presented
        .iter()
        .map(|p| {
            if !known.contains(&p.0) {
                return Err(Error::Unauthorized);
            }
            if !token_allows(perm) {
                return Err(Error::Forbidden(perm.describe().to_string()));
            }
            Ok(TokenCaller { _private: () })
        })
        .collect())
}

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

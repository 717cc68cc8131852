//! Webhook configuration operations: stores, hooks, order-webhook pages, export and import.
//! Every operation takes the acting user and checks its permission here, whichever front end calls it;
//! every change writes an audit entry (secrets masked) in the same transaction as the change.

pub mod desktop;
pub mod hook_cache;
pub mod hooks;
pub mod order_webhooks;
pub mod secrets;
pub mod snapshot;
pub mod stores;
pub mod transfer;
pub mod views;

use crate::store::Conn;
use serde_json::Value;

use crate::auth::{Actor, Permission};
use crate::{Ctx, Error, Result};

/// Proof the caller collected for a sensitive change: turning on private-network targets needs a fresh
/// two-factor code (README, Security model). It carries only the code; the accounts module checks it
/// against the acting user, with the usual replay and lockout rules.
#[derive(Clone, Copy)]
pub struct FreshCode<'a> {
    code: &'a str,
}

impl<'a> FreshCode<'a> {
    /// The user's current TOTP code.
    pub fn totp(code: &'a str) -> FreshCode<'a> {
        FreshCode { code }
    }
}

impl std::fmt::Debug for FreshCode<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FreshCode(***)")
    }
}

/// Called only when private-network access is being turned on, and before the shared connection is
/// locked: the check records its own use of the code.
fn require_private_network(ctx: &Ctx, actor: &Actor, fresh: Option<FreshCode<'_>>) -> Result<()> {
    actor.require(Permission::AllowPrivateNetwork)?;
    let fresh = fresh.ok_or_else(|| {
        Error::invalid(
            "totpCode",
            "enter a current two-factor code to allow private-network targets",
        )
    })?;
    crate::auth::verify_fresh_code(ctx, actor, fresh.code)
}

/// The one place configuration changes reach the audit log.
fn audit(
    conn: &Conn,
    ctx: &Ctx,
    actor: &Actor,
    action: &str,
    target: &str,
    detail: &Value,
) -> Result<()> {
    crate::store::audit::record(
        conn,
        ctx.now_ms(),
        Some(actor.name()),
        action,
        target,
        detail,
    )
}

/// Prefixes a field-level error with where it sits in a larger document (`hooks[2].url`).
fn within(prefix: &str, e: Error) -> Error {
    match e {
        Error::Invalid { field, message } => Error::invalid(format!("{prefix}.{field}"), message),
        other => other,
    }
}

//! A hook's secrets after it was saved: reveal the signing secret, roll it with an overlap, replace the
//! authentication value. Each needs the actor's fresh two-factor code and lands in the audit log, refusals
//! included; none ever writes a secret to the log (docs/wire-formats.md, "Signing secrets").
//!
//! Also where configuration secrets are sealed for the store and opened again ([`seal_opt`],
//! [`open_opt`]): the store keeps and returns the sealed bytes as they are (docs/architecture.md, Storage).

use serde_json::json;

use super::audit;
use super::hooks::HookRecord;
use super::hooks::{load, saved_view};
use super::views::{HookView, RevealedSecret};
use crate::auth::{verify_fresh_code, Actor, Permission};
use crate::crypto::{open, seal, DataKey};
use crate::domain::{
    check_whsec, generate_signature_key, generate_whsec, AuthInput, HookAuth, HookSignature,
    KeySource, PreviousSecret, Secret, SignatureInput,
};
use crate::{Ctx, Error, Result};

/// How long a rolled Standard Webhooks secret keeps signing unless told otherwise, and the most allowed.
pub const DEFAULT_OVERLAP_HOURS: u32 = 24;
pub const MAX_OVERLAP_HOURS: u32 = 168;

const HOUR_MS: i64 = 3_600_000;

/// The hook's current signing secret in plain text. Admin or manager, with a fresh code.
pub fn reveal(ctx: &Ctx, actor: &Actor, id: &str, code: Option<&str>) -> Result<RevealedSecret> {
    let outcome = (|| {
        actor.require(Permission::RevealSecrets)?;
        let rec = load(ctx, id)?;
        let secret = rec
            .spec
            .signature
            .secret()
            .cloned()
            .ok_or_else(|| Error::invalid("id", "this hook does not sign its requests"))?;
        fresh_code(ctx, actor, code)?;
        Ok(RevealedSecret::new(secret))
    })();
    record(ctx, actor, "hook.reveal_secret", id, &outcome, json!({}))?;
    outcome
}

/// What a roll replaces the signing secret with.
#[derive(Debug, Default)]
pub struct Roll {
    /// The new secret; generated when absent (except a merchant's source key, which only they have).
    pub secret: Option<Secret>,
    /// How long the old Standard Webhooks secret keeps signing: 0 switches at once. X-Signature carries
    /// one signature only, so it always switches at once.
    pub overlap_hours: Option<u32>,
}

/// Replaces the signing secret, keeping the old Standard Webhooks one signing beside it for the overlap.
/// The new secret comes back in `new_secret`, this once.
pub fn roll(ctx: &Ctx, actor: &Actor, id: &str, code: Option<&str>, r: Roll) -> Result<HookView> {
    let now = ctx.now_ms();
    let outcome = (|| {
        actor.require(Permission::EditHooks)?;
        let overlap = r.overlap_hours.unwrap_or(DEFAULT_OVERLAP_HOURS);
        if overlap > MAX_OVERLAP_HOURS {
            return Err(Error::invalid(
                "overlapHours",
                format!("the overlap is 0 to {MAX_OVERLAP_HOURS} hours"),
            ));
        }
        let current = load(ctx, id)?;
        let given = r.secret.filter(|s| !s.is_empty());
        let (signature, previous) = match &current.spec.signature {
            HookSignature::None => {
                return Err(Error::invalid("id", "this hook does not sign its requests"))
            }
            HookSignature::Standard { secret } => {
                let new = match given {
                    Some(s) => {
                        check_whsec("secret", s.expose())?;
                        s
                    }
                    None => generate_whsec(),
                };
                let previous = (overlap > 0).then(|| PreviousSecret {
                    secret: secret.clone(),
                    until_ms: now.saturating_add(i64::from(overlap) * HOUR_MS),
                });
                (HookSignature::Standard { secret: new }, previous)
            }
            HookSignature::XSignature { key_source, .. } => {
                let key = match (given, key_source) {
                    (Some(s), _) => s,
                    (None, KeySource::SignatureKey) => generate_signature_key(),
                    (None, KeySource::SourceKey) => {
                        return Err(Error::invalid(
                            "secret",
                            "enter the merchant's new source key",
                        ))
                    }
                };
                let input = SignatureInput::XSignature {
                    key_source: *key_source,
                    key,
                };
                (input.validate().map_err(|e| rename(e, "secret"))?, None)
            }
        };
        fresh_code(ctx, actor, code)?;
        let mut rec = current;
        rec.spec.signature = signature;
        rec.previous_secret = previous;
        rec.updated_at_ms = now;
        save(ctx, &rec)?;
        Ok(rec)
    })();
    let detail = match &outcome {
        Ok(rec) => json!({
            "kind": rec.spec.signature.kind(),
            "previousValidUntil": rec.previous_secret.as_ref().map(|p| crate::clock::rfc3339(p.until_ms)),
        }),
        Err(_) => json!({}),
    };
    record(ctx, actor, "hook.roll_secret", id, &outcome, detail)?;
    let rec = outcome?;
    let mut view = saved_view(&rec, false, now);
    view.new_secret = rec
        .spec
        .signature
        .secret()
        .cloned()
        .map(RevealedSecret::new);
    Ok(view)
}

/// Replaces the authentication value (header value, bearer token, Authorization value or Basic
/// password) at once: a receiver checks one credential, so there is no overlap.
pub fn replace_auth(
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
    code: Option<&str>,
    value: Secret,
) -> Result<HookView> {
    let now = ctx.now_ms();
    let outcome = (|| {
        actor.require(Permission::EditHooks)?;
        let current = load(ctx, id)?;
        let input = match &current.spec.auth {
            HookAuth::None => {
                return Err(Error::invalid("id", "this hook sends no authentication"))
            }
            HookAuth::Header { name, .. } => AuthInput::Header {
                name: name.as_str().to_string(),
                value,
            },
            HookAuth::Bearer { .. } => AuthInput::Bearer { token: value },
            HookAuth::Authorization { .. } => AuthInput::Authorization { value },
            HookAuth::Basic { username, .. } => AuthInput::Basic {
                username: username.clone(),
                password: value,
            },
        };
        let auth = input.validate().map_err(|e| rename(e, "value"))?;
        fresh_code(ctx, actor, code)?;
        let mut rec = current;
        rec.spec.auth = auth;
        rec.updated_at_ms = now;
        save(ctx, &rec)?;
        Ok(rec)
    })();
    let detail = match &outcome {
        Ok(rec) => json!({"kind": rec.spec.auth.kind()}),
        Err(_) => json!({}),
    };
    record(ctx, actor, "hook.replace_auth", id, &outcome, detail)?;
    Ok(HookView::at(&outcome?, now))
}

/// Checked last, so a refused request for other reasons does not use up the user's code.
fn fresh_code(ctx: &Ctx, actor: &Actor, code: Option<&str>) -> Result<()> {
    let code = code
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| Error::invalid("code", "enter a current two-factor code"))?;
    verify_fresh_code(ctx, actor, code)
}

fn save(ctx: &Ctx, rec: &HookRecord) -> Result<()> {
    let conn = ctx.db.conn();
    let tx = conn.transaction()?;
    super::hooks::write(&tx, &ctx.key, rec)?;
    tx.commit()?;
    Ok(())
}

/// Every attempt is audited, refused or not; the detail never holds a secret.
fn record<T>(
    ctx: &Ctx,
    actor: &Actor,
    action: &str,
    id: &str,
    outcome: &Result<T>,
    mut detail: serde_json::Value,
) -> Result<()> {
    if let Err(e) = outcome {
        detail = json!({"refused": e.code(), "field": e.field()});
    }
    let action = match outcome {
        Ok(_) => action.to_string(),
        Err(_) => format!("{action}.refused"),
    };
    audit(&ctx.db.conn(), ctx, actor, &action, id, &detail)
}

/// The secret arrives on its own here, not inside a hook form: name the field the caller sees.
fn rename(e: Error, field: &str) -> Error {
    match e {
        Error::Invalid { message, .. } => Error::invalid(field, message),
        other => other,
    }
}

/// Seals a secret for its cell, bound to (table, column, row) so a value copied elsewhere fails to open.
pub(super) fn seal_opt(
    key: &DataKey,
    table: &str,
    column: &str,
    row: &str,
    v: Option<&Secret>,
) -> Option<Vec<u8>> {
    v.map(|s| seal(key, table, column, row, s.expose().as_bytes()))
}

/// Opens what [`seal_opt`] sealed for the same cell.
pub(super) fn open_opt(
    key: &DataKey,
    table: &str,
    column: &str,
    row: &str,
    blob: Option<Vec<u8>>,
) -> Result<Option<Secret>> {
    blob.map(|b| {
        let plain = open(key, table, column, row, &b)?;
        String::from_utf8(plain)
            .map(Secret::new)
            .map_err(|_| Error::Crypto(format!("{table}.{column} holds a damaged secret")))
    })
    .transpose()
}

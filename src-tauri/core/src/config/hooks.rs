//! Hooks: list, show, create, edit, delete, enable/disable; and what the delivery engine reads.

use rand::RngCore;
use serde::Deserialize;
use serde_json::json;

use super::views::{HookView, RevealedSecret};
use super::{audit, require_private_network, FreshCode};
use crate::auth::{Actor, Permission};
use crate::catalog::{AppType, EventType};
use crate::domain::{
    HookAuth, HookInput, HookSignature, HookSpec, PreviousSecret, RetryPreset, Secret, StoreId,
};
use crate::store::hooks::{self as rows, HookRecord};
use crate::{store, Ctx, Error, Result};

/// Filters of the Webhooks list; all optional and combined with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HookFilter {
    /// Case-insensitive, in the label or the (masked) URL.
    pub search: Option<String>,
    pub event: Option<String>,
    pub store: Option<String>,
    pub enabled: Option<bool>,
}

pub fn list(ctx: &Ctx, actor: &Actor, filter: &HookFilter) -> Result<Vec<HookView>> {
    actor.require(Permission::ReadHooks)?;
    let event = filter
        .event
        .as_deref()
        .filter(|e| !e.trim().is_empty())
        .map(|e| EventType::parse("event", e.trim()))
        .transpose()?;
    let search = filter
        .search
        .as_deref()
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty());
    let store = filter
        .store
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let all = rows::list(&ctx.db.conn(), &ctx.key)?;
    Ok(all
        .iter()
        .filter(|r| filter.enabled.is_none_or(|e| r.enabled == e))
        .filter(|r| event.is_none_or(|e| r.spec.events.contains(&e)))
        .filter(|r| store.is_none_or(|s| r.spec.stores.covers(s)))
        .filter(|r| {
            search.as_deref().is_none_or(|q| {
                r.spec.label.as_str().to_lowercase().contains(q)
                    || r.spec.url.display().to_lowercase().contains(q)
            })
        })
        .map(|r| HookView::at(r, ctx.now_ms()))
        .collect())
}

pub fn get(ctx: &Ctx, actor: &Actor, id: &str) -> Result<HookView> {
    actor.require(Permission::ReadHooks)?;
    Ok(HookView::at(&load(ctx, id)?, ctx.now_ms()))
}

/// Creates a hook. `fresh` is needed only when the input allows private-network targets. A signing
/// secret Hookdesk generated comes back in `new_secret`, this once.
pub fn create(
    ctx: &Ctx,
    actor: &Actor,
    input: &HookInput,
    fresh: Option<FreshCode<'_>>,
) -> Result<HookView> {
    actor.require(Permission::EditHooks)?;
    let known = store::stores::ids(&ctx.db.conn())?;
    let spec = input.validate(&|id: &StoreId| known.contains(id.as_str()))?;
    if spec.allow_private_network {
        require_private_network(ctx, actor, fresh)?;
    }
    let now = ctx.now_ms();
    let rec = HookRecord {
        id: new_id(),
        spec,
        enabled: true,
        failing_since_ms: None,
        disabled_reason: None,
        previous_secret: None,
        created_at_ms: now,
        updated_at_ms: now,
    };
    let conn = ctx.db.conn();
    let tx = conn.transaction()?;
    rows::insert(&tx, &ctx.key, &rec)?;
    audit(&tx, ctx, actor, "hook.create", &rec.id, &summary(&rec.spec))?;
    tx.commit()?;
    Ok(saved_view(&rec, input.signature.generates_secret(), now))
}

/// Edits a hook. Authentication and signature hold secrets nobody can read back, so they are replaced
/// only with `reset_auth` (the modal's Reset Webhook Authentication); otherwise the input's are ignored.
/// A reset that leaves the signing secret empty generates one, returned in `new_secret` this once; a reset
/// also ends any rollover window, since the old secret was replaced outright.
/// A URL equal to the masked one `get` shows keeps the stored URL, secret query included.
pub fn update(
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
    input: &HookInput,
    reset_auth: bool,
    fresh: Option<FreshCode<'_>>,
) -> Result<HookView> {
    actor.require(Permission::EditHooks)?;
    let current = load(ctx, id)?;
    let mut input = input.clone();
    if input.url.trim() == current.spec.url.display() {
        input.url = current.spec.url.expose_full();
    }
    let known = store::stores::ids(&ctx.db.conn())?;
    let spec = {
        let exists = |s: &StoreId| known.contains(s.as_str());
        if reset_auth {
            input.validate(&exists)?
        } else {
            input.validate_with(
                &exists,
                current.spec.auth.clone(),
                current.spec.signature.clone(),
            )?
        }
    };
    if spec.allow_private_network && !current.spec.allow_private_network {
        require_private_network(ctx, actor, fresh)?;
    }
    let now = ctx.now_ms();
    let rec = HookRecord {
        spec,
        updated_at_ms: now,
        previous_secret: if reset_auth {
            None
        } else {
            current.previous_secret.clone()
        },
        ..current
    };
    let conn = ctx.db.conn();
    let tx = conn.transaction()?;
    rows::update(&tx, &ctx.key, &rec)?;
    let mut detail = summary(&rec.spec);
    detail["resetAuth"] = json!(reset_auth);
    audit(&tx, ctx, actor, "hook.update", id, &detail)?;
    tx.commit()?;
    Ok(saved_view(
        &rec,
        reset_auth && input.signature.generates_secret(),
        now,
    ))
}

pub fn delete(ctx: &Ctx, actor: &Actor, id: &str) -> Result<()> {
    actor.require(Permission::EditHooks)?;
    let conn = ctx.db.conn();
    let tx = conn.transaction()?;
    if !rows::delete(&tx, id)? {
        return Err(Error::NotFound(format!("hook {id}")));
    }
    audit(&tx, ctx, actor, "hook.delete", id, &json!({}))?;
    tx.commit()?;
    Ok(())
}

/// Turning a hook on also clears a failure flag (e.g. after it was disabled for failing 5 days).
pub fn set_enabled(ctx: &Ctx, actor: &Actor, id: &str, enabled: bool) -> Result<HookView> {
    actor.require(Permission::EditHooks)?;
    {
        let conn = ctx.db.conn();
        let tx = conn.transaction()?;
        if !rows::set_enabled(&tx, id, enabled, ctx.now_ms())? {
            return Err(Error::NotFound(format!("hook {id}")));
        }
        let action = if enabled {
            "hook.enable"
        } else {
            "hook.disable"
        };
        audit(&tx, ctx, actor, action, id, &json!({}))?;
        tx.commit()?;
    }
    Ok(HookView::at(&load(ctx, id)?, ctx.now_ms()))
}

/// Everything the engine needs to send to a hook, secrets decrypted. Never serialised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryHook {
    pub id: String,
    pub label: String,
    /// The full URL, query included.
    pub url: Secret,
    pub masked_url: String,
    pub auth: HookAuth,
    pub signature: HookSignature,
    /// Signs beside `signature` while [`PreviousSecret::active_at`] the attempt's time.
    pub previous_secret: Option<PreviousSecret>,
    pub retry_preset: RetryPreset,
    pub timeout_ms: u64,
    pub ordered: bool,
    pub allow_private_network: bool,
    pub app_type: Option<AppType>,
    pub enabled: bool,
    pub events: Vec<EventType>,
    pub stores: crate::domain::StoreScope,
}

impl From<HookRecord> for DeliveryHook {
    fn from(r: HookRecord) -> Self {
        let s = r.spec;
        DeliveryHook {
            url: Secret::new(s.url.expose_full()),
            masked_url: s.url.display(),
            id: r.id,
            label: s.label.as_str().to_string(),
            auth: s.auth,
            signature: s.signature,
            previous_secret: r.previous_secret,
            retry_preset: s.retry_preset,
            timeout_ms: u64::from(s.timeout_ms.get()),
            ordered: s.ordered,
            allow_private_network: s.allow_private_network,
            app_type: s.app_type,
            enabled: r.enabled,
            events: s.events,
            stores: s.stores,
        }
    }
}

/// For the engine (no user involved): one hook, decrypted, whether enabled or not.
pub fn load_for_delivery(ctx: &Ctx, hook_id: &str) -> Result<DeliveryHook> {
    let conn = ctx.db.read();
    match ctx.hook_cache.current(&conn, &ctx.key) {
        Ok(set) => set
            .iter()
            .find(|h| h.id == hook_id)
            .cloned()
            .ok_or_else(|| Error::NotFound(format!("hook {hook_id}"))),
        // One damaged hook must fail only its own deliveries: read this one alone for the exact error.
        Err(_) => rows::get(&conn, &ctx.key, hook_id)?
            .map(DeliveryHook::from)
            .ok_or_else(|| Error::NotFound(format!("hook {hook_id}"))),
    }
}

/// Enabled hooks subscribed to `event` whose store scope covers `store_id` and whose app type may
/// take the event (re-checked here in case the catalogue's matrix changed since the hook was saved).
pub fn matching_hooks(ctx: &Ctx, event: EventType, store_id: &str) -> Result<Vec<DeliveryHook>> {
    let conn = ctx.db.read();
    if let Ok(set) = ctx.hook_cache.current(&conn, &ctx.key) {
        return Ok(set
            .iter()
            .filter(|h| {
                h.enabled
                    && h.events.contains(&event)
                    && h.stores.covers(store_id)
                    && event.allowed_for(h.app_type)
            })
            .cloned()
            .collect());
    }
    let ids = rows::matching_ids(&conn, event, store_id)?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(r) = rows::get(&conn, &ctx.key, &id)? {
            if event.allowed_for(r.spec.app_type) {
                out.push(DeliveryHook::from(r));
            }
        }
    }
    Ok(out)
}

/// The answer to a save: the hook as stored, plus its signing secret when Hookdesk just made it up.
pub(super) fn saved_view(rec: &HookRecord, generated: bool, now_ms: i64) -> HookView {
    let mut v = HookView::at(rec, now_ms);
    if generated {
        v.new_secret = rec
            .spec
            .signature
            .secret()
            .cloned()
            .map(RevealedSecret::new);
    }
    v
}

pub(super) fn load(ctx: &Ctx, id: &str) -> Result<HookRecord> {
    rows::get(&ctx.db.conn(), &ctx.key, id)?.ok_or_else(|| Error::NotFound(format!("hook {id}")))
}

/// Random rather than sequential: ids are never reused, so ciphertexts bound to an id stay unique.
pub(super) fn new_id() -> String {
    let mut b = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut b);
    format!("hk_{}", hex::encode(b))
}

/// What the audit log records about a hook: settings, secrets only masked.
pub(super) fn summary(s: &HookSpec) -> serde_json::Value {
    json!({
        "label": s.label,
        "url": s.url.display(),
        "events": s.events,
        "auth": super::views::AuthView::from(&s.auth),
        "signature": super::views::SignatureView::from(&s.signature),
        "allowPrivateNetwork": s.allow_private_network,
    })
}

//! Hooks: list, show, create, edit, delete, enable/disable; what the delivery engine reads; and a hook as
//! the store keeps it, its secrets sealed here on the way in and opened on the way out.

use rand::RngCore;
use serde::Deserialize;
use serde_json::json;

use super::secrets::{open_opt, seal_opt};
use super::views::{HookView, RevealedSecret};
use super::{audit, require_private_network, FreshCode};
use crate::auth::{Actor, Permission};
use crate::catalog::{AppType, EventType};
use crate::crypto::DataKey;
use crate::domain::{
    HeaderName, HookAuth, HookInput, HookSignature, HookSpec, KeySource, Label, PreviousSecret,
    RetryPreset, Secret, StoreId, StoreScope, TimeoutMs, WebhookUrl,
};
use crate::store::hooks::{self as rows, HookRow};
use crate::store::Conn;
use crate::{store, Ctx, Error, Result};

/// The table a hook's secrets are bound to when sealed.
const TABLE: &str = "hooks";

/// A stored hook: its settings plus what Hookdesk tracks about it, secrets opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookRecord {
    pub id: String,
    pub spec: HookSpec,
    pub enabled: bool,
    pub failing_since_ms: Option<i64>,
    pub disabled_reason: Option<String>,
    /// A Standard Webhooks secret in its rollover window (kept after the window ends until the next roll;
    /// readers check [`PreviousSecret::active_at`]).
    pub previous_secret: Option<PreviousSecret>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

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
    let all = read_all(&ctx.db.conn(), &ctx.key)?;
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
    insert(&tx, &ctx.key, &rec)?;
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
    write(&tx, &ctx.key, &rec)?;
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
    super::snapshot::Snapshot::new().hook(ctx, hook_id)
}

/// One hook read alone, for when the hook set cannot be opened as a whole.
pub(super) fn read_for_delivery(ctx: &Ctx, hook_id: &str) -> Result<DeliveryHook> {
    read(&ctx.db.read(), &ctx.key, hook_id)?
        .map(DeliveryHook::from)
        .ok_or_else(|| Error::NotFound(format!("hook {hook_id}")))
}

/// Enabled hooks subscribed to `event` whose store scope covers `store_id`; see
/// [`super::snapshot::Snapshot::matching_hooks`].
pub fn matching_hooks(ctx: &Ctx, event: EventType, store_id: &str) -> Result<Vec<DeliveryHook>> {
    super::snapshot::Snapshot::new().matching_hooks(ctx, event, store_id)
}

/// [`matching_hooks`] when the hook set cannot be opened as a whole: each matching hook read alone, so
/// a damaged one fails only itself.
pub(super) fn matching_one_by_one(
    ctx: &Ctx,
    event: EventType,
    store_id: &str,
) -> Result<Vec<DeliveryHook>> {
    let conn = ctx.db.read();
    let ids = rows::matching_ids(&conn, event, store_id)?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(r) = read(&conn, &ctx.key, &id)? {
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
    read(&ctx.db.conn(), &ctx.key, id)?.ok_or_else(|| Error::NotFound(format!("hook {id}")))
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

/// Stores a new hook, its secrets sealed.
pub(super) fn insert(conn: &Conn, key: &DataKey, rec: &HookRecord) -> Result<()> {
    rows::insert(conn, &sealed(key, rec))
}

/// Rewrites an existing hook, its secrets sealed again.
pub(super) fn write(conn: &Conn, key: &DataKey, rec: &HookRecord) -> Result<()> {
    rows::update(conn, &sealed(key, rec))
}

/// One stored hook, secrets opened.
pub(super) fn read(conn: &Conn, key: &DataKey, id: &str) -> Result<Option<HookRecord>> {
    rows::get(conn, id)?.map(|r| opened(key, r)).transpose()
}

/// Every stored hook, oldest first, secrets opened.
pub(super) fn read_all(conn: &Conn, key: &DataKey) -> Result<Vec<HookRecord>> {
    rows::list(conn)?
        .into_iter()
        .map(|r| opened(key, r))
        .collect()
}

/// The row for `rec`, each secret sealed and bound to (hooks, column, hook id).
fn sealed(key: &DataKey, rec: &HookRecord) -> HookRow {
    let s = &rec.spec;
    let id = rec.id.as_str();
    let (auth_name, auth_secret) = match &s.auth {
        HookAuth::None => (None, None),
        HookAuth::Header { name, value } => (Some(name.as_str()), Some(value)),
        HookAuth::Bearer { token } => (None, Some(token)),
        HookAuth::Authorization { value } => (None, Some(value)),
        HookAuth::Basic { username, password } => (Some(username.as_str()), Some(password)),
    };
    let (key_source, sig_secret) = match &s.signature {
        HookSignature::None => (None, None),
        HookSignature::XSignature { key_source, key } => (Some(key_source.as_str()), Some(key)),
        HookSignature::Standard { secret } => (None, Some(secret)),
    };
    let (all_stores, stores) = match &s.stores {
        StoreScope::All => (true, Vec::new()),
        StoreScope::Only(ids) => (false, ids.iter().map(|i| i.as_str().to_string()).collect()),
    };
    HookRow {
        id: rec.id.clone(),
        label: s.label.as_str().to_string(),
        url_base: s.url.base().to_string(),
        url_query: seal_opt(key, TABLE, "url_query", id, s.url.query()),
        events: s.events.iter().map(|e| e.name().to_string()).collect(),
        all_stores,
        stores,
        app_type: s.app_type.map(|a| a.as_str().to_string()),
        auth_kind: s.auth.kind().to_string(),
        auth_name: auth_name.map(str::to_string),
        auth_secret: seal_opt(key, TABLE, "auth_secret", id, auth_secret),
        signature_kind: s.signature.kind().to_string(),
        signature_key_source: key_source.map(str::to_string),
        signature_secret: seal_opt(key, TABLE, "signature_secret", id, sig_secret),
        signature_previous: seal_opt(
            key,
            TABLE,
            "signature_previous",
            id,
            rec.previous_secret.as_ref().map(|p| &p.secret),
        ),
        signature_previous_until: rec.previous_secret.as_ref().map(|p| p.until_ms),
        retry_preset: s.retry_preset.as_str().to_string(),
        ordered: s.ordered,
        allow_private_network: s.allow_private_network,
        timeout_ms: i64::from(s.timeout_ms.get()),
        enabled: rec.enabled,
        failing_since_ms: rec.failing_since_ms,
        disabled_reason: rec.disabled_reason.clone(),
        created_at_ms: rec.created_at_ms,
        updated_at_ms: rec.updated_at_ms,
    }
}

/// Opens the secrets and validates the row again: a damaged or hand-edited row is an error, never a
/// half-valid hook.
fn opened(key: &DataKey, row: HookRow) -> Result<HookRecord> {
    let id = row.id.as_str();
    let query = open_opt(key, TABLE, "url_query", id, row.url_query)?;
    let auth_secret = open_opt(key, TABLE, "auth_secret", id, row.auth_secret)?;
    let sig_secret = open_opt(key, TABLE, "signature_secret", id, row.signature_secret)?;
    let previous = open_opt(key, TABLE, "signature_previous", id, row.signature_previous)?;
    let previous_secret = match (previous, row.signature_previous_until) {
        (Some(secret), Some(until_ms)) => Some(PreviousSecret { secret, until_ms }),
        (None, None) => None,
        _ => {
            return Err(Error::Crypto(format!(
                "hook {id}: signature_previous is damaged"
            )))
        }
    };
    let damaged = |col: &str| Error::Crypto(format!("hook {id}: {col} is missing or damaged"));
    let need = |s: Option<Secret>| s.ok_or_else(|| damaged("auth_secret"));
    let name = || row.auth_name.clone().ok_or_else(|| damaged("auth_name"));
    let auth = match row.auth_kind.as_str() {
        "none" => HookAuth::None,
        "header" => HookAuth::Header {
            name: HeaderName::parse("auth.name", &name()?)?,
            value: need(auth_secret)?,
        },
        "bearer" => HookAuth::Bearer {
            token: need(auth_secret)?,
        },
        "authorization" => HookAuth::Authorization {
            value: need(auth_secret)?,
        },
        "basic" => HookAuth::Basic {
            username: name()?,
            password: need(auth_secret)?,
        },
        _ => return Err(damaged("auth_kind")),
    };
    let signature = match row.signature_kind.as_str() {
        "none" => HookSignature::None,
        "x-signature" => HookSignature::XSignature {
            key_source: KeySource::parse(
                "signature.keySource",
                row.signature_key_source.as_deref().unwrap_or_default(),
            )?,
            key: sig_secret.ok_or_else(|| damaged("signature_secret"))?,
        },
        "standard" => HookSignature::Standard {
            secret: sig_secret.ok_or_else(|| damaged("signature_secret"))?,
        },
        _ => return Err(damaged("signature_kind")),
    };
    let events = row
        .events
        .iter()
        .map(|n| EventType::parse("events", n))
        .collect::<Result<Vec<_>>>()?;
    let stores = if row.all_stores {
        StoreScope::All
    } else {
        StoreScope::Only(
            row.stores
                .iter()
                .map(|s| StoreId::parse("stores", s))
                .collect::<Result<Vec<_>>>()?,
        )
    };
    let spec = HookSpec {
        label: Label::parse("label", &row.label)?,
        url: WebhookUrl::from_parts("url", &row.url_base, query)?,
        events,
        stores,
        app_type: row
            .app_type
            .as_deref()
            .map(|a| AppType::parse("appType", a))
            .transpose()?,
        auth,
        signature,
        retry_preset: RetryPreset::parse("retryPreset", &row.retry_preset)?,
        ordered: row.ordered,
        allow_private_network: row.allow_private_network,
        timeout_ms: TimeoutMs::parse("timeoutMs", row.timeout_ms)?,
    };
    Ok(HookRecord {
        id: row.id,
        spec,
        enabled: row.enabled,
        failing_since_ms: row.failing_since_ms,
        disabled_reason: row.disabled_reason,
        previous_secret,
        created_at_ms: row.created_at_ms,
        updated_at_ms: row.updated_at_ms,
    })
}

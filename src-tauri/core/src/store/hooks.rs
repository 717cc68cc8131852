//! The `hooks` table and its `hook_events` / `hook_stores` join tables. Secrets are sealed here, bound to
//! (hooks, column, hook id), and opened only when a record is read.

use crate::args;
use crate::store::{Conn, OptionalExt, Row};

use crate::catalog::{AppType, EventType};
use crate::crypto::{open, seal, DataKey};
use crate::domain::{
    HeaderName, HookAuth, HookSignature, HookSpec, KeySource, Label, PreviousSecret, RetryPreset,
    Secret, StoreId, StoreScope, TimeoutMs, WebhookUrl,
};
use crate::{Error, Result};

const TABLE: &str = "hooks";

/// A stored hook: its settings plus what Hookdesk tracks about it.
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

pub fn insert(conn: &Conn, key: &DataKey, rec: &HookRecord) -> Result<()> {
    conn.execute(
        "INSERT INTO hooks (id, label, url_base, all_stores, auth_kind, signature_kind, retry_preset, ordered,
             allow_private_network, timeout_ms, enabled, created_at, updated_at)
         VALUES (?1, '', '', 0, 'none', 'none', 'standard', 0, 0, 15000, ?2, ?3, ?3)",
        args![rec.id, rec.enabled, rec.created_at_ms],
    )?;
    update(conn, key, rec)
}

/// Rewrites every column of an existing hook, including its events and stores.
pub fn update(conn: &Conn, key: &DataKey, rec: &HookRecord) -> Result<()> {
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
    let changed = conn.execute(
        "UPDATE hooks SET label = ?2, url_base = ?3, url_query = ?4, all_stores = ?5, app_type = ?6,
             auth_kind = ?7, auth_name = ?8, auth_secret = ?9, signature_kind = ?10, signature_key_source = ?11,
             signature_secret = ?12, retry_preset = ?13, ordered = ?14, allow_private_network = ?15,
             timeout_ms = ?16, enabled = ?17, failing_since_ms = ?18, disabled_reason = ?19, updated_at = ?20,
             signature_previous = ?21, signature_previous_until = ?22
         WHERE id = ?1",
        args![
            id,
            s.label.as_str(),
            s.url.base(),
            seal_opt(key, TABLE, "url_query", id, s.url.query()),
            matches!(s.stores, StoreScope::All),
            s.app_type.map(AppType::as_str),
            s.auth.kind(),
            auth_name,
            seal_opt(key, TABLE, "auth_secret", id, auth_secret),
            s.signature.kind(),
            key_source,
            seal_opt(key, TABLE, "signature_secret", id, sig_secret),
            s.retry_preset.as_str(),
            s.ordered,
            s.allow_private_network,
            s.timeout_ms.get(),
            rec.enabled,
            rec.failing_since_ms,
            rec.disabled_reason,
            rec.updated_at_ms,
            seal_opt(
                key,
                TABLE,
                "signature_previous",
                id,
                rec.previous_secret.as_ref().map(|p| &p.secret)
            ),
            rec.previous_secret.as_ref().map(|p| p.until_ms),
        ],
    )?;
    if changed == 0 {
        return Err(Error::NotFound(format!("hook {id}")));
    }
    conn.execute("DELETE FROM hook_events WHERE hook_id = ?1", args![id])?;
    for e in &s.events {
        conn.execute(
            "INSERT INTO hook_events (hook_id, event) VALUES (?1, ?2)",
            args![id, e.name()],
        )?;
    }
    conn.execute("DELETE FROM hook_stores WHERE hook_id = ?1", args![id])?;
    if let StoreScope::Only(ids) = &s.stores {
        for st in ids {
            conn.execute(
                "INSERT INTO hook_stores (hook_id, store_id) VALUES (?1, ?2)",
                args![id, st.as_str()],
            )?;
        }
    }
    Ok(())
}

pub fn delete(conn: &Conn, id: &str) -> Result<bool> {
    Ok(conn.execute("DELETE FROM hooks WHERE id = ?1", args![id])? > 0)
}

/// Turning a hook on clears its failure state: the user has looked at it.
pub fn set_enabled(conn: &Conn, id: &str, enabled: bool, now_ms: i64) -> Result<bool> {
    let n = if enabled {
        conn.execute(
            "UPDATE hooks SET enabled = 1, failing_since_ms = NULL, disabled_reason = NULL, updated_at = ?2
             WHERE id = ?1",
            args![id, now_ms],
        )?
    } else {
        conn.execute(
            "UPDATE hooks SET enabled = 0, updated_at = ?2 WHERE id = ?1",
            args![id, now_ms],
        )?
    };
    Ok(n > 0)
}

const COLUMNS: &str = "id, label, url_base, url_query, all_stores, app_type, auth_kind, auth_name, auth_secret,
    signature_kind, signature_key_source, signature_secret, retry_preset, ordered, allow_private_network,
    timeout_ms, enabled, failing_since_ms, disabled_reason, created_at, updated_at, signature_previous,
    signature_previous_until";

pub fn get(conn: &Conn, key: &DataKey, id: &str) -> Result<Option<HookRecord>> {
    let raw = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM hooks WHERE id = ?1"))?
        .query_row(args![id], RawHook::read)
        .optional()?;
    raw.map(|r| r.into_record(conn, key)).transpose()
}

/// Every hook, oldest first.
pub fn list(conn: &Conn, key: &DataKey) -> Result<Vec<HookRecord>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM hooks ORDER BY created_at, id"
    ))?;
    let raws = stmt
        .query_map(args![], RawHook::read)?
        .collect::<Result<Vec<_>>>()?;
    raws.into_iter().map(|r| r.into_record(conn, key)).collect()
}

/// Ids of enabled hooks subscribed to `event` whose store scope covers `store`.
pub fn matching_ids(conn: &Conn, event: EventType, store: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT h.id FROM hooks h JOIN hook_events e ON e.hook_id = h.id AND e.event = ?1
         WHERE h.enabled = 1
           AND (h.all_stores = 1 OR EXISTS (SELECT 1 FROM hook_stores s WHERE s.hook_id = h.id AND s.store_id = ?2))
         ORDER BY h.created_at, h.id",
    )?;
    let ids = stmt
        .query_map(args![event.name(), store], |r| r.get(0))?
        .collect::<Result<_>>()?;
    Ok(ids)
}

pub(crate) fn seal_opt(
    key: &DataKey,
    table: &str,
    column: &str,
    row: &str,
    v: Option<&Secret>,
) -> Option<Vec<u8>> {
    v.map(|s| seal(key, table, column, row, s.expose().as_bytes()))
}

pub(crate) fn open_opt(
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

struct RawHook {
    id: String,
    label: String,
    url_base: String,
    url_query: Option<Vec<u8>>,
    all_stores: bool,
    app_type: Option<String>,
    auth_kind: String,
    auth_name: Option<String>,
    auth_secret: Option<Vec<u8>>,
    signature_kind: String,
    signature_key_source: Option<String>,
    signature_secret: Option<Vec<u8>>,
    retry_preset: String,
    ordered: bool,
    allow_private_network: bool,
    timeout_ms: i64,
    enabled: bool,
    failing_since_ms: Option<i64>,
    disabled_reason: Option<String>,
    created_at: i64,
    updated_at: i64,
    signature_previous: Option<Vec<u8>>,
    signature_previous_until: Option<i64>,
}

impl RawHook {
    fn read(r: &Row) -> Result<RawHook> {
        Ok(RawHook {
            id: r.get(0)?,
            label: r.get(1)?,
            url_base: r.get(2)?,
            url_query: r.get(3)?,
            all_stores: r.get(4)?,
            app_type: r.get(5)?,
            auth_kind: r.get(6)?,
            auth_name: r.get(7)?,
            auth_secret: r.get(8)?,
            signature_kind: r.get(9)?,
            signature_key_source: r.get(10)?,
            signature_secret: r.get(11)?,
            retry_preset: r.get(12)?,
            ordered: r.get(13)?,
            allow_private_network: r.get(14)?,
            timeout_ms: r.get(15)?,
            enabled: r.get(16)?,
            failing_since_ms: r.get(17)?,
            disabled_reason: r.get(18)?,
            created_at: r.get(19)?,
            updated_at: r.get(20)?,
            signature_previous: r.get(21)?,
            signature_previous_until: r.get(22)?,
        })
    }

    /// Decrypts and re-validates: a damaged or hand-edited row is an error, never a half-valid hook.
    fn into_record(self, conn: &Conn, key: &DataKey) -> Result<HookRecord> {
        let id = self.id.as_str();
        let query = open_opt(key, TABLE, "url_query", id, self.url_query)?;
        let auth_secret = open_opt(key, TABLE, "auth_secret", id, self.auth_secret)?;
        let sig_secret = open_opt(key, TABLE, "signature_secret", id, self.signature_secret)?;
        let previous = open_opt(
            key,
            TABLE,
            "signature_previous",
            id,
            self.signature_previous,
        )?;
        let previous_secret = match (previous, self.signature_previous_until) {
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
        let name = || self.auth_name.clone().ok_or_else(|| damaged("auth_name"));
        let auth = match self.auth_kind.as_str() {
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
        let signature = match self.signature_kind.as_str() {
            "none" => HookSignature::None,
            "x-signature" => HookSignature::XSignature {
                key_source: KeySource::parse(
                    "signature.keySource",
                    self.signature_key_source.as_deref().unwrap_or_default(),
                )?,
                key: sig_secret.ok_or_else(|| damaged("signature_secret"))?,
            },
            "standard" => HookSignature::Standard {
                secret: sig_secret.ok_or_else(|| damaged("signature_secret"))?,
            },
            _ => return Err(damaged("signature_kind")),
        };
        let events = {
            let mut stmt = conn.prepare_cached(
                "SELECT event FROM hook_events WHERE hook_id = ?1 ORDER BY rowid",
            )?;
            let names: Vec<String> = stmt
                .query_map(args![id], |r| r.get(0))?
                .collect::<Result<_>>()?;
            names
                .iter()
                .map(|n| EventType::parse("events", n))
                .collect::<Result<Vec<_>>>()?
        };
        let stores = if self.all_stores {
            StoreScope::All
        } else {
            let mut stmt = conn.prepare_cached(
                "SELECT store_id FROM hook_stores WHERE hook_id = ?1 ORDER BY rowid",
            )?;
            let ids: Vec<String> = stmt
                .query_map(args![id], |r| r.get(0))?
                .collect::<Result<_>>()?;
            StoreScope::Only(
                ids.iter()
                    .map(|s| StoreId::parse("stores", s))
                    .collect::<Result<Vec<_>>>()?,
            )
        };
        let spec = HookSpec {
            label: Label::parse("label", &self.label)?,
            url: WebhookUrl::from_parts("url", &self.url_base, query)?,
            events,
            stores,
            app_type: self
                .app_type
                .as_deref()
                .map(|a| AppType::parse("appType", a))
                .transpose()?,
            auth,
            signature,
            retry_preset: RetryPreset::parse("retryPreset", &self.retry_preset)?,
            ordered: self.ordered,
            allow_private_network: self.allow_private_network,
            timeout_ms: TimeoutMs::parse("timeoutMs", self.timeout_ms)?,
        };
        Ok(HookRecord {
            id: self.id,
            spec,
            enabled: self.enabled,
            failing_since_ms: self.failing_since_ms,
            disabled_reason: self.disabled_reason,
            previous_secret,
            created_at_ms: self.created_at,
            updated_at_ms: self.updated_at,
        })
    }
}

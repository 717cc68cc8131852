//! Export and import of the configuration as JSON. Secrets are never exported (auth values, signing
//! keys, URL query strings, the order-webhook header value), so an imported hook that needed one arrives
//! disabled, without authentication or signature, with a reason telling the user what to re-enter.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::hooks::HookRecord;
use super::order_webhooks::{read_page, write_page};
use super::{audit, require_private_network, within, FreshCode};
use crate::auth::{Actor, Permission};
use crate::domain::{
    HookAuth, HookInput, HookSignature, OrderWebhookSettings, OrderWebhooksPatch, StoreId,
    StoreInput, StoreScope, UrlToggle, UrlTogglePatch, WebhookUrl,
};
use crate::{store, Ctx, Error, Result};

pub const FORMAT: &str = "hookdesk-config";
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfigFile {
    pub format: String,
    pub version: u32,
    #[serde(default)]
    pub stores: Vec<StoreInput>,
    #[serde(default)]
    pub hooks: Vec<HookExport>,
    #[serde(default)]
    pub order_webhooks: Vec<PageExport>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HookExport {
    /// Matches the hook on import, so importing the same file twice updates in place instead of adding.
    /// Files written before ids were exported have none: their hooks are always added.
    #[serde(default)]
    pub id: Option<String>,
    pub label: String,
    /// Without its query string, which is a secret.
    pub url: String,
    #[serde(default)]
    pub url_query_omitted: bool,
    pub events: Vec<String>,
    #[serde(default)]
    pub all_stores: bool,
    #[serde(default)]
    pub stores: Vec<String>,
    #[serde(default)]
    pub app_type: Option<String>,
    /// Kinds only (`bearer`, `x-signature`…): the secrets themselves stay behind.
    #[serde(default = "none")]
    pub auth: String,
    #[serde(default = "none")]
    pub signature: String,
    #[serde(default)]
    pub retry_preset: Option<String>,
    #[serde(default)]
    pub ordered: bool,
    #[serde(default)]
    pub allow_private_network: bool,
    #[serde(default)]
    pub timeout_ms: Option<i64>,
    #[serde(default = "yes")]
    pub enabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PageExport {
    pub store: String,
    #[serde(default)]
    pub header_name: Option<String>,
    #[serde(default)]
    pub open: RowExport,
    #[serde(default)]
    pub update: RowExport,
    #[serde(default)]
    pub close: RowExport,
    #[serde(default)]
    pub third_party_active: bool,
    #[serde(default)]
    pub allow_private_network: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RowExport {
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub enabled: bool,
}

fn none() -> String {
    "none".into()
}
fn yes() -> bool {
    true
}

pub fn export(ctx: &Ctx, actor: &Actor) -> Result<ConfigFile> {
    actor.require(Permission::ReadHooks)?;
    let conn = ctx.db.conn();
    let stores = store::stores::list(&conn)?;
    let hooks = super::hooks::read_all(&conn, &ctx.key)?;
    let mut pages = Vec::new();
    for s in &stores {
        if let Some(p) = read_page(&conn, &ctx.key, s.id.as_str())? {
            let row = |t: &UrlToggle| RowExport {
                url: t.url.as_ref().map(|u| u.base().to_string()),
                enabled: t.enabled,
            };
            pages.push(PageExport {
                store: s.id.as_str().to_string(),
                header_name: p.header_name.as_ref().map(|n| n.as_str().to_string()),
                open: row(&p.open),
                update: row(&p.update),
                close: row(&p.close),
                third_party_active: p.third_party_active,
                allow_private_network: p.allow_private_network,
            });
        }
    }
    Ok(ConfigFile {
        format: FORMAT.into(),
        version: VERSION,
        stores: stores
            .iter()
            .map(|s| StoreInput {
                id: s.id.as_str().into(),
                name: s.name.as_str().into(),
                merch_key: s.merch_key.as_deref().map(str::to_string),
                restaurant_id: s.restaurant_id.as_deref().map(str::to_string),
            })
            .collect(),
        hooks: hooks.iter().map(export_hook).collect(),
        order_webhooks: pages,
    })
}

fn export_hook(r: &HookRecord) -> HookExport {
    let s = &r.spec;
    HookExport {
        id: Some(r.id.clone()),
        label: s.label.as_str().into(),
        url: s.url.base().into(),
        url_query_omitted: s.url.query().is_some(),
        events: s.events.iter().map(|e| e.name().to_string()).collect(),
        all_stores: matches!(s.stores, StoreScope::All),
        stores: match &s.stores {
            StoreScope::All => Vec::new(),
            StoreScope::Only(ids) => ids.iter().map(|i| i.as_str().to_string()).collect(),
        },
        app_type: s.app_type.map(|a| a.as_str().to_string()),
        auth: s.auth.kind().into(),
        signature: s.signature.kind().into(),
        retry_preset: Some(s.retry_preset.as_str().into()),
        ordered: s.ordered,
        allow_private_network: s.allow_private_network,
        timeout_ms: Some(i64::from(s.timeout_ms.get())),
        enabled: r.enabled,
    }
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportSummary {
    /// Stores, hooks and order-webhook pages in the file.
    pub stores: usize,
    pub hooks: usize,
    pub order_webhooks: usize,
    /// Hooks imported disabled because a secret must be re-entered.
    pub hooks_needing_secrets: usize,
    /// Of everything in the file: how much was new, changed in place, or already as the file says.
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// How one item of the file compares with what is installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Created,
    Updated,
    Unchanged,
}

fn outcome<T: PartialEq>(current: Option<&T>, next: &T) -> Outcome {
    match current {
        None => Outcome::Created,
        Some(c) if c == next => Outcome::Unchanged,
        Some(_) => Outcome::Updated,
    }
}

/// Parses and imports a configuration file. Stores and hooks are matched by id and updated in place,
/// pages by store, so importing the same file twice changes nothing. Everything is validated first; then
/// it is written in one transaction, so a bad file changes nothing.
pub fn import_json(
    ctx: &Ctx,
    actor: &Actor,
    text: &str,
    fresh: Option<FreshCode<'_>>,
) -> Result<ImportSummary> {
    actor.require(Permission::EditHooks)?;
    let file: ConfigFile = serde_json::from_str(text)
        .map_err(|e| Error::invalid("file", format!("not a Hookdesk configuration: {e}")))?;
    import(ctx, actor, &file, fresh)
}

pub fn import(
    ctx: &Ctx,
    actor: &Actor,
    file: &ConfigFile,
    fresh: Option<FreshCode<'_>>,
) -> Result<ImportSummary> {
    actor.require(Permission::EditHooks)?;
    if file.format != FORMAT || file.version != VERSION {
        return Err(Error::invalid(
            "file",
            format!("expected format {FORMAT} version {VERSION}"),
        ));
    }
    let now = ctx.now_ms();
    let mut known = store::stores::ids(&ctx.db.conn())?;
    let mut stores = Vec::with_capacity(file.stores.len());
    let mut outcomes = Vec::new();
    for (i, s) in file.stores.iter().enumerate() {
        let s = s
            .validate()
            .map_err(|e| within(&format!("stores[{i}]"), e))?;
        if stores
            .iter()
            .any(|(o, _): &(crate::domain::Store, _)| o.id == s.id)
        {
            return Err(Error::invalid(
                format!("stores[{i}].id"),
                "this store id appears twice in the file",
            ));
        }
        known.insert(s.id.as_str().to_string());
        let current = store::stores::get(&ctx.db.conn(), s.id.as_str())?;
        let o = outcome(current.as_ref(), &s);
        outcomes.push(o);
        stores.push((s, o));
    }
    let exists = |id: &StoreId| known.contains(id.as_str());
    let mut hooks = Vec::with_capacity(file.hooks.len());
    let mut needing = 0;
    for (i, h) in file.hooks.iter().enumerate() {
        let at = format!("hooks[{i}]");
        let current = match &h.id {
            Some(id) => {
                let id = hook_id(id).map_err(|e| within(&at, e))?;
                if hooks.iter().any(|(r, _): &(HookRecord, _)| r.id == id) {
                    return Err(Error::invalid(
                        format!("{at}.id"),
                        "this hook id appears twice in the file",
                    ));
                }
                super::hooks::read(&ctx.db.conn(), &ctx.key, &id)?
            }
            None => None,
        };
        let rec = import_hook(h, current.as_ref(), &exists, now).map_err(|e| within(&at, e))?;
        needing += usize::from(rec.disabled_reason.is_some());
        let o = match &current {
            None => Outcome::Created,
            Some(c) if same_hook(c, &rec) => Outcome::Unchanged,
            Some(_) => Outcome::Updated,
        };
        outcomes.push(o);
        hooks.push((rec, o));
    }
    let mut pages = Vec::with_capacity(file.order_webhooks.len());
    {
        let conn = ctx.db.conn();
        for (i, p) in file.order_webhooks.iter().enumerate() {
            let at = format!("orderWebhooks[{i}]");
            let id = StoreId::parse("store", &p.store).map_err(|e| within(&at, e))?;
            if !exists(&id) {
                return Err(Error::invalid(
                    format!("{at}.store"),
                    format!("there is no store {}", id.as_str()),
                ));
            }
            let installed = read_page(&conn, &ctx.key, id.as_str())?;
            let current = installed.clone().unwrap_or_default();
            let next = current
                .apply(&page_patch(p, &current))
                .map_err(|e| within(&at, e))?;
            let o = outcome(installed.as_ref(), &next);
            outcomes.push(o);
            pages.push((id, next, o));
        }
    }
    let changes = |o: &Outcome| *o != Outcome::Unchanged;
    // Only what the import changes needs the fresh code: re-importing an unchanged file never does.
    let private = hooks
        .iter()
        .any(|(h, o)| changes(o) && h.spec.allow_private_network)
        || pages
            .iter()
            .any(|(_, p, o): &(StoreId, OrderWebhookSettings, _)| {
                changes(o) && p.allow_private_network
            });
    if private {
        require_private_network(ctx, actor, fresh)?;
    }
    let count = |want: Outcome| outcomes.iter().filter(|o| **o == want).count();
    let summary = ImportSummary {
        stores: stores.len(),
        hooks: hooks.len(),
        order_webhooks: pages.len(),
        hooks_needing_secrets: needing,
        created: count(Outcome::Created),
        updated: count(Outcome::Updated),
        unchanged: count(Outcome::Unchanged),
    };
    if summary.created + summary.updated == 0 {
        return Ok(summary);
    }
    let conn = ctx.db.conn();
    let tx = conn.transaction()?;
    for (s, _) in stores.iter().filter(|(_, o)| changes(o)) {
        store::stores::upsert(&tx, s, now)?;
    }
    for (h, o) in &hooks {
        match o {
            Outcome::Created => super::hooks::insert(&tx, &ctx.key, h)?,
            Outcome::Updated => super::hooks::write(&tx, &ctx.key, h)?,
            Outcome::Unchanged => {}
        }
    }
    for (id, p, _) in pages.iter().filter(|(_, _, o)| changes(o)) {
        write_page(&tx, &ctx.key, id.as_str(), p, now)?;
    }
    audit(&tx, ctx, actor, "config.import", "config", &json!(summary))?;
    tx.commit()?;
    Ok(summary)
}

/// A hook id from a file: the shape Hookdesk gives its hooks, or at least a plain short token.
fn hook_id(id: &str) -> Result<String> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(id.to_string())
    } else {
        Err(Error::invalid(
            "id",
            "a hook id is 1 to 64 letters, digits, '_' or '-'",
        ))
    }
}

/// Settings and state a file can set; timestamps and failure tracking are the engine's.
fn same_hook(a: &HookRecord, b: &HookRecord) -> bool {
    a.spec == b.spec && a.enabled == b.enabled && a.disabled_reason == b.disabled_reason
}

/// The record a file's hook becomes. Against an installed hook of the same id, secrets the file cannot
/// carry are kept where the file names the same kind (and the URL's query where it names the same base).
fn import_hook(
    h: &HookExport,
    current: Option<&HookRecord>,
    exists: &dyn Fn(&StoreId) -> bool,
    now: i64,
) -> Result<HookRecord> {
    const KINDS: [&str; 5] = ["none", "header", "bearer", "authorization", "basic"];
    if !KINDS.contains(&h.auth.as_str()) {
        return Err(Error::invalid(
            "auth",
            "must be none, header, bearer, authorization or basic",
        ));
    }
    if !["none", "x-signature", "standard"].contains(&h.signature.as_str()) {
        return Err(Error::invalid(
            "signature",
            "must be none, x-signature or standard",
        ));
    }
    let input = HookInput {
        label: h.label.clone(),
        url: h.url.clone(),
        events: h.events.clone(),
        all_stores: h.all_stores,
        stores: h.stores.clone(),
        app_type: h.app_type.clone(),
        retry_preset: h.retry_preset.clone(),
        ordered: h.ordered,
        allow_private_network: h.allow_private_network,
        timeout_ms: h.timeout_ms,
        ..HookInput::default()
    };
    let kept_auth = current
        .map(|c| c.spec.auth.clone())
        .filter(|a| a.kind() == h.auth && h.auth != "none");
    let kept_signature = current
        .map(|c| c.spec.signature.clone())
        .filter(|s| s.kind() == h.signature && h.signature != "none");
    let mut spec = input.validate_with(
        exists,
        kept_auth.clone().unwrap_or(HookAuth::None),
        kept_signature.clone().unwrap_or(HookSignature::None),
    )?;
    let kept_query = current
        .map(|c| &c.spec.url)
        .filter(|u| h.url_query_omitted && u.query().is_some() && u.base() == spec.url.base());
    if let Some(url) = kept_query {
        spec.url = url.clone();
    }
    let mut missing = Vec::new();
    if h.url_query_omitted && kept_query.is_none() {
        missing.push("the URL's query string".to_string());
    }
    if h.auth != "none" && kept_auth.is_none() {
        missing.push(format!("the {} authentication", h.auth));
    }
    if h.signature != "none" && kept_signature.is_none() {
        missing.push(format!("the {} signature key", h.signature));
    }
    let reason = (!missing.is_empty()).then(|| {
        format!(
            "imported without secrets: re-enter {} and enable",
            missing.join(", ")
        )
    });
    let enabled = h.enabled && reason.is_none();
    // A hook the file leaves disabled keeps the reason Hookdesk disabled it for (a 410, days of failure).
    let reason = reason.or_else(|| {
        current
            .filter(|c| !enabled && !c.enabled)
            .and_then(|c| c.disabled_reason.clone())
    });
    Ok(HookRecord {
        id: current
            .map(|c| c.id.clone())
            .or_else(|| h.id.clone())
            .unwrap_or_else(super::hooks::new_id),
        spec,
        enabled,
        failing_since_ms: current.filter(|_| enabled).and_then(|c| c.failing_since_ms),
        disabled_reason: reason,
        // A rollover in progress goes on while the file keeps the signature it belongs to.
        previous_secret: kept_signature
            .as_ref()
            .and(current)
            .and_then(|c| c.previous_secret.clone()),
        created_at_ms: current.map_or(now, |c| c.created_at_ms),
        updated_at_ms: now,
    })
}

/// A page from a file carries no header value and no URL queries: keep the installed ones where the
/// file names the same header or the same URL.
fn page_patch(p: &PageExport, current: &OrderWebhookSettings) -> OrderWebhooksPatch {
    let row = |r: &RowExport, cur: &UrlToggle| {
        let url = match (&r.url, &cur.url) {
            (Some(u), Some(c)) if same_base(u, c) => c.display(),
            (Some(u), _) => u.clone(),
            (None, _) => String::new(),
        };
        Some(UrlTogglePatch {
            url: Some(url),
            enabled: Some(r.enabled),
        })
    };
    let header_name = p.header_name.clone().unwrap_or_default();
    let same_header = current
        .header_name
        .as_ref()
        .is_some_and(|n| n.as_str().eq_ignore_ascii_case(header_name.trim()));
    OrderWebhooksPatch {
        header_value: if same_header {
            None
        } else {
            Some(crate::domain::Secret::new(""))
        },
        header_name: Some(header_name),
        open: row(&p.open, &current.open),
        update: row(&p.update, &current.update),
        close: row(&p.close, &current.close),
        third_party_active: Some(p.third_party_active),
        allow_private_network: Some(p.allow_private_network),
    }
}

fn same_base(exported: &str, current: &WebhookUrl) -> bool {
    WebhookUrl::parse("url", exported).is_ok_and(|u| u.base() == current.base())
}

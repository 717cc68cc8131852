//! Export and import of the configuration as JSON. Secrets are never exported (auth values, signing
//! keys, URL query strings, the order-webhook header value), so an imported hook that needed one arrives
//! disabled, without authentication or signature, with a reason telling the user what to re-enter.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{audit, require_private_network, within, FreshCode};
use crate::auth::{Actor, Permission};
use crate::domain::{
    HookAuth, HookInput, HookSignature, OrderWebhookSettings, OrderWebhooksPatch, StoreId,
    StoreInput, StoreScope, UrlToggle, UrlTogglePatch, WebhookUrl,
};
use crate::store::hooks::HookRecord;
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
    let hooks = store::hooks::list(&conn, &ctx.key)?;
    let mut pages = Vec::new();
    for s in &stores {
        if let Some(p) = store::order_webhooks::get(&conn, &ctx.key, s.id.as_str())? {
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
    pub stores: usize,
    pub hooks: usize,
    pub order_webhooks: usize,
    /// Hooks imported disabled because a secret must be re-entered.
    pub hooks_needing_secrets: usize,
}

/// Parses and imports a configuration file: stores are added or updated, hooks added, pages replaced.
/// Everything is validated first; then it is written in one transaction, so a bad file changes nothing.
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
    for (i, s) in file.stores.iter().enumerate() {
        let s = s
            .validate()
            .map_err(|e| within(&format!("stores[{i}]"), e))?;
        if stores.iter().any(|o: &crate::domain::Store| o.id == s.id) {
            return Err(Error::invalid(
                format!("stores[{i}].id"),
                "this store id appears twice in the file",
            ));
        }
        known.insert(s.id.as_str().to_string());
        stores.push(s);
    }
    let exists = |id: &StoreId| known.contains(id.as_str());
    let mut hooks = Vec::with_capacity(file.hooks.len());
    let mut needing = 0;
    for (i, h) in file.hooks.iter().enumerate() {
        let rec = import_hook(h, &exists, now).map_err(|e| within(&format!("hooks[{i}]"), e))?;
        needing += usize::from(rec.disabled_reason.is_some());
        hooks.push(rec);
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
            let current =
                store::order_webhooks::get(&conn, &ctx.key, id.as_str())?.unwrap_or_default();
            let next = current
                .apply(&page_patch(p, &current))
                .map_err(|e| within(&at, e))?;
            pages.push((id, next));
        }
    }
    let private = hooks.iter().any(|h| h.spec.allow_private_network)
        || pages
            .iter()
            .any(|(_, p): &(StoreId, OrderWebhookSettings)| p.allow_private_network);
    if private {
        require_private_network(ctx, actor, fresh)?;
    }
    let mut conn = ctx.db.conn();
    let tx = conn.transaction()?;
    for s in &stores {
        store::stores::upsert(&tx, s, now)?;
    }
    for h in &hooks {
        store::hooks::insert(&tx, &ctx.key, h)?;
    }
    for (id, p) in &pages {
        store::order_webhooks::put(&tx, &ctx.key, id.as_str(), p, now)?;
    }
    let summary = ImportSummary {
        stores: stores.len(),
        hooks: hooks.len(),
        order_webhooks: pages.len(),
        hooks_needing_secrets: needing,
    };
    audit(&tx, ctx, actor, "config.import", "config", &json!(summary))?;
    tx.commit()?;
    Ok(summary)
}

fn import_hook(h: &HookExport, exists: &dyn Fn(&StoreId) -> bool, now: i64) -> Result<HookRecord> {
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
    let spec = input.validate_with(exists, HookAuth::None, HookSignature::None)?;
    let mut missing = Vec::new();
    if h.url_query_omitted {
        missing.push("the URL's query string".to_string());
    }
    if h.auth != "none" {
        missing.push(format!("the {} authentication", h.auth));
    }
    if h.signature != "none" {
        missing.push(format!("the {} signature key", h.signature));
    }
    let reason = (!missing.is_empty()).then(|| {
        format!(
            "imported without secrets: re-enter {} and enable",
            missing.join(", ")
        )
    });
    Ok(HookRecord {
        id: super::hooks::new_id(),
        spec,
        enabled: h.enabled && reason.is_none(),
        failing_since_ms: None,
        disabled_reason: reason,
        previous_secret: None,
        created_at_ms: now,
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

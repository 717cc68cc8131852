//! What the UI and CLI see. Secrets appear only masked (`••••1234`); the one exception is
//! [`RevealedSecret`], which only the calls that generate, reveal or roll a signing secret return.

use serde::Serialize;

use super::hooks::HookRecord;
use crate::catalog::{AppType, EventType};
use crate::domain::Secret;
use crate::domain::{
    HookAuth, HookSignature, KeySource, OrderWebhookSettings, RetryPreset, Store, StoreId,
    StoreScope, UrlToggle,
};

/// A signing secret in plain text, for the one answer that must carry it: the call that generated it, a
/// reveal with a fresh two-factor code, or a roll (docs/wire-formats.md, "Signing secrets"). `Debug`
/// stays masked, so it cannot reach a log by accident.
#[derive(Clone, PartialEq, Eq, ts_rs::TS)]
#[ts(type = "string")]
pub struct RevealedSecret(Secret);

impl RevealedSecret {
    pub(crate) fn new(secret: Secret) -> Self {
        RevealedSecret(secret)
    }

    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl std::fmt::Debug for RevealedSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RevealedSecret(***)")
    }
}

impl serde::Serialize for RevealedSecret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.expose())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum AuthView {
    None,
    Header { name: String, value: String },
    Bearer { token: String },
    Authorization { value: String },
    Basic { username: String, password: String },
}

impl From<&HookAuth> for AuthView {
    fn from(a: &HookAuth) -> Self {
        match a {
            HookAuth::None => AuthView::None,
            HookAuth::Header { name, value } => AuthView::Header {
                name: name.as_str().into(),
                value: value.mask(),
            },
            HookAuth::Bearer { token } => AuthView::Bearer {
                token: token.mask(),
            },
            HookAuth::Authorization { value } => AuthView::Authorization {
                value: value.mask(),
            },
            HookAuth::Basic { username, password } => AuthView::Basic {
                username: username.clone(),
                password: password.mask(),
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind")]
pub enum SignatureView {
    #[serde(rename = "none")]
    None,
    #[serde(rename = "x-signature", rename_all = "camelCase")]
    XSignature { key_source: KeySource, key: String },
    #[serde(rename = "standard")]
    Standard { secret: String },
}

impl From<&HookSignature> for SignatureView {
    fn from(s: &HookSignature) -> Self {
        match s {
            HookSignature::None => SignatureView::None,
            HookSignature::XSignature { key_source, key } => SignatureView::XSignature {
                key_source: *key_source,
                key: key.mask(),
            },
            HookSignature::Standard { secret } => SignatureView::Standard {
                secret: secret.mask(),
            },
        }
    }
}

/// How a hook is doing, decided here so every front end says the same: off, failing (its latest
/// deliveries keep failing), or healthy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum HookStatus {
    Healthy,
    Failing,
    Disabled,
}

/// A hook as listed and shown. Times are milliseconds since the epoch (`…Ms`), as everywhere the
/// window is sent one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct HookView {
    pub id: String,
    pub label: String,
    /// The query string masked.
    pub url: String,
    pub events: Vec<EventType>,
    pub all_stores: bool,
    pub stores: Vec<StoreId>,
    pub app_type: Option<AppType>,
    pub auth: AuthView,
    pub signature: SignatureView,
    pub retry_preset: RetryPreset,
    pub ordered: bool,
    pub allow_private_network: bool,
    pub timeout_ms: u32,
    pub enabled: bool,
    pub status: HookStatus,
    #[serde(rename = "failingSinceMs")]
    pub failing_since: Option<i64>,
    pub disabled_reason: Option<String>,
    /// While a rolled Standard Webhooks secret still signs beside the new one: until when.
    #[serde(rename = "previousSecretUntilMs")]
    pub previous_secret_until: Option<i64>,
    /// Set only in the answer to the call that generated or rolled the signing secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub new_secret: Option<RevealedSecret>,
    #[serde(rename = "createdAtMs")]
    pub created_at: i64,
    #[serde(rename = "updatedAtMs")]
    pub updated_at: i64,
}

impl HookView {
    /// The view at `now_ms`: a previous secret whose window has ended is no longer mentioned.
    pub fn at(r: &HookRecord, now_ms: i64) -> HookView {
        let mut v = HookView::from(r);
        v.previous_secret_until = r
            .previous_secret
            .as_ref()
            .filter(|p| p.active_at(now_ms))
            .map(|p| p.until_ms);
        v
    }
}

impl From<&HookRecord> for HookView {
    fn from(r: &HookRecord) -> Self {
        let s = &r.spec;
        HookView {
            id: r.id.clone(),
            label: s.label.as_str().to_string(),
            url: s.url.display(),
            events: s.events.clone(),
            all_stores: matches!(s.stores, StoreScope::All),
            stores: match &s.stores {
                StoreScope::All => Vec::new(),
                StoreScope::Only(ids) => ids.clone(),
            },
            app_type: s.app_type,
            auth: (&s.auth).into(),
            signature: (&s.signature).into(),
            retry_preset: s.retry_preset,
            ordered: s.ordered,
            allow_private_network: s.allow_private_network,
            timeout_ms: s.timeout_ms.get(),
            enabled: r.enabled,
            status: if !r.enabled {
                HookStatus::Disabled
            } else if r.failing_since_ms.is_some() {
                HookStatus::Failing
            } else {
                HookStatus::Healthy
            },
            failing_since: r.failing_since_ms,
            disabled_reason: r.disabled_reason.clone(),
            previous_secret_until: None,
            new_secret: None,
            created_at: r.created_at_ms,
            updated_at: r.updated_at_ms,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct UrlToggleView {
    pub url: Option<String>,
    pub enabled: bool,
}

impl From<&UrlToggle> for UrlToggleView {
    fn from(t: &UrlToggle) -> Self {
        UrlToggleView {
            url: t.url.as_ref().map(|u| u.display()),
            enabled: t.enabled,
        }
    }
}

/// A store's Order webhook page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct OrderWebhooksView {
    pub store: String,
    pub header_name: Option<String>,
    pub header_value: Option<String>,
    pub open: UrlToggleView,
    pub update: UrlToggleView,
    pub close: UrlToggleView,
    pub third_party_active: bool,
    pub allow_private_network: bool,
}

impl OrderWebhooksView {
    pub fn new(store: &str, s: &OrderWebhookSettings) -> Self {
        OrderWebhooksView {
            store: store.to_string(),
            header_name: s.header_name.as_ref().map(|n| n.as_str().to_string()),
            header_value: s.header_value.as_ref().map(|v| v.mask()),
            open: (&s.open).into(),
            update: (&s.update).into(),
            close: (&s.close).into(),
            third_party_active: s.third_party_active,
            allow_private_network: s.allow_private_network,
        }
    }
}

/// A store as listed: its fields as plain strings, and the last answer of its POS to `is_online`
/// (docs/wire-formats.md, order injection), `None` before the first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct StoreView {
    pub id: String,
    pub name: String,
    pub merch_key: Option<String>,
    pub restaurant_id: Option<String>,
    pub pos_online: Option<bool>,
}

impl StoreView {
    pub fn new(store: &Store, pos_online: Option<bool>) -> Self {
        StoreView {
            id: store.id.as_str().to_string(),
            name: store.name.as_str().to_string(),
            merch_key: store.merch_key.as_ref().map(|k| k.as_str().to_string()),
            restaurant_id: store.restaurant_id.as_ref().map(|r| r.as_str().to_string()),
            pos_online,
        }
    }
}

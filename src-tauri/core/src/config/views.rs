//! What the UI and CLI see. Secrets appear only masked (`••••1234`); nothing here can reveal one.

use serde::Serialize;

use crate::catalog::{AppType, EventType};
use crate::clock::rfc3339;
use crate::domain::{
    HookAuth, HookSignature, KeySource, OrderWebhookSettings, RetryPreset, StoreId, StoreScope,
    UrlToggle,
};
use crate::store::hooks::HookRecord;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

/// A hook as listed and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    pub failing_since: Option<String>,
    pub disabled_reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
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
            failing_since: r.failing_since_ms.map(rfc3339),
            disabled_reason: r.disabled_reason.clone(),
            created_at: rfc3339(r.created_at_ms),
            updated_at: rfc3339(r.updated_at_ms),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

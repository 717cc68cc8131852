use serde::{Deserialize, Serialize};

use super::{
    AuthInput, HookAuth, HookSignature, Label, RetryPreset, SignatureInput, StoreId, WebhookUrl,
};
use crate::catalog::{AppType, EventType, Family};
use crate::{Error, Result};

/// The total time allowed for one request: 1 s to 60 s, 15 s unless configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct TimeoutMs(u32);

impl TimeoutMs {
    pub const DEFAULT: TimeoutMs = TimeoutMs(15_000);

    pub fn parse(field: &str, ms: i64) -> Result<TimeoutMs> {
        if !(1_000..=60_000).contains(&ms) {
            return Err(Error::invalid(
                field,
                "the timeout must be between 1000 and 60000 ms",
            ));
        }
        Ok(TimeoutMs(ms as u32))
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl Default for TimeoutMs {
    fn default() -> Self {
        TimeoutMs::DEFAULT
    }
}

/// Integrator-level (every store) or store-level (a list) subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreScope {
    All,
    Only(Vec<StoreId>),
}

impl StoreScope {
    pub fn covers(&self, store: &str) -> bool {
        match self {
            StoreScope::All => true,
            StoreScope::Only(ids) => ids.iter().any(|s| s.as_str() == store),
        }
    }
}

/// Everything a user configures on a hook, validated. Ids, timestamps and failure state live elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookSpec {
    pub label: Label,
    pub url: WebhookUrl,
    pub events: Vec<EventType>,
    pub stores: StoreScope,
    pub app_type: Option<AppType>,
    pub auth: HookAuth,
    pub signature: HookSignature,
    pub retry_preset: RetryPreset,
    pub ordered: bool,
    pub allow_private_network: bool,
    pub timeout_ms: TimeoutMs,
}

/// A hook as typed in the Add/Edit modal or on the command line, before validation.
///
/// The window's type names the choices (`AppType`, `RetryPreset`); the core still takes any string and
/// answers a field error, since the CLI and the import file reach it with whatever was typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
pub struct HookInput {
    pub label: String,
    pub url: String,
    pub events: Vec<String>,
    pub all_stores: bool,
    pub stores: Vec<String>,
    #[ts(as = "Option<crate::catalog::AppType>")]
    pub app_type: Option<String>,
    pub auth: AuthInput,
    pub signature: SignatureInput,
    #[ts(as = "Option<RetryPreset>")]
    pub retry_preset: Option<String>,
    pub ordered: bool,
    pub allow_private_network: bool,
    pub timeout_ms: Option<i64>,
}

impl HookInput {
    /// Validates every field; `store_exists` answers for the store ids of a store-level hook.
    pub fn validate(&self, store_exists: &dyn Fn(&StoreId) -> bool) -> Result<HookSpec> {
        let auth = self.auth.validate()?;
        let signature = self.signature.validate()?;
        self.validate_with(store_exists, auth, signature)
    }

    /// Validates everything but authentication and signature, which the caller supplies (an edit that
    /// keeps the current, unreadable secrets).
    pub fn validate_with(
        &self,
        store_exists: &dyn Fn(&StoreId) -> bool,
        auth: HookAuth,
        signature: HookSignature,
    ) -> Result<HookSpec> {
        let label = Label::parse("label", &self.label)?;
        let url = WebhookUrl::parse("url", &self.url)?;
        url.check_target("url", self.allow_private_network)?;
        let events = parse_events(&self.events)?;
        let stores = self.parse_stores(store_exists)?;
        let app_type = self.parse_app_type(&events)?;
        let retry_preset = match self
            .retry_preset
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(s) => RetryPreset::parse("retryPreset", s)?,
            None => RetryPreset::default(),
        };
        let timeout_ms = match self.timeout_ms {
            Some(ms) => TimeoutMs::parse("timeoutMs", ms)?,
            None => TimeoutMs::default(),
        };
        Ok(HookSpec {
            label,
            url,
            events,
            stores,
            app_type,
            auth,
            signature,
            retry_preset,
            ordered: self.ordered,
            allow_private_network: self.allow_private_network,
            timeout_ms,
        })
    }

    fn parse_stores(&self, store_exists: &dyn Fn(&StoreId) -> bool) -> Result<StoreScope> {
        if self.all_stores {
            if !self.stores.is_empty() {
                return Err(Error::invalid(
                    "stores",
                    "choose all stores or a list of stores, not both",
                ));
            }
            return Ok(StoreScope::All);
        }
        if self.stores.is_empty() {
            return Err(Error::invalid(
                "stores",
                "choose all stores or at least one store",
            ));
        }
        let mut ids: Vec<StoreId> = Vec::with_capacity(self.stores.len());
        for s in &self.stores {
            let id = StoreId::parse("stores", s)?;
            if !store_exists(&id) {
                return Err(Error::invalid(
                    "stores",
                    format!("there is no store {}", id.as_str()),
                ));
            }
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Ok(StoreScope::Only(ids))
    }

    fn parse_app_type(&self, events: &[EventType]) -> Result<Option<AppType>> {
        let app = self
            .app_type
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| AppType::parse("appType", s))
            .transpose()?;
        let scoped: Vec<EventType> = events
            .iter()
            .copied()
            .filter(|e| e.family() == Family::OrderStatus)
            .collect();
        match (app, scoped.is_empty()) {
            (None, false) => Err(Error::invalid(
                "appType",
                "order status and rider events need an app type: channel, pos, rider or loyalty",
            )),
            (Some(_), true) => Err(Error::invalid(
                "appType",
                "an app type applies only to order status and rider events; leave it empty",
            )),
            (Some(a), false) => {
                if let Some(e) = scoped.iter().find(|e| !e.allowed_for(Some(a))) {
                    return Err(Error::invalid(
                        "events",
                        format!("{} is not available to {} apps", e.name(), a.as_str()),
                    ));
                }
                Ok(Some(a))
            }
            (None, true) => Ok(None),
        }
    }
}

fn parse_events(names: &[String]) -> Result<Vec<EventType>> {
    if names.is_empty() {
        return Err(Error::invalid("events", "choose at least one event"));
    }
    let mut out: Vec<EventType> = Vec::with_capacity(names.len());
    for n in names {
        let e = EventType::parse("events", n.trim())?;
        if !out.contains(&e) {
            out.push(e);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Secret;
    use proptest::prelude::*;

    fn base() -> HookInput {
        HookInput {
            label: "POS".into(),
            url: "https://pos.example.com/hook".into(),
            events: vec!["order-accepted".into(), "rider-created".into()],
            app_type: Some("pos".into()),
            all_stores: true,
            auth: AuthInput::Bearer {
                token: Secret::new("tok-1"),
            },
            ..HookInput::default()
        }
    }

    fn any_store(_: &StoreId) -> bool {
        true
    }

    fn field_of(i: &HookInput) -> Option<String> {
        i.validate(&any_store)
            .unwrap_err()
            .field()
            .map(str::to_string)
    }

    #[test]
    fn a_complete_input_validates_with_defaults() {
        let h = base().validate(&any_store).unwrap();
        assert_eq!(h.retry_preset, RetryPreset::Standard);
        assert_eq!(h.timeout_ms.get(), 15_000);
        assert_eq!(h.app_type, Some(AppType::Pos));
        assert_eq!(h.stores, StoreScope::All);
    }

    #[test]
    fn each_rule_names_its_field() {
        let mut i = base();
        i.events.clear();
        assert_eq!(field_of(&i).as_deref(), Some("events"));
        i.events = vec!["order-served".into()];
        assert_eq!(
            field_of(&i).as_deref(),
            Some("events"),
            "order-served is not for pos"
        );
        let msg = i.validate(&any_store).unwrap_err().message();
        assert!(msg.contains("order-served"), "{msg}");
        i.events = vec!["nope".into()];
        assert_eq!(field_of(&i).as_deref(), Some("events"));
        let mut i = base();
        i.app_type = None;
        assert_eq!(field_of(&i).as_deref(), Some("appType"));
        let mut i = base();
        i.events = vec!["ach.settled".into()];
        assert_eq!(field_of(&i).as_deref(), Some("appType"));
        i.app_type = None;
        assert!(i.validate(&any_store).is_ok());
        let mut i = base();
        i.all_stores = false;
        assert_eq!(field_of(&i).as_deref(), Some("stores"));
        i.stores = vec!["store-1".into()];
        assert_eq!(i.validate(&|_| false).unwrap_err().field(), Some("stores"));
        let mut i = base();
        i.retry_preset = Some("hourly".into());
        assert_eq!(field_of(&i).as_deref(), Some("retryPreset"));
        let mut i = base();
        i.timeout_ms = Some(999);
        assert_eq!(field_of(&i).as_deref(), Some("timeoutMs"));
        i.timeout_ms = Some(60_001);
        assert_eq!(field_of(&i).as_deref(), Some("timeoutMs"));
        let mut i = base();
        i.url = "http://pos.example.com/hook".into();
        assert_eq!(field_of(&i).as_deref(), Some("url"));
        i.allow_private_network = true;
        assert!(i.validate(&any_store).is_ok());
    }

    #[test]
    fn the_modal_json_shape_deserializes() {
        let json = r#"{"label":"L","url":"https://a.example/x","events":["ach.settled"],"allStores":true,
            "auth":{"kind":"basic","username":"u","password":"p"},
            "signature":{"kind":"x-signature","keySource":"source_key","key":"k"},
            "retryPreset":"usaepay","ordered":true,"timeoutMs":2000}"#;
        let i: HookInput = serde_json::from_str(json).unwrap();
        let h = i.validate(&any_store).unwrap();
        assert_eq!(h.retry_preset, RetryPreset::Usaepay);
        assert!(h.ordered);
        assert_eq!(h.signature.kind(), "x-signature");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn unknown_event_names_are_refused(name in "[a-z._-]{1,30}") {
            prop_assume!(EventType::parse("e", &name).is_err());
            let mut i = base();
            i.events.push(name);
            let field = field_of(&i);
            prop_assert_eq!(field.as_deref(), Some("events"));
        }

        #[test]
        fn timeouts_outside_the_range_are_refused(ms in prop_oneof![i64::MIN..1_000i64, 60_001i64..i64::MAX]) {
            prop_assert!(TimeoutMs::parse("timeoutMs", ms).is_err());
        }
    }
}

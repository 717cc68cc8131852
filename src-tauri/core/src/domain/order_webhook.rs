use serde::Deserialize;

use super::{HeaderName, HeaderValue, Secret, WebhookUrl};
use crate::Result;

/// One URL row of the Order webhook page: a URL with its YES/NO toggle. A URL with its toggle off sends
/// nothing; a row set to YES must have a URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UrlToggle {
    pub url: Option<WebhookUrl>,
    pub enabled: bool,
}

impl UrlToggle {
    /// Where to send, when this row sends at all.
    pub fn target(&self) -> Option<&WebhookUrl> {
        self.url.as_ref().filter(|_| self.enabled)
    }
}

/// The Integration Hub order-webhook page of one store (docs/architecture.md, Stores, hooks and routing).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderWebhookSettings {
    /// The header is sent only when it has a name; its value may be empty.
    pub header_name: Option<HeaderName>,
    pub header_value: Option<Secret>,
    pub open: UrlToggle,
    pub update: UrlToggle,
    pub close: UrlToggle,
    pub third_party_active: bool,
    /// LAN targets (and plain http), as for hooks; turning it on needs the same fresh two-factor check.
    pub allow_private_network: bool,
}

/// A change to one URL row; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(optional_fields)]
pub struct UrlTogglePatch {
    /// `""` clears the URL. The masked URL shown by `get` is accepted and keeps the stored one, so a form
    /// can send back what it displayed without knowing the secret query.
    pub url: Option<String>,
    pub enabled: Option<bool>,
}

/// A change to the page; absent fields stay as they are. Secrets are write-only: they can be replaced
/// or cleared, never read back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(optional_fields)]
pub struct OrderWebhooksPatch {
    /// `""` removes the request header (name and value).
    pub header_name: Option<String>,
    pub header_value: Option<Secret>,
    pub open: Option<UrlTogglePatch>,
    pub update: Option<UrlTogglePatch>,
    pub close: Option<UrlTogglePatch>,
    pub third_party_active: Option<bool>,
    pub allow_private_network: Option<bool>,
}

impl OrderWebhookSettings {
    /// The settings after `patch`, every changed field validated; `self` is untouched on error.
    pub fn apply(&self, patch: &OrderWebhooksPatch) -> Result<OrderWebhookSettings> {
        let mut next = self.clone();
        if let Some(name) = &patch.header_name {
            if name.trim().is_empty() {
                next.header_name = None;
                next.header_value = None;
            } else {
                next.header_name = Some(HeaderName::parse("headerName", name)?);
            }
        }
        // `""` clears the value: the page's Clear button.
        if let Some(value) = &patch.header_value {
            let v = HeaderValue::parse("headerValue", value.expose())?.into_secret();
            next.header_value = (!v.is_empty()).then_some(v);
        }
        next.open = apply_row("open.url", &self.open, patch.open.as_ref())?;
        next.update = apply_row("update.url", &self.update, patch.update.as_ref())?;
        next.close = apply_row("close.url", &self.close, patch.close.as_ref())?;
        if let Some(t) = patch.third_party_active {
            next.third_party_active = t;
        }
        if let Some(a) = patch.allow_private_network {
            next.allow_private_network = a;
        }
        for (field, row) in [
            ("open.url", &next.open),
            ("update.url", &next.update),
            ("close.url", &next.close),
        ] {
            match &row.url {
                Some(url) => url.check_target(field, next.allow_private_network)?,
                // A YES that sends nothing would look like a working row.
                None if row.enabled => {
                    return Err(crate::Error::invalid(
                        field,
                        "enter the URL to send to, or choose NO",
                    ))
                }
                None => {}
            }
        }
        if next.header_name.is_none() && next.header_value.is_some() {
            return Err(crate::Error::invalid(
                "headerName",
                "enter the API Key (header name) this value is sent under, or clear the value",
            ));
        }
        Ok(next)
    }
}

fn apply_row(
    field: &str,
    current: &UrlToggle,
    patch: Option<&UrlTogglePatch>,
) -> Result<UrlToggle> {
    let Some(patch) = patch else {
        return Ok(current.clone());
    };
    let url = match patch.url.as_deref().map(str::trim) {
        None => current.url.clone(),
        Some("") => None,
        Some(s) if current.url.as_ref().is_some_and(|u| u.display() == s) => current.url.clone(),
        Some(s) => Some(WebhookUrl::parse(field, s)?),
    };
    Ok(UrlToggle {
        url,
        enabled: patch.enabled.unwrap_or(current.enabled),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn row(url: &str, enabled: bool) -> Option<UrlTogglePatch> {
        Some(UrlTogglePatch {
            url: Some(url.into()),
            enabled: Some(enabled),
        })
    }

    #[test]
    fn patches_change_only_what_they_name() {
        let s = OrderWebhookSettings::default()
            .apply(&OrderWebhooksPatch {
                header_name: Some("X-Partner-Key".into()),
                header_value: Some(Secret::new("v-1")),
                open: row("https://p.example/open?k=secret-query-1", true),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(
            s.open.target().unwrap().query().unwrap().expose(),
            "k=secret-query-1"
        );
        let masked = s.open.url.as_ref().unwrap().display();
        let s2 = s
            .apply(&OrderWebhooksPatch {
                open: Some(UrlTogglePatch {
                    url: Some(masked),
                    enabled: None,
                }),
                close: row("https://p.example/close", false),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(
            s2.open, s.open,
            "echoing the masked URL keeps the stored one"
        );
        assert_eq!(s2.header_value, s.header_value);
        assert!(
            s2.close.target().is_none(),
            "a URL with its toggle off sends nothing"
        );
        let cleared = s2
            .apply(&OrderWebhooksPatch {
                header_name: Some(" ".into()),
                ..Default::default()
            })
            .unwrap();
        assert!(cleared.header_name.is_none() && cleared.header_value.is_none());
    }

    #[test]
    fn bad_fields_are_named() {
        let s = OrderWebhookSettings::default();
        let e = |p: OrderWebhooksPatch| s.apply(&p).unwrap_err().field().map(str::to_string);
        assert_eq!(
            e(OrderWebhooksPatch {
                header_name: Some("Host".into()),
                ..Default::default()
            })
            .as_deref(),
            Some("headerName")
        );
        assert_eq!(
            e(OrderWebhooksPatch {
                header_value: Some(Secret::new("a\nb")),
                ..Default::default()
            })
            .as_deref(),
            Some("headerValue")
        );
        assert_eq!(
            e(OrderWebhooksPatch {
                update: row("ftp://x", true),
                ..Default::default()
            })
            .as_deref(),
            Some("update.url")
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn malformed_row_urls_never_become_settings(s in "[a-z]{1,8}:[^ ]{0,20}|https://[a-z]{1,8}@x.example/|https://x.example/#[a-z]{0,5}") {
            prop_assume!(WebhookUrl::parse("u", &s).is_err());
            let p = OrderWebhooksPatch { close: row(&s, true), ..Default::default() };
            prop_assert!(OrderWebhookSettings::default().apply(&p).is_err());
        }
    }
}

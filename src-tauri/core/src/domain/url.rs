use super::{mask, Secret};
use crate::{Error, Result};

const MAX_LEN: usize = 2048;

/// A receiver URL. The query string often carries an API key, so it is held apart as a [`Secret`]
/// (stored encrypted, shown masked); the rest is plain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl {
    /// Scheme, host, port and path: everything before `?`.
    base: String,
    query: Option<Secret>,
}

impl WebhookUrl {
    pub fn parse(field: &str, input: &str) -> Result<WebhookUrl> {
        let s = input.trim();
        if s.is_empty() {
            return Err(Error::invalid(field, "a URL is required"));
        }
        if s.len() > MAX_LEN {
            return Err(Error::invalid(
                field,
                "a URL may have at most 2048 characters",
            ));
        }
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Error::invalid(
                field,
                "a URL may not contain spaces or control characters",
            ));
        }
        if s.contains('#') {
            return Err(Error::invalid(
                field,
                "a URL may not have a #fragment: receivers never see it",
            ));
        }
        // The URL parser is lenient (WHATWG): it turns `https:///x` into host `x` and `\\` into `/`.
        // What the user typed must already have the shape they will see.
        if s.contains('\\') {
            return Err(Error::invalid(field, "a URL may not contain backslashes"));
        }
        let lower = s.to_ascii_lowercase();
        let rest = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"));
        match rest {
            None => {
                return Err(Error::invalid(
                    field,
                    "the URL must start with https:// or http://",
                ))
            }
            Some(r) if r.is_empty() || r.starts_with('/') || r.starts_with('?') => {
                return Err(Error::invalid(field, "the URL needs a host"))
            }
            Some(_) => {}
        }
        let url = url::Url::parse(s).map_err(|e| {
            Error::invalid(
                field,
                format!("not a valid URL ({e}); use https://host/path"),
            )
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Error::invalid(
                field,
                "the URL must start with https:// or http://",
            ));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(Error::invalid(field, "the URL needs a host"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::invalid(
                field,
                "put credentials in the authentication setting, not in the URL (user:password@)",
            ));
        }
        let query = url.query().filter(|q| !q.is_empty()).map(Secret::new);
        let mut base = url.clone();
        base.set_query(None);
        Ok(WebhookUrl {
            base: base.to_string(),
            query,
        })
    }

    /// Rebuilds a URL from its stored parts, re-checking them so a damaged row cannot become a value.
    pub fn from_parts(field: &str, base: &str, query: Option<Secret>) -> Result<WebhookUrl> {
        let parsed = WebhookUrl::parse(field, base)?;
        if parsed.query.is_some() {
            return Err(Error::invalid(
                field,
                "the stored URL base unexpectedly has a query",
            ));
        }
        Ok(WebhookUrl {
            base: parsed.base,
            query: query.filter(|q| !q.is_empty()),
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// The save-time target check (`domain::address`): https unless private networks are allowed, and no
    /// literal special address (loopback, private, metadata… in any spelling) unless they are.
    pub fn check_target(&self, field: &str, allow_private: bool) -> Result<()> {
        let url = url::Url::parse(&self.base)
            .map_err(|_| Error::invalid(field, "not a valid URL; use https://host/path"))?;
        super::address::check_url_target(&url, allow_private).map_err(|e| match e {
            Error::Invalid { message, .. } => Error::invalid(field, message),
            other => other,
        })
    }

    pub fn query(&self) -> Option<&Secret> {
        self.query.as_ref()
    }

    pub fn scheme(&self) -> &str {
        self.base.split(':').next().unwrap_or("")
    }

    /// The URL for display: the query masked.
    pub fn display(&self) -> String {
        match &self.query {
            Some(q) => format!("{}?{}", self.base, mask(q.expose())),
            None => self.base.clone(),
        }
    }

    /// The full URL, query included, for the one place that sends the request.
    pub fn expose_full(&self) -> String {
        match &self.query {
            Some(q) => format!("{}?{}", self.base, q.expose()),
            None => self.base.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn splits_and_masks_the_query() {
        let u =
            WebhookUrl::parse("url", "https://hooks.example.com/in?key=canary-value-9876").unwrap();
        assert_eq!(u.base(), "https://hooks.example.com/in");
        assert_eq!(u.query().unwrap().expose(), "key=canary-value-9876");
        assert_eq!(u.display(), "https://hooks.example.com/in?••••9876");
        assert_eq!(
            u.expose_full(),
            "https://hooks.example.com/in?key=canary-value-9876"
        );
        assert!(!format!("{u:?}").contains("canary"));
        let plain = WebhookUrl::parse("url", "http://10.0.0.5:8080").unwrap();
        assert_eq!(plain.display(), "http://10.0.0.5:8080/");
        assert_eq!(plain.scheme(), "http");
        assert!(plain.query().is_none());
        let round = WebhookUrl::from_parts("url", u.base(), u.query().cloned()).unwrap();
        assert_eq!(round, u);
    }

    #[test]
    fn refuses_what_the_rules_refuse() {
        for bad in [
            "",
            "   ",
            "ftp://example.com/x",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "https://user:pw@example.com/",
            "https://user@example.com/",
            "https://example.com/#frag",
            "https://example.com/a b",
            "https://exa\u{0}mple.com/",
            "https:///nohost",
            "https:\\\\evil.example/",
            "https://?q=1",
            "example.com/path",
            "mailto:a@b.c",
        ] {
            assert_eq!(
                WebhookUrl::parse("url", bad).unwrap_err().field(),
                Some("url"),
                "{bad:?}"
            );
        }
        let long = format!("https://example.com/{}", "a".repeat(2100));
        assert!(WebhookUrl::parse("url", &long).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn other_schemes_are_refused(scheme in "[a-z][a-z0-9+.-]{0,10}", rest in "[a-z0-9./?=&]{0,40}") {
            prop_assume!(scheme != "http" && scheme != "https");
            let s = format!("{scheme}://example.com/{rest}");
            prop_assert!(WebhookUrl::parse("url", &s).is_err());
        }

        #[test]
        fn whitespace_or_control_inside_is_refused(
            path in "[a-z0-9/]{0,30}",
            bad in "[ \t\n\r\u{0}-\u{1f}\u{7f}\u{85}\u{a0}\u{2028}]",
            tail in "[a-z0-9]{1,10}",
        ) {
            let s = format!("https://example.com/{path}{bad}{tail}");
            prop_assert!(WebhookUrl::parse("url", &s).is_err());
        }

        #[test]
        fn userinfo_and_fragments_are_refused(user in "[a-z0-9]{1,12}", frag in "[a-z0-9]{0,12}") {
            for s in [
                format!("https://{user}@example.com/"),
                format!("https://{user}:{frag}@example.com/"),
                format!("https://example.com/{user}#{frag}"),
            ] {
                prop_assert!(WebhookUrl::parse("url", &s).is_err());
            }
        }

        #[test]
        fn arbitrary_strings_never_panic_and_valid_ones_round_trip(s in "\\PC{0,80}") {
            if let Ok(u) = WebhookUrl::parse("url", &s) {
                prop_assert!(u.scheme() == "http" || u.scheme() == "https");
                let again = WebhookUrl::parse("url", &u.expose_full()).unwrap();
                prop_assert_eq!(again, u);
            }
        }
    }
}

use serde::Serialize;

use super::Secret;
use crate::{Error, Result};

/// Headers Hookdesk sets itself or that framing depends on; letting a user set them would corrupt the
/// request or impersonate another mechanism (Authorization belongs to the hook's auth setting).
const RESERVED: &[&str] = &[
    "host",
    "content-length",
    "content-type",
    "transfer-encoding",
    "connection",
    "user-agent",
    "authorization",
    "x-signature",
];

const MAX_NAME: usize = 128;
const MAX_VALUE: usize = 4096;

/// An HTTP header name a user may configure: an RFC 9110 token, not one Hookdesk sets itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct HeaderName(String);

impl HeaderName {
    pub fn parse(field: &str, s: &str) -> Result<HeaderName> {
        let s = s.trim();
        if s.is_empty() {
            return Err(Error::invalid(field, "a header name is required"));
        }
        if s.len() > MAX_NAME {
            return Err(Error::invalid(
                field,
                "a header name may have at most 128 characters",
            ));
        }
        if !s.bytes().all(is_tchar) {
            return Err(Error::invalid(
                field,
                "a header name may contain only letters, digits and ! # $ % & ' * + - . ^ _ ` | ~",
            ));
        }
        let lower = s.to_ascii_lowercase();
        if RESERVED.contains(&lower.as_str()) {
            return Err(Error::invalid(
                field,
                format!("{s} is set by Hookdesk and cannot be configured"),
            ));
        }
        // Standard Webhooks owns the whole webhook-* namespace (id, timestamp, signature).
        if lower.starts_with("webhook-") {
            return Err(Error::invalid(
                field,
                "webhook-* headers are reserved for Standard Webhooks signatures",
            ));
        }
        Ok(HeaderName(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// A header value: visible ASCII, space and tab only, so it can never smuggle a second header line.
/// Header values carry credentials, so the value itself is kept as a [`Secret`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderValue(Secret);

impl HeaderValue {
    pub fn parse(field: &str, s: &str) -> Result<HeaderValue> {
        check_header_value(field, s)?;
        Ok(HeaderValue(Secret::new(s)))
    }

    pub fn into_secret(self) -> Secret {
        self.0
    }

    pub fn as_secret(&self) -> &Secret {
        &self.0
    }
}

/// Shared by every credential that ends up in a header (bearer token, basic password, header value).
pub fn check_header_value(field: &str, s: &str) -> Result<()> {
    if s.len() > MAX_VALUE {
        return Err(Error::invalid(
            field,
            "a header value may have at most 4096 characters",
        ));
    }
    if !s.bytes().all(|b| b == b'\t' || (b' '..=b'~').contains(&b)) {
        return Err(Error::invalid(
            field,
            "a header value may contain only printable ASCII characters, spaces and tabs",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_ordinary_names_and_refuses_reserved_ones() {
        assert_eq!(
            HeaderName::parse("n", " X-Api-Key ").unwrap().as_str(),
            "X-Api-Key"
        );
        for bad in [
            "Host",
            "content-LENGTH",
            "Content-Type",
            "transfer-encoding",
            "CONNECTION",
            "User-Agent",
            "authorization",
            "X-Signature",
            "webhook-id",
            "Webhook-Anything",
        ] {
            assert_eq!(
                HeaderName::parse("auth.name", bad).unwrap_err().field(),
                Some("auth.name"),
                "{bad}"
            );
        }
        for bad in ["", "a b", "a:b", "é", "a\r\nb", "(x)", &"a".repeat(129)] {
            assert!(HeaderName::parse("n", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn values_refuse_line_breaks_and_nul() {
        assert!(HeaderValue::parse("v", "Token abc\t=1").is_ok());
        assert!(HeaderValue::parse("v", "").is_ok());
        for bad in ["a\r\nX-Evil: 1", "a\nb", "a\0b", "é", &"a".repeat(4097)] {
            assert_eq!(HeaderValue::parse("v", bad).unwrap_err().field(), Some("v"));
        }
        assert_eq!(
            format!("{:?}", HeaderValue::parse("v", "canary").unwrap()),
            "HeaderValue(Secret(***))"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn names_with_a_non_token_byte_are_refused(
            a in "[A-Za-z0-9-]{0,20}",
            bad in "[ \"(),/:;<=>?@\\[\\\\\\]{}\u{0}-\u{1f}\u{7f}-\u{10ffff}]",
            b in "[A-Za-z0-9-]{0,20}",
        ) {
            // Framed by token bytes so trimming (done on purpose) cannot remove the bad one.
            let s = format!("x{a}{bad}{b}x");
            prop_assert!(HeaderName::parse("n", &s).is_err());
        }

        #[test]
        fn webhook_prefixed_names_are_refused(tail in "[A-Za-z0-9-]{1,30}", upper in any::<bool>()) {
            let s = if upper { format!("WEBHOOK-{tail}") } else { format!("webhook-{tail}") };
            prop_assert!(HeaderName::parse("n", &s).is_err());
        }

        #[test]
        fn values_with_control_bytes_are_refused(
            a in "[ -~]{0,40}",
            bad in "[\u{0}-\u{8}\u{a}-\u{1f}\u{7f}-\u{10ffff}]",
            b in "[ -~]{0,40}",
        ) {
            let s = format!("{a}{bad}{b}");
            prop_assert!(HeaderValue::parse("v", &s).is_err());
        }

        #[test]
        fn printable_values_are_kept_verbatim(v in "[ -~\t]{0,200}") {
            let parsed = HeaderValue::parse("v", &v).unwrap();
            prop_assert_eq!(parsed.as_secret().expose(), v.as_str());
        }
    }
}

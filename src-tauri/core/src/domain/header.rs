use serde::Serialize;

use crate::{Error, Result};

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
        if s.len() > 128 {
            return Err(Error::invalid(field, "a header name may have at most 128 characters"));
        }
        if !s.bytes().all(is_tchar) {
            return Err(Error::invalid(
                field,
                "a header name may contain only letters, digits and ! # $ % & ' * + - . ^ _ ` | ~",
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

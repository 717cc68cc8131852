use base64::Engine;
use serde::{Deserialize, Serialize};

use super::header::check_header_value;
use super::{HeaderName, HeaderValue, Secret};
use crate::{Error, Result};

use super::generated::{generate_signature_key, generate_whsec};

/// How a hook authenticates itself to its receiver (docs/wire-formats.md, Authentication).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookAuth {
    None,
    /// A custom header: `<name>: <value>`.
    Header {
        name: HeaderName,
        value: Secret,
    },
    /// `Authorization: Bearer <token>`.
    Bearer {
        token: Secret,
    },
    /// `Authorization: <value>` verbatim.
    Authorization {
        value: Secret,
    },
    /// `Authorization: Basic base64(username:password)`.
    Basic {
        username: String,
        password: Secret,
    },
}

/// Which key an X-Signature is made with (docs/wire-formats.md, Signatures).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum KeySource {
    SourceKey,
    SignatureKey,
}

/// How a hook proves its origin (docs/wire-formats.md, Signatures).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookSignature {
    None,
    XSignature {
        key_source: KeySource,
        key: Secret,
    },
    /// Standard Webhooks v1 with a `whsec_` secret.
    Standard {
        secret: Secret,
    },
}

impl HookAuth {
    pub fn kind(&self) -> &'static str {
        match self {
            HookAuth::None => "none",
            HookAuth::Header { .. } => "header",
            HookAuth::Bearer { .. } => "bearer",
            HookAuth::Authorization { .. } => "authorization",
            HookAuth::Basic { .. } => "basic",
        }
    }
}

impl HookSignature {
    pub fn kind(&self) -> &'static str {
        match self {
            HookSignature::None => "none",
            HookSignature::XSignature { .. } => "x-signature",
            HookSignature::Standard { .. } => "standard",
        }
    }

    /// The key the receiver verifies with, if the hook signs at all.
    pub fn secret(&self) -> Option<&Secret> {
        match self {
            HookSignature::None => None,
            HookSignature::XSignature { key, .. } => Some(key),
            HookSignature::Standard { secret } => Some(secret),
        }
    }
}

/// A Standard Webhooks secret being replaced: requests are signed with it too, beside the current one,
/// until `until_ms`, so a receiver can switch at its own pace (docs/wire-formats.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousSecret {
    pub secret: Secret,
    pub until_ms: i64,
}

impl PreviousSecret {
    /// The previous secret still signs at `now_ms`.
    pub fn active_at(&self, now_ms: i64) -> bool {
        now_ms < self.until_ms
    }
}

impl KeySource {
    pub fn as_str(self) -> &'static str {
        match self {
            KeySource::SourceKey => "source_key",
            KeySource::SignatureKey => "signature_key",
        }
    }

    pub fn parse(field: &str, s: &str) -> crate::Result<KeySource> {
        match s {
            "source_key" => Ok(KeySource::SourceKey),
            "signature_key" => Ok(KeySource::SignatureKey),
            _ => Err(crate::Error::invalid(
                field,
                "must be source_key or signature_key",
            )),
        }
    }
}

/// Authentication as typed by a user; [`AuthInput::validate`] turns it into a [`HookAuth`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum AuthInput {
    #[default]
    None,
    Header {
        name: String,
        value: Secret,
    },
    Bearer {
        token: Secret,
    },
    Authorization {
        value: Secret,
    },
    Basic {
        username: String,
        password: Secret,
    },
}

impl AuthInput {
    pub fn validate(&self) -> Result<HookAuth> {
        Ok(match self {
            AuthInput::None => HookAuth::None,
            AuthInput::Header { name, value } => HookAuth::Header {
                name: HeaderName::parse("auth.name", name)?,
                value: required_header_value("auth.value", value)?,
            },
            AuthInput::Bearer { token } => HookAuth::Bearer {
                token: required_header_value("auth.token", token)?,
            },
            AuthInput::Authorization { value } => HookAuth::Authorization {
                value: required_header_value("auth.value", value)?,
            },
            AuthInput::Basic { username, password } => {
                let username = username.trim();
                if username.is_empty() {
                    return Err(Error::invalid("auth.username", "a user name is required"));
                }
                // RFC 7617: the user-id cannot contain a colon, it separates it from the password.
                if username.contains(':') {
                    return Err(Error::invalid(
                        "auth.username",
                        "a user name may not contain ':'",
                    ));
                }
                check_header_value("auth.username", username)?;
                HookAuth::Basic {
                    username: username.to_string(),
                    password: required_header_value("auth.password", password)?,
                }
            }
        })
    }
}

fn required_header_value(field: &str, v: &Secret) -> Result<Secret> {
    if v.expose().trim().is_empty() {
        return Err(Error::invalid(field, "required"));
    }
    Ok(HeaderValue::parse(field, v.expose())?.into_secret())
}

/// A signature setting as typed by a user. A missing Standard Webhooks secret, or a missing merchant
/// signature key, is generated; the merchant's source key is theirs and cannot be.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum SignatureInput {
    #[default]
    #[serde(rename = "none")]
    None,
    #[serde(rename = "x-signature", rename_all = "camelCase")]
    XSignature { key_source: KeySource, key: Secret },
    #[serde(rename = "standard")]
    Standard {
        #[serde(default)]
        #[ts(optional)]
        secret: Option<Secret>,
    },
}

impl SignatureInput {
    pub fn validate(&self) -> Result<HookSignature> {
        Ok(match self {
            SignatureInput::None => HookSignature::None,
            SignatureInput::XSignature {
                key_source: KeySource::SignatureKey,
                key,
            } if key.expose().is_empty() => HookSignature::XSignature {
                key_source: KeySource::SignatureKey,
                key: generate_signature_key(),
            },
            SignatureInput::XSignature { key_source, key } => {
                if key.expose().is_empty() {
                    return Err(Error::invalid(
                        "signature.key",
                        "enter the merchant's source key",
                    ));
                }
                if key.expose().len() > 4096 || key.expose().chars().any(char::is_control) {
                    return Err(Error::invalid(
                        "signature.key",
                        "a signing key has at most 4096 characters and no control characters",
                    ));
                }
                HookSignature::XSignature {
                    key_source: *key_source,
                    key: key.clone(),
                }
            }
            SignatureInput::Standard { secret: Some(s) } if !s.expose().is_empty() => {
                check_whsec("signature.secret", s.expose())?;
                HookSignature::Standard { secret: s.clone() }
            }
            SignatureInput::Standard { .. } => HookSignature::Standard {
                secret: generate_whsec(),
            },
        })
    }

    /// Validating this input makes up a secret, which its creator must be shown once.
    pub fn generates_secret(&self) -> bool {
        match self {
            SignatureInput::None => false,
            SignatureInput::XSignature { key_source, key } => {
                *key_source == KeySource::SignatureKey && key.expose().is_empty()
            }
            SignatureInput::Standard { secret } => secret.as_ref().is_none_or(Secret::is_empty),
        }
    }
}

/// Receivers base64-decode what follows `whsec_`; a secret they cannot decode would fail every delivery.
pub fn check_whsec(field: &str, s: &str) -> Result<()> {
    let body = s
        .strip_prefix("whsec_")
        .ok_or_else(|| Error::invalid(field, "a Standard Webhooks secret starts with whsec_"))?;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(body)
        .map_err(|_| Error::invalid(field, "after whsec_ the secret must be base64"))?;
    if !(24..=64).contains(&raw.len()) {
        return Err(Error::invalid(
            field,
            "the secret must decode to 24 to 64 bytes",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn auth_inputs_deserialize_by_kind_and_validate_each_field() {
        let a: AuthInput = serde_json::from_str(r#"{"kind":"bearer","token":"tok-123"}"#).unwrap();
        assert_eq!(a.validate().unwrap().kind(), "bearer");
        assert!(!format!("{a:?}").contains("tok-123"));
        let cases = [
            (
                r#"{"kind":"header","name":"Host","value":"v"}"#,
                "auth.name",
            ),
            (
                r#"{"kind":"header","name":"X-Key","value":""}"#,
                "auth.value",
            ),
            (
                r#"{"kind":"header","name":"X-Key","value":"a\r\nb"}"#,
                "auth.value",
            ),
            (r#"{"kind":"bearer","token":"  "}"#, "auth.token"),
            (
                r#"{"kind":"authorization","value":"x\u0000"}"#,
                "auth.value",
            ),
            (
                r#"{"kind":"basic","username":"a:b","password":"p"}"#,
                "auth.username",
            ),
            (
                r#"{"kind":"basic","username":"ann","password":""}"#,
                "auth.password",
            ),
        ];
        for (json, field) in cases {
            let a: AuthInput = serde_json::from_str(json).unwrap();
            assert_eq!(a.validate().unwrap_err().field(), Some(field), "{json}");
        }
    }

    #[test]
    fn standard_signature_secret_is_generated_or_checked() {
        let s: SignatureInput = serde_json::from_str(r#"{"kind":"standard"}"#).unwrap();
        let HookSignature::Standard { secret } = s.validate().unwrap() else {
            panic!("standard expected")
        };
        assert!(secret.expose().starts_with("whsec_"));
        check_whsec("s", secret.expose()).unwrap();
        check_whsec("s", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        assert_ne!(generate_whsec(), generate_whsec());
        for bad in [
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whsec_!!!",
            "whsec_c2hvcnQ=",
        ] {
            assert_eq!(
                check_whsec("signature.secret", bad).unwrap_err().field(),
                Some("signature.secret")
            );
        }
        assert!(s.generates_secret());
        let x: SignatureInput =
            serde_json::from_str(r#"{"kind":"x-signature","keySource":"source_key","key":""}"#)
                .unwrap();
        assert!(!x.generates_secret());
        assert_eq!(x.validate().unwrap_err().field(), Some("signature.key"));
        let x: SignatureInput =
            serde_json::from_str(r#"{"kind":"x-signature","keySource":"signature_key","key":""}"#)
                .unwrap();
        assert!(x.generates_secret());
        let HookSignature::XSignature { key, .. } = x.validate().unwrap() else {
            panic!("x-signature expected")
        };
        assert_eq!(key.expose().len(), 64);
        let typed: SignatureInput = serde_json::from_str(
            r#"{"kind":"standard","secret":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}"#,
        )
        .unwrap();
        assert!(!typed.generates_secret());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn tokens_with_line_breaks_are_refused(a in "[ -~]{0,30}", nl in "[\r\n\u{0}]", b in "[ -~]{0,30}") {
            let input = AuthInput::Bearer { token: Secret::new(format!("x{a}{nl}{b}")) };
            let refused = input.validate().is_err();
            prop_assert!(refused);
        }
    }
}

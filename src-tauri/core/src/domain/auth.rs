use serde::Serialize;

use super::{HeaderName, Secret};

/// How a hook authenticates itself to its receiver (DESIGN §2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookAuth {
    None,
    /// 000: `<name>: <value>`.
    Header { name: HeaderName, value: Secret },
    /// 001: `Authorization: Bearer <token>`.
    Bearer { token: Secret },
    /// 002: `Authorization: <value>` verbatim.
    Authorization { value: Secret },
    /// 003: `Authorization: Basic base64(username:password)`.
    Basic { username: String, password: Secret },
}

/// Which key an X-Signature is made with (seed 003).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeySource {
    SourceKey,
    SignatureKey,
}

/// How a hook proves its origin (DESIGN §2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookSignature {
    None,
    XSignature { key_source: KeySource, key: Secret },
    /// Standard Webhooks v1 with a `whsec_` secret.
    Standard { secret: Secret },
}

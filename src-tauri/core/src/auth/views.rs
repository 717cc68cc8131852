//! What the auth operations hand back to the front ends.

use serde::ser::SerializeStruct;
use serde::Serialize;

use super::Role;
use crate::domain::Secret;
use crate::store::sessions::SessionRow;
use crate::store::users::UserRow;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub totp_enrolled: bool,
    /// Only while a lockout is running.
    pub locked_until_ms: Option<i64>,
    pub created_at_ms: i64,
    /// A disabled user cannot sign in.
    pub disabled: bool,
}

impl UserView {
    pub fn from_row(row: &UserRow, now_ms: i64) -> UserView {
        UserView {
            id: row.id,
            name: row.name.clone(),
            role: row.role,
            totp_enrolled: row.totp_confirmed,
            locked_until_ms: row.locked_until.filter(|&t| t > now_ms),
            created_at_ms: row.created_at,
            disabled: row.disabled_at.is_some(),
        }
    }
}

/// A signed-in (not yet unlocked) session. The token is shown to the client once; only its hash is kept.
#[derive(Debug)]
pub struct SignIn {
    pub token: Secret,
    pub user: UserView,
}

/// What an authenticator app needs. Shown during enrollment only; it is the one place the secret leaves
/// the core, so serialising it exposes the values on purpose.
#[derive(Debug)]
pub struct Enrollment {
    pub secret_base32: Secret,
    pub otpauth_url: Secret,
    pub qr_png_base64: String,
}

impl Serialize for Enrollment {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Enrollment", 3)?;
        st.serialize_field("secretBase32", self.secret_base32.expose())?;
        st.serialize_field("otpauthUrl", self.otpauth_url.expose())?;
        st.serialize_field("qrPngBase64", &self.qr_png_base64)?;
        st.end()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnlockInfo {
    /// When the unlock ends if the session stays idle.
    pub expires_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    pub user: UserView,
    pub unlocked: bool,
    pub totp_enrolled: bool,
    pub idle_expires_at_ms: Option<i64>,
}

/// One of the signed-in user's own sessions. `id` is a prefix of the token's hash: enough to tell
/// sessions apart, useless for signing in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    pub id: String,
    pub created_at_ms: i64,
    pub last_seen_ms: i64,
    pub unlocked: bool,
    /// The session asking.
    pub current: bool,
}

impl SessionView {
    pub fn from_row(row: &SessionRow, current_hash: &str) -> SessionView {
        SessionView {
            id: row.token_hash.chars().take(12).collect(),
            created_at_ms: row.created_at,
            last_seen_ms: row.last_seen,
            unlocked: row.unlocked_at.is_some(),
            current: row.token_hash == current_hash,
        }
    }
}

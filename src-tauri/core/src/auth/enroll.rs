//! Two-factor enrollment: a pending secret, a confirming code, then recovery codes shown once.

use crate::store::Conn;
use serde_json::json;

use super::codes::{self, Accept};
use super::recovery;
use super::session::{mark_unlocked, signed_in_user};
use super::totp;
use super::views::Enrollment;
use crate::crypto;
use crate::domain::Secret;
use crate::store::audit;
use crate::store::users::{self, UserRow};
use crate::{Ctx, Error, Result};

/// Returns the user's pending secret, creating one when there is none. Calling it again before the
/// confirmation shows the same key, so a QR code already scanned stays valid.
pub(crate) fn pending_enrollment(ctx: &Ctx, conn: &Conn, user: &UserRow) -> Result<Enrollment> {
    if user.totp_confirmed {
        return Err(Error::Conflict(
            "two-factor sign-in is already set up for this user".into(),
        ));
    }
    let secret = match codes::totp_secret(ctx, user)? {
        Some(s) => s,
        None => {
            let s = totp::new_secret();
            let sealed = crypto::seal(&ctx.key, "users", "totp_secret", &user.id.to_string(), &s);
            users::set_totp_secret(conn, user.id, &sealed)?;
            s
        }
    };
    let p = totp::provisioning(&secret, &user.name)?;
    Ok(Enrollment {
        secret_base32: Secret::new(p.secret_base32),
        otpauth_url: Secret::new(p.otpauth_url),
        qr_png_base64: p.qr_png_base64,
    })
}

/// For a signed-in user without confirmed two-factor.
pub fn begin_enrollment(ctx: &Ctx, token: &str) -> Result<Enrollment> {
    let conn = ctx.db.conn();
    let user = signed_in_user(&conn, token, ctx.now_ms())?;
    pending_enrollment(ctx, &conn, &user)
}

/// Confirms with a code from the app, returns the recovery codes (shown once) and unlocks the session.
pub fn confirm_enrollment_for_token(ctx: &Ctx, token: &str, code: &str) -> Result<Vec<String>> {
    let now = ctx.now_ms();
    let conn = ctx.db.conn();
    let user = signed_in_user(&conn, token, now)?;
    let codes = confirm(ctx, &conn, &user, code)?;
    mark_unlocked(&conn, token, now)?;
    Ok(codes)
}

/// The CLI path (`hookdesk 2fa confirm --user NAME --code CODE`): the code itself is the proof.
pub fn confirm_enrollment_for_user(ctx: &Ctx, name: &str, code: &str) -> Result<Vec<String>> {
    let conn = ctx.db.conn();
    let user = users::by_name(&conn, name)?
        .ok_or_else(|| Error::NotFound(format!("user {}", name.trim())))?;
    confirm(ctx, &conn, &user, code)
}

fn confirm(ctx: &Ctx, conn: &Conn, user: &UserRow, code: &str) -> Result<Vec<String>> {
    if user.totp_confirmed {
        return Err(Error::Conflict(
            "two-factor sign-in is already set up for this user".into(),
        ));
    }
    if user.totp_secret.is_none() {
        return Err(Error::EnrollmentRequired);
    }
    codes::check(ctx, conn, user, code, Accept::TotpOnly)?;
    let plain = recovery::generate();
    let hashed: Vec<(Vec<u8>, Vec<u8>)> = plain.iter().map(|c| recovery::hash(c)).collect();
    let tx = conn.transaction_deferred()?;
    users::confirm_totp(&tx, user.id)?;
    users::replace_recovery_codes(&tx, user.id, &hashed)?;
    audit::record(
        &tx,
        ctx.now_ms(),
        Some(&user.name),
        "user.enroll",
        &user.name,
        &json!({}),
    )?;
    tx.commit()?;
    Ok(plain)
}

//! Checking a two-factor code: lockout, replay protection, recovery codes and the failure count.

use crate::store::Conn;
use serde_json::json;

use super::recovery;
use super::totp::{self, CodeMatch};
use crate::clock::rfc3339;
use crate::crypto;
use crate::store::audit;
use crate::store::users::{self, LockoutPolicy, UserRow};
use crate::{Ctx, Error, Result};

/// 5 wrong codes lock for 5 minutes; each further lockout doubles, up to an hour.
pub const LOCKOUT: LockoutPolicy = LockoutPolicy {
    max_failures: 5,
    first_ms: 5 * 60_000,
    max_ms: 60 * 60_000,
};

/// Whether a recovery code may stand in for a TOTP code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accept {
    TotpOnly,
    TotpOrRecovery,
}

/// Which kind of code was accepted, for the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Totp,
    Recovery,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Totp => "totp",
            Method::Recovery => "recovery_code",
        }
    }
}

/// The decrypted TOTP secret of a user (pending or confirmed).
pub fn totp_secret(ctx: &Ctx, user: &UserRow) -> Result<Option<Vec<u8>>> {
    match &user.totp_secret {
        Some(blob) => Ok(Some(crypto::open(
            &ctx.key,
            "users",
            "totp_secret",
            &user.id.to_string(),
            blob,
        )?)),
        None => Ok(None),
    }
}

/// Accepts `code` for `user` or says why not. Wrong codes (and recovery-code guesses) count towards the
/// lockout; a replayed or malformed code does not, since it is no guess.
pub fn check(ctx: &Ctx, conn: &Conn, user: &UserRow, code: &str, accept: Accept) -> Result<Method> {
    let now = ctx.now_ms();
    if let Some(until) = user.locked_until.filter(|&t| t > now) {
        return Err(Error::LockedOut {
            until: rfc3339(until),
        });
    }
    let secret = totp_secret(ctx, user)?.ok_or(Error::EnrollmentRequired)?;
    let typed: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.len() == usize::from(totp::DIGITS) && typed.bytes().all(|b| b.is_ascii_digit()) {
        return match totp::match_code(&secret, &typed, ctx.clock.now_secs())? {
            CodeMatch::Step(step) => {
                if users::claim_totp_step(conn, user.id, step)? {
                    users::record_success(conn, user.id)?;
                    Ok(Method::Totp)
                } else {
                    Err(Error::invalid("code", "this code was already used: wait for the next one"))
                }
            }
            CodeMatch::ClockSkew => Err(failed(
                conn,
                user,
                now,
                "this code belongs to a different time: check that this computer's clock and your phone's \
                 clock are set correctly",
            )?),
            CodeMatch::Wrong => Err(failed(conn, user, now, "wrong code")?),
        };
    }
    let normalized = match (accept, recovery::normalize(&typed)) {
        (Accept::TotpOrRecovery, Some(n)) => n,
        (Accept::TotpOrRecovery, None) => {
            return Err(Error::invalid(
                "code",
                "enter the 6-digit code from your authenticator app or a recovery code",
            ))
        }
        (Accept::TotpOnly, _) => {
            return Err(Error::invalid(
                "code",
                "enter the 6-digit code from your authenticator app",
            ))
        }
    };
    for row in users::unused_recovery_codes(conn, user.id)? {
        if recovery::matches(&normalized, &row.salt, &row.hash)
            && users::use_recovery_code(conn, row.id, now)?
        {
            users::record_success(conn, user.id)?;
            return Ok(Method::Recovery);
        }
    }
    Err(failed(
        conn,
        user,
        now,
        "wrong or already used recovery code",
    )?)
}

/// Counts the failure, logs it, and builds the error to return.
fn failed(conn: &Conn, user: &UserRow, now: i64, why: &str) -> Result<Error> {
    let f = users::record_failure(conn, user.id, now, LOCKOUT)?;
    audit::record(
        conn,
        now,
        Some(&user.name),
        "user.code_failed",
        &user.name,
        &json!({"reason": why}),
    )?;
    if let Some(until) = f.locked_until {
        audit::record(
            conn,
            now,
            Some(&user.name),
            "user.locked_out",
            &user.name,
            &json!({"until": rfc3339(until)}),
        )?;
        return Ok(Error::LockedOut {
            until: rfc3339(until),
        });
    }
    let left = LOCKOUT.max_failures - f.failed_attempts;
    Ok(Error::invalid(
        "code",
        format!("{why} ({left} more before a lockout)"),
    ))
}

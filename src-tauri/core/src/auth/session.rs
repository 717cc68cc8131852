//! Sign-in, unlock, lock and the per-command session check.

use crate::store::Conn;
use rand::RngCore;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::codes::{self, Accept};
use super::credentials::{burn_verify, verify_password, MAX_NAME_CHARS};
use super::views::{SessionInfo, SignIn, UnlockInfo, UserView};
use super::{Actor, Permission};
use crate::domain::Secret;
use crate::store::users::{self, UserRow};
use crate::store::{app_settings, audit, sessions};
use crate::{Ctx, Error, Result};

pub const IDLE_SETTING: &str = "unlock_idle_minutes";
pub const DEFAULT_IDLE_MINUTES: i64 = 15;
pub const MAX_IDLE_MINUTES: i64 = 480;
/// A signed-in but locked session nobody touches for this long is forgotten: sign in again.
pub const SESSION_IDLE_MS: i64 = 12 * 60 * 60_000;

/// 32 random bytes, hex.
fn new_token() -> Secret {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    Secret::new(hex::encode(bytes))
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

/// The unlock idle timeout in minutes (admin setting, default 15).
pub fn idle_minutes_conn(conn: &Conn) -> Result<i64> {
    Ok(app_settings::get(conn, IDLE_SETTING)?
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|m| (1..=MAX_IDLE_MINUTES).contains(m))
        .unwrap_or(DEFAULT_IDLE_MINUTES))
}

pub fn idle_minutes(ctx: &Ctx) -> Result<i64> {
    idle_minutes_conn(&ctx.db.conn())
}

/// The session and its user, or `None` when the token is unknown, its user is gone or it went stale.
fn load(conn: &Conn, token: &str, now: i64) -> Result<Option<(sessions::SessionRow, UserRow)>> {
    let hash = token_hash(token);
    let Some(s) = sessions::find(conn, &hash)? else {
        return Ok(None);
    };
    if now - s.last_seen > SESSION_IDLE_MS {
        sessions::delete(conn, &hash)?;
        return Ok(None);
    }
    match users::by_id(conn, s.user_id)? {
        // Disabling ends sessions at once; this catches one that raced with it.
        Some(u) if u.disabled_at.is_some() => {
            sessions::delete(conn, &hash)?;
            Ok(None)
        }
        other => Ok(other.map(|u| (s, u))),
    }
}

/// Unlocked and not idle for longer than the timeout.
fn is_unlocked(s: &sessions::SessionRow, now: i64, idle_ms: i64) -> bool {
    s.unlocked_at.is_some() && now - s.last_seen <= idle_ms
}

/// Name and password. Any mismatch, including an unknown name, is the same `Unauthorized`.
pub fn sign_in(ctx: &Ctx, name: &str, password: &Secret) -> Result<SignIn> {
    let attempted: String = name.trim().chars().take(MAX_NAME_CHARS).collect();
    let row = users::by_name(&ctx.db.conn(), &attempted)?;
    // Argon2 runs without holding the connection, so one slow sign-in does not stall every command.
    let ok = match &row {
        Some(u) => verify_password(&u.password_hash, password),
        None => {
            burn_verify(password);
            false
        }
    };
    let now = ctx.now_ms();
    let conn = ctx.db.conn();
    let user = match row {
        // A disabled user gets the same answer as a wrong password; the audit log says why.
        Some(u) if ok && u.disabled_at.is_some() => {
            audit::record(
                &conn,
                now,
                None,
                "user.sign_in_failed",
                &attempted,
                &json!({"reason": "disabled"}),
            )?;
            return Err(Error::Unauthorized);
        }
        Some(u) if ok => u,
        _ => {
            audit::record(
                &conn,
                now,
                None,
                "user.sign_in_failed",
                &attempted,
                &json!({}),
            )?;
            return Err(Error::Unauthorized);
        }
    };
    let token = new_token();
    sessions::delete_idle(&conn, now - SESSION_IDLE_MS)?;
    sessions::insert(&conn, &token_hash(token.expose()), user.id, now)?;
    audit::record(
        &conn,
        now,
        Some(&user.name),
        "user.sign_in",
        &user.name,
        &json!({}),
    )?;
    Ok(SignIn {
        token,
        user: UserView::from_row(&user, now),
    })
}

/// A TOTP or recovery code turns a signed-in session into an unlocked one.
pub fn unlock(ctx: &Ctx, token: &str, code: &str) -> Result<UnlockInfo> {
    let now = ctx.now_ms();
    let conn = ctx.db.conn();
    let (s, user) = load(&conn, token, now)?.ok_or(Error::Unauthorized)?;
    if !user.totp_confirmed {
        return Err(Error::EnrollmentRequired);
    }
    let method = codes::check(ctx, &conn, &user, code, Accept::TotpOrRecovery)?;
    sessions::set_unlocked(&conn, &s.token_hash, now)?;
    audit::record(
        &conn,
        now,
        Some(&user.name),
        "user.unlock",
        &user.name,
        &json!({"method": method.as_str()}),
    )?;
    Ok(UnlockInfo {
        expires_at_ms: now + idle_minutes_conn(&conn)? * 60_000,
    })
}

/// Marks a session unlocked right after enrollment proved a code.
pub(crate) fn mark_unlocked(conn: &Conn, token: &str, now: i64) -> Result<()> {
    sessions::set_unlocked(conn, &token_hash(token), now)
}

/// Drops the unlocked state; the next command needs a code again.
pub fn lock(ctx: &Ctx, token: &str) -> Result<()> {
    let now = ctx.now_ms();
    let conn = ctx.db.conn();
    let (s, user) = load(&conn, token, now)?.ok_or(Error::Locked)?;
    sessions::lock(&conn, &s.token_hash)?;
    audit::record(
        &conn,
        now,
        Some(&user.name),
        "user.lock",
        &user.name,
        &json!({}),
    )?;
    Ok(())
}

pub fn sign_out(ctx: &Ctx, token: &str) -> Result<()> {
    let now = ctx.now_ms();
    let conn = ctx.db.conn();
    if let Some((s, user)) = load(&conn, token, now)? {
        sessions::delete(&conn, &s.token_hash)?;
        audit::record(
            &conn,
            now,
            Some(&user.name),
            "user.sign_out",
            &user.name,
            &json!({}),
        )?;
    }
    Ok(())
}

/// The gate in front of every command: an unlocked, recently used session whose role allows `perm`.
/// Refreshes the idle timer.
pub fn require(ctx: &Ctx, token: &str, perm: Permission) -> Result<Actor> {
    let now = ctx.now_ms();
    let conn = ctx.db.conn();
    let (s, user) = load(&conn, token, now)?.ok_or(Error::Locked)?;
    if !is_unlocked(&s, now, idle_minutes_conn(&conn)? * 60_000) {
        if s.unlocked_at.is_some() {
            sessions::lock(&conn, &s.token_hash)?;
        }
        return Err(Error::Locked);
    }
    sessions::touch(&conn, &s.token_hash, now)?;
    let actor = Actor::from_session(user.id, user.name, user.role, s.token_hash);
    actor.require(perm)?;
    Ok(actor)
}

/// For the lock screen: who is signed in and whether the session is unlocked. Does not refresh it.
pub fn session_info(ctx: &Ctx, token: &str) -> Result<SessionInfo> {
    let now = ctx.now_ms();
    let conn = ctx.db.conn();
    let (s, user) = load(&conn, token, now)?.ok_or(Error::Unauthorized)?;
    let idle_ms = idle_minutes_conn(&conn)? * 60_000;
    let unlocked = is_unlocked(&s, now, idle_ms);
    Ok(SessionInfo {
        totp_enrolled: user.totp_confirmed,
        user: UserView::from_row(&user, now),
        unlocked,
        idle_expires_at_ms: unlocked.then_some(s.last_seen + idle_ms),
    })
}

/// A fresh TOTP check for a sensitive change (e.g. allowing private-network targets), with the same
/// replay and lockout rules as unlocking. Recovery codes do not count here.
pub fn verify_fresh_code(ctx: &Ctx, actor: &Actor, code: &str) -> Result<()> {
    let now = ctx.now_ms();
    let conn = ctx.db.conn();
    let user = users::by_id(&conn, actor.user_id())?.ok_or(Error::Locked)?;
    if !user.totp_confirmed {
        return Err(Error::EnrollmentRequired);
    }
    codes::check(ctx, &conn, &user, code, Accept::TotpOnly)?;
    audit::record(
        &conn,
        now,
        Some(&user.name),
        "user.fresh_code",
        &user.name,
        &json!({}),
    )?;
    Ok(())
}

/// How long an unlock with a code stands in for a fresh code when an admin disables, enables or re-roles
/// a user: the CLI (docs/architecture.md, Who may do what) runs those right after `hookdesk unlock`, without `--code`.
pub const RECENT_UNLOCK_MS: i64 = 5 * 60_000;

/// A fresh code when one is given (checked like `verify_fresh_code`); without one, the actor's session
/// must have been unlocked with a code within `RECENT_UNLOCK_MS`.
pub(crate) fn verify_recent_code(ctx: &Ctx, actor: &Actor, code: Option<&str>) -> Result<()> {
    if let Some(code) = code {
        return verify_fresh_code(ctx, actor, code);
    }
    let now = ctx.now_ms();
    let s = sessions::find(&ctx.db.conn(), actor.session_hash())?.ok_or(Error::Locked)?;
    match s.unlocked_at {
        Some(at) if now - at <= RECENT_UNLOCK_MS => Ok(()),
        _ => Err(Error::invalid(
            "code",
            "you unlocked more than 5 minutes ago: enter a current code from your authenticator app",
        )),
    }
}

/// The session's user, for operations open to a signed-in but locked session (enrollment).
pub(crate) fn signed_in_user(conn: &Conn, token: &str, now: i64) -> Result<UserRow> {
    load(conn, token, now)?
        .map(|(_, u)| u)
        .ok_or(Error::Unauthorized)
}

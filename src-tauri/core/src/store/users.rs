//! User rows and their recovery codes. Policy (who may do what, lockout lengths) lives in `auth`.

use crate::args;
use crate::store::{Conn, OptionalExt, Row};

use crate::auth::Role;
use crate::{Error, Result};

/// A user as stored. The password hash and the sealed TOTP secret stay out of `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub totp_secret: Option<Vec<u8>>,
    pub totp_confirmed: bool,
    pub last_totp_step: Option<i64>,
    pub failed_attempts: i64,
    pub locked_until: Option<i64>,
    pub lockout_count: i64,
    pub created_at: i64,
    /// Set while an admin has disabled the user.
    pub disabled_at: Option<i64>,
}

impl std::fmt::Debug for UserRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRow")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("role", &self.role)
            .field("totp_confirmed", &self.totp_confirmed)
            .field("failed_attempts", &self.failed_attempts)
            .field("locked_until", &self.locked_until)
            .field("disabled_at", &self.disabled_at)
            .finish_non_exhaustive()
    }
}

/// How wrong codes turn into a lockout; passed in so the store holds no policy of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    pub max_failures: i64,
    pub first_ms: i64,
    pub max_ms: i64,
}

/// The state after a wrong code was counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failure {
    pub failed_attempts: i64,
    /// Set when this failure started a lockout.
    pub locked_until: Option<i64>,
}

const COLUMNS: &str =
    "id, name, role, password_hash, totp_secret, totp_confirmed, last_totp_step, \
                       failed_attempts, locked_until, lockout_count, created_at, disabled_at";

fn from_row(r: &Row) -> Result<UserRow> {
    let role: String = r.get(2)?;
    let role = Role::parse("role", &role)
        .map_err(|_| super::DbError::decode(format!("column 2: unknown role {role:?}")))?;
    Ok(UserRow {
        id: r.get(0)?,
        name: r.get(1)?,
        role,
        password_hash: r.get(3)?,
        totp_secret: r.get(4)?,
        totp_confirmed: r.get(5)?,
        last_totp_step: r.get(6)?,
        failed_attempts: r.get(7)?,
        locked_until: r.get(8)?,
        lockout_count: r.get(9)?,
        created_at: r.get(10)?,
        disabled_at: r.get(11)?,
    })
}

/// The key names are unique under: lowercase, so "Ana" and "ana" are one user.
pub fn name_key(name: &str) -> String {
    name.to_lowercase()
}

pub fn count(conn: &Conn) -> Result<i64> {
    conn.query_row("SELECT COUNT(*) FROM users", args![], |r| r.get(0))
}

/// Admins who may still sign in, other than `except` (the user about to be changed).
pub fn count_enabled_admins_except(conn: &Conn, except: i64) -> Result<i64> {
    conn.query_row(
        "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL AND id != ?1",
        args![except],
        |r| r.get(0),
    )
}

pub fn set_role(conn: &Conn, id: i64, role: Role) -> Result<()> {
    conn.execute(
        "UPDATE users SET role = ?2 WHERE id = ?1",
        args![id, role.as_str()],
    )?;
    Ok(())
}

/// `Some(now)` disables, `None` enables.
pub fn set_disabled(conn: &Conn, id: i64, disabled_at: Option<i64>) -> Result<()> {
    conn.execute(
        "UPDATE users SET disabled_at = ?2 WHERE id = ?1",
        args![id, disabled_at],
    )?;
    Ok(())
}

pub fn set_password_hash(conn: &Conn, id: i64, password_hash: &str) -> Result<()> {
    conn.execute(
        "UPDATE users SET password_hash = ?2 WHERE id = ?1",
        args![id, password_hash],
    )?;
    Ok(())
}

/// Forgets the user's two-factor key and recovery codes; they enroll again at their next sign-in.
pub fn clear_two_factor(conn: &Conn, id: i64) -> Result<()> {
    conn.execute(
        "UPDATE users SET totp_secret = NULL, totp_confirmed = 0 WHERE id = ?1",
        args![id],
    )?;
    conn.execute("DELETE FROM recovery_codes WHERE user_id = ?1", args![id])?;
    Ok(())
}

pub fn insert(
    conn: &Conn,
    name: &str,
    role: Role,
    password_hash: &str,
    now_ms: i64,
) -> Result<i64> {
    let res = conn.query_row(
        "INSERT INTO users (name, name_key, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
         RETURNING id",
        args![name, name_key(name), role.as_str(), password_hash, now_ms],
        |r| r.get(0),
    );
    match res {
        Ok(id) => Ok(id),
        Err(Error::Db(e)) if e.kind() == super::DbErrorKind::Unique => Err(Error::invalid(
            "name",
            "a user with this name already exists",
        )),
        Err(e) => Err(e),
    }
}

pub fn by_name(conn: &Conn, name: &str) -> Result<Option<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE name_key = ?1");
    conn.query_row(&sql, args![name_key(name.trim())], from_row)
        .optional()
}

pub fn by_id(conn: &Conn, id: i64) -> Result<Option<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = ?1");
    conn.query_row(&sql, args![id], from_row).optional()
}

pub fn list(conn: &Conn) -> Result<Vec<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users ORDER BY name_key");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(args![], from_row)?;
    rows.collect::<Result<Vec<_>>>()
}

pub fn delete(conn: &Conn, id: i64) -> Result<bool> {
    Ok(conn.execute("DELETE FROM users WHERE id = ?1", args![id])? > 0)
}

/// Stores a new, unconfirmed secret; the replay window starts afresh with it.
pub fn set_totp_secret(conn: &Conn, id: i64, sealed: &[u8]) -> Result<()> {
    conn.execute(
        "UPDATE users SET totp_secret = ?2, totp_confirmed = 0, last_totp_step = NULL WHERE id = ?1",
        args![id, sealed],
    )?;
    Ok(())
}

pub fn confirm_totp(conn: &Conn, id: i64) -> Result<()> {
    conn.execute(
        "UPDATE users SET totp_confirmed = 1 WHERE id = ?1",
        args![id],
    )?;
    Ok(())
}

/// Records `step` as used, only if it is later than every step used before. Check and record are one
/// statement, so of two attempts racing with the same code exactly one gets `true`.
pub fn claim_totp_step(conn: &Conn, id: i64, step: i64) -> Result<bool> {
    let n = conn.execute(
        "UPDATE users SET last_totp_step = ?1 WHERE id = ?2 AND (last_totp_step IS NULL OR last_totp_step < ?1)",
        args![step, id],
    )?;
    Ok(n == 1)
}

/// Counts one wrong code; the `policy.max_failures`-th starts a lockout that doubles with each repeat.
/// One statement, so concurrent wrong codes are all counted.
pub fn record_failure(conn: &Conn, id: i64, now_ms: i64, policy: LockoutPolicy) -> Result<Failure> {
    // Two-argument MIN is SQLite's spelling of PostgreSQL's LEAST.
    let sql = "UPDATE users SET
            failed_attempts = CASE WHEN failed_attempts + 1 >= ?3 THEN 0 ELSE failed_attempts + 1 END,
            locked_until = CASE WHEN failed_attempts + 1 >= ?3
                THEN ?2 + MIN(CAST(?4 AS BIGINT) << MIN(lockout_count, 16), ?5) ELSE locked_until END,
            lockout_count = CASE WHEN failed_attempts + 1 >= ?3 THEN lockout_count + 1 ELSE lockout_count END
         WHERE id = ?1
         RETURNING failed_attempts, locked_until, failed_attempts = 0";
    let pg = sql.replace("MIN(", "LEAST(").replace(
        "<< LEAST(lockout_count, 16)",
        "<< CAST(LEAST(lockout_count, 16) AS INTEGER)",
    );
    let (failed_attempts, locked_until, started): (i64, Option<i64>, bool) = conn.query_row(
        conn.pick(sql, &pg),
        args![
            id,
            now_ms,
            policy.max_failures,
            policy.first_ms,
            policy.max_ms
        ],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    Ok(Failure {
        failed_attempts,
        locked_until: if started { locked_until } else { None },
    })
}

/// A right code clears the failure count and the doubling.
pub fn record_success(conn: &Conn, id: i64) -> Result<()> {
    conn.execute(
        "UPDATE users SET failed_attempts = 0, lockout_count = 0, locked_until = NULL WHERE id = ?1",
        args![id],
    )?;
    Ok(())
}

/// One stored recovery code: a salted hash, never the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryCodeRow {
    pub id: i64,
    pub salt: Vec<u8>,
    pub hash: Vec<u8>,
}

/// Replaces every recovery code of the user (a new set makes the old one worthless).
pub fn replace_recovery_codes(
    conn: &Conn,
    user_id: i64,
    codes: &[(Vec<u8>, Vec<u8>)],
) -> Result<()> {
    conn.execute(
        "DELETE FROM recovery_codes WHERE user_id = ?1",
        args![user_id],
    )?;
    let mut stmt =
        conn.prepare("INSERT INTO recovery_codes (user_id, salt, hash) VALUES (?1, ?2, ?3)")?;
    for (salt, hash) in codes {
        stmt.execute(args![user_id, salt, hash])?;
    }
    Ok(())
}

pub fn unused_recovery_codes(conn: &Conn, user_id: i64) -> Result<Vec<RecoveryCodeRow>> {
    let mut stmt = conn.prepare(
        "SELECT id, salt, hash FROM recovery_codes WHERE user_id = ?1 AND used_at IS NULL",
    )?;
    let rows = stmt.query_map(args![user_id], |r| {
        Ok(RecoveryCodeRow {
            id: r.get(0)?,
            salt: r.get(1)?,
            hash: r.get(2)?,
        })
    })?;
    rows.collect::<Result<Vec<_>>>()
}

/// Marks a code used; `false` when another attempt used it first.
pub fn use_recovery_code(conn: &Conn, code_id: i64, now_ms: i64) -> Result<bool> {
    let n = conn.execute(
        "UPDATE recovery_codes SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL",
        args![code_id, now_ms],
    )?;
    Ok(n == 1)
}

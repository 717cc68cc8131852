//! The account lifecycle after first sign-in: two-factor resets, new recovery codes, password changes,
//! disabling and enabling users, role changes and a user's own sessions. Each change needs the acting
//! user's fresh TOTP code (for disable, enable and role, an unlock with a code in the last five minutes
//! also counts: see `verify_recent_code`) and is audited in the transaction that makes it.

use crate::store::Conn;
use serde_json::json;

use super::credentials::{check_new_password, hash_password, verify_password};
use super::recovery;
use super::session::{verify_fresh_code, verify_recent_code};
use super::views::{SessionView, UserView};
use super::{Actor, Permission, Role};
use crate::domain::Secret;
use crate::store::users::{self, UserRow};
use crate::store::{audit, sessions};
use crate::{Ctx, Error, Result};

fn target(conn: &Conn, name: &str) -> Result<UserRow> {
    users::by_name(conn, name)?.ok_or_else(|| Error::NotFound(format!("user {}", name.trim())))
}

/// The rule that keeps an installation administrable: some enabled admin other than `user` must remain
/// when `user` is an enabled admin about to be disabled, removed or demoted.
pub(crate) fn keep_last_admin(conn: &Conn, user: &UserRow, what: &str) -> Result<()> {
    if user.role == Role::Admin
        && user.disabled_at.is_none()
        && users::count_enabled_admins_except(conn, user.id)? == 0
    {
        return Err(Error::invalid(
            "name",
            format!("the last enabled administrator cannot be {what}"),
        ));
    }
    Ok(())
}

/// Checks the rules on the current rows, then the actor's code, then applies `change` in one immediate
/// transaction that checks the rules again (another admin may have acted in between).
fn admin_change(
    ctx: &Ctx,
    actor: &Actor,
    name: &str,
    code: Option<&str>,
    rules: impl Fn(&Conn, &UserRow) -> Result<()>,
    change: impl FnOnce(&Conn, &UserRow, i64) -> Result<()>,
) -> Result<UserView> {
    actor.require(Permission::ManageUsers)?;
    {
        let conn = ctx.db.conn();
        let user = target(&conn, name)?;
        rules(&conn, &user)?;
    }
    verify_recent_code(ctx, actor, code)?;
    let now = ctx.now_ms();
    let conn = ctx.db.conn();
    let tx = conn.transaction()?;
    let user = target(&tx, name)?;
    rules(&tx, &user)?;
    change(&tx, &user, now)?;
    let after = users::by_id(&tx, user.id)?.ok_or_else(|| Error::NotFound("user".into()))?;
    tx.commit()?;
    Ok(UserView::from_row(&after, now))
}

/// Clears the user's two-factor key and recovery codes and ends their sessions; they enroll again at
/// their next sign-in (`hookdesk 2fa enroll`, or the app's enrollment screen).
pub fn reset_two_factor(ctx: &Ctx, actor: &Actor, name: &str, code: &str) -> Result<UserView> {
    admin_change(
        ctx,
        actor,
        name,
        Some(code),
        |_, _| Ok(()),
        |tx, user, now| {
            users::clear_two_factor(tx, user.id)?;
            let ended = sessions::delete_for_user(tx, user.id, None)?;
            audit::record(
                tx,
                now,
                Some(actor.name()),
                "user.reset_2fa",
                &user.name,
                &json!({"sessions_ended": ended}),
            )
        },
    )
}

/// A disabled user cannot sign in and their sessions end at once. Not yourself, and never the last
/// enabled admin.
pub fn set_disabled(
    ctx: &Ctx,
    actor: &Actor,
    name: &str,
    disabled: bool,
    code: Option<&str>,
) -> Result<UserView> {
    let me = actor.user_id();
    admin_change(
        ctx,
        actor,
        name,
        code,
        |conn, user| {
            if disabled && user.id == me {
                return Err(Error::invalid("name", "you cannot disable yourself"));
            }
            if disabled {
                keep_last_admin(conn, user, "disabled")?;
            }
            Ok(())
        },
        |tx, user, now| {
            if user.disabled_at.is_some() == disabled {
                return Ok(());
            }
            users::set_disabled(tx, user.id, disabled.then_some(now))?;
            let ended = if disabled {
                sessions::delete_for_user(tx, user.id, None)?
            } else {
                0
            };
            let action = if disabled {
                "user.disable"
            } else {
                "user.enable"
            };
            audit::record(
                tx,
                now,
                Some(actor.name()),
                action,
                &user.name,
                &json!({"sessions_ended": ended}),
            )
        },
    )
}

/// Changes a user's role; the last enabled admin cannot be demoted. The user's sessions carry on: the
/// role is read again on every command.
pub fn set_role(
    ctx: &Ctx,
    actor: &Actor,
    name: &str,
    role: Role,
    code: Option<&str>,
) -> Result<UserView> {
    admin_change(
        ctx,
        actor,
        name,
        code,
        |conn, user| {
            if role != Role::Admin {
                keep_last_admin(conn, user, "demoted")?;
            }
            Ok(())
        },
        |tx, user, now| {
            if user.role == role {
                return Ok(());
            }
            users::set_role(tx, user.id, role)?;
            audit::record(
                tx,
                now,
                Some(actor.name()),
                "user.role",
                &user.name,
                &json!({"from": user.role.as_str(), "to": role.as_str()}),
            )
        },
    )
}

/// Ten new recovery codes for the acting user, shown once; the old ones stop working.
pub fn renew_recovery_codes(ctx: &Ctx, actor: &Actor, code: &str) -> Result<Vec<String>> {
    actor.require(Permission::OwnAccount)?;
    verify_fresh_code(ctx, actor, code)?;
    let plain = recovery::generate();
    let hashed: Vec<(Vec<u8>, Vec<u8>)> = plain.iter().map(|c| recovery::hash(c)).collect();
    let conn = ctx.db.conn();
    let tx = conn.transaction()?;
    users::replace_recovery_codes(&tx, actor.user_id(), &hashed)?;
    audit::record(
        &tx,
        ctx.now_ms(),
        Some(actor.name()),
        "user.recovery_codes",
        actor.name(),
        &json!({"count": plain.len()}),
    )?;
    tx.commit()?;
    Ok(plain)
}

/// Changes the acting user's password after checking the current one; the password rules apply and
/// every other session of the user ends.
pub fn change_password(
    ctx: &Ctx,
    actor: &Actor,
    current: &Secret,
    new: &Secret,
    code: &str,
) -> Result<()> {
    actor.require(Permission::OwnAccount)?;
    check_new_password(new).map_err(|e| Error::invalid("newPassword", e.message()))?;
    let user = users::by_id(&ctx.db.conn(), actor.user_id())?.ok_or(Error::Locked)?;
    // Argon2 runs without holding the connection, as at sign-in.
    if !verify_password(&user.password_hash, current) {
        return Err(Error::invalid("currentPassword", "wrong password"));
    }
    if verify_password(&user.password_hash, new) {
        return Err(Error::invalid(
            "newPassword",
            "must differ from the current password",
        ));
    }
    let hash = hash_password(new)?;
    verify_fresh_code(ctx, actor, code)?;
    let now = ctx.now_ms();
    let conn = ctx.db.conn();
    let tx = conn.transaction()?;
    users::set_password_hash(&tx, user.id, &hash)?;
    let ended = sessions::delete_for_user(&tx, user.id, Some(actor.session_hash()))?;
    audit::record(
        &tx,
        now,
        Some(actor.name()),
        "user.password",
        actor.name(),
        &json!({"sessions_ended": ended}),
    )?;
    tx.commit()?;
    Ok(())
}

/// The acting user's sessions, most recently used first.
pub fn own_sessions(ctx: &Ctx, actor: &Actor) -> Result<Vec<SessionView>> {
    actor.require(Permission::OwnAccount)?;
    let rows = sessions::list_for_user(&ctx.db.conn(), actor.user_id())?;
    Ok(rows
        .iter()
        .map(|s| SessionView::from_row(s, actor.session_hash()))
        .collect())
}

/// Ends every session of the acting user, this one included.
pub fn sign_out_everywhere(ctx: &Ctx, actor: &Actor) -> Result<usize> {
    actor.require(Permission::OwnAccount)?;
    let now = ctx.now_ms();
    let conn = ctx.db.conn();
    let tx = conn.transaction()?;
    let ended = sessions::delete_for_user(&tx, actor.user_id(), None)?;
    audit::record(
        &tx,
        now,
        Some(actor.name()),
        "user.sign_out_everywhere",
        actor.name(),
        &json!({"sessions_ended": ended}),
    )?;
    tx.commit()?;
    Ok(ended)
}

//! First-run setup, user management and installation-wide auth settings.

use serde_json::json;

use super::credentials::{check_new_password, hash_password, UserName};
use super::enroll::pending_enrollment;
use super::lifecycle::keep_last_admin;
use super::session::{idle_minutes_conn, IDLE_SETTING, MAX_IDLE_MINUTES};
use super::views::{Enrollment, UserView};
use super::{Actor, Permission, Role};
use crate::domain::Secret;
use crate::store::{app_settings, audit, users};
use crate::{Ctx, Error, Result};

/// True until the first admin exists.
pub fn needs_setup(ctx: &Ctx) -> Result<bool> {
    Ok(users::count(&ctx.db.conn())? == 0)
}

/// First run only: creates the admin and its pending two-factor secret.
pub fn create_admin(ctx: &Ctx, name: &str, password: &Secret) -> Result<(UserView, Enrollment)> {
    let name = UserName::parse("name", name)?;
    check_new_password(password)?;
    let hash = hash_password(password)?;
    let now = ctx.now_ms();
    let conn = ctx.db.conn();
    // Immediate: two first-run windows racing must not both create an admin.
    let tx = conn.transaction()?;
    if users::count(&tx)? > 0 {
        return Err(Error::Conflict(
            "Hookdesk is already set up: sign in instead".into(),
        ));
    }
    let id = users::insert(&tx, name.as_str(), Role::Admin, &hash, now)?;
    let row = users::by_id(&tx, id)?.ok_or_else(|| Error::NotFound("user".into()))?;
    let enrollment = pending_enrollment(ctx, &tx, &row)?;
    audit::record(
        &tx,
        now,
        None,
        "user.add",
        name.as_str(),
        &json!({"role": "admin", "first_run": true}),
    )?;
    tx.commit()?;
    Ok((UserView::from_row(&row, now), enrollment))
}

/// Adds a user who enrolls two-factor at their first unlock.
pub fn add_user(
    ctx: &Ctx,
    actor: &Actor,
    name: &str,
    role: Role,
    password: &Secret,
) -> Result<UserView> {
    actor.require(Permission::ManageUsers)?;
    let name = UserName::parse("name", name)?;
    check_new_password(password)?;
    let hash = hash_password(password)?;
    let now = ctx.now_ms();
    let conn = ctx.db.conn();
    let id = users::insert(&conn, name.as_str(), role, &hash, now)?;
    audit::record(
        &conn,
        now,
        Some(actor.name()),
        "user.add",
        name.as_str(),
        &json!({"role": role.as_str()}),
    )?;
    let row = users::by_id(&conn, id)?.ok_or_else(|| Error::NotFound("user".into()))?;
    Ok(UserView::from_row(&row, now))
}

/// Removes a user and their sessions. Not yourself, and never the last admin.
pub fn remove_user(ctx: &Ctx, actor: &Actor, name: &str) -> Result<()> {
    actor.require(Permission::ManageUsers)?;
    let now = ctx.now_ms();
    let conn = ctx.db.conn();
    let tx = conn.transaction()?;
    let user = users::by_name(&tx, name)?
        .ok_or_else(|| Error::NotFound(format!("user {}", name.trim())))?;
    if user.id == actor.user_id() {
        return Err(Error::invalid("name", "you cannot remove yourself"));
    }
    keep_last_admin(&tx, &user, "removed")?;
    users::delete(&tx, user.id)?;
    audit::record(
        &tx,
        now,
        Some(actor.name()),
        "user.remove",
        &user.name,
        &json!({"role": user.role.as_str()}),
    )?;
    tx.commit()?;
    Ok(())
}

pub fn list_users(ctx: &Ctx, actor: &Actor) -> Result<Vec<UserView>> {
    actor.require(Permission::ManageUsers)?;
    let now = ctx.now_ms();
    let rows = users::list(&ctx.db.conn())?;
    Ok(rows.iter().map(|r| UserView::from_row(r, now)).collect())
}

/// How long an unlock survives without activity, 1 to 480 minutes.
pub fn set_idle_minutes(ctx: &Ctx, actor: &Actor, minutes: i64) -> Result<()> {
    actor.require(Permission::ManageSettings)?;
    if !(1..=MAX_IDLE_MINUTES).contains(&minutes) {
        return Err(Error::invalid(
            "minutes",
            format!("must be between 1 and {MAX_IDLE_MINUTES}"),
        ));
    }
    let now = ctx.now_ms();
    let conn = ctx.db.conn();
    let before = idle_minutes_conn(&conn)?;
    app_settings::set(&conn, IDLE_SETTING, &minutes.to_string())?;
    audit::record(
        &conn,
        now,
        Some(actor.name()),
        "settings.change",
        IDLE_SETTING,
        &json!({"from": before, "to": minutes}),
    )?;
    Ok(())
}

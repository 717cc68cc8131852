//! Settings of the desktop app that an administrator sets for the whole data directory.

use crate::store::Conn;
use serde::Serialize;
use serde_json::json;

use crate::auth::{Actor, Permission};
use crate::store::{app_settings, audit};
use crate::{Ctx, Result};

const KEEP_DELIVERING: &str = "desktop.keep_delivering";
const START_AT_LOGIN: &str = "desktop.start_at_login";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct DesktopSettings {
    /// Closing the window leaves the engine delivering (the default); off, closing the window quits.
    pub keep_delivering: bool,
    /// Start Hookdesk (hidden, delivering) when the user logs in.
    pub start_at_login: bool,
}

fn flag(conn: &Conn, key: &str, default: bool) -> Result<bool> {
    Ok(match app_settings::get(conn, key)?.as_deref() {
        Some("1") => true,
        Some("0") => false,
        _ => default,
    })
}

/// Read without a session: the shell needs it when the window closes, whoever is signed in.
pub fn get(ctx: &Ctx) -> Result<DesktopSettings> {
    let conn = ctx.db.conn();
    Ok(DesktopSettings {
        keep_delivering: flag(&conn, KEEP_DELIVERING, true)?,
        start_at_login: flag(&conn, START_AT_LOGIN, false)?,
    })
}

pub fn set(ctx: &Ctx, actor: &Actor, new: DesktopSettings) -> Result<DesktopSettings> {
    actor.require(Permission::ManageSettings)?;
    let before = get(ctx)?;
    let conn = ctx.db.conn();
    for (key, from, to) in [
        (KEEP_DELIVERING, before.keep_delivering, new.keep_delivering),
        (START_AT_LOGIN, before.start_at_login, new.start_at_login),
    ] {
        if from != to {
            app_settings::set(&conn, key, if to { "1" } else { "0" })?;
            audit::record(
                &conn,
                ctx.now_ms(),
                Some(actor.name()),
                "settings.change",
                key,
                &json!({"from": from, "to": to}),
            )?;
        }
    }
    drop(conn);
    get(ctx)
}

//! `hookdesk key export --code CODE`: the data key, printed once, for carrying to another machine of a
//! team (README, PostgreSQL). Admin only, with a fresh two-factor code; every attempt is audited.

use serde_json::json;

use crate::auth::{verify_fresh_code, Actor, Permission};
use crate::domain::Secret;
use crate::{Ctx, Error, Result};

/// The data key as 64 hex characters (the form `HOOKDESK_MASTER_KEY` and `data.key` take).
pub fn export(ctx: &Ctx, actor: &Actor, code: Option<&str>) -> Result<Secret> {
    let outcome = (|| -> Result<Secret> {
        actor.require(Permission::ManageSettings)?;
        let code = code
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .ok_or_else(|| Error::invalid("code", "enter a current two-factor code"))?;
        verify_fresh_code(ctx, actor, code)?;
        Ok(Secret::new(ctx.key.to_hex().as_str()))
    })();
    let (action, detail) = match &outcome {
        Ok(_) => ("data_key.export", json!({})),
        Err(e) => (
            "data_key.export.refused",
            json!({"refused": e.code(), "field": e.field()}),
        ),
    };
    crate::store::audit::record(
        &ctx.db.conn(),
        ctx.now_ms(),
        Some(actor.name()),
        action,
        "data_key",
        &detail,
    )?;
    outcome
}

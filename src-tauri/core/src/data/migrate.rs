//! `hookdesk migrate --to URL`: moving a single PC's installation into a PostgreSQL database a team
//! shares (README, PostgreSQL). Everything is copied as stored, so secrets stay sealed under the data key,
//! which every machine of the team must then use.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use serde_json::json;

use crate::auth::{Actor, Permission};
use crate::clock::Clock;
use crate::crypto::KeyStore;
use crate::store::{copy, DatabaseUrl, Db};
use crate::{Ctx, Error, Result};

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MigrateReport {
    /// The target, its password masked.
    pub database: String,
    /// Rows copied, per table.
    pub copied: BTreeMap<String, u64>,
}

/// Opens the data directory's SQLite file (never the database `HOOKDESK_DATABASE_URL` names: that is
/// where the data goes), checking its data key.
pub fn open_source(data_dir: &Path, clock: Arc<dyn Clock>, keys: &dyn KeyStore) -> Result<Ctx> {
    if !data_dir.join(crate::paths::DB_FILE).is_file() {
        return Err(Error::invalid(
            "data_dir",
            format!("{} holds no Hookdesk data to move", data_dir.display()),
        ));
    }
    Ctx::open_at(data_dir, None, clock, keys)
}

/// Copies the installation in `source` into the empty database `target`. Refused while an engine
/// delivers from the data directory (events arriving during the copy would be left behind), and for a
/// database that already holds an installation.
pub fn migrate_to(source: &Ctx, actor: &Actor, target: &DatabaseUrl) -> Result<MigrateReport> {
    actor.require(Permission::ManageSettings)?;
    let now = source.now_ms();
    if copy::engine_running(&source.db, now)? {
        return Err(Error::Conflict(
            "an engine is delivering from this data directory (the app or `hookdesk serve`): stop it \
             first, so nothing arrives while the data is copied"
                .into(),
        ));
    }
    let to = Db::open_at(source.db.data_dir(), Some(target))?;
    if !copy::is_empty(&to)? {
        return Err(Error::Conflict(format!(
            "{} already holds a Hookdesk installation; migrate copies into an empty database only",
            target.masked()
        )));
    }
    let copied = copy::copy_all(&source.db, &to)?;
    let detail = json!({"database": target.masked()});
    for db in [&source.db, &to] {
        crate::store::audit::record(
            &db.conn(),
            now,
            Some(actor.name()),
            "data.migrate",
            "postgres",
            &detail,
        )?;
    }
    tracing::info!(database = %target, "installation copied");
    Ok(MigrateReport {
        database: target.masked(),
        copied: copied.into_iter().collect(),
    })
}

use serde::Serialize;

use crate::store::Db;
use crate::Result;

/// What the app shell's status panel shows.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    pub version: String,
    pub data_dir: String,
    /// Where the data lives: "sqlite" (the file in the data directory) or "postgres".
    pub backend: String,
    /// The SQLite file's path, or the PostgreSQL address with its password masked.
    pub database: String,
    /// The PostgreSQL server's host name (the status bar's "Shared database (PostgreSQL, host)").
    pub database_host: Option<String>,
    /// Delivery workers (apps and `hookdesk serve`) whose heartbeat is recent.
    pub workers_alive: i64,
    pub schema_version: i64,
}

pub fn app_status(db: &Db, now_ms: i64) -> Result<AppStatus> {
    let workers_alive = crate::store::workers::alive(&db.read(), now_ms)?.len() as i64;
    Ok(AppStatus {
        version: crate::VERSION.to_string(),
        data_dir: db.data_dir().display().to_string(),
        backend: db.backend().as_str().to_string(),
        database: db.describe(),
        database_host: db.database_url().map(|u| u.host().to_string()),
        workers_alive,
        schema_version: db.schema_version()?,
    })
}

/// The delivery workers that beat recently, for the dashboard and Settings › Database (any signed-in
/// role that reads the delivery log).
pub fn workers(
    ctx: &crate::Ctx,
    actor: &crate::auth::Actor,
) -> Result<Vec<crate::store::workers::WorkerRow>> {
    actor.require(crate::auth::Permission::ReadLogs)?;
    crate::store::workers::alive(&ctx.db.read(), ctx.now_ms())
}

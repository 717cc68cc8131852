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
    pub schema_version: i64,
}

pub fn app_status(db: &Db) -> Result<AppStatus> {
    Ok(AppStatus {
        version: crate::VERSION.to_string(),
        data_dir: db.data_dir().display().to_string(),
        backend: db.backend().as_str().to_string(),
        database: db.describe(),
        schema_version: db.schema_version()?,
    })
}

use std::path::PathBuf;

use hookdesk_core::store::Db;
use hookdesk_core::{Error, Result};

/// Shared by every command. A database that failed to open is kept as its error so the window can say why
/// instead of the process vanishing.
pub struct AppState {
    db: std::result::Result<Db, (String, String)>,
}

impl AppState {
    pub fn open(data_dir: PathBuf) -> Self {
        let db = Db::open(&data_dir).map_err(|e| (e.code().to_string(), e.to_string()));
        if let Err((_, msg)) = &db {
            eprintln!("hookdesk: {msg}");
        }
        AppState { db }
    }

    pub fn db(&self) -> Result<&Db> {
        self.db
            .as_ref()
            .map_err(|(_, msg)| Error::Conflict(msg.clone()))
    }
}

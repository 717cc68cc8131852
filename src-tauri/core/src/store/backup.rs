//! Backup files: a consistent copy of the built-in SQLite database (README, Backup and restore). A
//! PostgreSQL database is backed up with PostgreSQL's own tools.

use std::path::Path;

pub use super::sqlite::backup::{inspect, restore_into, BackupInfo};
use super::Db;
use crate::{Error, Result};

/// Copies the live database into a new file at `dest`, on a connection of its own, so the copy reads
/// one snapshot while the engine keeps writing.
pub fn copy_online(db: &Db, dest: &Path) -> Result<()> {
    let conn = db.connect()?;
    match conn.as_sqlite() {
        Some(c) => super::sqlite::backup::copy_online(c, dest),
        None => Err(Error::Conflict(
            "this installation keeps its data in PostgreSQL: back it up with pg_dump \
             (README, PostgreSQL); a backup file holds the built-in SQLite database"
                .into(),
        )),
    }
}

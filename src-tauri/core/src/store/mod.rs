//! SQLite access. One file per table family; this file opens the database and applies migrations.

mod migrate;

pub mod alerts;
pub mod app_settings;
pub mod audit;
pub mod hooks;
pub mod order_webhooks;
pub mod sessions;
pub mod stores;
pub mod users;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::Connection;

use crate::Result;

pub use migrate::{known_schema_version, MIGRATIONS};

/// An open Hookdesk database. Commands and the engine's writers share one connection; the hot read paths
/// (routing, ingest tokens, a delivery's store and hook) use a second one, so in WAL mode they never wait
/// behind a write transaction.
pub struct Db {
    path: PathBuf,
    conn: Mutex<Connection>,
    reader: Mutex<Connection>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("path", &self.path).finish()
    }
}

impl Db {
    /// Opens (creating if needed) `hookdesk.db` in `data_dir` and brings its schema up to date.
    pub fn open(data_dir: &Path) -> Result<Db> {
        std::fs::create_dir_all(data_dir)?;
        let path = data_dir.join(crate::paths::DB_FILE);
        let mut conn = connect(&path)?;
        migrate::apply(&mut conn)?;
        let reader = connect(&path)?;
        Ok(Db {
            path,
            conn: Mutex::new(conn),
            reader: Mutex::new(reader),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn data_dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// The shared connection. A poisoned lock only means another thread panicked mid-call; SQLite's own
    /// transactions keep the data consistent, so the connection stays usable.
    pub fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The read connection: for single reads that need not see this process's open write transaction.
    pub fn read(&self) -> MutexGuard<'_, Connection> {
        self.reader.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes every item in one transaction on the shared connection, since a commit costs more than the
    /// rows it holds. Should that transaction fail, each item is written in a transaction of its own, so
    /// one bad row fails only itself. Answers come back in the items' order.
    pub fn write_each<T, R>(
        &self,
        items: &[T],
        write: impl Fn(&Connection, &T) -> Result<R>,
    ) -> Vec<Result<R>> {
        let conn = self.conn();
        let together = || -> Result<Vec<R>> {
            let tx = conn.unchecked_transaction()?;
            let out = items
                .iter()
                .map(|item| write(&tx, item))
                .collect::<Result<Vec<_>>>()?;
            tx.commit()?;
            Ok(out)
        };
        match together() {
            Ok(out) => out.into_iter().map(Ok).collect(),
            Err(e) if items.len() == 1 => vec![Err(e)],
            Err(_) => items
                .iter()
                .map(|item| {
                    let tx = conn.unchecked_transaction()?;
                    let out = write(&tx, item)?;
                    tx.commit()?;
                    Ok(out)
                })
                .collect(),
        }
    }

    /// A fresh connection to the same file, configured like the shared one.
    pub fn connect(&self) -> Result<Connection> {
        connect(&self.path)
    }

    pub fn schema_version(&self) -> Result<i64> {
        migrate::current_version(&self.conn())
    }
}

fn connect(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // Every delivery runs about fifteen distinct statements; the default cache of 16 thrashes.
    conn.set_prepared_statement_cache_capacity(128);
    Ok(conn)
}

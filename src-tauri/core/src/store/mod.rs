//! SQLite access. One file per table family; this file opens the database and applies migrations.

mod migrate;

pub mod alerts;
pub mod app_settings;
pub mod audit;
pub mod backup;
pub mod hooks;
pub mod ingest_tokens;
pub mod order_webhooks;
pub mod retention;
pub mod sessions;
pub mod stores;
pub mod users;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
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

    /// The shared connection for the engine's own bookkeeping (claims, attempt records, its lease):
    /// commits made through it do not wait for the log sync. Losing them in a power cut only means a
    /// delivery is sent again (at least once), while every acknowledged event and saved setting is
    /// committed with a sync (README, Durability), and that sync makes the earlier commits durable too.
    pub fn conn_relaxed(&self) -> Relaxed<'_> {
        let conn = self.conn();
        let _ = conn.pragma_update(None, "synchronous", "NORMAL");
        RELAXED.with(|r| r.set(true));
        Relaxed(conn)
    }

    /// Writes every item in one transaction on the shared connection, since a commit costs more than the
    /// rows it holds. Should that transaction fail, each item is written in a transaction of its own, so
    /// one bad row fails only itself. Answers come back in the items' order.
    pub fn write_each<T, R>(
        &self,
        items: &[T],
        write: impl Fn(&Connection, &T) -> Result<R>,
    ) -> Vec<Result<R>> {
        write_each_on(&self.conn(), items, write)
    }

    /// As [`Db::write_each`], for the engine's bookkeeping: see [`Db::conn_relaxed`].
    pub fn write_each_relaxed<T, R>(
        &self,
        items: &[T],
        write: impl Fn(&Connection, &T) -> Result<R>,
    ) -> Vec<Result<R>> {
        write_each_on(&self.conn_relaxed(), items, write)
    }

    /// A fresh connection to the same file, configured like the shared one.
    pub fn connect(&self) -> Result<Connection> {
        connect(&self.path)
    }

    pub fn schema_version(&self) -> Result<i64> {
        migrate::current_version(&self.read())
    }
}

fn write_each_on<T, R>(
    conn: &Connection,
    items: &[T],
    write: impl Fn(&Connection, &T) -> Result<R>,
) -> Vec<Result<R>> {
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

/// The shared connection with syncs relaxed until it is released; see [`Db::conn_relaxed`].
pub struct Relaxed<'a>(MutexGuard<'a, Connection>);

impl std::ops::Deref for Relaxed<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.0
    }
}

impl Drop for Relaxed<'_> {
    fn drop(&mut self) {
        // Every other use of the shared connection commits with a sync.
        let _ = self.0.pragma_update(None, "synchronous", "FULL");
        RELAXED.with(|r| r.set(false));
    }
}

/// Write transactions committed with a sync by this process. With `synchronous=FULL` in WAL mode each
/// one ends with a sync of the log, so the count is the number of log syncs (the benchmark prints syncs
/// per second and events per sync; see README, Performance).
static COMMITS: AtomicU64 = AtomicU64::new(0);
/// Commits made through [`Db::conn_relaxed`], which do not sync.
static RELAXED_COMMITS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// Set while this thread holds the shared connection relaxed; commits happen on the thread that
    /// holds the connection, so the commit hook reads it there.
    static RELAXED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Write transactions committed with a log sync by this process since it started.
pub fn commits() -> u64 {
    COMMITS.load(Ordering::Relaxed)
}

/// Write transactions committed without a sync (the engine's bookkeeping) since the process started.
pub fn relaxed_commits() -> u64 {
    RELAXED_COMMITS.load(Ordering::Relaxed)
}

/// Log frames (4 KiB pages) appended by commits on the shared connection while an engine's checkpointer
/// runs; the benchmark prints them per delivery (README, Performance).
static WAL_FRAMES: AtomicU64 = AtomicU64::new(0);
/// The log's length in frames after the last counted commit.
static WAL_LAST: AtomicI64 = AtomicI64::new(0);

/// Log frames appended by counted commits since the process started; see [`count_wal_frames`].
pub fn wal_frames() -> u64 {
    WAL_FRAMES.load(Ordering::Relaxed)
}

/// Counts the frames each commit on `conn` appends to the log. SQLite's automatic checkpoints use the
/// same hook, so this is installed only once they are off (the engine's checkpointer turns them off).
pub fn count_wal_frames(conn: &Connection) {
    fn on_commit(_: &rusqlite::hooks::Wal, frames: std::ffi::c_int) -> rusqlite::Result<()> {
        let now = i64::from(frames);
        let before = WAL_LAST.swap(now, Ordering::Relaxed);
        // A log that started over holds only this commit's frames.
        let added = if now >= before { now - before } else { now };
        WAL_FRAMES.fetch_add(added as u64, Ordering::Relaxed);
        Ok(())
    }
    conn.wal_hook(Some(on_commit));
}

fn connect(path: &Path) -> Result<Connection> {
    let fresh = std::fs::metadata(path)
        .map(|m| m.len() == 0)
        .unwrap_or(true);
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    if fresh {
        // Pruned rows leave free pages; a new file can hand them back to the disk (see README, Retention).
        // The mode can be chosen only before the first table exists.
        conn.pragma_update(None, "auto_vacuum", "INCREMENTAL")?;
    }
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Power-safe acknowledgements (README, Durability): a commit returns only after the log is synced to
    // stable storage. NORMAL would sync only at checkpoints, so an OS crash or power cut could lose events
    // already answered 202. Writers batch their work, so many events share one sync.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.commit_hook(Some(|| {
        if RELAXED.with(|r| r.get()) {
            RELAXED_COMMITS.fetch_add(1, Ordering::Relaxed);
        } else {
            COMMITS.fetch_add(1, Ordering::Relaxed);
        }
        false
    }));
    // Every delivery runs about fifteen distinct statements; the default cache of 16 thrashes.
    conn.set_prepared_statement_cache_capacity(128);
    Ok(conn)
}

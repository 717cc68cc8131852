//! Storage: the one seam between Hookdesk and its database (docs/architecture.md, Storage). Every
//! statement and every driver type lives under this folder. The rest of the core calls the functions
//! here with domain values and gets domain values back; it never names SQLite or PostgreSQL.
//!
//! Two backends sit behind [`Db`]: the SQLite file in the data directory (the default), and a
//! PostgreSQL database named by a URL (README, PostgreSQL).

mod conn;
mod db_error;
mod migrate;
mod pool;
pub mod postgres;
mod sql;
pub mod sqlite;

pub mod alerts;
pub mod app_settings;
pub mod attempts;
pub mod audit;
pub mod backup;
pub mod claims;
pub mod copy;
pub mod delivery_log;
pub mod delivery_state;
pub mod engine_lease;
pub mod flow;
pub mod hook_health;
pub mod hooks;
pub mod ingest_tokens;
pub mod order_webhooks;
pub mod outbox;
pub mod pos_status;
pub mod requeue;
pub mod retention;
pub mod sessions;
pub mod stores;
pub mod users;
pub mod workers;

pub use conn::{Backend, Conn, OptionalExt, Stmt, Tx};
pub use db_error::{DbError, DbErrorKind};
pub use migrate::known_schema_version;
pub use postgres::listen::Listener as WorkListener;
pub use postgres::DatabaseUrl;
pub(crate) use sql::json_arg;
pub use sql::{FromValue, Row, ToValue, Value};
pub use sqlite::{commits, relaxed_commits, wal_frames};

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use conn::Inner;
use postgres::PgConn;

use crate::Result;

/// Log filter directives the database drivers need whatever level was asked for: the PostgreSQL
/// driver logs every statement's arguments at debug, and rows, hashes and sealed secrets do not belong
/// in a log.
pub const LOG_DIRECTIVES: &[&str] = &["tokio_postgres=info"];

/// The environment variable naming a PostgreSQL database (the CLI's `--database` sets it too).
pub const DATABASE_URL_ENV: &str = "HOOKDESK_DATABASE_URL";

/// The database named by `HOOKDESK_DATABASE_URL`, if any; a malformed address is an error on field
/// `database`, never a silent fall-back to the SQLite file.
pub fn database_from_env() -> Result<Option<DatabaseUrl>> {
    match std::env::var(DATABASE_URL_ENV) {
        Ok(s) if !s.trim().is_empty() => Ok(Some(DatabaseUrl::parse("database", &s)?)),
        _ => Ok(None),
    }
}

#[derive(Clone)]
enum Place {
    Sqlite(PathBuf),
    Postgres(DatabaseUrl),
}

/// An open Hookdesk database. Commands and the engine's writers share one connection; the hot read paths
/// (routing, ingest tokens, a delivery's store and hook) use a second one, so they never wait behind a
/// write transaction.
pub struct Db {
    data_dir: PathBuf,
    place: Place,
    /// SQLite's two connections; on PostgreSQL they stay empty and the pool serves every caller.
    conn: Arc<Mutex<Conn>>,
    reader: Mutex<Conn>,
    /// PostgreSQL's sessions: ingest, claims and attempt records of one process run side by side on a
    /// shared database, where SQLite has one writer.
    pool: Option<pool::Pool>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("database", &self.describe())
            .finish()
    }
}

impl Db {
    /// Opens the data directory's database: the one `HOOKDESK_DATABASE_URL` names, else the SQLite file
    /// in `data_dir` (created if needed). Either way its schema is brought up to date.
    pub fn open(data_dir: &Path) -> Result<Db> {
        Db::open_at(data_dir, database_from_env()?.as_ref())
    }

    /// Opens `database` (PostgreSQL) or, with `None`, the SQLite file in `data_dir`. The data directory
    /// holds the data key either way.
    pub fn open_at(data_dir: &Path, database: Option<&DatabaseUrl>) -> Result<Db> {
        std::fs::create_dir_all(data_dir)?;
        let place = match database {
            None => Place::Sqlite(data_dir.join(crate::paths::DB_FILE)),
            Some(url) => Place::Postgres(url.clone()),
        };
        let conn = connect(&place)?;
        migrate::apply(&conn)?;
        // PostgreSQL's callers take their sessions from the pool: the migrations' session ends here.
        let (conn, reader, pool) = match &place {
            Place::Sqlite(_) => (conn, connect(&place)?, None),
            Place::Postgres(_) => (
                Conn::unavailable(),
                Conn::unavailable(),
                Some(pool::Pool::new(POOL_SIZE)),
            ),
        };
        Ok(Db {
            data_dir: data_dir.to_path_buf(),
            pool,
            place,
            conn: Arc::new(Mutex::new(conn)),
            reader: Mutex::new(reader),
        })
    }

    pub fn backend(&self) -> Backend {
        match self.place {
            Place::Sqlite(_) => Backend::Sqlite,
            Place::Postgres(_) => Backend::Postgres,
        }
    }

    /// The SQLite file, when the data lives in one.
    pub fn path(&self) -> Option<&Path> {
        match &self.place {
            Place::Sqlite(p) => Some(p),
            Place::Postgres(_) => None,
        }
    }

    /// The PostgreSQL database, when the data lives in one.
    pub fn database_url(&self) -> Option<&DatabaseUrl> {
        match &self.place {
            Place::Postgres(u) => Some(u),
            Place::Sqlite(_) => None,
        }
    }

    /// Where the data lives, fit to show: the file's path, or the address with its password masked.
    pub fn describe(&self) -> String {
        match &self.place {
            Place::Sqlite(p) => p.display().to_string(),
            Place::Postgres(u) => u.masked(),
        }
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The shared connection. A poisoned lock only means another thread panicked mid-call; the
    /// database's own transactions keep the data consistent, so the connection stays usable. A
    /// PostgreSQL session the server or the network ended is opened again here.
    pub fn conn(&self) -> ConnGuard<'_> {
        match &self.pool {
            Some(pool) => ConnGuard::Pooled(Box::new(pool.take(|| connect(&self.place)))),
            None => ConnGuard::Locked(self.checked(&self.conn)),
        }
    }

    /// The read connection: for single reads that need not see this process's open write transaction.
    pub fn read(&self) -> ConnGuard<'_> {
        match &self.pool {
            Some(pool) => ConnGuard::Pooled(Box::new(pool.take(|| connect(&self.place)))),
            None => ConnGuard::Locked(self.checked(&self.reader)),
        }
    }

    /// SQLite's connections; PostgreSQL's sessions come from the pool, which replaces a lost one.
    fn checked<'a>(&self, slot: &'a Mutex<Conn>) -> MutexGuard<'a, Conn> {
        slot.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Calls `wake` whenever another process commits new deliveries, while the returned guard lives
    /// (docs/architecture.md, Team mode). Only a shared PostgreSQL database has other processes
    /// delivering from it; with SQLite there is nothing to listen to.
    pub fn on_new_work(
        &self,
        wake: impl Fn() + Send + Sync + 'static,
    ) -> Result<Option<WorkListener>> {
        match &self.place {
            Place::Postgres(url) => Ok(Some(postgres::listen::listen(url, move |channel| {
                if channel != postgres::listen::CONFIG {
                    wake();
                }
            })?)),
            Place::Sqlite(_) => Ok(None),
        }
    }

    /// The shared connection for the engine's own bookkeeping (claims, attempt records, its lease):
    /// commits made through it do not wait for the log sync. Losing them in a power cut only means a
    /// delivery is sent again (at least once), while every acknowledged event and saved setting is
    /// committed with a sync (README, Durability), and that sync makes the earlier commits durable too.
    pub fn conn_relaxed(&self) -> Relaxed<'_> {
        let conn = self.conn();
        relax(&conn, true);
        Relaxed(conn)
    }

    /// Writes every item in one transaction, since a commit costs more than the rows it holds; `write`
    /// takes the whole batch at once (one statement for many rows on PostgreSQL) and answers one result
    /// per item. Should the transaction fail, `write` is called again for each item alone, so one bad
    /// row fails only itself. Answers come back in the items' order.
    pub fn write_batch<T, R>(
        &self,
        items: &[T],
        write: impl Fn(&Conn, &[T]) -> Result<Vec<Result<R>>>,
    ) -> Vec<Result<R>> {
        write_batch_on(&self.conn(), items, write)
    }

    /// As [`Db::write_batch`], for the engine's bookkeeping: see [`Db::conn_relaxed`].
    pub fn write_batch_relaxed<T, R>(
        &self,
        items: &[T],
        write: impl Fn(&Conn, &[T]) -> Result<Vec<Result<R>>>,
    ) -> Vec<Result<R>> {
        write_batch_on(&self.conn_relaxed(), items, write)
    }

    /// A fresh connection to the same database, configured like the shared one.
    pub fn connect(&self) -> Result<Conn> {
        connect(&self.place)
    }

    /// While the returned guard lives, the SQLite log is checkpointed by a thread of its own instead of
    /// inside commits (see [`sqlite::checkpoint`]); PostgreSQL does its own, so there is nothing to start.
    pub fn start_checkpoints(&self) -> Result<Option<sqlite::checkpoint::Checkpointer>> {
        match &self.place {
            Place::Sqlite(path) => {
                sqlite::checkpoint::Checkpointer::start(path, self.conn.clone()).map(Some)
            }
            Place::Postgres(_) => Ok(None),
        }
    }

    pub fn schema_version(&self) -> Result<i64> {
        migrate::current_version(&self.read())
    }
}

fn connect(place: &Place) -> Result<Conn> {
    Ok(Conn(match place {
        Place::Sqlite(path) => Inner::Sqlite(sqlite::connect(path)?),
        Place::Postgres(url) => Inner::Postgres(PgConn::connect(url)?),
    }))
}

fn relax(conn: &Conn, relaxed: bool) {
    match &conn.0 {
        Inner::Sqlite(c) => sqlite::relax(c, relaxed),
        Inner::Unavailable => {}
        // The same promise as SQLite's NORMAL: a crash may lose the last commits, never half of one.
        Inner::Postgres(c) => c.set_relaxed(relaxed),
    }
}

/// Writes `items` in one transaction with one call of `write`; should that fail, each item alone.
/// `write` answers one result per item: its outer error abandons the transaction, an inner one is
/// that item's own answer.
fn write_batch_on<T, R>(
    conn: &Conn,
    items: &[T],
    write: impl Fn(&Conn, &[T]) -> Result<Vec<Result<R>>>,
) -> Vec<Result<R>> {
    let in_one = |items: &[T]| -> Result<Vec<Result<R>>> {
        // The batch statements find their rows by key (docs/architecture.md, Storage backends).
        let tx = conn.transaction_with(conn.pick("", crate::by_key_only!()))?;
        let out = write(&tx, items)?;
        tx.commit()?;
        Ok(out)
    };
    match in_one(items) {
        Ok(out) => out,
        Err(e) if items.len() == 1 => vec![Err(e)],
        Err(_) => (0..items.len())
            .map(|i| match in_one(&items[i..=i]) {
                Ok(mut out) => out
                    .pop()
                    .unwrap_or_else(|| Err(crate::Error::Delivery("nothing was written".into()))),
                Err(e) => Err(e),
            })
            .collect(),
    }
}

/// The shared connection with syncs relaxed until it is released; see [`Db::conn_relaxed`].
pub struct Relaxed<'a>(ConnGuard<'a>);

/// Sessions a PostgreSQL `Db` keeps open for its callers.
const POOL_SIZE: usize = 4;

/// A connection lent to one caller: the SQLite connection under its lock, or a PostgreSQL session
/// from the pool, handed back when the guard is dropped.
pub enum ConnGuard<'a> {
    Locked(MutexGuard<'a, Conn>),
    Pooled(Box<pool::Lent<'a>>),
}

impl std::ops::Deref for ConnGuard<'_> {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        match self {
            ConnGuard::Locked(g) => g,
            ConnGuard::Pooled(l) => l,
        }
    }
}

impl std::ops::Deref for Relaxed<'_> {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.0
    }
}

impl Drop for Relaxed<'_> {
    fn drop(&mut self) {
        // Every other use of the shared connection commits with a sync.
        relax(&self.0, false);
    }
}

//! The embedded backend: one SQLite file in the data directory, in WAL mode, every acknowledged write
//! synced (README, Durability). The mechanics only SQLite has (PRAGMAs, the WAL hook, checkpoints, the
//! online backup) live here and nowhere else.

pub mod backup;
pub mod checkpoint;

use std::path::Path;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use rusqlite::types::ValueRef;
use rusqlite::Connection;

use super::sql::{Row, Value};
use super::{DbError, DbErrorKind};

/// Write transactions committed with a sync by this process. With `synchronous=FULL` in WAL mode each
/// one ends with a sync of the log, so the count is the number of log syncs (the benchmark prints syncs
/// per second and events per sync; see README, Performance).
static COMMITS: AtomicU64 = AtomicU64::new(0);
/// Commits made on a relaxed connection, which do not sync.
static RELAXED_COMMITS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// Set while this thread holds the shared connection relaxed; commits happen on the thread that
    /// holds the connection, so the commit hook reads it there.
    static RELAXED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

pub fn commits() -> u64 {
    COMMITS.load(Ordering::Relaxed)
}

pub fn relaxed_commits() -> u64 {
    RELAXED_COMMITS.load(Ordering::Relaxed)
}

/// Commits on `conn` stop waiting for the log sync until [`relax`] is called with `false`.
pub(in crate::store) fn relax(conn: &Connection, relaxed: bool) {
    let _ = conn.pragma_update(None, "synchronous", if relaxed { "NORMAL" } else { "FULL" });
    RELAXED.with(|r| r.set(relaxed));
}

/// Log frames (4 KiB pages) appended by commits on the shared connection while an engine's checkpointer
/// runs; the benchmark prints them per delivery (README, Performance).
static WAL_FRAMES: AtomicU64 = AtomicU64::new(0);
/// The log's length in frames after the last counted commit.
static WAL_LAST: AtomicI64 = AtomicI64::new(0);

pub fn wal_frames() -> u64 {
    WAL_FRAMES.load(Ordering::Relaxed)
}

/// Counts the frames each commit on `conn` appends to the log. SQLite's automatic checkpoints use the
/// same hook, so this is installed only once they are off (the engine's checkpointer turns them off).
pub(in crate::store) fn count_wal_frames(conn: &Connection) {
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

pub(in crate::store) fn connect(path: &Path) -> Result<Connection, DbError> {
    let fresh = std::fs::metadata(path)
        .map(|m| m.len() == 0)
        .unwrap_or(true);
    let conn = Connection::open(path).map_err(db_error)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .map_err(db_error)?;
    if fresh {
        // Pruned rows leave free pages; a new file can hand them back to the disk (see README, Retention).
        // The mode can be chosen only before the first table exists.
        conn.pragma_update(None, "auto_vacuum", "INCREMENTAL")
            .map_err(db_error)?;
    }
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(db_error)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(db_error)?;
    // Power-safe acknowledgements (README, Durability): a commit returns only after the log is synced to
    // stable storage. NORMAL would sync only at checkpoints, so an OS crash or power cut could lose events
    // already answered 202. Writers batch their work, so many events share one sync.
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(db_error)?;
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

fn bind(args: &[Value]) -> Vec<rusqlite::types::Value> {
    args.iter()
        .map(|v| match v {
            Value::Null => rusqlite::types::Value::Null,
            Value::Int(i) => rusqlite::types::Value::Integer(*i),
            Value::Real(f) => rusqlite::types::Value::Real(*f),
            Value::Text(s) => rusqlite::types::Value::Text(s.clone()),
            Value::Blob(b) => rusqlite::types::Value::Blob(b.clone()),
        })
        .collect()
}

pub(in crate::store) fn execute(
    conn: &Connection,
    sql: &str,
    args: &[Value],
) -> Result<usize, DbError> {
    let mut stmt = conn.prepare_cached(sql).map_err(db_error)?;
    stmt.execute(rusqlite::params_from_iter(bind(args)))
        .map_err(db_error)
}

pub(in crate::store) fn query(
    conn: &Connection,
    sql: &str,
    args: &[Value],
) -> Result<Vec<Row>, DbError> {
    let mut stmt = conn.prepare_cached(sql).map_err(db_error)?;
    let width = stmt.column_count();
    let mut rows = stmt
        .query(rusqlite::params_from_iter(bind(args)))
        .map_err(db_error)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(db_error)? {
        let mut cols = Vec::with_capacity(width);
        for i in 0..width {
            cols.push(match r.get_ref(i).map_err(db_error)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(i) => Value::Int(i),
                ValueRef::Real(f) => Value::Real(f),
                ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(b) => Value::Blob(b.to_vec()),
            });
        }
        out.push(Row(cols));
    }
    Ok(out)
}

/// SQLite's error, classified for the rest of the core.
pub(in crate::store) fn db_error(e: rusqlite::Error) -> DbError {
    use rusqlite::ErrorCode as C;
    let kind = match &e {
        rusqlite::Error::QueryReturnedNoRows => DbErrorKind::NoRows,
        rusqlite::Error::SqliteFailure(f, _) => match f.code {
            C::ConstraintViolation
                if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                    || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
            {
                DbErrorKind::Unique
            }
            C::ConstraintViolation => DbErrorKind::Constraint,
            C::DiskFull => DbErrorKind::Full,
            C::DatabaseBusy | C::DatabaseLocked => DbErrorKind::Busy,
            C::SystemIoFailure | C::CannotOpen => DbErrorKind::Unavailable,
            _ => DbErrorKind::Other,
        },
        rusqlite::Error::FromSqlConversionFailure(..)
        | rusqlite::Error::InvalidColumnType(..)
        | rusqlite::Error::IntegralValueOutOfRange(..) => DbErrorKind::Decode,
        _ => DbErrorKind::Other,
    };
    DbError::new(kind, e.to_string())
}

impl From<rusqlite::Error> for crate::Error {
    fn from(e: rusqlite::Error) -> Self {
        crate::Error::Db(db_error(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_a_storage_error_and_bad_input_is_not() {
        let full = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            None,
        );
        assert!(db_error(full).is_storage_unavailable());
        let constraint = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE),
            None,
        );
        let e = db_error(constraint);
        assert_eq!(e.kind(), DbErrorKind::Unique);
        assert!(!e.is_storage_unavailable());
    }
}

//! One database connection, whichever backend holds it. Statements are written once with `?N`
//! placeholders and 64-bit integers (see [`super::sql`]); where the dialects differ, a store function asks
//! [`Conn::backend`] and picks its text. Everything here stays inside `store/`.

use super::postgres::PgConn;
use super::sql::{Row, Value};
use super::sqlite;
use super::{DbError, DbErrorKind};
use crate::Result;

/// Which kind of database a connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

pub struct Conn(pub(super) Inner);

pub(super) enum Inner {
    Sqlite(rusqlite::Connection),
    Postgres(PgConn),
    /// No session could be opened: every statement answers that the database cannot be reached.
    Unavailable,
}

fn unreachable() -> DbError {
    DbError::new(
        DbErrorKind::Unavailable,
        "no database session could be opened",
    )
}

impl Conn {
    pub(super) fn unavailable() -> Conn {
        Conn(Inner::Unavailable)
    }

    pub fn backend(&self) -> Backend {
        match &self.0 {
            Inner::Sqlite(_) => Backend::Sqlite,
            Inner::Postgres(_) | Inner::Unavailable => Backend::Postgres,
        }
    }

    /// Picks the statement text for this connection's dialect.
    pub fn pick<'s>(&self, sqlite: &'s str, postgres: &'s str) -> &'s str {
        match self.backend() {
            Backend::Sqlite => sqlite,
            Backend::Postgres => postgres,
        }
    }

    /// Runs one statement; answers the number of rows it changed.
    pub fn execute(&self, sql: &str, args: &[Value]) -> Result<usize> {
        Ok(match &self.0 {
            Inner::Sqlite(c) => sqlite::execute(c, sql, args)?,
            Inner::Postgres(c) => c.execute(sql, args)?,
            Inner::Unavailable => return Err(unreachable().into()),
        })
    }

    /// Runs statements separated by `;`, without arguments (schema changes, session settings).
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match &self.0 {
            Inner::Sqlite(c) => c.execute_batch(sql).map_err(sqlite::db_error)?,
            Inner::Postgres(c) => c.batch(sql)?,
            Inner::Unavailable => return Err(unreachable().into()),
        }
        Ok(())
    }

    /// Every row the query answers, each read by `f`.
    pub fn query_map<T>(
        &self,
        sql: &str,
        args: &[Value],
        mut f: impl FnMut(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        let rows = match &self.0 {
            Inner::Sqlite(c) => sqlite::query(c, sql, args)?,
            Inner::Postgres(c) => c.query(sql, args)?,
            Inner::Unavailable => return Err(unreachable().into()),
        };
        rows.iter().map(&mut f).collect()
    }

    /// Several statements in one round trip on PostgreSQL (in turn on SQLite), each answered with its
    /// rows; for reads that do not depend on each other.
    pub fn query_all(&self, statements: &[(&str, &[Value])]) -> Result<Vec<Vec<Row>>> {
        match &self.0 {
            Inner::Sqlite(c) => statements
                .iter()
                .map(|(sql, args)| Ok(sqlite::query(c, sql, args)?))
                .collect(),
            Inner::Postgres(c) => Ok(c.query_all(statements)?),
            Inner::Unavailable => Err(unreachable().into()),
        }
    }

    /// The first row, read by `f`; no row is an error of kind [`DbErrorKind::NoRows`].
    pub fn query_row<T>(
        &self,
        sql: &str,
        args: &[Value],
        f: impl FnOnce(&Row) -> Result<T>,
    ) -> Result<T> {
        self.query_opt(sql, args, f)?
            .ok_or_else(|| DbError::no_rows().into())
    }

    /// The first row, read by `f`, or `None`.
    pub fn query_opt<T>(
        &self,
        sql: &str,
        args: &[Value],
        f: impl FnOnce(&Row) -> Result<T>,
    ) -> Result<Option<T>> {
        let rows = match &self.0 {
            Inner::Sqlite(c) => sqlite::query(c, sql, args)?,
            Inner::Postgres(c) => c.query(sql, args)?,
            Inner::Unavailable => return Err(unreachable().into()),
        };
        rows.first().map(f).transpose()
    }

    /// A statement to run once or many times with different arguments. Both backends keep their prepared
    /// statements in a per-connection cache, so preparing here is free; this only holds the text.
    pub fn prepare_cached(&self, sql: &str) -> Result<Stmt<'_>> {
        Ok(Stmt {
            conn: self,
            sql: sql.to_string(),
        })
    }

    /// As [`Conn::prepare_cached`].
    pub fn prepare(&self, sql: &str) -> Result<Stmt<'_>> {
        self.prepare_cached(sql)
    }

    /// A transaction that takes the write lock at once (SQLite's `BEGIN IMMEDIATE`), so a read followed
    /// by a write cannot fail half-way on a lock held by another process. Rolled back unless committed.
    pub fn transaction(&self) -> Result<Tx<'_>> {
        self.begin(self.pick("BEGIN IMMEDIATE", "BEGIN"))
    }

    /// A transaction that takes the write lock only when it first writes.
    pub fn transaction_deferred(&self) -> Result<Tx<'_>> {
        self.begin("BEGIN")
    }

    /// A deferred transaction whose first statements (`then`, without arguments) go in the same round
    /// trip as its `BEGIN`.
    pub fn transaction_with(&self, then: &str) -> Result<Tx<'_>> {
        if then.is_empty() {
            return self.transaction_deferred();
        }
        self.begin(&format!("BEGIN; {then}"))
    }

    /// On PostgreSQL the `BEGIN` waits to travel with the transaction's first statement, in one round
    /// trip (README, Performance).
    fn begin(&self, sql: &str) -> Result<Tx<'_>> {
        match &self.0 {
            Inner::Postgres(c) => c.begin_later(sql),
            _ => self.execute_batch(sql)?,
        }
        Ok(Tx {
            conn: self,
            done: false,
        })
    }

    /// The SQLite connection, for the mechanics only SQLite has (checkpoints, the online backup).
    pub(super) fn as_sqlite(&self) -> Option<&rusqlite::Connection> {
        match &self.0 {
            Inner::Sqlite(c) => Some(c),
            _ => None,
        }
    }

    pub(super) fn as_postgres(&self) -> Option<&PgConn> {
        match &self.0 {
            Inner::Postgres(c) => Some(c),
            _ => None,
        }
    }
}

/// A statement's text on a connection; see [`Conn::prepare_cached`].
pub struct Stmt<'c> {
    conn: &'c Conn,
    sql: String,
}

impl Stmt<'_> {
    pub fn execute(&mut self, args: &[Value]) -> Result<usize> {
        self.conn.execute(&self.sql, args)
    }

    pub fn query_map<T>(
        &mut self,
        args: &[Value],
        f: impl FnMut(&Row) -> Result<T>,
    ) -> Result<std::vec::IntoIter<Result<T>>> {
        let mut f = f;
        let rows = match &self.conn.0 {
            Inner::Sqlite(c) => sqlite::query(c, &self.sql, args)?,
            Inner::Postgres(c) => c.query(&self.sql, args)?,
            Inner::Unavailable => return Err(unreachable().into()),
        };
        Ok(rows.iter().map(&mut f).collect::<Vec<_>>().into_iter())
    }

    pub fn query_row<T>(&mut self, args: &[Value], f: impl FnOnce(&Row) -> Result<T>) -> Result<T> {
        self.conn.query_row(&self.sql, args, f)
    }

    pub fn exists(&mut self, args: &[Value]) -> Result<bool> {
        Ok(self.conn.query_opt(&self.sql, args, |_| Ok(()))?.is_some())
    }
}

/// An open transaction on a [`Conn`]; it reads and writes like the connection itself.
pub struct Tx<'c> {
    conn: &'c Conn,
    done: bool,
}

impl Tx<'_> {
    pub fn commit(mut self) -> Result<()> {
        // A commit that fails (a full disk) leaves the transaction open: dropping it rolls back.
        match &self.conn.0 {
            // A transaction that never sent a statement has nothing to commit.
            Inner::Postgres(c) if c.drop_unsent_begin() => {}
            Inner::Postgres(c) => c.batch(c.commit_text())?,
            _ => self.conn.execute_batch("COMMIT")?,
        }
        self.done = true;
        Ok(())
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        self.conn
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if !self.done {
            if let Inner::Postgres(c) = &self.conn.0 {
                if c.drop_unsent_begin() {
                    return;
                }
            }
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

/// `.optional()` on a single-row answer: no row becomes `None`, every other error stays.
pub trait OptionalExt<T> {
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExt<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(crate::Error::Db(e)) if e.kind() == DbErrorKind::NoRows => Ok(None),
            Err(e) => Err(e),
        }
    }
}

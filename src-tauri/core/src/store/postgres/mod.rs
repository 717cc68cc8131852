//! The shared backend: a PostgreSQL database several machines can use (README, PostgreSQL).
//!
//! The core is synchronous (SQLite answers on the caller's thread), so each connection is driven by a
//! small runtime of its own process-wide thread, and callers wait for their answers on their own
//! thread. That works from inside the engine's async tasks too: the wait never enters a runtime.

pub mod admin;
mod dialect;
pub mod listen;
mod tls;
mod url;
mod values;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll, Wake};

use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, Statement};

pub use self::url::DatabaseUrl;
use super::sql::{Row, Value};
use super::{DbError, DbErrorKind};

/// The thread that drives every PostgreSQL connection's socket: a single-threaded runtime, since its
/// only work is moving messages, and waking one thread costs less than a scheduler's worth of them.
fn runtime() -> &'static tokio::runtime::Handle {
    static RT: OnceLock<tokio::runtime::Handle> = OnceLock::new();
    RT.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("the PostgreSQL I/O runtime could not start");
        let handle = rt.handle().clone();
        std::thread::Builder::new()
            .name("hookdesk-postgres".into())
            .spawn(move || rt.block_on(std::future::pending::<()>()))
            .expect("the PostgreSQL I/O thread could not start");
        handle
    })
}

/// Waits for `fut` on this thread. The driver's request futures only exchange messages with the
/// connection task, so they need no runtime of their own.
fn wait<F: Future>(fut: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Arc::new(Unpark(std::thread::current())).into();
    let mut cx = Context::from_waker(&waker);
    let mut fut = std::pin::pin!(fut);
    loop {
        match fut.as_mut().poll(&mut cx) {
            Poll::Ready(v) => return v,
            Poll::Pending => std::thread::park(),
        }
    }
}

/// One PostgreSQL session with its prepared statements.
pub struct PgConn {
    client: Client,
    statements: RefCell<HashMap<String, Statement>>,
    /// Commit without waiting for the log to reach the disk (see [`super::Db::conn_relaxed`]).
    relaxed: Cell<bool>,
    /// A transaction's `BEGIN` (and its settings), sent with its first statement.
    unsent_begin: RefCell<Option<String>>,
}

impl PgConn {
    pub fn connect(url: &DatabaseUrl) -> Result<PgConn, DbError> {
        let cfg = url
            .driver_config()
            .map_err(|e| DbError::new(DbErrorKind::Unavailable, e.to_string()))?;
        let tls = tls::connector()?;
        let handle = runtime().spawn(async move {
            let (client, connection) = cfg.connect(tls).await?;
            tokio::spawn(async move {
                if let Err(e) = connection.await {
                    tracing::debug!(error = %e, "a PostgreSQL connection ended");
                }
            });
            Ok::<_, tokio_postgres::Error>(client)
        });
        let client = wait(handle)
            .map_err(|e| DbError::new(DbErrorKind::Unavailable, e.to_string()))?
            .map_err(|e| {
                let e = db_error(e);
                tracing::warn!(database = %url, error = e.detail(), "cannot connect to PostgreSQL");
                e
            })?;
        Ok(PgConn {
            client,
            statements: RefCell::new(HashMap::new()),
            relaxed: Cell::new(false),
            unsent_begin: RefCell::new(None),
        })
    }

    pub fn set_relaxed(&self, relaxed: bool) {
        self.relaxed.set(relaxed);
    }

    /// How this session ends a transaction: relaxed ones set `synchronous_commit` for that transaction
    /// alone, in the same round trip as the commit.
    pub fn commit_text(&self) -> &'static str {
        if self.relaxed.get() {
            "SET LOCAL synchronous_commit = off; COMMIT"
        } else {
            "COMMIT"
        }
    }

    /// False once the server or the network ended the session; the pool then opens a new one.
    pub fn is_open(&self) -> bool {
        !self.client.is_closed()
    }

    fn statement(&self, sql: &str) -> Result<Statement, DbError> {
        if let Some(s) = self.statements.borrow().get(sql) {
            return Ok(s.clone());
        }
        let stmt = wait(self.client.prepare(&dialect::translate(sql))).map_err(db_error)?;
        let mut cache = self.statements.borrow_mut();
        if cache.len() >= 256 {
            cache.clear();
        }
        cache.insert(sql.to_string(), stmt.clone());
        Ok(stmt)
    }

    /// Holds `sql` (a `BEGIN` and its settings) until the next statement, which carries it.
    pub fn begin_later(&self, sql: &str) {
        *self.unsent_begin.borrow_mut() = Some(sql.to_string());
    }

    /// Forgets a `BEGIN` no statement has carried yet; true if there was one.
    pub fn drop_unsent_begin(&self) -> bool {
        self.unsent_begin.borrow_mut().take().is_some()
    }

    /// Waits for `fut`, with the transaction's unsent `BEGIN` ahead of it on the wire. The driver
    /// pipelines requests that are under way together, so both take one round trip. Should a setting
    /// or the lock sent with the `BEGIN` fail, the transaction is aborted and the statement behind it
    /// fails too; the error answered is the first one.
    fn after_begin<T>(
        &self,
        fut: impl Future<Output = Result<T, tokio_postgres::Error>>,
    ) -> Result<T, DbError> {
        let begin = self.unsent_begin.borrow_mut().take();
        match begin {
            None => wait(fut).map_err(db_error),
            Some(begin) => {
                let (began, out) = wait(futures_util::future::join(
                    self.client.batch_execute(&begin),
                    fut,
                ));
                began.map_err(db_error)?;
                out.map_err(db_error)
            }
        }
    }

    pub fn execute(&self, sql: &str, args: &[Value]) -> Result<usize, DbError> {
        let stmt = self.statement(sql)?;
        let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a as _).collect();
        let n = self.after_begin(self.client.execute(&stmt, &params))?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    pub fn query(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>, DbError> {
        let stmt = self.statement(sql)?;
        let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a as _).collect();
        let rows = self.after_begin(self.client.query(&stmt, &params))?;
        values(&rows)
    }

    /// Several statements pipelined: sent together, answered in order, one round trip.
    pub fn query_all(&self, statements: &[(&str, &[Value])]) -> Result<Vec<Vec<Row>>, DbError> {
        let prepared = statements
            .iter()
            .map(|(sql, _)| self.statement(sql))
            .collect::<Result<Vec<_>, _>>()?;
        let params: Vec<Vec<&(dyn ToSql + Sync)>> = statements
            .iter()
            .map(|(_, args)| args.iter().map(|a| a as _).collect())
            .collect();
        let all = futures_util::future::join_all(
            prepared
                .iter()
                .zip(&params)
                .map(|(stmt, params)| self.client.query(stmt, params)),
        );
        let answers = self.after_begin(async { Ok(all.await) })?;
        answers
            .into_iter()
            .map(|rows| values(&rows.map_err(db_error)?))
            .collect()
    }

    pub fn batch(&self, sql: &str) -> Result<(), DbError> {
        let sql = match self.unsent_begin.borrow_mut().take() {
            Some(begin) => format!("{begin}; {sql}"),
            None => sql.to_string(),
        };
        wait(self.client.batch_execute(&sql)).map_err(db_error)
    }
}

/// The driver's rows as [`Row`]s of [`Value`]s.
fn values(rows: &[tokio_postgres::Row]) -> Result<Vec<Row>, DbError> {
    rows.iter()
        .map(|r| {
            (0..r.len())
                .map(|i| r.try_get::<_, Value>(i).map_err(db_error))
                .collect::<Result<Vec<_>, _>>()
                .map(Row)
        })
        .collect()
}

/// PostgreSQL's error, classified for the rest of the core.
fn db_error(e: tokio_postgres::Error) -> DbError {
    let kind = match e.code() {
        Some(c) if *c == SqlState::UNIQUE_VIOLATION => DbErrorKind::Unique,
        Some(c) if c.code().starts_with("23") => DbErrorKind::Constraint,
        Some(c) if *c == SqlState::DISK_FULL || *c == SqlState::INSUFFICIENT_RESOURCES => {
            DbErrorKind::Full
        }
        Some(c)
            if *c == SqlState::T_R_SERIALIZATION_FAILURE
                || *c == SqlState::T_R_DEADLOCK_DETECTED
                || *c == SqlState::LOCK_NOT_AVAILABLE
                || *c == SqlState::QUERY_CANCELED =>
        {
            DbErrorKind::Busy
        }
        Some(c)
            if c.code().starts_with("08")
                || c.code().starts_with("57P")
                || *c == SqlState::TOO_MANY_CONNECTIONS =>
        {
            DbErrorKind::Unavailable
        }
        Some(_) => DbErrorKind::Other,
        None if e.is_closed() => DbErrorKind::Unavailable,
        None => {
            let text = e.to_string();
            if text.contains("serializing") || text.contains("deserializing") {
                DbErrorKind::Decode
            } else if std::error::Error::source(&e).is_some_and(|s| s.is::<std::io::Error>())
                || text.contains("timeout")
                || text.contains("connect")
            {
                DbErrorKind::Unavailable
            } else {
                DbErrorKind::Other
            }
        }
    };
    let detail = match e.as_db_error() {
        Some(d) => format!("{}: {}", d.code().code(), d.message()),
        None => e.to_string(),
    };
    DbError::new(kind, detail)
}

impl From<tokio_postgres::Error> for crate::Error {
    fn from(e: tokio_postgres::Error) -> Self {
        crate::Error::Db(db_error(e))
    }
}

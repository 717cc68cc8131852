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
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, Statement};

pub use self::url::DatabaseUrl;
use super::sql::{Row, Value};
use super::{DbError, DbErrorKind};

/// The thread that drives every PostgreSQL connection's socket.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("hookdesk-postgres")
            .enable_all()
            .build()
            .expect("the PostgreSQL I/O thread could not start")
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

    pub fn execute(&self, sql: &str, args: &[Value]) -> Result<usize, DbError> {
        let stmt = self.statement(sql)?;
        let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a as _).collect();
        let n = wait(self.client.execute(&stmt, &params)).map_err(db_error)?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    pub fn query(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>, DbError> {
        let stmt = self.statement(sql)?;
        let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a as _).collect();
        let rows = wait(self.client.query(&stmt, &params)).map_err(db_error)?;
        values(&rows)
    }

    /// Runs a statement unprepared, planned for this execution alone, in one round trip. For the
    /// batch statements: a prepared statement's plan is kept, and one made while a table was still
    /// small would scan it whole once it has grown (docs/architecture.md, Storage backends).
    pub fn query_once(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>, DbError> {
        let typed: Vec<(&(dyn ToSql + Sync), Type)> = args
            .iter()
            .map(|a| {
                let ty = match a {
                    Value::Int(_) => Type::INT8,
                    Value::Real(_) => Type::FLOAT8,
                    Value::Text(_) => Type::TEXT,
                    Value::Blob(_) => Type::BYTEA,
                    // The server takes a NULL's type from where it is used.
                    Value::Null => Type::UNKNOWN,
                };
                (a as &(dyn ToSql + Sync), ty)
            })
            .collect();
        let rows =
            wait(self.client.query_typed(&dialect::translate(sql), &typed)).map_err(db_error)?;
        values(&rows)
    }

    pub fn batch(&self, sql: &str) -> Result<(), DbError> {
        wait(self.client.batch_execute(sql)).map_err(db_error)
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

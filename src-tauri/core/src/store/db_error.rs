//! A storage failure, the same for every backend. What the driver said stays in [`DbError::detail`] for
//! the process log; what a person sees is the plain sentence of its kind (README, Errors).

/// What went wrong, as far as a caller needs to branch on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbErrorKind {
    /// A query that must return a row returned none.
    NoRows,
    /// A unique key already holds the value.
    Unique,
    /// Another constraint (a foreign key, a check) refused the write.
    Constraint,
    /// The disk or the database's space is exhausted.
    Full,
    /// Locked or busy for longer than the wait allows, or a serialization conflict.
    Busy,
    /// The database cannot be reached or the connection was lost.
    Unavailable,
    /// A column did not hold what the code expected.
    Decode,
    Other,
}

#[derive(Debug, Clone)]
pub struct DbError {
    kind: DbErrorKind,
    detail: String,
}

impl DbError {
    pub fn new(kind: DbErrorKind, detail: impl Into<String>) -> DbError {
        DbError {
            kind,
            detail: detail.into(),
        }
    }

    pub fn decode(detail: impl Into<String>) -> DbError {
        DbError::new(DbErrorKind::Decode, detail)
    }

    pub fn no_rows() -> DbError {
        DbError::new(DbErrorKind::NoRows, "the query returned no rows")
    }

    pub fn kind(&self) -> DbErrorKind {
        self.kind
    }

    /// The driver's own words, for the process log only: they may name tables, values or hosts.
    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// True when trying again later may succeed: the storage, not the request, was at fault.
    pub fn is_storage_unavailable(&self) -> bool {
        matches!(
            self.kind,
            DbErrorKind::Full | DbErrorKind::Busy | DbErrorKind::Unavailable
        )
    }
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.kind {
            DbErrorKind::Full | DbErrorKind::Busy => {
                "the database cannot be written right now (the disk may be full or the database busy); \
                 try again in a moment"
            }
            DbErrorKind::Unavailable => "the database cannot be reached right now; try again in a moment",
            DbErrorKind::Unique => "that value is already in use",
            _ => "the database could not complete the request",
        })
    }
}

impl std::error::Error for DbError {}

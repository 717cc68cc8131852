use serde::Serialize;

/// Every failure the core reports. Each variant maps to a stable `code` that the UI and the CLI branch on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("the session is locked: unlock with your password and a two-factor code")]
    Locked,
    #[error("sign-in failed: wrong name, password or code")]
    Unauthorized,
    #[error("too many wrong codes: locked until {until}")]
    LockedOut { until: String },
    #[error("set up two-factor sign-in first: scan the key with an authenticator app and confirm a code")]
    EnrollmentRequired,
    #[error("your role may not {0}")]
    Forbidden(String),
    #[error("{0}")]
    Crypto(String),
    #[error(
        "this data directory was written by a newer Hookdesk (schema {found}, this build knows up to {known}); \
         upgrade Hookdesk instead of opening it with this version"
    )]
    SchemaTooNew { found: i64, known: i64 },
    /// A storage failure. Its text is the plain sentence of its kind; what the driver said is kept for
    /// the process log ([`crate::store::DbError::detail`]).
    #[error("{0}")]
    Db(#[from] crate::store::DbError),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Delivery(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The stable codes of [`Error`], one per variant family. The desktop window receives them as this
/// enum (its TypeScript union is generated from it, see README "The IPC contract"); the CLI prints the
/// same strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Invalid,
    NotFound,
    Conflict,
    Locked,
    Unauthorized,
    LockedOut,
    EnrollmentRequired,
    Forbidden,
    Crypto,
    SchemaTooNew,
    Database,
    Io,
    Delivery,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 13] = [
        ErrorCode::Invalid,
        ErrorCode::NotFound,
        ErrorCode::Conflict,
        ErrorCode::Locked,
        ErrorCode::Unauthorized,
        ErrorCode::LockedOut,
        ErrorCode::EnrollmentRequired,
        ErrorCode::Forbidden,
        ErrorCode::Crypto,
        ErrorCode::SchemaTooNew,
        ErrorCode::Database,
        ErrorCode::Io,
        ErrorCode::Delivery,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Invalid => "invalid",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Locked => "locked",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::LockedOut => "locked_out",
            ErrorCode::EnrollmentRequired => "enrollment_required",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::Crypto => "crypto",
            ErrorCode::SchemaTooNew => "schema_too_new",
            ErrorCode::Database => "database",
            ErrorCode::Io => "io",
            ErrorCode::Delivery => "delivery",
        }
    }
}

impl Error {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn kind(&self) -> ErrorCode {
        match self {
            Error::Invalid { .. } => ErrorCode::Invalid,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::Conflict(_) => ErrorCode::Conflict,
            Error::Locked => ErrorCode::Locked,
            Error::Unauthorized => ErrorCode::Unauthorized,
            Error::LockedOut { .. } => ErrorCode::LockedOut,
            Error::EnrollmentRequired => ErrorCode::EnrollmentRequired,
            Error::Forbidden(_) => ErrorCode::Forbidden,
            Error::Crypto(_) => ErrorCode::Crypto,
            Error::SchemaTooNew { .. } => ErrorCode::SchemaTooNew,
            Error::Db(_) => ErrorCode::Database,
            Error::Io(_) => ErrorCode::Io,
            Error::Delivery(_) => ErrorCode::Delivery,
        }
    }

    pub fn code(&self) -> &'static str {
        self.kind().as_str()
    }

    /// True when the data could not be stored for want of the storage itself (a full disk, an I/O
    /// error, a database that cannot be opened or stays locked), not because of what was asked: trying
    /// again later may succeed. The ingest API answers these with 503 and `Retry-After`.
    pub fn is_storage_unavailable(&self) -> bool {
        match self {
            Error::Db(e) => e.is_storage_unavailable(),
            Error::Io(e) => {
                e.kind() == std::io::ErrorKind::StorageFull || e.raw_os_error() == Some(28)
            }
            _ => false,
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The message without the field prefix: the UI shows it next to the field itself.
    pub fn message(&self) -> String {
        match self {
            Error::Invalid { message, .. } => message.clone(),
            other => other.to_string(),
        }
    }

    /// The message for a person at the window: like [`Error::message`], except that database and file
    /// errors say what happened in plain words instead of passing on the driver's or the OS's text (that
    /// text stays in the process log).
    pub fn plain_message(&self) -> String {
        match self {
            Error::Db(e) => e.to_string(),
            Error::Io(_) if self.is_storage_unavailable() => "the disk is full".into(),
            Error::Io(e) => format!("a file could not be read or written ({})", e.kind()),
            other => other.message(),
        }
    }

    pub fn to_payload(&self) -> ErrorPayload {
        ErrorPayload {
            code: self.code().to_string(),
            message: self.message(),
            field: self.field().map(str::to_string),
        }
    }
}

/// The wire shape of an error for the UI and for `--json` output: `{code, message, field?}`.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct ErrorPayload {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.to_payload().serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_errors_carry_their_field() {
        let e = Error::invalid("url", "must start with https://");
        let p = e.to_payload();
        assert_eq!(p.code, "invalid");
        assert_eq!(p.field.as_deref(), Some("url"));
        assert_eq!(p.message, "must start with https://");
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["field"], "url");
    }

    #[test]
    fn a_full_disk_is_a_storage_error_and_bad_input_is_not() {
        use crate::store::{DbError, DbErrorKind};
        assert!(Error::Db(DbError::new(DbErrorKind::Full, "disk full")).is_storage_unavailable());
        assert!(Error::Io(std::io::Error::from_raw_os_error(28)).is_storage_unavailable());
        let constraint = DbError::new(DbErrorKind::Constraint, "FOREIGN KEY constraint failed");
        assert!(!Error::Db(constraint).is_storage_unavailable());
        assert!(!Error::invalid("store", "unknown").is_storage_unavailable());
    }

    #[test]
    fn every_code_serializes_as_its_string() {
        for c in ErrorCode::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
    }

    #[test]
    fn database_and_file_errors_have_plain_messages() {
        let driver = crate::store::DbError::new(
            crate::store::DbErrorKind::Constraint,
            "UNIQUE constraint failed: hooks.id",
        );
        let e = Error::Db(driver);
        assert_eq!(e.code(), "database");
        // Neither the window's text, nor the CLI's, nor the error's own text passes on the driver's.
        for shown in [
            e.plain_message(),
            e.message(),
            e.to_string(),
            e.to_payload().message,
        ] {
            assert!(!shown.contains("UNIQUE"), "{shown}");
        }
        if let Error::Db(d) = &e {
            assert!(d.detail().contains("UNIQUE"));
        }
        let io = Error::Io(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "/secret/path: os error 13",
        ));
        assert!(!io.plain_message().contains("/secret/path"));
        assert!(io.plain_message().contains("permission denied"));
        assert_eq!(
            Error::invalid("url", "must be https").plain_message(),
            "must be https"
        );
    }

    #[test]
    fn non_field_errors_omit_field() {
        let json = serde_json::to_value(Error::Locked).unwrap();
        assert_eq!(json["code"], "locked");
        assert!(json.get("field").is_none());
    }
}

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
    #[error("database error: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Delivery(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid { .. } => "invalid",
            Error::NotFound(_) => "not_found",
            Error::Conflict(_) => "conflict",
            Error::Locked => "locked",
            Error::Unauthorized => "unauthorized",
            Error::LockedOut { .. } => "locked_out",
            Error::EnrollmentRequired => "enrollment_required",
            Error::Forbidden(_) => "forbidden",
            Error::Crypto(_) => "crypto",
            Error::SchemaTooNew { .. } => "schema_too_new",
            Error::Db(_) => "database",
            Error::Io(_) => "io",
            Error::Delivery(_) => "delivery",
        }
    }

    /// True when the data could not be stored for want of the storage itself (a full disk, an I/O
    /// error, a database that cannot be opened or stays locked), not because of what was asked: trying
    /// again later may succeed. The ingest API answers these with 503 and `Retry-After`.
    pub fn is_storage_unavailable(&self) -> bool {
        use rusqlite::ErrorCode as C;
        match self {
            Error::Db(rusqlite::Error::SqliteFailure(e, _)) => matches!(
                e.code,
                C::DiskFull
                    | C::SystemIoFailure
                    | C::CannotOpen
                    | C::DatabaseBusy
                    | C::DatabaseLocked
            ),
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
        let full = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            None,
        );
        assert!(Error::Db(full).is_storage_unavailable());
        assert!(Error::Io(std::io::Error::from_raw_os_error(28)).is_storage_unavailable());
        let constraint = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT),
            None,
        );
        assert!(!Error::Db(constraint).is_storage_unavailable());
        assert!(!Error::invalid("store", "unknown").is_storage_unavailable());
    }

    #[test]
    fn non_field_errors_omit_field() {
        let json = serde_json::to_value(Error::Locked).unwrap();
        assert_eq!(json["code"], "locked");
        assert!(json.get("field").is_none());
    }
}

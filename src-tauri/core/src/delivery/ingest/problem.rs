//! How the ingest API answers what it does not accept: an HTTP status and the `{code, message, field}`
//! payload the CLI's `--json` errors use too (README, Ingest API).

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::Error;

pub(super) fn problem(
    status: StatusCode,
    code: &str,
    message: &str,
    field: Option<&str>,
) -> Response {
    let mut body = json!({"code": code, "message": message});
    if let Some(f) = field {
        body["field"] = json!(f);
    }
    (status, Json(body)).into_response()
}

/// Seconds a client should wait before retrying an event that could not be stored.
pub const RETRY_AFTER_SECS: u64 = 5;

pub(super) fn status_of(e: &Error) -> StatusCode {
    if e.is_storage_unavailable() {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    match e {
        Error::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        Error::NotFound(_) => StatusCode::UNPROCESSABLE_ENTITY,
        Error::Conflict(_) => StatusCode::CONFLICT,
        Error::Unauthorized => StatusCode::UNAUTHORIZED,
        Error::Forbidden(_) => StatusCode::FORBIDDEN,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

pub(super) fn from_error(e: &Error) -> Response {
    if e.is_storage_unavailable() {
        // Nothing of the event was kept (its transaction rolled back), so the client must send it again.
        let mut r = problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage_unavailable",
            "the event could not be stored (the disk is full or the database is unavailable) and was \
             not accepted; send it again later",
            None,
        );
        r.headers_mut().insert(
            header::RETRY_AFTER,
            header::HeaderValue::from(RETRY_AFTER_SECS),
        );
        return r;
    }
    if matches!(e, Error::Unauthorized) {
        // The core's text speaks of signing in; a machine caller needs to hear about its token.
        return problem(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a valid ingest token is required",
            None,
        );
    }
    let p = e.to_payload();
    problem(status_of(e), &p.code, &p.message, p.field.as_deref())
}

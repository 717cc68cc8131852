//! What one attempt produced, as the engine records it and the log shows it: the answer's status,
//! headers and start of its body, the time it took, or why there was no answer.

use serde::{Deserialize, Serialize};

/// Why an attempt failed, as stored on the attempt and shown in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    Timeout,
    Connect,
    Tls,
    /// Refused before sending: a private or special address, or a scheme the hook may not use.
    Blocked,
    /// The receiver answered 3xx; redirects are never followed.
    Redirect,
    /// The receiver answered, but not with 2xx.
    HttpStatus,
    /// The response body could not be read completely.
    Body,
    Other,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Timeout => "timeout",
            ErrorKind::Connect => "connect",
            ErrorKind::Tls => "tls",
            ErrorKind::Blocked => "blocked",
            ErrorKind::Redirect => "redirect",
            ErrorKind::HttpStatus => "http_status",
            ErrorKind::Body => "body",
            ErrorKind::Other => "other",
        }
    }
}

/// A failure description. The message never contains header values or the URL (its query may be secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptError {
    pub kind: ErrorKind,
    pub message: String,
}

impl AttemptError {
    pub(super) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        AttemptError {
            kind,
            message: message.into(),
        }
    }
}

/// What one attempt produced. `status` is `None` when no response arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttemptOutcome {
    pub status: Option<u16>,
    pub response_headers: Vec<(String, String)>,
    /// At most [`super::http::MAX_RESPONSE_BODY`] bytes.
    pub body: Vec<u8>,
    pub latency_ms: u64,
    pub error: Option<AttemptError>,
    /// From a `Retry-After` header (seconds or an HTTP date), for 429 and 503 answers mostly.
    pub retry_after_secs: Option<u64>,
}

impl AttemptOutcome {
    /// An attempt that never reached the network (the request could not be prepared).
    pub fn not_sent(message: impl Into<String>) -> Self {
        AttemptOutcome::failed(ErrorKind::Other, message, 0)
    }

    pub(super) fn failed(kind: ErrorKind, message: impl Into<String>, latency_ms: u64) -> Self {
        AttemptOutcome {
            status: None,
            response_headers: Vec::new(),
            body: Vec::new(),
            latency_ms,
            error: Some(AttemptError::new(kind, message)),
            retry_after_secs: None,
        }
    }

    /// The receiver acknowledged the request (2xx). A body that failed to read does not undo that.
    pub fn is_success(&self) -> bool {
        matches!(self.status, Some(200..=299))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_print_as_stored() {
        assert_eq!(ErrorKind::HttpStatus.as_str(), "http_status");
        assert_eq!(
            serde_json::to_value(ErrorKind::HttpStatus).unwrap(),
            "http_status"
        );
        assert_eq!(
            AttemptOutcome::not_sent("x").error.unwrap().kind,
            ErrorKind::Other
        );
    }
}

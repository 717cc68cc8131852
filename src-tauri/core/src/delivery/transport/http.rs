//! The HTTP client every attempt goes through: pooled, no redirects, no proxies, bounded in time and in
//! how much of a response it reads, and guarded against private targets after DNS resolution.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use url::Url;

use super::outcome::{AttemptError, AttemptOutcome, ErrorKind};
use super::retry_after::parse_retry_after;
use super::ssrf::{self, BlockedTarget, GuardedResolver};
use crate::{Error, Result};

/// Only the start of a response is kept: enough to debug a receiver, too little to fill the disk.
pub const MAX_RESPONSE_BODY: usize = 64 * 1024;
pub const DEFAULT_TIMEOUT_MS: u64 = 15_000;
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// One request to send.
pub struct Outgoing<'a> {
    pub url: &'a str,
    pub headers: &'a [(String, String)],
    pub body: Vec<u8>,
    /// Total time for the attempt, response body included; 0 means [`DEFAULT_TIMEOUT_MS`].
    pub timeout_ms: u64,
    /// Private-network hooks may reach LAN, loopback and other special addresses, over http too.
    pub allow_private: bool,
}

impl std::fmt::Debug for Outgoing<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Neither the URL (secret query) nor the headers (credentials) are printed.
        f.debug_struct("Outgoing")
            .field("body_len", &self.body.len())
            .field("timeout_ms", &self.timeout_ms)
            .field("allow_private", &self.allow_private)
            .finish_non_exhaustive()
    }
}

/// Two pooled clients: `guarded` resolves through the SSRF guard, `open` is for private-network hooks.
#[derive(Clone)]
pub struct HttpClient {
    guarded: reqwest::Client,
    open: reqwest::Client,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HttpClient")
    }
}

impl HttpClient {
    pub fn new() -> Result<HttpClient> {
        let guarded = builder()
            .dns_resolver(Arc::new(GuardedResolver))
            .build()
            .map_err(|e| Error::Delivery(format!("building the HTTP client: {e}")))?;
        let open = builder()
            .build()
            .map_err(|e| Error::Delivery(format!("building the HTTP client: {e}")))?;
        Ok(HttpClient { guarded, open })
    }

    /// Sends one POST and reports what happened; it never fails, every problem is in the outcome.
    pub async fn send(&self, req: Outgoing<'_>) -> AttemptOutcome {
        let started = Instant::now();
        let elapsed = |s: Instant| s.elapsed().as_millis().min(u64::MAX as u128) as u64;
        let url = match Url::parse(req.url) {
            Ok(u) => u,
            Err(_) => {
                return AttemptOutcome::failed(
                    ErrorKind::Other,
                    "the hook URL is not a valid URL",
                    0,
                )
            }
        };
        // Literal addresses never go through DNS, so the resolver cannot see them: check them here.
        if let Err(e) = ssrf::check_url_target(&url, req.allow_private) {
            return AttemptOutcome::failed(
                ErrorKind::Blocked,
                format!("the hook URL {}", e.message()),
                0,
            );
        }
        let headers = match header_map(req.headers) {
            Ok(h) => h,
            Err(e) => return AttemptOutcome::failed(ErrorKind::Other, e, 0),
        };
        let timeout = Duration::from_millis(if req.timeout_ms == 0 {
            DEFAULT_TIMEOUT_MS
        } else {
            req.timeout_ms
        });
        let client = if req.allow_private {
            &self.open
        } else {
            &self.guarded
        };
        let sent = client
            .post(url)
            .headers(headers)
            .body(req.body)
            .timeout(timeout)
            .send()
            .await;
        let mut resp = match sent {
            Ok(r) => r,
            Err(e) => {
                let (kind, message) = classify_error(&e, timeout);
                return AttemptOutcome::failed(kind, message, elapsed(started));
            }
        };

        let status = resp.status().as_u16();
        let response_headers = resp
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let retry_after_secs = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);

        let mut body = Vec::new();
        let mut body_error = None;
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    let room = MAX_RESPONSE_BODY - body.len();
                    body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                    // Stop reading: the rest is dropped with the connection, which is not reused.
                    if body.len() >= MAX_RESPONSE_BODY {
                        break;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    body_error = Some(if e.is_timeout() {
                        AttemptError::new(
                            ErrorKind::Timeout,
                            timeout_message(timeout, "while reading the response"),
                        )
                    } else {
                        AttemptError::new(
                            ErrorKind::Body,
                            format!("reading the response failed: {}", chain(&e)),
                        )
                    });
                    break;
                }
            }
        }

        let error = match status {
            200..=299 => body_error,
            300..=399 => Some(AttemptError::new(
                ErrorKind::Redirect,
                format!("the receiver answered {status} (a redirect); redirects are not followed"),
            )),
            _ => Some(AttemptError::new(
                ErrorKind::HttpStatus,
                format!("the receiver answered HTTP {status}"),
            )),
        };
        AttemptOutcome {
            status: Some(status),
            response_headers,
            body,
            latency_ms: elapsed(started),
            error,
            retry_after_secs,
        }
    }
}

fn builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .use_rustls_tls()
        .redirect(reqwest::redirect::Policy::none())
        // A system proxy would connect on our behalf and bypass the address guard.
        .no_proxy()
        .connect_timeout(CONNECT_TIMEOUT)
        .pool_idle_timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(64)
        .user_agent(format!("Hookdesk/{}", crate::VERSION))
}

fn header_map(headers: &[(String, String)]) -> std::result::Result<HeaderMap, String> {
    let mut map = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        let n = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("the header name {name:?} is not valid"))?;
        let mut v = HeaderValue::from_str(value)
            .map_err(|_| format!("the value of header {name} is not valid"))?;
        // Everything but the two fixed headers may carry a credential: keep those values out of HTTP/2
        // header compression tables and out of debug output.
        if !matches!(n.as_str(), "content-type" | "user-agent") {
            v.set_sensitive(true);
        }
        map.append(n, v);
    }
    Ok(map)
}

/// Maps a reqwest error to a kind and a message built from its causes, without the URL.
fn classify_error(e: &reqwest::Error, timeout: Duration) -> (ErrorKind, String) {
    if let Some(blocked) = find_blocked(e) {
        return (ErrorKind::Blocked, blocked.to_string());
    }
    if e.is_timeout() {
        return (
            ErrorKind::Timeout,
            timeout_message(timeout, "before the receiver answered"),
        );
    }
    let detail = chain(e);
    if e.is_redirect() {
        return (ErrorKind::Redirect, "redirects are not followed".into());
    }
    if e.is_connect() {
        let lower = detail.to_ascii_lowercase();
        if ["tls", "certificate", "handshake", "alert"]
            .iter()
            .any(|w| lower.contains(w))
        {
            return (ErrorKind::Tls, format!("TLS failed: {detail}"));
        }
        if lower.contains("timed out") || lower.contains("timeout") {
            return (
                ErrorKind::Timeout,
                format!("connecting timed out after {} s", CONNECT_TIMEOUT.as_secs()),
            );
        }
        return (ErrorKind::Connect, format!("could not connect: {detail}"));
    }
    if e.is_body() {
        return (
            ErrorKind::Body,
            format!("sending the body failed: {detail}"),
        );
    }
    (ErrorKind::Other, detail)
}

fn timeout_message(timeout: Duration, when: &str) -> String {
    format!("timed out after {} ms {when}", timeout.as_millis())
}

fn find_blocked(e: &reqwest::Error) -> Option<&BlockedTarget> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(b) = s.downcast_ref::<BlockedTarget>() {
            return Some(b);
        }
        source = s.source();
    }
    None
}

/// The causes of an error joined by ": ". reqwest's own top line names the URL, so it is skipped.
fn chain(e: &reqwest::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    if parts.is_empty() {
        "request failed".into()
    } else {
        parts.join(": ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_headers_are_reported_by_name_only() {
        let err = header_map(&[("X-Key".into(), "secret\nvalue".into())]).unwrap_err();
        assert!(err.contains("X-Key") && !err.contains("secret"), "{err}");
        assert!(header_map(&[("bad name".into(), "v".into())]).is_err());
    }
}

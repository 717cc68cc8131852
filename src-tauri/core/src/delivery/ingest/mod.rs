//! The ingest HTTP API (README, Ingest API; docs/architecture.md, Layers): live events enter here when Hookdesk runs headless.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::net::TcpListener;

use crate::auth::tokens::require_token;
use crate::auth::Permission;
use crate::delivery::engine::batcher::Batcher;
use crate::delivery::engine::outbox::{enqueue_batch, Enqueued, NewEvent};
use crate::delivery::engine::Engine;
use crate::error::ErrorPayload;
use crate::{Ctx, Error};

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8471";
pub const BODY_LIMIT: usize = 512 * 1024;

#[derive(Clone)]
struct Api {
    ctx: Arc<Ctx>,
    engine: Option<Engine>,
    /// Commits accepted events in batches: a burst of requests shares one transaction.
    intake: Arc<Batcher<NewEvent, Enqueued>>,
}

pub fn router(ctx: Arc<Ctx>, engine: Option<Engine>) -> crate::Result<Router> {
    let writer_ctx = ctx.clone();
    let intake = Batcher::start("hookdesk-intake", "the event", 256, move |events| {
        enqueue_batch(&writer_ctx, events, writer_ctx.now_ms())
    })?;
    Ok(Router::new()
        .route("/v1/health", get(|| async { Json(json!({"ok": true})) }))
        .route("/v1/events", post(post_event))
        .layer(DefaultBodyLimit::disable())
        .with_state(Api {
            ctx,
            engine,
            intake: Arc::new(intake),
        }))
}

fn problem(status: StatusCode, code: &str, message: &str, field: Option<&str>) -> Response {
    let mut body = json!({"code": code, "message": message});
    if let Some(f) = field {
        body["field"] = json!(f);
    }
    (status, Json(body)).into_response()
}

/// Seconds a client should wait before retrying an event that could not be stored.
pub const RETRY_AFTER_SECS: u64 = 5;

fn status_of(e: &Error) -> StatusCode {
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

fn from_error(e: &Error) -> Response {
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

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

/// Why a request body was refused: the HTTP status and the `{code, message, field}` payload sent back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub error: ErrorPayload,
}

impl Refusal {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let e = self.error;
        problem(status, &e.code, &e.message, e.field.as_deref())
    }
}

fn refuse(status: StatusCode, code: &str, message: &str, field: Option<&str>) -> Refusal {
    Refusal {
        status: status.as_u16(),
        error: ErrorPayload {
            code: code.to_string(),
            message: message.to_string(),
            field: field.map(str::to_string),
        },
    }
}

/// The accepted request body of `POST /v1/events`; anything else is refused with the field named.
/// Public so the parser can be exercised on its own (fuzzing), without HTTP around it.
pub fn parse_event_body(bytes: &[u8]) -> Result<NewEvent, Refusal> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| {
        refuse(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            &format!("the body is not valid JSON: {e}"),
            None,
        )
    })?;
    let Value::Object(obj) = v else {
        return Err(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "the body must be a JSON object",
            None,
        ));
    };
    for k in obj.keys() {
        if !matches!(k.as_str(), "type" | "store" | "data" | "key" | "order_key") {
            let field: String = k.chars().take(64).collect();
            return Err(refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "unknown field",
                Some(&field),
            ));
        }
    }
    let string = |name: &str, required: bool| -> Result<Option<String>, Refusal> {
        match obj.get(name) {
            Some(Value::String(s)) => Ok(Some(s.clone())),
            None | Some(Value::Null) if !required => Ok(None),
            None | Some(Value::Null) => Err(refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "this field is required",
                Some(name),
            )),
            Some(_) => Err(refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "must be a string",
                Some(name),
            )),
        }
    };
    let event_type = string("type", true)?.unwrap_or_default();
    let store = string("store", true)?.unwrap_or_default();
    let key = string("key", false)?;
    let order_key = string("order_key", false)?;
    let data = obj.get("data").cloned().unwrap_or(Value::Null);
    NewEvent::parse(&event_type, &store, data, key, order_key).map_err(|e| Refusal {
        status: status_of(&e).as_u16(),
        error: e.to_payload(),
    })
}

async fn post_event(State(api): State<Api>, headers: HeaderMap, body: Body) -> Response {
    let ctx = api.ctx.clone();
    if let Err(e) = require_token(&ctx, bearer(&headers), Permission::EmitEvents) {
        return from_error(&e);
    }
    let bytes = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            return problem(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                &format!("the body may be at most {} KiB", BODY_LIMIT / 1024),
                None,
            )
        }
    };
    let ev = match parse_event_body(&bytes) {
        Ok(ev) => ev,
        Err(refusal) => return refusal.into_response(),
    };
    let stored = api.intake.submit(ev).await;
    ctx.storage.note(&stored);
    match stored {
        Ok(q) => {
            if let Some(engine) = &api.engine {
                engine.wake();
            }
            (
                StatusCode::ACCEPTED,
                Json(json!({"event_id": q.event_id, "deliveries": q.deliveries})),
            )
                .into_response()
        }
        Err(e) => from_error(&e),
    }
}

/// Binds `addr`; returns the bound address (port 0 picks a free one) and the listener to serve on.
pub async fn bind(addr: &str) -> crate::Result<(SocketAddr, TcpListener)> {
    let addr: SocketAddr = addr
        .parse()
        .map_err(|_| Error::invalid("listen", "must be an address such as 127.0.0.1:8471"))?;
    let listener = TcpListener::bind(addr).await?;
    Ok((listener.local_addr()?, listener))
}

/// Serves until `shutdown` resolves, then lets in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    ctx: Arc<Ctx>,
    engine: Option<Engine>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> crate::Result<()> {
    axum::serve(listener, router(ctx, engine)?)
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(body: &str) -> Refusal {
        match parse_event_body(body.as_bytes()) {
            Ok(ev) => panic!("accepted {ev:?}"),
            Err(r) => r,
        }
    }

    #[test]
    fn refusals_carry_status_code_and_field() {
        let r = refused("{not json");
        assert_eq!((r.status, r.error.code.as_str()), (400, "invalid_json"));
        let r = refused(r#"{"type":"order.open","store":"s","data":{},"extra":1}"#);
        assert_eq!((r.status, r.error.field.as_deref()), (422, Some("extra")));
        let r = refused(r#"{"type":"nope","store":"s","data":{}}"#);
        assert_eq!((r.status, r.error.field.as_deref()), (422, Some("type")));
        let r = refused(r#"{"type":"order.open","store":7,"data":{}}"#);
        assert_eq!(r.error.field.as_deref(), Some("store"));
        let long = "k".repeat(500);
        let r = refused(&format!(r#"{{"{long}":1}}"#));
        assert_eq!(r.error.field.map(|f| f.len()), Some(64));
    }

    #[test]
    fn a_valid_body_becomes_an_event() {
        let ev = parse_event_body(
            br#"{"type":"order.open","store":" store-1 ","data":{"checkId":"C1"},"key":"k1"}"#,
        )
        .expect("accepted");
        assert_eq!(ev.event_type.name(), "order.open");
        assert_eq!(ev.store, "store-1");
        assert_eq!(ev.key.as_deref(), Some("k1"));
        assert_eq!(ev.order_key.as_deref(), Some("C1"));
    }
}

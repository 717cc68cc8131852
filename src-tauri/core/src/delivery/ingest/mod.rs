//! The ingest HTTP API (README, Ingest API; docs/architecture.md, Layers): live events enter here when Hookdesk runs headless.
//! An event is answered 202 only once it is committed to the outbox. The body's rules are `body.rs`; how
//! a refusal or a failure is answered is `problem.rs`.

mod body;
mod problem;

pub use body::{parse_event_body, Refusal};
pub use problem::RETRY_AFTER_SECS;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use tokio::net::TcpListener;

use problem::{from_error, problem};

use crate::auth::tokens::{require_token, require_tokens, Presented};
use crate::auth::Permission;
use crate::delivery::engine::batcher::Batcher;
use crate::delivery::engine::outbox::{enqueue_batch, Enqueued, NewEvent};
use crate::delivery::engine::Engine;
use crate::{Ctx, Error};

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8471";
pub const BODY_LIMIT: usize = 512 * 1024;

#[derive(Clone)]
struct Api {
    ctx: Arc<Ctx>,
    engine: Option<Engine>,
    /// Checks tokens and commits accepted events in batches: a burst of requests shares one read of
    /// the tokens and one transaction.
    intake: Arc<Batcher<(Presented, NewEvent), Enqueued>>,
}

pub fn router(ctx: Arc<Ctx>, engine: Option<Engine>) -> crate::Result<Router> {
    let writer_ctx = ctx.clone();
    let intake = Batcher::start("hookdesk-intake", "the event", 256, move |jobs| {
        intake(&writer_ctx, jobs)
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

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

/// The intake's batch: the tokens checked in one read, the events they allow enqueued together.
fn intake(ctx: &Ctx, jobs: &[(Presented, NewEvent)]) -> Vec<crate::Result<Enqueued>> {
    let presented: Vec<&Presented> = jobs.iter().map(|(p, _)| p).collect();
    let allowed = match require_tokens(ctx, &presented, Permission::EmitEvents) {
        Ok(a) => a,
        Err(e) => return jobs.iter().map(|_| Err(shared_error(&e))).collect(),
    };
    let events: Vec<NewEvent> = jobs
        .iter()
        .zip(&allowed)
        .filter(|(_, ok)| ok.is_ok())
        .map(|((_, ev), _)| ev.clone())
        .collect();
    let mut queued = enqueue_batch(ctx, &events, ctx.now_ms()).into_iter();
    allowed
        .into_iter()
        .map(|ok| match ok {
            Ok(_) => queued
                .next()
                .unwrap_or_else(|| Err(Error::Delivery("the event was not queued".into()))),
            Err(e) => Err(e),
        })
        .collect()
}

/// One failure answered to every request of a batch: the same kind and text for each.
fn shared_error(e: &crate::Error) -> crate::Error {
    match e {
        Error::Db(db) => Error::Db(db.clone()),
        other => Error::Delivery(other.to_string()),
    }
}

async fn post_event(State(api): State<Api>, headers: HeaderMap, body: Body) -> Response {
    let ctx = api.ctx.clone();
    let presented = match Presented::from_header(bearer(&headers)) {
        Ok(p) => p,
        Err(e) => return from_error(&e),
    };
    // A request refused before the intake still has its token checked first: a caller without a
    // valid token learns nothing about the body rules.
    let refuse =
        |answer: Response| match require_token(&ctx, bearer(&headers), Permission::EmitEvents) {
            Ok(_) => answer,
            Err(e) => from_error(&e),
        };
    let bytes = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            return refuse(problem(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                &format!("the body may be at most {} KiB", BODY_LIMIT / 1024),
                None,
            ))
        }
    };
    let ev = match parse_event_body(&bytes) {
        Ok(ev) => ev,
        Err(refusal) => return refuse(refusal.into_response()),
    };
    let stored = api.intake.submit((presented, ev)).await;
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

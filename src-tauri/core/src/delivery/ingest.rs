//! The ingest HTTP API (DESIGN §7): live events enter here when Hookdesk runs headless.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use tokio::net::TcpListener;

use crate::store::Db;

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8471";

pub fn router(_db: Arc<Db>) -> Router {
    Router::new().route("/v1/health", get(|| async { Json(json!({"ok": true})) }))
}

/// Binds `addr`; returns the bound address (port 0 picks a free one) and the listener to serve on.
pub async fn bind(addr: &str) -> crate::Result<(SocketAddr, TcpListener)> {
    let addr: SocketAddr = addr
        .parse()
        .map_err(|_| crate::Error::invalid("listen", "must be an address such as 127.0.0.1:8471"))?;
    let listener = TcpListener::bind(addr).await?;
    Ok((listener.local_addr()?, listener))
}

/// Serves until `shutdown` resolves, then lets in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    db: Arc<Db>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> crate::Result<()> {
    axum::serve(listener, router(db))
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}

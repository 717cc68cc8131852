//! Signing, authentication headers, the HTTP client, retry policy, the outbox, the engine and the ingest API.

mod batcher;
pub mod engine;
pub mod export;
pub mod flow;
pub mod headers;
pub mod http;
pub mod ingest;
pub mod lease;
pub mod log;
pub mod outbox;
pub mod prepare;
pub mod record;
pub mod render;
pub mod response;
pub mod retry;
pub mod route;
pub mod run;
pub mod sent_body;
pub mod sign;
pub mod ssrf;
pub mod stats;
pub mod test_send;

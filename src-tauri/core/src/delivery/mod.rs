//! Signing, authentication headers, the HTTP client, retry policy, the engine and the ingest API.

pub mod ingest;

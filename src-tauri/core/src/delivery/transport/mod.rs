//! The transport: how one request travels to a receiver and what comes back. Kept apart from the wire
//! format (what is sent) and the engine (when), so the network rules (no redirects, no proxies, time and
//! size bounds, the private-address guard) sit in one place (docs/architecture.md, step 5).

pub mod http;
pub mod outcome;
pub mod retry_after;
pub mod ssrf;

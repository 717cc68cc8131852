//! Getting events to receivers (docs/architecture.md, The life of a delivery), one concern per module:
//!
//! - [`wire`]: what a receiver gets, byte for byte: the body, the headers, the signatures, and how an
//!   order-injection answer is read (docs/wire-formats.md).
//! - [`transport`]: how a request travels: the HTTP client and the guard against private targets.
//! - [`engine`]: what is sent when: the outbox, claims and leases, retries, the order-injection flow,
//!   recording each attempt, the run loop and test sends.
//! - [`ingest`]: the HTTP API through which events arrive when Hookdesk runs headless.
//! - [`log`]: the read side: the delivery log, resend and recover, the dashboard and the CSV export.
//!
//! The statements behind all of them are in `store/` (docs/architecture.md, Storage).

pub mod engine;
pub mod ingest;
pub mod log;
pub mod transport;
pub mod wire;

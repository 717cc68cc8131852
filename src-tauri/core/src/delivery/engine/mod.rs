//! The delivery engine (docs/architecture.md, The life of a delivery): events are committed to the
//! outbox with one delivery per destination, claimed under a lease when due, prepared, sent, and their
//! outcome recorded, with retries, per-order ordering and the order-injection flow decided here. The
//! wire format and the transport it uses are in [`super::wire`] and [`super::transport`].

pub(crate) mod batcher;
pub mod claim;
mod dispatch;
pub mod flow;
pub mod lease;
pub mod outbox;
pub mod prepare;
pub mod record;
pub mod retry;
pub mod route;
pub mod run;
pub mod test_send;

pub use dispatch::{Engine, Limits, StepReport};

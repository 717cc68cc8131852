//! Validated domain types: a value of these types is valid by construction.

mod auth;
mod header;
mod secret;

pub use auth::{HookAuth, HookSignature, KeySource};
pub use header::HeaderName;
pub use secret::{mask, Secret};

//! Validated domain types: a value of these types is valid by construction.

mod secret;

pub use secret::Secret;

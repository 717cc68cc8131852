//! The data key and column encryption for secrets at rest.

mod key;
mod seal;

pub use key::{DataKey, KeySource};
pub use seal::{open, seal};

//! Hookdesk core: everything the desktop app and the `hookdesk` CLI share. No UI framework lives here.

pub mod auth;
pub mod catalog;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod ctx;
pub mod delivery;
pub mod domain;
pub mod error;
pub mod logging;
pub mod paths;
pub mod status;
pub mod store;

pub use ctx::Ctx;
pub use error::{Error, Result};
/// The allocator every Hookdesk binary installs (`#[global_allocator]`), so the engine's memory stays
/// flat over long runs; see the Performance section of the README.
pub use mimalloc::MiMalloc as Allocator;

/// The version every request announces in `User-Agent: Hookdesk/<version>`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

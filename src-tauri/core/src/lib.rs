//! Hookdesk core: everything the desktop app and the `hookdesk` CLI share. No UI framework lives here.

pub mod alerts;
pub mod auth;
pub mod catalog;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod ctx;
pub mod data;
pub mod data_key;
pub mod delivery;
pub mod domain;
pub mod error;
pub mod logging;
pub mod paths;
pub mod status;
pub mod storage_health;
pub mod store;
pub mod team;

pub use ctx::Ctx;
pub use error::{Error, ErrorCode, ErrorPayload, Result};
/// The allocator `hookdesk` (and so `hookdesk serve`) installs, so a long-running engine's memory stays flat;
/// see the Performance section of the README. The desktop app keeps the system allocator: there mimalloc
/// cost 14 MiB of idle memory, more than glibc's creep over a million deliveries.
pub use mimalloc::MiMalloc as Allocator;

/// The version every request announces in `User-Agent: Hookdesk/<version>`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

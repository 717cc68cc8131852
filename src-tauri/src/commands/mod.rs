//! Thin wrappers: each command takes the state, calls the core and returns its result or typed error
//! (`{code, message, field}`). Every command is listed in build.rs and in the main window's capability.

pub mod auth;
pub mod config;
mod convert;
pub mod delivery;
pub mod shell;
pub mod status;

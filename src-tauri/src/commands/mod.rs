//! Thin wrappers: each command takes the state, calls the core and returns its result or typed error
//! (`{code, message, field}`). Every command is listed once, in src/command_list.rs.

pub mod account;
pub mod auth;
pub mod config;
mod convert;
pub mod data;
pub mod delivery;
pub mod files;
pub mod shell;
pub mod status;
pub mod tokens;

//! Thin wrappers: each command takes the state, calls the core and returns its result or typed error
//! (`{code, message, field}`). Every command is listed once, in src/command_list.rs.
//!
//! Every command is `async` and runs its core call on the blocking pool ([`blocking`]): the core reads
//! and writes SQLite and hashes passwords with Argon2, and none of that may hold up the window's main
//! thread while the engine is busy (README, "The IPC contract").

pub mod account;
pub mod auth;
pub mod config;
pub mod data;
pub mod delivery;
pub mod files;
pub mod shell;
pub mod status;
pub mod tokens;

use hookdesk_core::{Error, ErrorCode};
use serde::Serialize;

use crate::AppState;

/// What a failed command sends the window: the core's code, a message meant for a person (database and
/// file errors in plain words, never the driver's text) and, for bad input, the field it concerns.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<String>,
}

impl From<Error> for IpcError {
    fn from(e: Error) -> Self {
        if matches!(e.kind(), ErrorCode::Database | ErrorCode::Io) {
            // The window gets the plain message; the details stay in the process log.
            eprintln!("hookdesk: {}: {e}", e.code());
        }
        IpcError {
            code: e.kind(),
            message: e.plain_message(),
            field: e.field().map(str::to_string),
        }
    }
}

pub type IpcResult<T> = std::result::Result<T, IpcError>;

/// Runs `work` with the app state on the blocking pool and hands back its result.
pub async fn blocking<T, F>(state: &AppState, work: F) -> IpcResult<T>
where
    T: Send + 'static,
    F: FnOnce(AppState) -> hookdesk_core::Result<T> + Send + 'static,
{
    let state = state.clone();
    match tauri::async_runtime::spawn_blocking(move || work(state)).await {
        Ok(result) => result.map_err(IpcError::from),
        Err(_) => Err(IpcError {
            code: ErrorCode::Conflict,
            message: "the request stopped before it finished; try again".into(),
            field: None,
        }),
    }
}

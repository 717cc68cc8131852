//! Files the user saves from the window: a backup, the delivery log as CSV, recovery codes. Each path
//! comes from the system's save dialog, never from the page, so the web view cannot write where the
//! user did not choose. The work runs on the blocking pool, where the dialog may wait for the user.

use std::path::PathBuf;

use hookdesk_core::auth::Permission;
use hookdesk_core::data::backup;
use hookdesk_core::delivery::log::export::deliveries_csv;
use hookdesk_core::delivery::log::Filter;
use hookdesk_core::{Error, Result};
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

use super::delivery::DeliveryFilter;
use super::{blocking, IpcResult};
use crate::AppState;

/// Stands in for the system's save dialog where no one can click it (the WebDriver tests under Xvfb):
/// the dialog is skipped and this path is the answer.
const DIALOG_STAND_IN: &str = "HOOKDESK_SAVE_DIALOG_ANSWER";

/// Asks where to save; `None` when the user cancelled.
fn choose<R: Runtime>(
    app: &AppHandle<R>,
    suggested: &str,
    filter: (&str, &[&str]),
) -> Result<Option<PathBuf>> {
    if let Some(answer) = std::env::var_os(DIALOG_STAND_IN) {
        return Ok(Some(PathBuf::from(answer)));
    }
    let Some(chosen) = app
        .dialog()
        .file()
        .set_file_name(suggested)
        .add_filter(filter.0, filter.1)
        .blocking_save_file()
    else {
        return Ok(None);
    };
    chosen
        .into_path()
        .map(Some)
        .map_err(|_| Error::invalid("path", "choose a file on this computer"))
}

/// A file written where the user chose in the save dialog.
#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SavedFile {
    pub path: String,
    /// CSV rows written, for an export.
    pub rows: Option<usize>,
    /// More rows matched than an export holds; the newest are in the file.
    pub truncated: bool,
}

/// Writes `bytes` to the path the dialog gave and says what was saved.
fn write_chosen(
    path: &std::path::Path,
    bytes: &[u8],
    rows: Option<usize>,
    truncated: bool,
) -> Result<SavedFile> {
    std::fs::write(path, bytes)?;
    Ok(SavedFile {
        path: path.display().to_string(),
        rows,
        truncated,
    })
}

/// A backup written while the engine runs (`hookdesk backup`), to the file chosen in the save dialog.
#[tauri::command]
pub async fn backup_save_as<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> IpcResult<Option<backup::BackupReport>> {
    blocking(&state, move |state| {
        let (ctx, _) = state.actor(Permission::ManageSettings)?;
        let Some(path) = choose(&app, "hookdesk-backup.db", ("Hookdesk backup", &["db"]))? else {
            return Ok(None);
        };
        // The dialog has asked before replacing an existing file.
        backup::backup(&ctx, &path, true).map(Some)
    })
    .await
}

/// Every delivery the log's filter matches, as CSV, to the file chosen in the save dialog.
#[tauri::command]
pub async fn deliveries_export_csv<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    filter: DeliveryFilter,
) -> IpcResult<Option<SavedFile>> {
    blocking(&state, move |state| {
        let (ctx, actor) = state.actor(Permission::ReadLogs)?;
        let f = Filter {
            limit: None,
            before_id: None,
            ..filter.into()
        };
        // Built before asking, so a bad filter is refused without a dialog.
        let export = deliveries_csv(&ctx, &actor, &f)?;
        let Some(path) = choose(&app, "hookdesk-deliveries.csv", ("CSV", &["csv"]))? else {
            return Ok(None);
        };
        write_chosen(
            &path,
            export.csv.as_bytes(),
            Some(export.rows),
            export.truncated,
        )
        .map(Some)
    })
    .await
}

/// Recovery codes the window is showing, saved where the user chooses (they are the user's own).
#[tauri::command]
pub async fn recovery_codes_save_as<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    text: String,
) -> IpcResult<Option<SavedFile>> {
    blocking(&state, move |state| {
        // Confirming enrollment unlocks the session, so the codes shown then can be saved too.
        state.actor(Permission::OwnAccount)?;
        if text.len() > 4096 {
            return Err(Error::invalid("text", "too long for a recovery-code file"));
        }
        let Some(path) = choose(&app, "hookdesk-recovery-codes.txt", ("Text", &["txt"]))? else {
            return Ok(None);
        };
        write_chosen(&path, text.as_bytes(), None, false).map(Some)
    })
    .await
}

use hookdesk_core::status::AppStatus;
use hookdesk_core::Result;
use tauri::State;

use crate::AppState;

#[tauri::command]
pub fn app_status(state: State<'_, AppState>) -> Result<AppStatus> {
    hookdesk_core::status::app_status(&state.ctx()?.db)
}

use std::path::PathBuf;

/// The data directory shared by the desktop app and the CLI: `--data-dir`, else `HOOKDESK_DATA_DIR`,
/// else the OS app-data directory.
pub fn resolve_data_dir(explicit: Option<PathBuf>) -> PathBuf {
    if let Some(p) = explicit {
        return p;
    }
    if let Some(p) = std::env::var_os("HOOKDESK_DATA_DIR").filter(|v| !v.is_empty()) {
        return PathBuf::from(p);
    }
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("hookdesk")
}

pub const DB_FILE: &str = "hookdesk.db";

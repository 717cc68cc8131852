//! `hookdesk backup` and `restore` (README, Backup and restore). A backup is a consistent copy taken
//! while the app or `serve` keeps running; secrets in it stay encrypted under the data key, which is not
//! in the backup. A restore goes into an empty data directory only and checks the key first.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::json;

use crate::crypto::{keep_in, key_for_restore, matches_backup, KeyStore};
use crate::store::backup as sql;
use crate::{Ctx, Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct BackupReport {
    pub file: String,
    pub bytes: u64,
    pub schema_version: i64,
}

/// Writes a consistent copy of the database to `file`. An existing file is refused unless `overwrite`
/// (the app asks first in its save dialog). The copy is written beside the target and renamed into
/// place, so `file` is never a half-written backup.
pub fn backup(ctx: &Ctx, file: &Path, overwrite: bool) -> Result<BackupReport> {
    if file.as_os_str().is_empty() {
        return Err(Error::invalid(
            "file",
            "name the file to write the backup to",
        ));
    }
    if file.exists() && !overwrite {
        return Err(Error::invalid(
            "file",
            format!("{} already exists; choose a new file name", file.display()),
        ));
    }
    let same_dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !same_dir.is_dir() {
        return Err(Error::invalid(
            "file",
            format!("the folder {} does not exist", same_dir.display()),
        ));
    }
    let tmp = temp_beside(file);
    let _ = std::fs::remove_file(&tmp);
    let copied = sql::copy_online(&ctx.db, &tmp);
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, file)?;
    let info = sql::inspect(file)?;
    Ok(BackupReport {
        file: file.display().to_string(),
        bytes: std::fs::metadata(file)?.len(),
        schema_version: info.schema_version,
    })
}

fn temp_beside(file: &Path) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    file.with_file_name(name)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RestoreReport {
    pub data_dir: String,
    pub schema_version: i64,
    /// Sign-in sessions are never restored: everyone signs in again.
    pub sessions_cleared: bool,
}

/// Restores `file` into `data_dir`, which must be empty (or not exist yet). The data key is looked up
/// as [`key_for_restore`] says and must be the key the backup was written with.
pub fn restore(
    data_dir: &Path,
    file: &Path,
    key_file: Option<&Path>,
    store: &dyn KeyStore,
) -> Result<RestoreReport> {
    if !file.is_file() {
        return Err(Error::invalid(
            "file",
            format!("{} is not a file", file.display()),
        ));
    }
    require_empty(data_dir)?;
    let info = sql::inspect(file)?;
    let known = crate::store::known_schema_version();
    if info.schema_version > known {
        return Err(Error::SchemaTooNew {
            found: info.schema_version,
            known,
        });
    }
    let key = key_for_restore(data_dir, key_file, store)?;
    match &info.key_check {
        Some(check) if matches_backup(&key, check) => {}
        Some(_) => return Err(Error::Crypto(
            "the data key given is not the key this backup was written with: its secrets could \
                 not be read. Use the key of the data directory the backup came from."
                .into(),
        )),
        None => {
            return Err(Error::invalid(
                "file",
                "the backup has no key check value, so its data key cannot be verified",
            ))
        }
    }
    std::fs::create_dir_all(data_dir)?;
    let db_file = data_dir.join(crate::paths::DB_FILE);
    if let Err(e) = sql::restore_into(file, &db_file) {
        for suffix in ["", "-wal", "-shm"] {
            let mut p = db_file.as_os_str().to_owned();
            p.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(p));
        }
        return Err(e);
    }
    keep_in(&key, data_dir)?;
    // Opening brings an older backup's schema up to date and checks the key once more.
    let ctx = Ctx::open_with(
        data_dir,
        std::sync::Arc::new(crate::clock::SystemClock),
        store,
    )?;
    crate::store::audit::record(
        &ctx.db.conn(),
        ctx.now_ms(),
        None,
        "data.restore",
        "database",
        &json!({"schemaVersion": info.schema_version}),
    )?;
    Ok(RestoreReport {
        data_dir: data_dir.display().to_string(),
        schema_version: ctx.db.schema_version()?,
        sessions_cleared: true,
    })
}

/// A restore never mixes with existing data: the directory must be missing or hold nothing at all.
fn require_empty(dir: &Path) -> Result<()> {
    match std::fs::read_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e.into()),
        Ok(mut entries) => {
            if entries.next().is_none() {
                return Ok(());
            }
            let in_use = dir.join(crate::paths::DB_FILE).exists();
            Err(Error::invalid(
                "dataDir",
                if in_use {
                    format!(
                        "{} already holds a Hookdesk database; restore into a new, empty data directory",
                        dir.display()
                    )
                } else {
                    format!(
                        "{} is not empty; restore into a new, empty data directory",
                        dir.display()
                    )
                },
            ))
        }
    }
}

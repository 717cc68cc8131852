//! SQLite's online backup: a consistent copy of a live database, and the clean-up a restored copy needs.

use std::path::Path;
use std::time::Duration;

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::store::app_settings::KEY_CHECK_SETTING;
use crate::{Error, Result};

/// Copies the database `src` reads into a new file at `dest`, as one snapshot: the copy runs in a single
/// step under one read transaction, which in WAL mode never blocks the writers. The copy is a
/// self-contained file (rollback journal, no `-wal` beside it), synced before this returns.
pub fn copy_online(src: &Connection, dest: &Path) -> Result<()> {
    let mut out = Connection::open(dest)?;
    {
        copy_all(&Backup::new(src, &mut out)?)?;
    }
    out.pragma_update(None, "journal_mode", "DELETE")?;
    // Sign-in sessions are not data to keep: a backup never carries a usable session.
    out.execute("DELETE FROM sessions", [])?;
    out.execute("DELETE FROM engine_lease", [])?;
    drop(out);
    std::fs::File::open(dest)?.sync_all()?;
    Ok(())
}

/// Copies every page in one step (-1: all pages), so the copy is one read transaction's snapshot. A
/// writer holding the source busy only delays it.
fn copy_all(b: &Backup<'_, '_>) -> Result<()> {
    for _ in 0..1000 {
        match b.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More | StepResult::Busy | StepResult::Locked => {
                std::thread::sleep(Duration::from_millis(10))
            }
            _ => std::thread::sleep(Duration::from_millis(10)),
        }
    }
    Err(Error::Conflict(
        "the database stayed busy; the backup was not taken, try again".into(),
    ))
}

/// What a backup file says about itself before it is restored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupInfo {
    pub schema_version: i64,
    pub key_check: Option<String>,
}

/// Opens a backup read-only and checks it is an intact Hookdesk database.
pub fn inspect(file: &Path) -> Result<BackupInfo> {
    let not_ours = |why: &str| Error::invalid("file", format!("not a Hookdesk backup: {why}"));
    let conn = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|_| not_ours("cannot be opened as a database"))?;
    let check: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(|_| not_ours("not a database file"))?;
    if check != "ok" {
        return Err(not_ours("the database is damaged"));
    }
    let schema_version: i64 = conn
        .query_row("SELECT MAX(version) FROM schema_migrations", [], |r| {
            r.get(0)
        })
        .map_err(|_| not_ours("it has no Hookdesk schema"))?;
    let key_check = conn
        .query_row(
            "SELECT value FROM app_settings WHERE key = ?1",
            [KEY_CHECK_SETTING],
            |r| r.get(0),
        )
        .optional()
        .map_err(|_| not_ours("it has no Hookdesk settings"))?;
    Ok(BackupInfo {
        schema_version,
        key_check,
    })
}

/// Copies the backup file into `dest` (a database file that does not exist yet) with the same online
/// backup, then drops what must not survive a restore: sign-in sessions and the engine lease.
pub fn restore_into(file: &Path, dest: &Path) -> Result<()> {
    let src = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut out = Connection::open(dest)?;
    {
        copy_all(&Backup::new(&src, &mut out)?)?;
    }
    out.pragma_update(None, "journal_mode", "WAL")?;
    out.pragma_update(None, "synchronous", "FULL")?;
    out.execute("DELETE FROM sessions", [])?;
    out.execute("DELETE FROM engine_lease", [])?;
    Ok(())
}

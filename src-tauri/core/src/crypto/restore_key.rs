//! The data key for a restore: a backup keeps its secrets encrypted, so the new data directory needs the
//! key the backup was written with, and it is checked before anything is written.

use std::path::Path;

use super::key::{DataKey, KeySource, KEY_FILE, MASTER_KEY_ENV};
use super::keychain::{account_for, KeyStore};
use crate::{Error, Result};

/// Finds the key to restore with: `HOOKDESK_MASTER_KEY`, else the given key file (such as the old data
/// directory's `data.key`), else the OS keychain entry of the new data directory.
pub fn key_for_restore(
    new_dir: &Path,
    key_file: Option<&Path>,
    store: &dyn KeyStore,
) -> Result<DataKey> {
    if let Some(key) = DataKey::from_env()? {
        return Ok(key);
    }
    if let Some(file) = key_file {
        return DataKey::read_file(file)?.ok_or_else(|| {
            Error::invalid(
                "keyFile",
                format!("{} does not hold a data key", file.display()),
            )
        });
    }
    if let Ok(Some(text)) = store.get(&account_for(new_dir)) {
        if let Some(key) = DataKey::parse_hex(&text, KeySource::Keychain) {
            return Ok(key);
        }
    }
    Err(Error::Crypto(format!(
        "a restore needs the data key the backup was written with: set {MASTER_KEY_ENV} or pass \
         --key-file with the old data directory's {KEY_FILE}"
    )))
}

/// Whether `key` is the key whose check value the backup recorded.
pub fn matches_backup(key: &DataKey, check: &str) -> bool {
    key.matches_check(check)
}

/// Keeps a key that came from a file in the new data directory (0600), so later opens find it there.
pub fn keep_in(key: &DataKey, new_dir: &Path) -> Result<()> {
    if key.source() == KeySource::Environment {
        return Ok(());
    }
    key.write_file(&new_dir.join(KEY_FILE))?;
    Ok(())
}

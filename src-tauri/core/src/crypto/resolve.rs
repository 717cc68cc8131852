//! Where a data directory's data key is kept, and making one when there is none. Whether a key found
//! here is the one the data was written with is checked against the database by `data_key.rs`.

use std::path::{Path, PathBuf};

use super::key::{DataKey, KeySource, KEY_FILE, MASTER_KEY_ENV};
use super::keychain::{account_for, KeyStore};
use crate::{Error, Result};

/// Where keys are looked up for one data directory, for lookups and for error messages.
pub struct KeyPlaces {
    dir: PathBuf,
    account: String,
    file: PathBuf,
}

impl KeyPlaces {
    pub fn new(dir: &Path) -> KeyPlaces {
        KeyPlaces {
            dir: dir.to_path_buf(),
            account: account_for(dir),
            file: dir.join(KEY_FILE),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn describe(&self) -> String {
        format!(
            "Keys are looked up in {MASTER_KEY_ENV}, then the OS keychain entry \"{}\", then the key file {}; \
             restore the original key to one of these.",
            self.account,
            self.file.display()
        )
    }

    /// The key, in this order: `HOOKDESK_MASTER_KEY` when set (an explicit operator choice wins over
    /// anything stored), the OS keychain entry for the data directory ([`account_for`]) if the keychain
    /// answers and has one, then `data.key` in the data directory (installs from before the keychain,
    /// or machines without one).
    pub fn find(&self, store: &dyn KeyStore) -> Result<Option<DataKey>> {
        if let Some(key) = DataKey::from_env()? {
            return Ok(Some(key));
        }
        // Any keychain failure means "not available here": the key file may still hold the key.
        if let Ok(Some(text)) = store.get(&self.account) {
            return DataKey::parse_hex(&text, KeySource::Keychain)
                .map(Some)
                .ok_or_else(|| {
                    Error::Crypto(format!(
                        "the OS keychain entry \"{}\" does not hold a valid data key",
                        self.account
                    ))
                });
        }
        DataKey::read_file(&self.file)
    }

    /// A new random key, kept in the keychain when it is available (and reads back intact), else in a
    /// new 0600 `data.key`.
    pub fn create(&self, store: &dyn KeyStore) -> Result<DataKey> {
        let key = DataKey::generate(KeySource::Keychain);
        if stored_in_keychain(&key, &self.account, store) {
            return Ok(key);
        }
        key.write_file(&self.file).map_err(|e| {
            Error::Crypto(format!(
                "no data key could be stored: the OS keychain is unavailable and {} cannot be written: {e}",
                self.file.display()
            ))
        })?;
        Ok(key.with_source(KeySource::KeyFile))
    }
}

/// Only a key that reads back intact counts as stored; some keyrings accept a write they then cannot
/// return (a locked collection), and the key file is the safer home for those.
fn stored_in_keychain(key: &DataKey, account: &str, store: &dyn KeyStore) -> bool {
    let hex_key = key.to_hex();
    if store.set(account, &hex_key).is_err() {
        return false;
    }
    matches!(store.get(account), Ok(Some(v)) if *v == *hex_key)
}

/// Where a key came from, as an error message names it.
pub fn source_name(source: KeySource) -> &'static str {
    match source {
        KeySource::Environment => MASTER_KEY_ENV,
        KeySource::Keychain => "the OS keychain",
        KeySource::KeyFile => "the key file",
    }
}

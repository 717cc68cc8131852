//! Finding the data key for a data directory, and making sure it is the key the data was written with.

use crate::args;
use std::path::{Path, PathBuf};

use crate::store::{Conn, OptionalExt};

use super::key::{DataKey, KeySource, KEY_FILE, MASTER_KEY_ENV};
use super::keychain::{account_for, KeyStore};
use crate::store::Db;
use crate::{Error, Result};

/// The `app_settings` key holding HMAC-SHA256(data key, "hookdesk data key check") in hex.
pub const KEY_CHECK_SETTING: &str = "data_key_check";

/// Loads the data key for `db`'s data directory, in this order:
///
/// 1. `HOOKDESK_MASTER_KEY`, when set: an explicit operator choice wins over anything stored.
/// 2. The OS keychain entry for this data directory ([`account_for`]), if the keychain answers and
///    has one.
/// 3. `data.key` in the data directory, if present (installs from before the keychain, or machines
///    without one).
/// 4. Nothing anywhere and no data yet: a new random key, kept in the keychain when it is available
///    (and reads back intact), else in a new 0600 `data.key`.
///
/// The first open records a key check value in `app_settings`. Every later open compares the key it
/// found with it and refuses to start on a mismatch, and when the directory already holds data but no
/// key can be found it refuses too: a second key would make every stored secret unreadable.
pub fn load_data_key(db: &Db, store: &dyn KeyStore) -> Result<DataKey> {
    let places = Places::new(db.data_dir());
    if let Some(key) = find(&places, store)? {
        verify_or_record(&db.conn(), &key, &places)?;
        return Ok(key);
    }
    // Creating a key is done under the database's write lock, so two processes opening a new data
    // directory at once agree on one key: the second one waits and then finds the first one's.
    let conn = db.conn();
    let tx = conn.transaction()?;
    let key = match find(&places, store)? {
        Some(key) => key,
        None => {
            if holds_data(&tx)? {
                return Err(Error::Crypto(format!(
                    "no data key was found for the data directory {}, which already holds data; \
                     Hookdesk will not start with a new key. {}",
                    places.dir.display(),
                    places.describe()
                )));
            }
            create(&places, store)?
        }
    };
    verify_or_record(&tx, &key, &places)?;
    tx.commit()?;
    Ok(key)
}

/// Where keys are looked up for one data directory, for lookups and for error messages.
struct Places {
    dir: PathBuf,
    account: String,
    file: PathBuf,
}

impl Places {
    fn new(dir: &Path) -> Places {
        Places {
            dir: dir.to_path_buf(),
            account: account_for(dir),
            file: dir.join(KEY_FILE),
        }
    }

    fn describe(&self) -> String {
        format!(
            "Keys are looked up in {MASTER_KEY_ENV}, then the OS keychain entry \"{}\", then the key file {}; \
             restore the original key to one of these.",
            self.account,
            self.file.display()
        )
    }
}

fn find(places: &Places, store: &dyn KeyStore) -> Result<Option<DataKey>> {
    if let Some(key) = DataKey::from_env()? {
        return Ok(Some(key));
    }
    // Any keychain failure means "not available here": the key file may still hold the key.
    if let Ok(Some(text)) = store.get(&places.account) {
        return DataKey::parse_hex(&text, KeySource::Keychain)
            .map(Some)
            .ok_or_else(|| {
                Error::Crypto(format!(
                    "the OS keychain entry \"{}\" does not hold a valid data key",
                    places.account
                ))
            });
    }
    DataKey::read_file(&places.file)
}

fn create(places: &Places, store: &dyn KeyStore) -> Result<DataKey> {
    let key = DataKey::generate(KeySource::Keychain);
    if stored_in_keychain(&key, &places.account, store) {
        return Ok(key);
    }
    key.write_file(&places.file).map_err(|e| {
        Error::Crypto(format!(
            "no data key could be stored: the OS keychain is unavailable and {} cannot be written: {e}",
            places.file.display()
        ))
    })?;
    Ok(key.with_source(KeySource::KeyFile))
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

fn verify_or_record(conn: &Conn, key: &DataKey, places: &Places) -> Result<()> {
    // Reading back after the insert catches another process that recorded a different key first.
    conn.execute(
        "INSERT INTO app_settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING",
        args![KEY_CHECK_SETTING, key.check_value()],
    )?;
    match read_check(conn)? {
        Some(check) if key.matches_check(&check) => Ok(()),
        _ => Err(Error::Crypto(format!(
            "the data key from {} does not match the data directory {}; Hookdesk will not start \
             with it. {}",
            source_name(key.source()),
            places.dir.display(),
            places.describe()
        ))),
    }
}

fn read_check(conn: &Conn) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT value FROM app_settings WHERE key = ?1",
            args![KEY_CHECK_SETTING],
            |r| r.get(0),
        )
        .optional()?)
}

/// Data written before key check values existed still needs protecting: any user or hook means the
/// directory is in use.
fn holds_data(conn: &Conn) -> Result<bool> {
    if read_check(conn)?.is_some() {
        return Ok(true);
    }
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM hooks)",
        args![],
        |r| r.get(0),
    )?)
}

fn source_name(source: KeySource) -> &'static str {
    match source {
        KeySource::Environment => MASTER_KEY_ENV,
        KeySource::Keychain => "the OS keychain",
        KeySource::KeyFile => "the key file",
    }
}

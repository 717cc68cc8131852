//! The data key of a data directory, tied to its database (docs/architecture.md, Storage): the key is
//! looked up where `crypto/` keeps keys, and a key check value recorded in the database makes sure it is
//! the key the data was written with.

use crate::crypto::{source_name, DataKey, KeyPlaces, KeyStore};
use crate::store::{app_settings, Conn, Db};
use crate::{Error, Result};

/// Loads the data key for `db`'s data directory, from the places [`KeyPlaces::find`] looks in; with
/// nothing anywhere and no data yet, a new key is made ([`KeyPlaces::create`]).
///
/// The first open records a key check value in `app_settings`. Every later open compares the key it
/// found with it and refuses to start on a mismatch, and when the directory already holds data but no
/// key can be found it refuses too: a second key would make every stored secret unreadable.
pub fn load_data_key(db: &Db, store: &dyn KeyStore) -> Result<DataKey> {
    let places = KeyPlaces::new(db.data_dir());
    if let Some(key) = places.find(store)? {
        verify_or_record(&db.conn(), &key, &places)?;
        return Ok(key);
    }
    // Creating a key is done under the database's write lock, so two processes opening a new data
    // directory at once agree on one key: the second one waits and then finds the first one's.
    let conn = db.conn();
    let tx = conn.transaction()?;
    let key = match places.find(store)? {
        Some(key) => key,
        None => {
            if app_settings::holds_data(&tx)? {
                return Err(Error::Crypto(format!(
                    "no data key was found for the data directory {}, which already holds data; \
                     Hookdesk will not start with a new key. {}",
                    places.dir().display(),
                    places.describe()
                )));
            }
            places.create(store)?
        }
    };
    verify_or_record(&tx, &key, &places)?;
    tx.commit()?;
    Ok(key)
}

fn verify_or_record(conn: &Conn, key: &DataKey, places: &KeyPlaces) -> Result<()> {
    // Reading back after the insert catches another process that recorded a different key first.
    app_settings::record_key_check(conn, &key.check_value())?;
    match app_settings::key_check(conn)? {
        Some(check) if key.matches_check(&check) => Ok(()),
        _ => Err(Error::Crypto(format!(
            "the data key from {} does not match the data directory {}; Hookdesk will not start \
             with it. {}",
            source_name(key.source()),
            places.dir().display(),
            places.describe()
        ))),
    }
}

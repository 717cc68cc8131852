//! The data key, where it is kept, and column encryption for secrets at rest. Nothing here reads the
//! database: checking a key against the data is `data_key.rs`, and sealing a column is asked for by
//! the layer that writes it (`auth/`, `config/`).

mod key;
mod keychain;
mod resolve;
mod restore_key;
mod seal;

pub use key::{DataKey, KeySource, KEY_FILE, MASTER_KEY_ENV};
pub use keychain::{
    account_for, os_keychain_enabled, system_key_store, KeyStore, NoKeyStore, OsKeyStore,
    TestKeyStore, NO_KEYCHAIN_ENV,
};
pub use resolve::{source_name, KeyPlaces};
pub use restore_key::{keep_in, key_for_restore, matches_backup};
pub use seal::{open, seal};

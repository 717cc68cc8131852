//! The data key and column encryption for secrets at rest.

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
pub use resolve::{load_data_key, KEY_CHECK_SETTING};
pub use restore_key::{keep_in, key_for_restore, matches_backup};
pub use seal::{open, seal};

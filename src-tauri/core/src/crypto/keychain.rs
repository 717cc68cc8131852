//! Where the data key can live outside the data directory: the OS keychain, or a stand-in for tests.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::Duration;

use zeroize::Zeroizing;

use crate::{Error, Result};

/// Setting this to anything but `0` keeps Hookdesk away from the OS keychain (tests and CI set it).
pub const NO_KEYCHAIN_ENV: &str = "HOOKDESK_NO_KEYCHAIN";

/// The service name every Hookdesk keychain entry is filed under.
const SERVICE: &str = "hookdesk";

/// A keychain that does not answer within this time counts as unavailable: a locked or absent
/// keyring daemon must never keep the app from starting.
const OS_TIMEOUT: Duration = Duration::from_secs(2);

/// A place that holds named secrets. `get` answers `Ok(None)` when the store works but has no entry,
/// and an error when the store itself cannot be used; callers treat any error as "unavailable".
pub trait KeyStore: Send + Sync {
    fn get(&self, account: &str) -> Result<Option<Zeroizing<String>>>;
    fn set(&self, account: &str, value: &str) -> Result<()>;
}

/// The keychain account for one data directory: each data directory has its own key, so the account
/// names the directory's canonical path.
pub fn account_for(data_dir: &Path) -> String {
    let dir = std::fs::canonicalize(data_dir).unwrap_or_else(|_| data_dir.to_path_buf());
    format!("hookdesk-data-key:{}", dir.display())
}

/// Whether this process may use the OS keychain. Off when `HOOKDESK_NO_KEYCHAIN` is set, and on
/// Linux and the BSDs also when there is no D-Bus session bus: the Secret Service lives on that bus, and
/// without it the client would try to start one, which headless machines (CI) must not do.
pub fn os_keychain_enabled() -> bool {
    let disabled = std::env::var_os(NO_KEYCHAIN_ENV).is_some_and(|v| !v.is_empty() && v != "0");
    if disabled {
        return false;
    }
    if cfg!(all(
        unix,
        not(any(
            target_os = "macos",
            target_os = "ios",
            target_os = "android"
        ))
    )) {
        return std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|v| !v.is_empty());
    }
    true
}

/// The store `Ctx::open` uses: the OS keychain when enabled, else one that is always unavailable.
pub fn system_key_store() -> Box<dyn KeyStore> {
    if os_keychain_enabled() {
        Box::new(OsKeyStore::default())
    } else {
        Box::new(NoKeyStore)
    }
}

/// No keychain at all: every call reports it unavailable, so the key file is used.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoKeyStore;

impl KeyStore for NoKeyStore {
    fn get(&self, _account: &str) -> Result<Option<Zeroizing<String>>> {
        Err(unavailable("it is turned off or there is no session bus"))
    }
    fn set(&self, _account: &str, _value: &str) -> Result<()> {
        Err(unavailable("it is turned off or there is no session bus"))
    }
}

/// The OS keychain (macOS Keychain, Windows Credential Manager, Secret Service on Linux). Each call runs
/// on a helper thread with a time limit; after one timeout the store stays unavailable for this
/// process, so a hung daemon costs at most one wait.
#[derive(Debug, Default)]
pub struct OsKeyStore {
    timed_out: AtomicBool,
}

impl OsKeyStore {
    fn call<T: Send + 'static>(
        &self,
        account: &str,
        op: impl FnOnce(&keyring::Entry) -> keyring::Result<T> + Send + 'static,
    ) -> Result<std::result::Result<T, keyring::Error>> {
        if self.timed_out.load(Ordering::Relaxed) {
            return Err(unavailable("it did not answer in time"));
        }
        let (tx, rx) = mpsc::channel();
        let account = account.to_owned();
        // The thread is detached on timeout: it may stay blocked in the platform call, but the caller
        // moves on.
        std::thread::Builder::new()
            .name("hookdesk-keychain".into())
            .spawn(move || {
                let res = keyring::Entry::new(SERVICE, &account).and_then(|e| op(&e));
                let _ = tx.send(res);
            })
            .map_err(|e| unavailable(&e.to_string()))?;
        match rx.recv_timeout(OS_TIMEOUT) {
            Ok(res) => Ok(res),
            Err(_) => {
                self.timed_out.store(true, Ordering::Relaxed);
                Err(unavailable("it did not answer in time"))
            }
        }
    }
}

impl KeyStore for OsKeyStore {
    fn get(&self, account: &str) -> Result<Option<Zeroizing<String>>> {
        match self.call(account, |e| e.get_password().map(Zeroizing::new))? {
            Ok(v) => Ok(Some(v)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(unavailable(&e.to_string())),
        }
    }

    fn set(&self, account: &str, value: &str) -> Result<()> {
        let value = Zeroizing::new(value.to_owned());
        self.call(account, move |e| e.set_password(&value))?
            .map_err(|e| unavailable(&e.to_string()))
    }
}

/// An in-memory stand-in for the OS keychain, for tests: we do not own the real one. It can be made
/// unavailable to test the key-file fallback.
#[derive(Debug, Default)]
pub struct TestKeyStore {
    entries: Mutex<HashMap<String, Zeroizing<String>>>,
    unavailable: bool,
}

impl TestKeyStore {
    pub fn new() -> TestKeyStore {
        TestKeyStore::default()
    }

    /// A keychain that fails every call, like a locked or missing keyring daemon.
    pub fn unavailable() -> TestKeyStore {
        TestKeyStore {
            unavailable: true,
            ..TestKeyStore::default()
        }
    }

    /// Removes an entry, as a user clearing their keychain would.
    pub fn remove(&self, account: &str) -> bool {
        self.lock().remove(account).is_some()
    }

    /// How many entries the store holds.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Zeroizing<String>>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl KeyStore for TestKeyStore {
    fn get(&self, account: &str) -> Result<Option<Zeroizing<String>>> {
        if self.unavailable {
            return Err(unavailable("the test keychain is set to fail"));
        }
        Ok(self.lock().get(account).cloned())
    }

    fn set(&self, account: &str, value: &str) -> Result<()> {
        if self.unavailable {
            return Err(unavailable("the test keychain is set to fail"));
        }
        self.lock()
            .insert(account.to_owned(), Zeroizing::new(value.to_owned()));
        Ok(())
    }
}

fn unavailable(why: &str) -> Error {
    Error::Crypto(format!("the OS keychain is unavailable: {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_store_round_trips_and_forgets() {
        let s = TestKeyStore::new();
        assert!(s.get("a").unwrap().is_none());
        s.set("a", "v").unwrap();
        assert_eq!(
            s.get("a").unwrap().as_deref().map(String::as_str),
            Some("v")
        );
        assert!(s.remove("a"));
        assert!(s.get("a").unwrap().is_none());
    }

    #[test]
    fn unavailable_stores_fail_every_call() {
        assert_eq!(
            TestKeyStore::unavailable().get("a").unwrap_err().code(),
            "crypto"
        );
        assert!(TestKeyStore::unavailable().set("a", "v").is_err());
        assert!(NoKeyStore.get("a").is_err());
        assert!(NoKeyStore.set("a", "v").is_err());
    }

    #[test]
    fn the_account_names_the_canonical_data_dir() {
        let dir = tempfile::tempdir().unwrap();
        let dotted = dir.path().join(".");
        assert_eq!(account_for(&dotted), account_for(dir.path()));
        assert!(account_for(dir.path()).starts_with("hookdesk-data-key:"));
    }
}

use std::path::Path;
use std::sync::Arc;

use crate::clock::{Clock, SystemClock};
use crate::crypto::{system_key_store, DataKey, KeyStore};
use crate::data_key::load_data_key;
use crate::store::{DatabaseUrl, Db};
use crate::Result;

/// Everything a core operation needs: the database, the data key and the clock.
pub struct Ctx {
    pub db: Db,
    pub key: DataKey,
    pub clock: Arc<dyn Clock>,
    /// Decrypted hooks for the engine, checked against the database on every use.
    pub hook_cache: crate::config::hook_cache::HookCache,
    /// Whether writes currently fail for want of storage (a full disk): the app's banner.
    pub storage: crate::storage_health::StorageHealth,
}

impl std::fmt::Debug for Ctx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx")
            .field("db", &self.db)
            .finish_non_exhaustive()
    }
}

impl Ctx {
    /// Opens the data directory with the system clock. Without a data key nothing opens.
    pub fn open(data_dir: &Path) -> Result<Ctx> {
        Self::open_with_clock(data_dir, Arc::new(SystemClock))
    }

    /// Opens with the OS keychain when this process may use it (see
    /// [`crate::crypto::os_keychain_enabled`]), else with the key file alone.
    pub fn open_with_clock(data_dir: &Path, clock: Arc<dyn Clock>) -> Result<Ctx> {
        Self::open_with(data_dir, clock, system_key_store().as_ref())
    }

    /// Opens with an explicit key store; the order keys are looked up in is on
    /// [`crate::data_key::load_data_key`]. A key that does not match the data refuses to open.
    pub fn open_with(data_dir: &Path, clock: Arc<dyn Clock>, store: &dyn KeyStore) -> Result<Ctx> {
        let database = crate::store::database_from_env()?;
        Self::open_at(data_dir, database.as_ref(), clock, store)
    }

    /// Opens with an explicit database: `None` is the SQLite file in `data_dir`. The data key is looked
    /// up for `data_dir` either way.
    pub fn open_at(
        data_dir: &Path,
        database: Option<&DatabaseUrl>,
        clock: Arc<dyn Clock>,
        store: &dyn KeyStore,
    ) -> Result<Ctx> {
        let db = Db::open_at(data_dir, database)?;
        let key = load_data_key(&db, store)?;
        Ok(Ctx {
            db,
            key,
            clock,
            hook_cache: Default::default(),
            storage: Default::default(),
        })
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }
}

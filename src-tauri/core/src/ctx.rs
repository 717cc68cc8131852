use std::path::Path;
use std::sync::Arc;

use crate::clock::{Clock, SystemClock};
use crate::crypto::DataKey;
use crate::store::Db;
use crate::Result;

/// Everything a core operation needs: the database, the data key and the clock.
pub struct Ctx {
    pub db: Db,
    pub key: DataKey,
    pub clock: Arc<dyn Clock>,
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

    pub fn open_with_clock(data_dir: &Path, clock: Arc<dyn Clock>) -> Result<Ctx> {
        let db = Db::open(data_dir)?;
        let key = DataKey::load(data_dir)?;
        Ok(Ctx { db, key, clock })
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }
}

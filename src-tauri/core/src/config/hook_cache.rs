//! The engine's decrypted copy of every hook, so routing and sending do not re-read and re-decrypt a hook
//! for each delivery. Triggers bump `hooks_generation` on any change to what a delivery uses (migration
//! 0004), whichever process or code path made it; one indexed read of that counter tells a copy is stale.

use std::sync::{Arc, Mutex};

use crate::store::Conn;

use super::hooks::DeliveryHook;
use crate::crypto::DataKey;
use crate::store::hooks as rows;
use crate::Result;

/// Every hook in routing order (oldest first), as of one generation.
pub type HookSet = Arc<Vec<DeliveryHook>>;

#[derive(Default)]
pub struct HookCache {
    held: Mutex<Option<(i64, HookSet)>>,
}

impl std::fmt::Debug for HookCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HookCache").finish_non_exhaustive()
    }
}

impl HookCache {
    /// The current hooks. The counter is read before the rows: a writer commits either before the
    /// counter is read (and is seen) or after (and bumps it again, so the next call reloads).
    pub fn current(&self, conn: &Conn, key: &DataKey) -> Result<HookSet> {
        let generation = rows::generation(conn)?;
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((g, set)) = held.as_ref() {
            if *g == generation {
                return Ok(set.clone());
            }
        }
        let set: HookSet = Arc::new(
            super::hooks::read_all(conn, key)?
                .into_iter()
                .map(DeliveryHook::from)
                .collect(),
        );
        *held = Some((generation, set.clone()));
        Ok(set)
    }
}

//! Whether writes to the data directory currently succeed. A full disk makes ingest answer 503; the app
//! shows a banner while the last write failed for want of storage, and hides it once a write succeeds.

use std::sync::Mutex;

use serde::Serialize;

use crate::{Error, Result};

/// The storage failure in progress: since when (unix ms) and what went wrong, in plain words (the
/// driver's text goes to the log only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct StorageProblem {
    pub since_ms: i64,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct StorageHealth {
    problem: Mutex<Option<StorageProblem>>,
}

impl StorageHealth {
    /// Records the outcome of a write: success clears a problem, a storage failure starts one. Other
    /// errors (bad input, conflicts) say nothing about the storage.
    pub fn note<T>(&self, outcome: &Result<T>) {
        match outcome {
            Ok(_) => self.recovered(),
            Err(e) => self.failed(e),
        }
    }

    pub fn failed(&self, e: &Error) {
        if !e.is_storage_unavailable() {
            return;
        }
        let mut p = self.problem.lock().unwrap_or_else(|e| e.into_inner());
        if p.is_none() {
            tracing::error!(error = %e, "storage failure: writes are refused until space is back");
            *p = Some(StorageProblem {
                since_ms: crate::clock::Clock::now_ms(&crate::clock::SystemClock),
                message: e.plain_message(),
            });
        }
    }

    pub fn recovered(&self) {
        let mut p = self.problem.lock().unwrap_or_else(|e| e.into_inner());
        if p.take().is_some() {
            tracing::info!("storage recovered: writes succeed again");
        }
    }

    pub fn problem(&self) -> Option<StorageProblem> {
        self.problem
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_storage_failure_shows_until_a_write_succeeds() {
        let h = StorageHealth::default();
        let full = Error::Io(std::io::Error::from_raw_os_error(28));
        h.note::<()>(&Err(Error::invalid("store", "unknown")));
        assert_eq!(h.problem(), None);
        h.note::<()>(&Err(full));
        assert!(h.problem().is_some());
        h.note(&Ok(()));
        assert_eq!(h.problem(), None);
    }
}

//! Keeping the data directory bounded and safe: retention and pruning, backup and restore
//! (README, Retention and Backup and restore).

pub mod backup;
pub mod key_export;
pub mod migrate;
pub mod retention;

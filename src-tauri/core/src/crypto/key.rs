use std::io::Write;
use std::path::Path;

use rand::RngCore;
use zeroize::Zeroizing;

use crate::{Error, Result};

pub const KEY_FILE: &str = "data.key";
pub const MASTER_KEY_ENV: &str = "HOOKDESK_MASTER_KEY";

/// Where the data key came from, for the status panel and the README's security model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeySource {
    Environment,
    KeyFile,
}

/// The 256-bit key that encrypts every secret column. Never printed, zeroed on drop.
pub struct DataKey {
    bytes: Zeroizing<[u8; 32]>,
    source: KeySource,
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataKey")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl DataKey {
    /// `HOOKDESK_MASTER_KEY` (64 hex characters) when set, else the 0600 key file in the data dir, created
    /// on first use. A key that cannot be had is an error: Hookdesk never falls back to storing secrets plain.
    pub fn load(data_dir: &Path) -> Result<DataKey> {
        if let Some(v) = std::env::var_os(MASTER_KEY_ENV).filter(|v| !v.is_empty()) {
            let v = v.to_string_lossy();
            return Self::from_hex(v.trim(), KeySource::Environment);
        }
        Self::load_file(&data_dir.join(KEY_FILE))
    }

    pub fn from_bytes(bytes: [u8; 32], source: KeySource) -> DataKey {
        DataKey {
            bytes: Zeroizing::new(bytes),
            source,
        }
    }

    pub fn source(&self) -> KeySource {
        self.source
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.bytes
    }

    fn from_hex(hex_key: &str, source: KeySource) -> Result<DataKey> {
        let raw = Zeroizing::new(hex::decode(hex_key).map_err(|_| {
            Error::Crypto(format!(
                "{MASTER_KEY_ENV} must be 64 hexadecimal characters"
            ))
        })?);
        let bytes: [u8; 32] = raw.as_slice().try_into().map_err(|_| {
            Error::Crypto(format!(
                "{MASTER_KEY_ENV} must be 64 hexadecimal characters"
            ))
        })?;
        Ok(Self::from_bytes(bytes, source))
    }

    fn load_file(path: &Path) -> Result<DataKey> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_hex(text.trim(), KeySource::KeyFile).map_err(|_| {
                Error::Crypto(format!(
                    "the key file {} is damaged; restore it from a backup",
                    path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut bytes = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut bytes);
                write_private(path, &hex::encode(bytes)).map_err(|e| {
                    Error::Crypto(format!(
                        "no data key could be stored at {}: {e}",
                        path.display()
                    ))
                })?;
                Ok(Self::from_bytes(bytes, KeySource::KeyFile))
            }
            Err(e) => Err(Error::Crypto(format!(
                "the key file {} cannot be read: {e}",
                path.display()
            ))),
        }
    }
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_file_is_created_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let a = DataKey::load_file(&dir.path().join(KEY_FILE)).unwrap();
        let b = DataKey::load_file(&dir.path().join(KEY_FILE)).unwrap();
        assert_eq!(a.bytes(), b.bytes());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(!format!("{a:?}").contains(&hex::encode(a.bytes())));
    }

    #[test]
    fn a_damaged_key_file_is_an_error_not_a_new_key() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(KEY_FILE), "not hex").unwrap();
        let err = DataKey::load_file(&dir.path().join(KEY_FILE)).unwrap_err();
        assert_eq!(err.code(), "crypto");
    }
}

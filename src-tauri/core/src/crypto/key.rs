use std::io::Write;
use std::path::Path;

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::{Error, Result};

pub const KEY_FILE: &str = "data.key";
pub const MASTER_KEY_ENV: &str = "HOOKDESK_MASTER_KEY";

/// The message the key check value authenticates; changing it would orphan every data directory.
const CHECK_MESSAGE: &[u8] = b"hookdesk data key check";

/// Where the data key came from, for the status panel and the README's security model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeySource {
    Environment,
    Keychain,
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

    /// A fresh key from the OS random source.
    pub(crate) fn generate(source: KeySource) -> DataKey {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(bytes.as_mut());
        DataKey { bytes, source }
    }

    pub(crate) fn with_source(self, source: KeySource) -> DataKey {
        DataKey { source, ..self }
    }

    /// The form the key is kept in outside the process: 64 lowercase hex characters.
    pub(crate) fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.bytes.as_ref()))
    }

    /// Parses 64 hex characters; `None` for anything else, so each caller can say where the bad
    /// value came from.
    pub(crate) fn parse_hex(text: &str, source: KeySource) -> Option<DataKey> {
        let raw = Zeroizing::new(hex::decode(text.trim()).ok()?);
        let bytes: [u8; 32] = raw.as_slice().try_into().ok()?;
        Some(Self::from_bytes(bytes, source))
    }

    /// `HOOKDESK_MASTER_KEY` when set and not empty.
    pub(crate) fn from_env() -> Result<Option<DataKey>> {
        let Some(v) = std::env::var_os(MASTER_KEY_ENV).filter(|v| !v.is_empty()) else {
            return Ok(None);
        };
        let text = Zeroizing::new(v.to_string_lossy().into_owned());
        Self::parse_hex(&text, KeySource::Environment)
            .map(Some)
            .ok_or_else(|| {
                Error::Crypto(format!(
                    "{MASTER_KEY_ENV} must be 64 hexadecimal characters"
                ))
            })
    }

    /// The key file when it exists. A damaged file is an error, never a reason to make a new key.
    pub(crate) fn read_file(path: &Path) -> Result<Option<DataKey>> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let text = Zeroizing::new(text);
                Self::parse_hex(&text, KeySource::KeyFile)
                    .map(Some)
                    .ok_or_else(|| {
                        Error::Crypto(format!(
                            "the key file {} is damaged; restore it from a backup",
                            path.display()
                        ))
                    })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::Crypto(format!(
                "the key file {} cannot be read: {e}",
                path.display()
            ))),
        }
    }

    /// Writes the key to a new 0600 file; an existing file is never overwritten.
    pub(crate) fn write_file(&self, path: &Path) -> std::io::Result<()> {
        write_private(path, &self.to_hex())
    }

    /// The key check value: proves which key a data directory was written with, without revealing it.
    pub(crate) fn check_value(&self) -> String {
        hex::encode(self.check_mac().finalize().into_bytes())
    }

    /// Compares in constant time so the check value cannot be probed byte by byte.
    pub(crate) fn matches_check(&self, check_hex: &str) -> bool {
        match hex::decode(check_hex.trim()) {
            Ok(expected) => self.check_mac().verify_slice(&expected).is_ok(),
            Err(_) => false,
        }
    }

    fn check_mac(&self) -> Hmac<Sha256> {
        // HMAC takes keys of any length, so the error branch cannot happen; the fallback key keeps
        // this free of panics and would only make the check fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.bytes.as_ref())
            .unwrap_or_else(|_| <Hmac<Sha256> as Mac>::new(&Default::default()));
        mac.update(CHECK_MESSAGE);
        mac
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
    fn key_file_is_written_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(KEY_FILE);
        assert!(DataKey::read_file(&path).unwrap().is_none());
        let a = DataKey::generate(KeySource::KeyFile);
        a.write_file(&path).unwrap();
        let b = DataKey::read_file(&path).unwrap().unwrap();
        assert_eq!(a.bytes(), b.bytes());
        assert!(
            a.write_file(&path).is_err(),
            "an existing key file is never replaced"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(!format!("{a:?}").contains(&hex::encode(a.bytes())));
    }

    #[test]
    fn a_damaged_key_file_is_an_error_not_a_new_key() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(KEY_FILE), "not hex").unwrap();
        let err = DataKey::read_file(&dir.path().join(KEY_FILE)).unwrap_err();
        assert_eq!(err.code(), "crypto");
    }

    #[test]
    fn hex_must_be_exactly_32_bytes() {
        assert!(DataKey::parse_hex(&"ab".repeat(32), KeySource::Environment).is_some());
        assert!(DataKey::parse_hex(&"ab".repeat(31), KeySource::Environment).is_none());
        assert!(DataKey::parse_hex(&"zz".repeat(32), KeySource::Environment).is_none());
    }

    #[test]
    fn the_check_value_tells_keys_apart() {
        let a = DataKey::from_bytes([1; 32], KeySource::KeyFile);
        let b = DataKey::from_bytes([2; 32], KeySource::KeyFile);
        let check = a.check_value();
        assert_eq!(check.len(), 64);
        assert!(!check.contains(&hex::encode(a.bytes())));
        assert!(a.matches_check(&check));
        assert!(!b.matches_check(&check));
        assert!(!a.matches_check("not hex"));
        assert!(!a.matches_check(""));
    }
}

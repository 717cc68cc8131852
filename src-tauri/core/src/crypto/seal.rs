use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

use super::DataKey;
use crate::{Error, Result};

const NONCE_LEN: usize = 24;

/// The associated data binds a ciphertext to its place, so a value copied into another row or column
/// fails to decrypt instead of leaking there.
fn aad(table: &str, column: &str, row: &str) -> Vec<u8> {
    format!("hookdesk/v1/{table}/{column}/{row}").into_bytes()
}

/// XChaCha20-Poly1305 with a random nonce: returns `nonce || ciphertext`.
pub fn seal(key: &DataKey, table: &str, column: &str, row: &str, plaintext: &[u8]) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new(key.bytes().into());
    let mut nonce = [0u8; NONCE_LEN];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let ct = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad: &aad(table, column, row),
            },
        )
        .unwrap_or_default();
    let mut out = Vec::with_capacity(NONCE_LEN + ct.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ct);
    out
}

pub fn open(key: &DataKey, table: &str, column: &str, row: &str, blob: &[u8]) -> Result<Vec<u8>> {
    if blob.len() < NONCE_LEN + 16 {
        return Err(Error::Crypto(format!(
            "{table}.{column} holds a damaged secret"
        )));
    }
    let (nonce, ct) = blob.split_at(NONCE_LEN);
    XChaCha20Poly1305::new(key.bytes().into())
        .decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad: &aad(table, column, row) })
        .map_err(|_| {
            Error::Crypto(format!(
                "{table}.{column} cannot be decrypted: wrong data key, or the value was moved or altered"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::KeySource;

    fn key(b: u8) -> DataKey {
        DataKey::from_bytes([b; 32], KeySource::Environment)
    }

    #[test]
    fn round_trip_and_binding_to_row_and_column() {
        let k = key(7);
        let blob = seal(&k, "hooks", "auth", "42", b"canary-secret");
        assert!(!blob.windows(13).any(|w| w == b"canary-secret"));
        assert_eq!(
            open(&k, "hooks", "auth", "42", &blob).unwrap(),
            b"canary-secret"
        );
        assert!(open(&k, "hooks", "auth", "43", &blob).is_err());
        assert!(open(&k, "hooks", "signature", "42", &blob).is_err());
        assert!(open(&key(8), "hooks", "auth", "42", &blob).is_err());
        assert!(open(&k, "hooks", "auth", "42", &blob[..10]).is_err());
    }

    #[test]
    fn each_seal_uses_a_fresh_nonce() {
        let k = key(1);
        assert_ne!(seal(&k, "t", "c", "1", b"x"), seal(&k, "t", "c", "1", b"x"));
    }
}

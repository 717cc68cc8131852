//! Secrets Hookdesk makes itself when a user leaves the field empty. A generated secret is shown to its
//! creator once (docs/wire-formats.md, "Signing secrets"), so it must be strong enough to need no choosing.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use rand::RngCore;
use zeroize::Zeroize;

use super::Secret;

const WHSEC_PREFIX: &str = "whsec_";

/// A new Standard Webhooks secret: `whsec_` + base64 of 32 random bytes.
pub fn generate_whsec() -> Secret {
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    let secret = Secret::new(format!("{WHSEC_PREFIX}{}", B64.encode(key)));
    key.zeroize();
    secret
}

/// A new merchant signature key for X-Signature: 64 lowercase hex characters (32 random bytes). The
/// receiver uses its UTF-8 bytes as the HMAC key, so plain hex survives every copy and paste.
pub fn generate_signature_key() -> Secret {
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    let secret = Secret::new(hex::encode(key));
    key.zeroize();
    secret
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secrets_have_their_shape_and_differ() {
        let a = generate_whsec();
        assert!(a.expose().starts_with("whsec_"));
        assert_eq!(B64.decode(&a.expose()[6..]).unwrap().len(), 32);
        assert_ne!(a.expose(), generate_whsec().expose());
        let k = generate_signature_key();
        assert_eq!(k.expose().len(), 64);
        assert!(k.expose().bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(k.expose(), generate_signature_key().expose());
    }
}

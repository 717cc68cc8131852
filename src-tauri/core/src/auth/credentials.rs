//! User names and passwords: validation and argon2id hashing.

use std::sync::OnceLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::domain::Secret;
use crate::{Error, Result};

pub const MIN_PASSWORD_CHARS: usize = 10;
/// Argon2 takes any length, but a megabyte "password" is a denial of service, not a password.
pub const MAX_PASSWORD_CHARS: usize = 1024;
pub const MAX_NAME_CHARS: usize = 64;

/// A user name: trimmed, 1 to 64 characters, no control characters and no `:` (authenticator apps
/// use `:` to separate the issuer from the account).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserName(String);

impl UserName {
    pub fn parse(field: &str, raw: &str) -> Result<UserName> {
        let name = raw.trim();
        let n = name.chars().count();
        if n == 0 {
            return Err(Error::invalid(field, "enter a name"));
        }
        if n > MAX_NAME_CHARS {
            return Err(Error::invalid(
                field,
                format!("must be at most {MAX_NAME_CHARS} characters"),
            ));
        }
        if name.chars().any(|c| c.is_control() || c == ':') {
            return Err(Error::invalid(
                field,
                "may not contain ':' or control characters",
            ));
        }
        Ok(UserName(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Checks a new password against the length rules.
pub fn check_new_password(password: &Secret) -> Result<()> {
    let n = password.expose().chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(Error::invalid(
            "password",
            format!("a password must be at least {MIN_PASSWORD_CHARS} characters long"),
        ));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(Error::invalid(
            "password",
            format!("a password must be at most {MAX_PASSWORD_CHARS} characters long"),
        ));
    }
    Ok(())
}

/// A PHC string (`$argon2id$v=19$…`) with a random salt.
pub fn hash_password(password: &Secret) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Crypto(format!("password hashing failed: {e}")))
}

pub fn verify_password(phc: &str, password: &Secret) -> bool {
    if password.expose().chars().count() > MAX_PASSWORD_CHARS {
        return false;
    }
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.expose().as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Spends the same argon2 time on an unknown name as on a known one, so response time does not tell
/// which names exist.
pub fn burn_verify(password: &Secret) {
    static DUMMY: OnceLock<Option<String>> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash_password(&Secret::new("not-a-real-password")).ok());
    if let Some(phc) = dummy {
        let _ = verify_password(phc, password);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(UserName::parse("name", "  ana ").unwrap().as_str(), "ana");
        assert_eq!(
            UserName::parse("name", "   ").unwrap_err().field(),
            Some("name")
        );
        assert!(UserName::parse("name", &"x".repeat(64)).is_ok());
        assert!(UserName::parse("name", &"x".repeat(65)).is_err());
        assert!(UserName::parse("name", "a:b").is_err());
        assert!(UserName::parse("name", "a\nb").is_err());
    }

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let err = check_new_password(&Secret::new("short")).unwrap_err();
        assert_eq!(err.field(), Some("password"));
        assert!(check_new_password(&Secret::new("0123456789")).is_ok());
        let phc = hash_password(&Secret::new("correct horse")).unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_password(&phc, &Secret::new("correct horse")));
        assert!(!verify_password(&phc, &Secret::new("correct horsE")));
        assert!(!verify_password("garbage", &Secret::new("correct horse")));
    }
}

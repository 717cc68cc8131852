//! Recovery codes: ten random codes shown once, stored as salted SHA-256 hashes, each usable once.

use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};

pub const COUNT: usize = 10;
/// No i, l, o: they are misread as 1 and 0 when copied from paper.
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz";
const GROUPS: usize = 3;
const GROUP_LEN: usize = 4;

/// Codes like `abcd-efgh-jkmn` (about 54 bits each; a wrong guess counts towards the lockout).
pub fn generate() -> Vec<String> {
    let mut rng = rand::rngs::OsRng;
    (0..COUNT)
        .map(|_| {
            let groups: Vec<String> = (0..GROUPS)
                .map(|_| {
                    (0..GROUP_LEN)
                        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
                        .collect()
                })
                .collect();
            groups.join("-")
        })
        .collect()
}

/// The canonical form of what a user typed, or `None` when it cannot be a recovery code.
pub fn normalize(input: &str) -> Option<String> {
    let s: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let ok = s.len() == GROUPS * GROUP_LEN && s.bytes().all(|b| ALPHABET.contains(&b));
    ok.then_some(s)
}

fn digest(salt: &[u8], normalized: &str) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(salt);
    h.update(normalized.as_bytes());
    h.finalize().to_vec()
}

/// `(salt, hash)` for storage.
pub fn hash(code: &str) -> (Vec<u8>, Vec<u8>) {
    let mut salt = vec![0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    let normalized = normalize(code).unwrap_or_else(|| code.to_string());
    let h = digest(&salt, &normalized);
    (salt, h)
}

/// Constant-time, so timing does not reveal how much of a hash matched.
pub fn matches(normalized: &str, salt: &[u8], stored: &[u8]) -> bool {
    let h = digest(salt, normalized);
    h.len() == stored.len() && h.iter().zip(stored).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_well_formed_and_hash_with_a_salt() {
        let codes = generate();
        assert_eq!(codes.len(), COUNT);
        let unique: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), COUNT);
        for c in &codes {
            assert_eq!(c.len(), 14);
            assert_eq!(c.matches('-').count(), 2);
            assert!(normalize(c).is_some());
        }
        let (salt, h) = hash(&codes[0]);
        let (salt2, h2) = hash(&codes[0]);
        assert_ne!((&salt, &h), (&salt2, &h2));
        let typed = normalize(&codes[0].to_uppercase().replace('-', " ")).unwrap();
        assert!(matches(&typed, &salt, &h));
        assert!(!matches(&normalize(&codes[1]).unwrap(), &salt, &h));
        assert_eq!(normalize("123456"), None);
    }
}

use zeroize::Zeroize;

/// A secret value (auth value, signing key, TOTP secret, URL query). `Debug` and `Display` never print it;
/// `mask()` shows the last four characters at most, and only for values long enough to stay secret.
#[derive(Clone, PartialEq, Eq, ts_rs::TS)]
#[ts(type = "string")]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The plain value, for the few places that must send or store (encrypted) it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `••••1234` for values of 12+ characters, `••••` otherwise.
    pub fn mask(&self) -> String {
        mask(&self.0)
    }
}

pub fn mask(value: &str) -> String {
    let n = value.chars().count();
    if n >= 12 {
        let tail: String = value.chars().skip(n - 4).collect();
        format!("••••{tail}")
    } else {
        "••••".to_string()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// Secrets arrive from the UI inside inputs; they are never serialised back out.
impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let s = Secret::new("sk_live_canary_1234");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(s.mask(), "••••1234");
        assert_eq!(Secret::new("short").mask(), "••••");
    }
}

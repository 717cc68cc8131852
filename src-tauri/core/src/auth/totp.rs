//! TOTP (RFC 6238): SHA1, 6 digits, 30 s steps, one step of skew either way.

use rand::RngCore;
use totp_rs::{Algorithm, Builder, Totp};

use crate::{Error, Result};

pub const DIGITS: u8 = 6;
pub const STEP_SECS: u64 = 30;
pub const ISSUER: &str = "Hookdesk";
/// Codes this many steps away still match for the purpose of telling the user their clock is off.
const CLOCK_HINT_STEPS: u16 = 10;

/// What a submitted code matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeMatch {
    /// Within ±1 step of now: the step to record as used.
    Step(i64),
    /// A real code, but 2 to 10 steps away from now: the device or this computer has the wrong time.
    ClockSkew,
    Wrong,
}

/// 160 random bits, the size RFC 4226 recommends.
pub fn new_secret() -> Vec<u8> {
    let mut bytes = vec![0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
}

fn build(secret: &[u8], digits: u8, skew: u16, account: &str) -> Result<Totp> {
    let mut b = Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(digits)
        .with_skew(skew)
        .with_step_duration(STEP_SECS)
        .with_secret(secret.to_vec());
    if !account.is_empty() {
        b = b.with_account_name(account).with_issuer(Some(ISSUER));
    }
    b.build()
        .map_err(|e| Error::Crypto(format!("two-factor secret unusable: {e:?}")))
}

/// The code for a moment; `digits` is 6 in use, 8 for the RFC's test vectors.
pub fn code_at(secret: &[u8], digits: u8, unix_secs: u64) -> Result<String> {
    Ok(build(secret, digits, 1, "")?
        .generate(unix_secs)
        .to_string())
}

/// Matches a 6-digit code against the steps around `now_secs`.
pub fn match_code(secret: &[u8], code: &str, now_secs: i64) -> Result<CodeMatch> {
    let now = u64::try_from(now_secs)
        .map_err(|_| Error::invalid("code", "the computer's clock is before 1970"))?;
    if let Some(step) = build(secret, DIGITS, 1, "")?.check(code, now) {
        return Ok(CodeMatch::Step(i64::try_from(step).unwrap_or(i64::MAX)));
    }
    if build(secret, DIGITS, CLOCK_HINT_STEPS, "")?
        .check(code, now)
        .is_some()
    {
        return Ok(CodeMatch::ClockSkew);
    }
    Ok(CodeMatch::Wrong)
}

/// What an authenticator app needs: the base32 key, the otpauth URL and a QR code of it (base64 PNG).
pub struct Provisioning {
    pub secret_base32: String,
    pub otpauth_url: String,
    pub qr_png_base64: String,
}

pub fn provisioning(secret: &[u8], account: &str) -> Result<Provisioning> {
    let totp = build(secret, DIGITS, 1, account)?;
    let otpauth_url = totp
        .to_url()
        .map_err(|e| Error::Crypto(format!("otpauth URL: {e:?}")))?;
    let qr_png_base64 = totp
        .to_qr_base64()
        .map_err(|e| Error::Crypto(format!("QR code: {e:?}")))?;
    Ok(Provisioning {
        secret_base32: totp.secret().to_base32(),
        otpauth_url,
        qr_png_base64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_near_now_match_their_step_and_far_ones_hint_at_the_clock() {
        let s = b"12345678901234567890";
        let now = 1_111_111_109_i64;
        let here = code_at(s, 6, now as u64).unwrap();
        assert_eq!(
            match_code(s, &here, now).unwrap(),
            CodeMatch::Step(now / 30)
        );
        let prev = code_at(s, 6, (now - 30) as u64).unwrap();
        assert_eq!(
            match_code(s, &prev, now).unwrap(),
            CodeMatch::Step(now / 30 - 1)
        );
        let far = code_at(s, 6, (now + 5 * 30) as u64).unwrap();
        assert_eq!(match_code(s, &far, now).unwrap(), CodeMatch::ClockSkew);
        let very_far = code_at(s, 6, (now + 40 * 30) as u64).unwrap();
        assert_eq!(match_code(s, &very_far, now).unwrap(), CodeMatch::Wrong);
        assert_eq!(match_code(s, "12345", now).unwrap(), CodeMatch::Wrong);
    }

    #[test]
    fn provisioning_names_issuer_and_account() {
        let p = provisioning(&new_secret(), "ana").unwrap();
        assert!(
            p.otpauth_url.starts_with("otpauth://totp/Hookdesk:ana?"),
            "{}",
            p.otpauth_url
        );
        assert!(p.otpauth_url.contains(&p.secret_base32));
        assert!(!p.qr_png_base64.is_empty());
    }
}

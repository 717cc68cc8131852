//! The integration tests' shared set-up, in one place: an isolated data directory, one `Env` (data dir,
//! manual clock, core handle), an independent TOTP, users made through real sign-in and enrollment, the
//! engine harness, and the one runner for the real `hookdesk` binary.

pub mod accounts;
pub mod cli;
pub mod config;
pub mod engine;
pub mod team;

use std::path::PathBuf;
use std::sync::Arc;

use hmac::{Hmac, Mac};
use hookdesk_core::clock::{Clock, ManualClock, SystemClock};
use hookdesk_core::Ctx;

/// An isolated data directory, removed when the test ends.
pub struct TestDir {
    pub dir: tempfile::TempDir,
}

impl TestDir {
    pub fn new() -> Self {
        // `make test` runs the suite with HOOKDESK_LOG=trace into one file that is then scanned for secrets.
        let _ = hookdesk_core::logging::init_from_env();
        TestDir {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }
    pub fn path(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }
}

/// A data dir with a core handle on a manual clock: what every library-level test starts from.
pub struct Env {
    pub dir: TestDir,
    pub clock: ManualClock,
    pub ctx: Ctx,
}

impl Env {
    /// At `accounts::T0`, the start of a TOTP step, so "30 s later" is always the next step.
    pub fn new() -> Env {
        Env::at(accounts::T0)
    }

    /// With the manual clock set to `ms`.
    pub fn at(ms: i64) -> Env {
        let dir = TestDir::new();
        let clock = ManualClock::at(ms);
        let ctx = Ctx::open_with_clock(&dir.path(), Arc::new(clock.clone())).expect("open ctx");
        Env { dir, clock, ctx }
    }

    /// With the manual clock set to the real time, so sessions made here are also valid for the real
    /// binary, which uses the system clock.
    pub fn real_time() -> Env {
        Env::at(SystemClock.now_ms())
    }

    /// A second, independent handle on the same data dir and clock (as after a restart).
    pub fn open_again(&self) -> Ctx {
        Ctx::open_with_clock(&self.dir.path(), Arc::new(self.clock.clone())).expect("open ctx")
    }

    pub fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Moves to the start of the next TOTP step, so the next code has not been used yet.
    pub fn next_step(&self) {
        self.clock.advance(accounts::STEP_MS);
    }
}

/// RFC 4648 base32 without padding, as authenticator apps read it.
pub fn base32_decode(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for c in s.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a',
            b'2'..=b'7' => c - b'2' + 26,
            _ => panic!("not base32: {s}"),
        };
        buf = (buf << 5) | u32::from(v);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    out
}

/// RFC 6238 with SHA-1, 6 digits, 30 s: written here from the RFC so the product's TOTP is not checked
/// against itself.
pub fn totp(secret_base32: &str, unix_secs: i64) -> String {
    let key = base32_decode(secret_base32);
    let counter = (unix_secs.div_euclid(30) as u64).to_be_bytes();
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&key).expect("any key length");
    mac.update(&counter);
    let h = mac.finalize().into_bytes();
    let off = usize::from(h[19] & 0x0f);
    let bin = (u32::from(h[off] & 0x7f) << 24)
        | (u32::from(h[off + 1]) << 16)
        | (u32::from(h[off + 2]) << 8)
        | u32::from(h[off + 3]);
    format!("{:06}", bin % 1_000_000)
}

#[test]
fn independent_totp_matches_rfc_6238() {
    // RFC 6238 appendix B, SHA-1 seed "12345678901234567890", last 6 of the 8 digits.
    let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    assert_eq!(base32_decode(secret), b"12345678901234567890");
    assert_eq!(totp(secret, 59), "287082");
    assert_eq!(totp(secret, 1_111_111_109), "081804");
    assert_eq!(totp(secret, 2_000_000_000), "279037");
}

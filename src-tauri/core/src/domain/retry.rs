//! Retry presets (docs/architecture.md, Retries): a hook names one, and each is its schedule of delays.
//! The schedules are data; how the engine turns one into the next wait (jitter, `Retry-After`) is in
//! `delivery/engine/retry.rs`.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

// The window's type too (ui/src/lib/gen/ipc.ts): its name and its three strings are a contract.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum RetryPreset {
    #[default]
    /// 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: eight tries over about 27 hours.
    Standard,
    /// Every 5 min for 1 h, hourly for 11 h, every 3 h for 12 h, every 6 h for 48 h: 36 tries over 3 days.
    Usaepay,
    /// Three tries in all. The receiver asks only for the count; 30 s then 5 min lets a receiver restart
    /// or redeploy between tries without holding an order for long.
    Ordatic,
}

impl RetryPreset {
    pub fn parse(field: &str, s: &str) -> Result<RetryPreset> {
        match s {
            "standard" => Ok(RetryPreset::Standard),
            "usaepay" => Ok(RetryPreset::Usaepay),
            "ordatic" => Ok(RetryPreset::Ordatic),
            _ => Err(Error::invalid(
                field,
                "must be standard, usaepay or ordatic",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RetryPreset::Standard => "standard",
            RetryPreset::Usaepay => "usaepay",
            RetryPreset::Ordatic => "ordatic",
        }
    }

    /// Tries in all, the first one included.
    pub fn max_attempts(self) -> u32 {
        schedule(self).len() as u32 + 1
    }
}

const fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}
const fn mins(n: u64) -> Duration {
    Duration::from_secs(n * 60)
}
const fn hours(n: u64) -> Duration {
    Duration::from_secs(n * 3600)
}

/// The delays after the first try: entry `i` is the wait between try `i + 1` and try `i + 2`.
pub fn schedule(preset: RetryPreset) -> Vec<Duration> {
    match preset {
        RetryPreset::Standard => vec![
            secs(5),
            mins(5),
            mins(30),
            hours(2),
            hours(5),
            hours(10),
            hours(10),
        ],
        RetryPreset::Usaepay => {
            let mut s = vec![mins(5); 12];
            s.extend(std::iter::repeat_n(hours(1), 11));
            s.extend(std::iter::repeat_n(hours(3), 4));
            s.extend(std::iter::repeat_n(hours(6), 8));
            s
        }
        RetryPreset::Ordatic => vec![secs(30), mins(5)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_schedule_known_answer() {
        let s: Vec<u64> = schedule(RetryPreset::Standard)
            .iter()
            .map(Duration::as_secs)
            .collect();
        assert_eq!(s, [5, 300, 1800, 7200, 18000, 36000, 36000]);
        assert_eq!(RetryPreset::Standard.max_attempts(), 8);
    }

    #[test]
    fn usaepay_schedule_known_answer() {
        let s = schedule(RetryPreset::Usaepay);
        assert_eq!(s.len(), 35);
        assert!(s[..12].iter().all(|d| *d == mins(5)));
        assert!(s[12..23].iter().all(|d| *d == hours(1)));
        assert!(s[23..27].iter().all(|d| *d == hours(3)));
        assert!(s[27..].iter().all(|d| *d == hours(6)));
        // 1 h + 11 h + 12 h + 48 h.
        assert_eq!(s.iter().sum::<Duration>(), hours(72));
    }

    #[test]
    fn ordatic_makes_three_tries() {
        assert_eq!(schedule(RetryPreset::Ordatic), vec![secs(30), mins(5)]);
        assert_eq!(RetryPreset::Ordatic.max_attempts(), 3);
    }

    #[test]
    fn presets_parse_and_print() {
        for p in [
            RetryPreset::Standard,
            RetryPreset::Usaepay,
            RetryPreset::Ordatic,
        ] {
            assert_eq!(RetryPreset::parse("retry", p.as_str()).unwrap(), p);
            assert_eq!(serde_json::to_value(p).unwrap(), p.as_str());
        }
        assert_eq!(
            RetryPreset::parse("retry", "often").unwrap_err().field(),
            Some("retry")
        );
    }
}

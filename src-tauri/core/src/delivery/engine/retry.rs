//! Retry presets (docs/architecture.md, Retries): the schedules are data, the next delay a pure function of them.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The longest any single wait may be, even when a receiver asks for more with `Retry-After`.
pub const MAX_DELAY: Duration = Duration::from_secs(24 * 3600);

/// Jitter spreads retries of many deliveries that failed together: each delay is scaled into [80%, 120%].
const JITTER: f64 = 0.2;

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

/// The wait before the next try after `attempts_made` failed tries, or `None` to give up.
///
/// `jitter_unit` is a uniform random number in [0, 1] (out-of-range values are clamped, NaN counts as
/// 0.5) that scales the scheduled delay into [80%, 120%]. A `Retry-After` from the receiver may lengthen
/// the wait but never shorten it below the jittered delay (a receiver cannot make us hammer it), and no
/// wait exceeds [`MAX_DELAY`] (a receiver cannot park a delivery for weeks). `attempts_made == 0` means
/// nothing was tried yet, so the first try is due now.
pub fn next_delay(
    preset: RetryPreset,
    attempts_made: u32,
    retry_after: Option<Duration>,
    jitter_unit: f64,
) -> Option<Duration> {
    if attempts_made == 0 {
        return Some(Duration::ZERO);
    }
    let base = *schedule(preset).get(attempts_made as usize - 1)?;
    let unit = if jitter_unit.is_nan() {
        0.5
    } else {
        jitter_unit.clamp(0.0, 1.0)
    };
    let factor = 1.0 - JITTER + 2.0 * JITTER * unit;
    let jittered =
        Duration::from_millis((base.as_millis() as f64 * factor).round() as u64).min(MAX_DELAY);
    Some(match retry_after {
        Some(asked) => asked.clamp(jittered, MAX_DELAY),
        None => jittered,
    })
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
        assert!(next_delay(RetryPreset::Ordatic, 2, None, 0.5).is_some());
        assert_eq!(next_delay(RetryPreset::Ordatic, 3, None, 0.5), None);
    }

    #[test]
    fn jitter_spans_plus_minus_twenty_percent() {
        let p = RetryPreset::Standard;
        assert_eq!(next_delay(p, 2, None, 0.0), Some(secs(240)));
        assert_eq!(next_delay(p, 2, None, 0.5), Some(secs(300)));
        assert_eq!(next_delay(p, 2, None, 1.0), Some(secs(360)));
        assert_eq!(next_delay(p, 2, None, 7.0), Some(secs(360)));
        assert_eq!(next_delay(p, 2, None, f64::NAN), Some(secs(300)));
        assert_eq!(
            next_delay(p, 1, None, 0.0),
            Some(Duration::from_millis(4000))
        );
    }

    #[test]
    fn gives_up_after_the_schedule() {
        assert_eq!(
            next_delay(RetryPreset::Standard, 7, None, 0.5),
            Some(hours(10))
        );
        assert_eq!(next_delay(RetryPreset::Standard, 8, None, 0.5), None);
        assert_eq!(
            next_delay(RetryPreset::Usaepay, 35, None, 0.5),
            Some(hours(6))
        );
        assert_eq!(next_delay(RetryPreset::Usaepay, 36, None, 0.5), None);
        assert_eq!(
            next_delay(RetryPreset::Standard, 0, None, 0.5),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn retry_after_lengthens_but_never_shortens_and_is_capped() {
        let p = RetryPreset::Standard;
        assert_eq!(next_delay(p, 1, Some(secs(120)), 0.5), Some(secs(120)));
        assert_eq!(next_delay(p, 3, Some(secs(1)), 0.5), Some(mins(30)));
        assert_eq!(next_delay(p, 1, Some(hours(100)), 0.5), Some(MAX_DELAY));
        // Retry-After never revives a delivery that has used all its tries.
        assert_eq!(next_delay(p, 8, Some(secs(1)), 0.5), None);
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

//! The next wait after a failed try (docs/architecture.md, Retries): a pure function of the hook's
//! preset, whose schedule is data (`domain/retry.rs`), the receiver's `Retry-After` and a jitter.

use std::time::Duration;

use crate::domain::retry::{schedule, RetryPreset};

/// The longest any single wait may be, even when a receiver asks for more with `Retry-After`.
pub const MAX_DELAY: Duration = Duration::from_secs(24 * 3600);

/// Jitter spreads retries of many deliveries that failed together: each delay is scaled into [80%, 120%].
const JITTER: f64 = 0.2;

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

    const fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }
    const fn mins(n: u64) -> Duration {
        Duration::from_secs(n * 60)
    }
    const fn hours(n: u64) -> Duration {
        Duration::from_secs(n * 3600)
    }

    #[test]
    fn ordatic_gives_up_after_its_third_try() {
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
}

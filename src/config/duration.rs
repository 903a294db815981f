//! Durations given on the command line (`--timeout`, `--duration`,
//! `--stats-interval`, `--interval`): one rule for every command, checked
//! before any socket is opened, so that no deadline computed from one can
//! overflow a clock later.

use std::time::{Duration, Instant};

use anyhow::Result;

use crate::usage;

/// The longest duration any flag takes: 100 years (humantime's `100y`),
/// far beyond any real run, and far inside what a clock reading plus the
/// duration can hold on every OS.
pub const MAX_DURATION: Duration = Duration::from_secs(100 * 31_557_600);

/// `d` as given to `flag` when it is positive and at most
/// [`MAX_DURATION`]; otherwise one line naming the flag, the value and
/// what would be valid.
pub fn check_duration(flag: &str, d: Duration) -> Result<Duration> {
    if d.is_zero() {
        return Err(usage!(
            "{flag} 0s is not valid; give a positive duration like 5s"
        ));
    }
    // The cap is the rule; the clock check only guards an OS whose clock
    // could not hold it.
    if d > MAX_DURATION || Instant::now().checked_add(d).is_none() {
        return Err(usage!(
            "{flag} {} is not valid; give a duration of at most 100 years, like 5s or 1h",
            humantime::format_duration(d)
        ));
    }
    Ok(d)
}

/// [`check_duration`] for a flag that may be left out.
pub fn check_optional_duration(flag: &str, d: Option<Duration>) -> Result<Option<Duration>> {
    d.map(|d| check_duration(flag, d)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Duration {
        humantime::parse_duration(s).unwrap()
    }

    #[test]
    fn positive_and_at_most_a_hundred_years() {
        assert_eq!(check_duration("-d", parse("5s")).unwrap(), parse("5s"));
        assert_eq!(check_duration("-d", parse("100y")).unwrap(), MAX_DURATION);
        assert_eq!(
            check_duration("--timeout", Duration::ZERO)
                .unwrap_err()
                .to_string(),
            "--timeout 0s is not valid; give a positive duration like 5s"
        );
    }

    /// Found by hand: `-d 584542046090y` passed and then panicked with
    /// "overflow when adding duration to instant" after joining.
    #[test]
    fn too_long_names_the_value() {
        let e = check_duration("--duration", parse("584542046090y"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "--duration 584542046090years is not valid; \
             give a duration of at most 100 years, like 5s or 1h"
        );
        let e = check_duration("-t", parse("100y 1s"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("-t 100years 1s is not valid"), "{e}");
        let e = check_duration("-t", Duration::MAX).unwrap_err().to_string();
        assert!(e.contains("at most 100 years"), "{e}");
    }

    #[test]
    fn optional() {
        assert_eq!(check_optional_duration("-d", None).unwrap(), None);
        assert!(check_optional_duration("-d", Some(Duration::ZERO)).is_err());
    }
}

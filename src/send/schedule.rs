//! The absolute schedule: tick k falls due at start + k/rate, so a late
//! wake-up never drifts the rate; whatever fell due meanwhile goes out as
//! one burst.

use std::time::{Duration, Instant};

use crate::config::Pace;
use crate::signals;

/// Longest sleep between stop-flag checks: Ctrl-C is seen this fast.
const MAX_SLEEP: Duration = Duration::from_millis(100);
/// The shortest sleep: at 100k packets/s this sends bursts of about ten,
/// smooth at a millisecond scale, for a tenth of the wake-ups.
const MIN_SLEEP: Duration = Duration::from_micros(100);

/// When each tick (one datagram per destination) is due, counted from the
/// start of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Schedule {
    /// Ticks per second; `None`: every tick is due at once.
    rate: Option<f64>,
}

impl Schedule {
    /// As fast as the kernel takes them.
    pub const ASAP: Schedule = Schedule { rate: None };

    pub fn new(pace: Pace) -> Self {
        match pace {
            Pace::Rate(r) => Self { rate: Some(r) },
            Pace::Max => Self::ASAP,
        }
    }

    /// How many ticks are due `elapsed` after the start: tick 0 at once.
    pub fn due_by(&self, elapsed: Duration) -> u64 {
        match self.rate {
            Some(r) => (elapsed.as_secs_f64() * r) as u64 + 1,
            None => u64::MAX,
        }
    }

    /// When tick `k` is due, after the start; `None` when it need not wait.
    pub fn offset(&self, k: u64) -> Option<Duration> {
        self.rate.map(|r| Duration::from_secs_f64(k as f64 / r))
    }
}

/// Sleeps until `due` in short steps, watching the stop flag and the end
/// of the run. False when the run should stop instead.
pub fn sleep_until(due: Instant, end: Option<Instant>) -> bool {
    loop {
        let now = Instant::now();
        if end.is_some_and(|e| now >= e) || signals::stop_requested() {
            return false;
        }
        let Some(left) = due.checked_duration_since(now) else {
            return true;
        };
        // Sleeping less than MIN_SLEEP is not worth a wake-up: at high
        // rates what falls due meanwhile goes out as one small burst.
        std::thread::sleep(left.clamp(MIN_SLEEP, MAX_SLEEP));
        if left <= MAX_SLEEP {
            return true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn the_first_tick_is_due_at_once() {
        let s = Schedule::new(Pace::Rate(10.0));
        assert_eq!(s.due_by(Duration::ZERO), 1);
        assert_eq!(s.offset(0), Some(Duration::ZERO));
    }

    #[test]
    fn ticks_fall_due_at_start_plus_k_over_rate() {
        let s = Schedule::new(Pace::Rate(1000.0));
        assert_eq!(s.due_by(MS / 2), 1);
        assert_eq!(s.due_by(MS), 2);
        assert_eq!(s.due_by(MS * 999), 1000);
        assert_eq!(s.offset(1), Some(MS));
        assert_eq!(s.offset(250), Some(MS * 250));
        for k in [1, 7, 999, 123_456] {
            let at = s.offset(k).unwrap();
            assert_eq!(s.due_by(at), k + 1, "tick {k} is due at its own offset");
        }
    }

    #[test]
    fn a_late_wake_up_owes_everything_due_meanwhile() {
        // At 100k/s, waking 0.1 ms late owes ten more ticks: one burst.
        let s = Schedule::new(Pace::Rate(100_000.0));
        let on_time = s.due_by(MS * 5);
        assert_eq!(s.due_by(MS * 5 + MS / 10) - on_time, 10);
    }

    #[test]
    fn slow_rates_keep_whole_seconds() {
        let s = Schedule::new(Pace::Rate(0.5));
        assert_eq!(s.offset(3), Some(Duration::from_secs(6)));
        assert_eq!(s.due_by(Duration::from_millis(5_999)), 3);
        assert_eq!(s.due_by(Duration::from_secs(6)), 4);
    }

    #[test]
    fn full_speed_never_waits() {
        let s = Schedule::new(Pace::Max);
        assert_eq!(s, Schedule::ASAP);
        assert_eq!(s.due_by(Duration::ZERO), u64::MAX);
        assert_eq!(s.offset(5), None);
    }
}

//! Replies per prober, bounded: a token bucket per prober address in a
//! table of fixed capacity, so a flood of probes (or of forged sources)
//! costs a responder a bounded amount of memory and sends.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;

/// Probers remembered at once; the one heard from least recently is
/// forgotten to make room.
pub const CAPACITY: usize = 4096;
/// A prober counts as live this long after its last probe.
pub const LIVE: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    last: Duration,
}

/// Token buckets of `rate` replies per second, `burst` deep, per prober.
#[derive(Debug)]
pub struct Limiter {
    rate: f64,
    burst: f64,
    probers: HashMap<IpAddr, Bucket>,
    capacity: usize,
    /// Probes refused for going over the rate.
    pub limited: u64,
}

impl Limiter {
    pub fn new(rate: f64, burst: f64) -> Self {
        Self::with_capacity(rate, burst, CAPACITY)
    }

    fn with_capacity(rate: f64, burst: f64, capacity: usize) -> Self {
        Self {
            rate,
            burst: burst.max(1.0),
            probers: HashMap::with_capacity(capacity + 1),
            capacity,
            limited: 0,
        }
    }

    /// Whether a probe from `who` at `now` (any monotonic origin) may be
    /// answered; takes a token when it may.
    pub fn allow(&mut self, who: IpAddr, now: Duration) -> bool {
        if !self.probers.contains_key(&who) && self.probers.len() >= self.capacity {
            // Only when full and a new prober comes: a scan, not per probe.
            if let Some(oldest) = self
                .probers
                .iter()
                .min_by_key(|(_, b)| b.last)
                .map(|(k, _)| *k)
            {
                self.probers.remove(&oldest);
            }
        }
        let burst = self.burst;
        let b = self.probers.entry(who).or_insert(Bucket {
            tokens: burst,
            last: now,
        });
        let earned = now.saturating_sub(b.last).as_secs_f64() * self.rate;
        b.tokens = (b.tokens + earned).min(burst);
        b.last = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            true
        } else {
            self.limited += 1;
            false
        }
    }

    /// Probers in the table (heard from, and not forgotten to make room).
    pub fn seen(&self) -> usize {
        self.probers.len()
    }

    /// Probers heard from within [`LIVE`] of `now`.
    pub fn live(&self, now: Duration) -> usize {
        self.probers
            .values()
            .filter(|b| now.saturating_sub(b.last) < LIVE)
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([192, 0, 2, last])
    }

    #[test]
    fn each_prober_gets_its_own_rate() {
        let mut l = Limiter::new(10.0, 2.0);
        let t = Duration::from_secs(100);
        assert!(l.allow(ip(1), t));
        assert!(l.allow(ip(1), t));
        assert!(!l.allow(ip(1), t), "burst used up");
        assert!(l.allow(ip(2), t), "another prober is not affected");
        assert!(
            l.allow(ip(1), t + Duration::from_millis(100)),
            "one token per 100 ms"
        );
        assert!(!l.allow(ip(1), t + Duration::from_millis(110)));
        assert_eq!(l.limited, 2);
    }

    #[test]
    fn the_table_stays_bounded_and_forgets_the_oldest() {
        let mut l = Limiter::with_capacity(1.0, 1.0, 3);
        for k in 0..10u8 {
            assert!(l.allow(ip(k), Duration::from_secs(u64::from(k))));
            assert!(l.probers.len() <= 3);
        }
        assert!(l.probers.contains_key(&ip(9)));
        assert!(!l.probers.contains_key(&ip(0)));
        assert_eq!(l.live(Duration::from_secs(9)), 3);
        assert_eq!(l.live(Duration::from_secs(30)), 0);
    }
}

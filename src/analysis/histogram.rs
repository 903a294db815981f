//! A fixed-size, signed, log-linear latency histogram.
//!
//! Written here rather than taken from `hdrhistogram` because one-way
//! latency is negative whenever the sender's clock runs ahead of ours, and
//! HDR histograms hold only unsigned values; a mirrored pair of small arrays
//! keeps the memory fixed (about 7 KiB) and needs no dependency.
//!
//! Magnitudes below 1.024 µs share one bucket; from there to 2^37 ns
//! (~137 s) each power of two is split into 32 equal buckets, so a reported
//! percentile is within ~1.6 % of the true value; larger magnitudes share
//! an overflow bucket. Min, max and mean are exact.

/// Magnitudes below `2^TINY_EXP` ns fall in the first bucket.
const TINY_EXP: u32 = 10;
/// Highest power of two with its own buckets.
const MAX_EXP: u32 = 36;
const SUB_BITS: u32 = 5;
const SUB: usize = 1 << SUB_BITS;
const OCTAVES: usize = (MAX_EXP - TINY_EXP + 1) as usize;
/// Per sign: the tiny bucket, the log-linear ones, the overflow bucket.
const BUCKETS: usize = 1 + OCTAVES * SUB + 1;

#[derive(Debug, Clone)]
pub struct Histogram {
    /// Counts saturate rather than wrap: at 2^32 samples in one bucket the
    /// percentiles are already settled.
    pos: [u32; BUCKETS],
    neg: [u32; BUCKETS],
    count: u64,
    sum: i128,
    min: i64,
    max: i64,
}

impl Default for Histogram {
    fn default() -> Self {
        Self::new()
    }
}

fn index(mag: u64) -> usize {
    if mag < 1 << TINY_EXP {
        return 0;
    }
    let e = 63 - mag.leading_zeros();
    if e > MAX_EXP {
        return BUCKETS - 1;
    }
    let sub = ((mag >> (e - SUB_BITS)) as usize) & (SUB - 1);
    1 + (e - TINY_EXP) as usize * SUB + sub
}

/// A representative magnitude for bucket `i`: its midpoint. The overflow
/// bucket has no upper end; callers clamp to the observed extremes.
fn midpoint(i: usize) -> u64 {
    if i == 0 {
        return (1 << TINY_EXP) / 2;
    }
    if i >= BUCKETS - 1 {
        return u64::MAX;
    }
    let e = TINY_EXP + ((i - 1) / SUB) as u32;
    let sub = ((i - 1) % SUB) as u64;
    let width = 1u64 << (e - SUB_BITS);
    (SUB as u64 + sub) * width + width / 2
}

impl Histogram {
    pub const fn new() -> Self {
        Self {
            pos: [0; BUCKETS],
            neg: [0; BUCKETS],
            count: 0,
            sum: 0,
            min: i64::MAX,
            max: i64::MIN,
        }
    }

    /// Records one value in nanoseconds.
    pub fn record(&mut self, ns: i64) {
        let i = index(ns.unsigned_abs());
        let slot = if ns < 0 {
            &mut self.neg[i]
        } else {
            &mut self.pos[i]
        };
        *slot = slot.saturating_add(1);
        self.count += 1;
        self.sum += i128::from(ns);
        self.min = self.min.min(ns);
        self.max = self.max.max(ns);
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    pub fn min(&self) -> Option<i64> {
        (self.count > 0).then_some(self.min)
    }

    pub fn max(&self) -> Option<i64> {
        (self.count > 0).then_some(self.max)
    }

    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum as f64 / self.count as f64)
    }

    /// The value at quantile `q` (0..=1), to within a bucket's precision.
    pub fn quantile(&self, q: f64) -> Option<i64> {
        if self.count == 0 {
            return None;
        }
        // Saturated buckets make the bucket total the right denominator.
        let total: u64 = self
            .neg
            .iter()
            .chain(&self.pos)
            .map(|&c| u64::from(c))
            .sum();
        let rank = ((q.clamp(0.0, 1.0) * total as f64).ceil() as u64).clamp(1, total);
        // The extremes are known exactly; buckets would only blur them.
        if rank == 1 {
            return Some(self.min);
        }
        if rank == total {
            return Some(self.max);
        }
        // Most negative first: the negative side from its overflow bucket
        // down, then the positive side up.
        let ordered = self
            .neg
            .iter()
            .enumerate()
            .rev()
            .map(|(i, &c)| (i, c, true))
            .chain(self.pos.iter().enumerate().map(|(i, &c)| (i, c, false)));
        let mut seen = 0u64;
        for (i, c, negative) in ordered {
            seen += u64::from(c);
            if seen >= rank {
                let mag = i64::try_from(midpoint(i)).unwrap_or(i64::MAX);
                let v = if negative { -mag } else { mag };
                return Some(v.clamp(self.min, self.max));
            }
        }
        Some(self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: i64, expected: i64) -> bool {
        let tol = (expected.unsigned_abs() as f64 * 0.02).max(1024.0);
        ((actual - expected) as f64).abs() <= tol
    }

    #[test]
    fn empty() {
        let h = Histogram::new();
        assert_eq!(
            (h.min(), h.max(), h.mean(), h.quantile(0.5)),
            (None, None, None, None)
        );
    }

    #[test]
    fn buckets_are_contiguous_and_ordered() {
        let mut last = 0;
        for e in TINY_EXP..=MAX_EXP + 1 {
            for m in [1u64 << e, (1 << e) + 1, (3 << e) / 2, (1 << (e + 1)) - 1] {
                let i = index(m);
                assert!(i >= last, "{m}");
                assert!(i < BUCKETS);
                last = i;
                if i < BUCKETS - 1 {
                    let mid = midpoint(i);
                    assert!(
                        (mid as f64 - m as f64).abs() / m as f64 <= 1.0 / 32.0,
                        "{m}"
                    );
                }
            }
        }
        assert_eq!(index(u64::MAX), BUCKETS - 1);
        assert_eq!(index(0), 0);
    }

    #[test]
    fn percentiles_within_two_percent() {
        let mut h = Histogram::new();
        // 1 µs .. 100 s, log-spaced.
        let values: Vec<i64> = (0..=8000)
            .map(|i| (1_000.0 * 10f64.powf(i as f64 / 1000.0)) as i64)
            .collect();
        for &v in &values {
            h.record(v);
        }
        for q in [0.01, 0.25, 0.5, 0.9, 0.99] {
            let exact = values[((q * values.len() as f64).ceil() as usize) - 1];
            let got = h.quantile(q).unwrap();
            assert!(close(got, exact), "q {q}: {got} vs {exact}");
        }
        assert_eq!(h.quantile(1.0), Some(*values.last().unwrap()));
        assert_eq!(h.quantile(0.0), Some(values[0]));
        assert_eq!(h.min(), Some(1_000));
    }

    #[test]
    fn negative_values_order_before_positive() {
        let mut h = Histogram::new();
        for v in [-5_000_000i64, -3_000_000, -1_000, 0, 2_000_000] {
            h.record(v);
        }
        assert!(close(h.quantile(0.2).unwrap(), -5_000_000));
        assert!(close(h.quantile(0.4).unwrap(), -3_000_000));
        assert!(close(h.quantile(0.6).unwrap(), 0));
        assert!(close(h.quantile(1.0).unwrap(), 2_000_000));
        assert_eq!(h.min(), Some(-5_000_000));
        assert_eq!(h.mean(), Some(-6_001_000.0 / 5.0));
    }

    #[test]
    fn all_negative_median_is_negative() {
        // Sender clock 3 ms ahead: every latency is about −3 ms.
        let mut h = Histogram::new();
        for i in 0..1000 {
            h.record(-3_000_000 + i * 100);
        }
        let p50 = h.quantile(0.5).unwrap();
        assert!(close(p50, -2_950_000), "{p50}");
    }

    #[test]
    fn huge_values_land_in_overflow_and_clamp_to_max() {
        let mut h = Histogram::new();
        h.record(1_000_000);
        h.record(500_000_000_000);
        h.record(i64::MIN);
        assert_eq!(h.quantile(1.0), Some(500_000_000_000));
        assert_eq!(h.quantile(0.0), Some(i64::MIN));
        assert!(close(h.quantile(0.5).unwrap(), 1_000_000));
    }
}

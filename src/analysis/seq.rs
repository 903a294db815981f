//! Sequence tracking for one stream in constant memory: a sliding bitmap of
//! the last [`WINDOW`] sequence numbers below the highest one seen.
//!
//! Loss is `expected span − unique received`, so a gap counts as lost only
//! until its packet turns up; one that turns up within the window undoes the
//! loss and counts as reordered. Below the window nothing can be told apart
//! (a duplicate, or a lost packet arriving late), so such arrivals only count
//! as `late`. Sequence numbers use wrapping arithmetic: after `u64::MAX`
//! comes 0.

/// Sequence numbers remembered below the highest one seen.
pub const WINDOW: u64 = 4096;
const WORDS: usize = (WINDOW / 64) as usize;

/// What one arrival was, for callers that react per packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// The first packet, or the next or a later one (skipping lost ones).
    InOrder,
    /// Below the highest seen, within the window, not seen before.
    Reordered,
    /// Seen before, within the window.
    Duplicate,
    /// Below the window: a duplicate or a lost packet, unknowable which.
    Late,
    /// The sequence dropped back near 0: a fresh span was started.
    Restart,
}

#[derive(Debug, Clone)]
pub struct SeqTracker {
    /// Bit `s % WINDOW` is set when `s` in `(max − WINDOW, max]` arrived.
    /// Inline, so the tracker never allocates and its size is fixed.
    bits: [u64; WORDS],
    started: bool,
    /// First and highest sequence of the current span.
    base: u64,
    max: u64,
    /// Unique packets received in the current span.
    unique: u64,
    /// Expected and unique counts of the spans before a restart.
    past_expected: u64,
    past_unique: u64,
    first: u64,
    last: u64,
    pub duplicates: u64,
    pub reordered: u64,
    pub late: u64,
    pub restarts: u64,
}

impl Default for SeqTracker {
    fn default() -> Self {
        Self::new()
    }
}

/// Signed distance from `from` to `to` on the wrapping sequence circle.
fn distance(from: u64, to: u64) -> i64 {
    to.wrapping_sub(from) as i64
}

impl SeqTracker {
    pub const fn new() -> Self {
        Self {
            bits: [0; WORDS],
            started: false,
            base: 0,
            max: 0,
            unique: 0,
            past_expected: 0,
            past_unique: 0,
            first: 0,
            last: 0,
            duplicates: 0,
            reordered: 0,
            late: 0,
            restarts: 0,
        }
    }

    pub fn record(&mut self, seq: u64) -> Arrival {
        if !self.started {
            self.started = true;
            self.first = seq;
            self.last = seq;
            self.start_span(seq);
            return Arrival::InOrder;
        }
        self.last = seq;
        let d = distance(self.max, seq);
        if d > 0 {
            self.advance(seq, d.unsigned_abs());
            self.unique += 1;
            return Arrival::InOrder;
        }
        let back = d.unsigned_abs();
        if back >= WINDOW {
            // A sender that restarted counts from 0 again; anything else
            // this far back is only known to be late.
            if seq < WINDOW {
                self.past_expected = self.past_expected.saturating_add(self.span());
                self.past_unique = self.past_unique.saturating_add(self.unique);
                self.restarts += 1;
                self.bits = [0; WORDS];
                self.start_span(seq);
                return Arrival::Restart;
            }
            self.late += 1;
            return Arrival::Late;
        }
        if self.test_and_set(seq) {
            self.duplicates += 1;
            return Arrival::Duplicate;
        }
        // Below the span's start but within the window: the stream was
        // joined mid-way and this one was overtaken; widen the span.
        if distance(self.base, seq) < 0 {
            self.base = seq;
        }
        self.unique += 1;
        self.reordered += 1;
        Arrival::Reordered
    }

    fn start_span(&mut self, seq: u64) {
        self.base = seq;
        self.max = seq;
        self.unique = 1;
        self.set(seq);
    }

    /// Moves the window up to `seq`, `gap` past the old maximum. The slots
    /// entering the window are cleared: O(gap) up to O(WINDOW), never more.
    fn advance(&mut self, seq: u64, gap: u64) {
        if gap >= WINDOW {
            self.bits = [0; WORDS];
        } else {
            let mut s = self.max;
            for _ in 0..gap {
                s = s.wrapping_add(1);
                self.clear(s);
            }
        }
        self.max = seq;
        self.set(seq);
    }

    fn slot(seq: u64) -> (usize, u64) {
        let i = seq % WINDOW;
        ((i / 64) as usize, 1u64 << (i % 64))
    }

    fn set(&mut self, seq: u64) {
        let (w, b) = Self::slot(seq);
        self.bits[w] |= b;
    }

    fn clear(&mut self, seq: u64) {
        let (w, b) = Self::slot(seq);
        self.bits[w] &= !b;
    }

    /// Sets the bit; returns whether it was set already.
    fn test_and_set(&mut self, seq: u64) -> bool {
        let (w, b) = Self::slot(seq);
        let was = self.bits[w] & b != 0;
        self.bits[w] |= b;
        was
    }

    /// Sequence numbers from the span's first to its highest, inclusive.
    fn span(&self) -> u64 {
        if self.started {
            self.max.wrapping_sub(self.base).saturating_add(1)
        } else {
            0
        }
    }

    /// Packets the sender sent, as far as the sequence numbers tell.
    pub fn expected(&self) -> u64 {
        self.past_expected.saturating_add(self.span())
    }

    /// Distinct packets received (duplicates and late ones excluded).
    pub fn unique(&self) -> u64 {
        self.past_unique.saturating_add(self.unique)
    }

    pub fn lost(&self) -> u64 {
        self.expected().saturating_sub(self.unique())
    }

    /// The first and the latest sequence number received, if any.
    pub fn first(&self) -> Option<u64> {
        self.started.then_some(self.first)
    }

    pub fn last(&self) -> Option<u64> {
        self.started.then_some(self.last)
    }

    /// The highest sequence number of the current span.
    pub fn highest(&self) -> Option<u64> {
        self.started.then_some(self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(seqs: impl IntoIterator<Item = u64>) -> SeqTracker {
        let mut t = SeqTracker::new();
        for s in seqs {
            t.record(s);
        }
        t
    }

    #[test]
    fn empty() {
        let t = SeqTracker::new();
        assert_eq!((t.expected(), t.unique(), t.lost()), (0, 0, 0));
        assert_eq!(t.first(), None);
    }

    #[test]
    fn in_order() {
        let t = feed(0..1000);
        assert_eq!((t.expected(), t.unique(), t.lost()), (1000, 1000, 0));
        assert_eq!((t.duplicates, t.reordered, t.late), (0, 0, 0));
        assert_eq!((t.first(), t.last()), (Some(0), Some(999)));
    }

    #[test]
    fn joined_mid_stream_counts_from_the_first_seen() {
        let t = feed(500..600);
        assert_eq!((t.expected(), t.lost()), (100, 0));
    }

    #[test]
    fn gaps_are_lost() {
        let t = feed([0, 1, 2, 5, 6, 10]);
        assert_eq!((t.expected(), t.unique(), t.lost()), (11, 6, 5));
    }

    #[test]
    fn late_arrival_within_window_undoes_loss() {
        let mut t = feed([0, 1, 3, 4]);
        assert_eq!(t.lost(), 1);
        assert_eq!(t.record(2), Arrival::Reordered);
        assert_eq!((t.lost(), t.reordered, t.duplicates), (0, 1, 0));
        assert_eq!(t.last(), Some(2));
        assert_eq!(t.highest(), Some(4));
    }

    #[test]
    fn overtaken_first_packet_widens_the_span() {
        let mut t = feed([10, 11]);
        assert_eq!(t.record(8), Arrival::Reordered);
        // 9 is now missing too.
        assert_eq!((t.expected(), t.lost(), t.reordered), (4, 1, 1));
    }

    #[test]
    fn duplicates_within_window() {
        let mut t = feed(0..10);
        assert_eq!(t.record(9), Arrival::Duplicate);
        assert_eq!(t.record(3), Arrival::Duplicate);
        assert_eq!(t.record(3), Arrival::Duplicate);
        assert_eq!((t.duplicates, t.lost(), t.unique()), (3, 0, 10));
    }

    #[test]
    fn far_below_the_window_is_late_not_a_panic() {
        let mut t = feed(5000..5000 + 2 * WINDOW);
        let lost_before = t.lost();
        assert_eq!(t.record(5000), Arrival::Late);
        assert_eq!(t.record(5001), Arrival::Late);
        assert_eq!((t.late, t.duplicates, t.restarts), (2, 0, 0));
        assert_eq!(t.lost(), lost_before);
    }

    #[test]
    fn lost_packet_arriving_below_the_window_stays_lost() {
        let mut t = feed([10_000]);
        for s in 10_002..10_002 + WINDOW {
            t.record(s);
        }
        assert_eq!(t.lost(), 1);
        assert_eq!(t.record(10_001), Arrival::Late);
        assert_eq!((t.lost(), t.late, t.reordered), (1, 1, 0));
    }

    #[test]
    fn window_edge() {
        // max − (WINDOW − 1) is the oldest remembered sequence.
        let mut t = feed([0, WINDOW - 1]);
        assert_eq!(t.record(0), Arrival::Duplicate);
        let mut t = feed([10_000, 10_000 + WINDOW]);
        assert_eq!(t.record(10_000), Arrival::Late, "exactly WINDOW below");
        assert_eq!(t.record(10_001), Arrival::Reordered);
    }

    #[test]
    fn long_forward_gap_shifts_the_window() {
        let mut t = feed(0..10);
        assert_eq!(t.record(10 + 1_000_000_000_000), Arrival::InOrder);
        assert_eq!(t.lost(), 1_000_000_000_000);
        // Old bits must not leak into the new window.
        for s in (10 + 1_000_000_000_000 - WINDOW + 1)..(10 + 1_000_000_000_000) {
            assert_ne!(t.record(s), Arrival::Duplicate, "seq {s}");
        }
        assert_eq!(t.duplicates, 0);
        assert_eq!(t.lost(), 1_000_000_000_000 - (WINDOW - 1));
    }

    #[test]
    fn gap_just_under_the_window_clears_stale_slots() {
        // Slots reused after a gap of WINDOW − 1 must read as empty.
        let mut t = feed(0..WINDOW);
        t.record(2 * WINDOW - 2);
        assert_eq!(t.record(WINDOW + 5), Arrival::Reordered);
        assert_eq!(t.duplicates, 0);
    }

    #[test]
    fn wraps_at_u64_max() {
        let start = u64::MAX - 5;
        let t = feed((0..12).map(|i| start.wrapping_add(i)));
        assert_eq!((t.expected(), t.lost(), t.restarts), (12, 0, 0));
        assert_eq!(t.last(), Some(5));

        let mut t = feed([u64::MAX - 1, 1]);
        assert_eq!(t.lost(), 2, "MAX and 0 missing");
        assert_eq!(t.record(u64::MAX), Arrival::Reordered);
        assert_eq!(t.record(0), Arrival::Reordered);
        assert_eq!(t.record(0), Arrival::Duplicate);
        assert_eq!((t.lost(), t.restarts), (0, 0));
    }

    #[test]
    fn sequence_reset_is_a_restart() {
        let mut t = feed(0..10_000);
        t.record(10_001); // one lost before the restart
        assert_eq!(t.record(0), Arrival::Restart);
        for s in 1..100 {
            t.record(s);
        }
        t.record(101); // one lost after
        assert_eq!(t.restarts, 1);
        assert_eq!(t.expected(), 10_002 + 102);
        assert_eq!(t.lost(), 2);
        assert_eq!((t.late, t.duplicates), (0, 0));
        assert_eq!((t.first(), t.last()), (Some(0), Some(101)));
    }

    #[test]
    fn memory_is_constant_after_ten_million_packets() {
        let before = std::mem::size_of::<SeqTracker>();
        let mut t = SeqTracker::new();
        // In order with a loss every 1000, a duplicate every 777, a swap
        // every 333 and a big jump every million.
        let mut seq = 0u64;
        for i in 0..10_000_000u64 {
            seq += if i % 1_000_000 == 0 { 100_000 } else { 1 };
            if i % 1000 == 0 {
                seq += 1;
            }
            t.record(seq);
            if i % 777 == 0 {
                t.record(seq);
            }
            if i % 333 == 0 {
                t.record(seq.wrapping_sub(3));
            }
        }
        // The bitmap is inline: no heap at all, so the size is the footprint.
        assert_eq!(std::mem::size_of_val(&t), before);
        assert!(before <= 640, "{before} bytes");
        assert!(t.unique() >= 10_000_000);
        assert!(t.duplicates > 10_000);
    }
}

//! How the receive loop paces itself: how many datagrams to ask for, and
//! whether to wait a little before asking.
//!
//! Waking up is what a receiver pays most for at moderate rates: at 100k
//! packets/s arriving one by one, a blocking receive per packet means a
//! context switch per packet, more than the receive itself. Once packets
//! are known to arrive faster than [`STREAMING`], the loop naps long enough
//! for about a batch to queue and takes it with one `recvmmsg`. Kernel
//! timestamps give the rate and keep each packet's time exact (without
//! them, `--lean`, the time between reads gives the rate); only a record
//! leaves later,
//! by at most [`MAX_NAP`], which output flushed every millisecond hides.
//! A nap never lets more queue than a quarter of the receive buffer.
//!
//! Pure logic over timestamps, so it is tested without sockets.

use std::time::Duration;

/// Packets closer together than this count as a stream worth napping for
/// (5,000 packets/s and up); slower ones are received as they come.
pub const STREAMING: Duration = Duration::from_micros(200);
/// Longest nap: records are delayed by at most this, and Ctrl-C seen.
pub const MAX_NAP: Duration = Duration::from_micros(500);
/// Naps shorter than this save less than they cost.
const MIN_NAP: Duration = Duration::from_micros(20);
/// A queued packet waited longer than this: a backlog is building.
const FRESH: Duration = Duration::from_micros(50);
/// Kernel memory one queued datagram of `len` bytes holds against the
/// receive buffer (its "truesize"): the payload plus headroom rounded up
/// to the slab size that holds them, plus the `sk_buff`. Measured on Linux
/// 6.18: 2,304 bytes for a 1,000-byte datagram, 768 for a 64-byte one.
fn kernel_bytes(len: usize) -> usize {
    (len + 320).next_power_of_two() + 256
}

/// What the last receive returned, as the pacer needs it.
#[derive(Debug, Clone, Copy)]
pub struct Batch {
    /// Datagrams asked for and received.
    pub asked: usize,
    pub got: usize,
    /// Kernel time of the first and last datagram, when stamped.
    pub first: Option<Duration>,
    pub last: Option<Duration>,
    /// Largest datagram in the batch.
    pub max_len: usize,
}

#[derive(Debug, Clone)]
pub struct Napper {
    max_batch: usize,
    /// Receive buffer granted, bytes.
    rcvbuf: usize,
    vlen: usize,
    nap: Option<Duration>,
    /// Time (kernel, or of the read) of the latest datagram, to measure the gap to the next.
    last_arrival: Option<Duration>,
}

impl Napper {
    pub fn new(max_batch: usize, rcvbuf: usize) -> Self {
        Self {
            max_batch: max_batch.max(1),
            rcvbuf,
            vlen: 1,
            nap: None,
            last_arrival: None,
        }
    }

    /// Datagrams to ask for in the next receive.
    pub fn vlen(&self) -> usize {
        self.vlen
    }

    /// How long to wait before the next receive, which is then made
    /// without blocking; `None`: block until a packet comes.
    pub fn nap(&self) -> Option<Duration> {
        self.nap
    }

    /// A receive found nothing queued: the stream paused or ended.
    pub fn found_nothing(&mut self) {
        self.nap = None;
        self.vlen = 1;
    }

    /// Learns from one receive; `now` is the current wall-clock time.
    pub fn after(&mut self, b: &Batch, now: Duration) {
        if b.got == 0 {
            return self.found_nothing();
        }
        let since_last = |t: Duration| self.last_arrival.and_then(|p| t.checked_sub(p));
        let gap = match (b.first, b.last) {
            (Some(first), Some(last)) if b.got > 1 => {
                last.checked_sub(first).map(|d| d / (b.got - 1) as u32)
            }
            (_, Some(last)) => since_last(last),
            // Unstamped (`--lean`): the batch arrived since the last read.
            _ => since_last(now).map(|d| d / b.got as u32),
        };
        self.last_arrival = Some(b.last.unwrap_or(now));
        if b.got == b.asked && b.asked > 1 {
            // Probably more queued: keep taking whole batches, no nap.
            self.vlen = self.max_batch;
            self.nap = None;
            return;
        }
        self.nap = gap
            .filter(|&g| g < STREAMING)
            .and_then(|g| self.nap_for(g, b.max_len));
        self.vlen = if self.nap.is_some() {
            self.max_batch
        } else {
            // One packet at a time, unless the last one had sat queued.
            let waited = b.last.and_then(|t| now.checked_sub(t));
            if waited.is_some_and(|w| w > FRESH) {
                self.max_batch
            } else {
                1
            }
        };
    }

    /// Long enough for about a batch to arrive `gap` apart, within the
    /// limits on delay and on queued memory.
    fn nap_for(&self, gap: Duration, max_len: usize) -> Option<Duration> {
        let fits = (self.rcvbuf / 4 / kernel_bytes(max_len)).min(self.max_batch);
        let nap = (gap * fits as u32).min(MAX_NAP);
        (nap >= MIN_NAP).then_some(nap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MB: usize = 1 << 20;

    fn at(us: u64) -> Duration {
        Duration::from_secs(1_000_000) + Duration::from_micros(us)
    }

    fn batch(asked: usize, got: usize, first_us: u64, last_us: u64) -> Batch {
        Batch {
            asked,
            got,
            first: Some(at(first_us)),
            last: Some(at(last_us)),
            max_len: 64,
        }
    }

    #[test]
    fn slow_packets_are_taken_one_by_one_without_napping() {
        let mut p = Napper::new(32, 4 * MB);
        p.after(&batch(1, 1, 0, 0), at(5));
        p.after(&batch(1, 1, 1000, 1000), at(1005));
        assert_eq!((p.vlen(), p.nap()), (1, None));
    }

    #[test]
    fn a_fast_stream_naps_for_about_a_batch() {
        let mut p = Napper::new(32, 4 * MB);
        p.after(&batch(1, 1, 0, 0), at(2));
        p.after(&batch(1, 1, 10, 10), at(12));
        // 10 us apart: 32 packets take 320 us.
        assert_eq!(p.nap(), Some(Duration::from_micros(320)));
        assert_eq!(p.vlen(), 32);
        // After the nap a partial batch keeps the rhythm.
        p.after(&batch(32, 30, 20, 310), at(330));
        assert_eq!(p.nap(), Some(Duration::from_micros(320)));
    }

    #[test]
    fn naps_are_capped_in_time() {
        let mut p = Napper::new(32, 4 * MB);
        p.after(&batch(32, 3, 0, 300), at(310)); // 150 us apart
        assert_eq!(p.nap(), Some(MAX_NAP));
    }

    #[test]
    fn a_small_receive_buffer_shortens_the_nap() {
        // 64 KiB: a quarter holds 16 KiB, 21 datagrams of 768 bytes each.
        let mut p = Napper::new(32, 64 * 1024);
        p.after(&batch(32, 2, 0, 10), at(12));
        assert_eq!(p.nap(), Some(Duration::from_micros(210)));
        // Too little room to be worth a nap at all.
        let mut tiny = Napper::new(32, 4 * 1024);
        tiny.after(&batch(32, 2, 0, 10), at(12));
        assert_eq!(tiny.nap(), None);
    }

    #[test]
    fn kernel_memory_per_datagram_is_its_truesize() {
        assert_eq!(kernel_bytes(1000), 2304);
        assert_eq!(kernel_bytes(64), 768);
        assert_eq!(kernel_bytes(1400), 2304);
    }

    #[test]
    fn a_full_batch_means_a_backlog_drain_it_without_napping() {
        let mut p = Napper::new(32, 4 * MB);
        p.after(&batch(32, 32, 0, 31), at(5000));
        assert_eq!((p.vlen(), p.nap()), (32, None));
    }

    #[test]
    fn a_stale_lone_packet_switches_to_batches() {
        let mut p = Napper::new(32, 4 * MB);
        p.after(&batch(1, 1, 0, 0), at(400));
        assert_eq!((p.vlen(), p.nap()), (32, None));
    }

    #[test]
    fn nothing_found_ends_napping() {
        let mut p = Napper::new(32, 4 * MB);
        p.after(&batch(1, 1, 0, 0), at(1));
        p.after(&batch(1, 1, 10, 10), at(11));
        assert!(p.nap().is_some());
        p.found_nothing();
        assert_eq!((p.vlen(), p.nap()), (1, None));
    }

    #[test]
    fn without_kernel_times_the_time_between_reads_tells_the_rate() {
        let mut p = Napper::new(32, 4 * MB);
        let unstamped = |got| Batch {
            asked: 32,
            got,
            first: None,
            last: None,
            max_len: 64,
        };
        p.after(&unstamped(1), at(0));
        assert_eq!(p.nap(), None, "one read says nothing about the rate");
        // 5 packets in the 100 us since the last read: 20 us apart.
        p.after(&unstamped(5), at(100));
        assert_eq!(p.nap(), Some(Duration::from_micros(500)));
        p.after(&unstamped(1), at(5100));
        assert_eq!(p.nap(), None, "5 ms apart is not a stream");
    }

    #[test]
    fn clock_steps_backwards_do_not_panic() {
        let mut p = Napper::new(32, 4 * MB);
        p.after(&batch(32, 4, 100, 50), at(0));
        p.after(&batch(1, 1, 10, 10), at(0));
        assert!(p.vlen() >= 1);
    }
}

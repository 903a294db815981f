//! The send engine shared by `send` and `selftest` (and the coming
//! `ping`/`pong`): a socket set up once ([`Sender::open`], [`Sender::aim`]),
//! then datagrams on an absolute [`Schedule`], in `sendmmsg` bursts where
//! the OS has them, until a [`Limit`] or Ctrl-C, counted in [`Stats`].

mod content;
mod lines;
mod schedule;
mod socket;
mod stats;

use std::time::{Duration, Instant};

use socket2::SockAddr;

use crate::clock;
use crate::platform::SendBatch;
use crate::signals;

pub use content::{sender_id, Content};
pub use schedule::Schedule;
pub use socket::{Effective, Sender, SenderSetup};
pub use stats::{Refused, Stats};

/// When a run ends, besides Ctrl-C.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limit {
    /// Ticks, each one datagram per destination.
    pub count: Option<u64>,
    pub duration: Option<Duration>,
}

impl Sender {
    /// Sends `content` to every destination once per tick of `schedule`.
    /// Sleeping late never drifts the rate: whatever fell due meanwhile
    /// goes out in one burst of up to a batch. Datagrams in a burst share
    /// one timestamp, read once per burst.
    pub fn run(
        &self,
        content: &Content<'_>,
        schedule: Schedule,
        limit: &Limit,
    ) -> Result<Stats, Refused> {
        let size = content.len();
        let mut batch = SendBatch::new(size.max(1));
        content.prime(&mut batch);
        let len = u32::try_from(size).unwrap_or(u32::MAX);
        let start = Instant::now();
        let end = limit.duration.map(|d| start + d);
        let count = limit.count.unwrap_or(u64::MAX);
        let mut stats = Stats::default();
        let mut seq = 0u64;
        let mut first = None;
        while seq < count && !signals::stop_requested() {
            let now = Instant::now();
            if end.is_some_and(|e| now >= e) {
                break;
            }
            let due = schedule.due_by(now - start).min(count);
            if seq >= due {
                if let Some(next) = schedule.offset(seq) {
                    if !schedule::sleep_until(start + next, end) {
                        break;
                    }
                }
                continue;
            }
            let stamp = clock::now_ns();
            first.get_or_insert(now);
            // One burst: everything due, up to one batch of ticks.
            while seq < due {
                for to in &self.targets {
                    if batch.is_full() {
                        self.flush(&mut batch, &mut stats, len)?;
                    }
                    let dest = (!self.connected).then_some(to);
                    if let Some(buf) = batch.push(size, dest) {
                        content.write(buf, seq, stamp, len);
                    }
                }
                seq += 1;
                if batch.is_full() {
                    break;
                }
            }
            self.flush(&mut batch, &mut stats, len)?;
            stats.span = first.map_or(Duration::ZERO, |f: Instant| f.elapsed());
        }
        stats.elapsed = start.elapsed();
        Ok(stats)
    }

    /// Hands the batch to the kernel, which may take only its first
    /// datagrams (see [`Stats::tally`]). A refusal that stops the run
    /// came before anything was sent, so it is the run's first datagram,
    /// to the first destination, that was refused.
    fn flush(&self, batch: &mut SendBatch, stats: &mut Stats, len: u32) -> Result<(), Refused> {
        let asked = batch.len() as u64;
        let taken = batch
            .send(self.socket())
            .map(|sent| (sent as u64, sent as u64 * u64::from(len)));
        stats.tally(asked, taken).map_err(|error| Refused {
            error,
            to: self.targets.first().and_then(SockAddr::as_socket),
        })
    }

    /// Sends one datagram to every destination, each on its own.
    pub fn send_each(&self, datagram: &[u8], stats: &mut Stats) -> Result<(), Refused> {
        for to in &self.targets {
            let sent = if self.connected {
                self.socket().send(datagram)
            } else {
                self.socket().send_to(datagram, to)
            };
            stats
                .tally(1, sent.map(|n| (1, n as u64)))
                .map_err(|error| Refused {
                    error,
                    to: to.as_socket(),
                })?;
        }
        Ok(())
    }
}

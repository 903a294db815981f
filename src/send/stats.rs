//! What a run sent, and the rule for refusals: the first datagram refused
//! is an error worth stopping for (no route, bad source); later ones are a
//! finding (a full queue, a transient refusal), counted for the summary.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tracing::warn;

use crate::platform;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub packets: u64,
    pub bytes: u64,
    /// Datagrams the kernel refused after the first was accepted.
    pub errors: u64,
    /// The OS error code of the first of those refusals, when the kernel
    /// gave one (a batch it took only part of says no more than how
    /// many).
    pub first_error: Option<i32>,
    /// `--stdin` lines longer than a datagram, skipped.
    pub lines_skipped: u64,
    /// The whole run, waits included.
    pub elapsed: Duration,
    /// From the first send to the last, for the achieved rate.
    pub span: Duration,
}

impl Stats {
    /// Packets per second between the first and the last send: counting
    /// the whole run would include the wait after the last packet.
    pub fn rate(&self, sends_per_tick: usize) -> f64 {
        let ticks = self.packets / sends_per_tick.max(1) as u64;
        let secs = self.span.as_secs_f64();
        if ticks >= 2 && secs > 0.0 {
            (ticks - 1) as f64 * sends_per_tick as f64 / secs
        } else {
            0.0
        }
    }

    /// Counts one hand-over of `asked` datagrams: how many the kernel took
    /// and their bytes, or the error. The error comes back only when
    /// nothing was ever sent.
    pub(super) fn tally(&mut self, asked: u64, taken: io::Result<(u64, u64)>) -> io::Result<()> {
        match taken {
            Ok((sent, bytes)) => {
                self.packets += sent;
                self.bytes += bytes;
                self.errors += asked - sent;
            }
            Err(e) if self.packets > 0 => {
                if self.first_error.is_none() {
                    let errno = platform::errno_name(&e).unwrap_or_default();
                    warn!(
                        "sending failed after {} packets: {errno} ({e}); counting further failures",
                        self.packets
                    );
                    self.first_error = Some(e.raw_os_error().unwrap_or(0));
                }
                self.errors += asked;
            }
            Err(e) => return Err(e),
        }
        Ok(())
    }
}

/// The kernel refused the first datagram of a run.
#[derive(Debug)]
pub struct Refused {
    pub error: io::Error,
    /// Where the datagram went, when it was sent alone; a batch may go to
    /// several destinations, so its message names the errno instead.
    pub to: Option<SocketAddr>,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to {
            Some(to) => write!(f, "sending to {to}"),
            None => {
                let errno = platform::errno_name(&self.error).unwrap_or_default();
                write!(f, "sending: {errno}")
            }
        }
    }
}

impl std::error::Error for Refused {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unreachable() -> io::Error {
        io::Error::from_raw_os_error(101)
    }

    #[test]
    fn taken_datagrams_count_and_the_rest_are_errors() {
        let mut s = Stats::default();
        s.tally(32, Ok((32, 32 * 64))).unwrap();
        s.tally(32, Ok((30, 30 * 64))).unwrap();
        assert_eq!((s.packets, s.bytes, s.errors), (62, 62 * 64, 2));
    }

    #[test]
    fn the_first_refusal_stops_the_run() {
        let mut s = Stats::default();
        let e = s.tally(32, Err(unreachable())).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(101));
        assert_eq!(s, Stats::default());
    }

    #[test]
    fn later_refusals_are_counted_not_fatal() {
        let mut s = Stats::default();
        s.tally(1, Ok((1, 5))).unwrap();
        s.tally(3, Err(unreachable())).unwrap();
        s.tally(1, Err(io::Error::from_raw_os_error(19))).unwrap();
        assert_eq!((s.packets, s.bytes, s.errors), (1, 5, 4));
        assert_eq!(s.first_error, Some(101), "the first error is kept");
    }

    #[test]
    fn rate_spans_first_to_last_tick() {
        let s = Stats {
            packets: 101,
            span: Duration::from_secs(1),
            ..Stats::default()
        };
        assert_eq!(s.rate(1), 100.0);
        // Two groups: 50 ticks of 2 datagrams, 49 intervals in 0.49 s.
        let s = Stats {
            packets: 100,
            span: Duration::from_millis(490),
            ..Stats::default()
        };
        assert!((s.rate(2) - 200.0).abs() < 1e-9);
        let one = Stats {
            packets: 1,
            span: Duration::from_secs(1),
            ..Stats::default()
        };
        assert_eq!(one.rate(1), 0.0);
        assert_eq!(Stats::default().rate(0), 0.0);
    }

    #[test]
    fn refusals_read_as_before() {
        let batch = Refused {
            error: unreachable(),
            to: None,
        };
        let errno = platform::errno_name(&unreachable()).unwrap_or_default();
        let msg = format!("{:#}", anyhow::Error::new(batch));
        assert!(msg.starts_with(&format!("sending: {errno}: ")), "{msg}");
        let one = Refused {
            error: unreachable(),
            to: Some("239.1.2.3:5000".parse().unwrap()),
        };
        let msg = format!("{:#}", anyhow::Error::new(one));
        assert!(msg.starts_with("sending to 239.1.2.3:5000: "), "{msg}");
    }
}

//! Per responder and per path (multicast, unicast): replies, duplicates,
//! round-trip times (in the shared latency histogram) and hop distances.
//! Memory is allocated when a responder first answers, never per reply.

use std::net::IpAddr;

use crate::analysis::Histogram;

/// Responders tracked at most; later ones are counted, not listed.
pub const MAX_RESPONDERS: usize = 1024;
/// Sequence numbers remembered per path for duplicate detection.
const SEEN_BITS: u64 = 1 << 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Path {
    Multicast,
    Unicast,
}

impl Path {
    pub fn as_str(self) -> &'static str {
        match self {
            Path::Multicast => "multicast",
            Path::Unicast => "unicast",
        }
    }
}

/// One path's figures for one responder.
#[derive(Debug, Clone)]
pub struct PathTally {
    pub rtt: Histogram,
    /// Sum of squared RTTs in ms², for the standard deviation.
    sum_sq_ms: f64,
    pub received: u64,
    pub duplicates: u64,
    /// Hops of the latest reply: probe out, reply back.
    pub hops_out: Option<u8>,
    pub hops_back: Option<u8>,
    seen: Vec<u64>,
}

impl PathTally {
    fn new() -> Self {
        Self {
            rtt: Histogram::new(),
            sum_sq_ms: 0.0,
            received: 0,
            duplicates: 0,
            hops_out: None,
            hops_back: None,
            seen: vec![0; (SEEN_BITS / 64) as usize],
        }
    }

    /// Counts a reply to probe `seq`; returns whether it is a duplicate.
    fn record(&mut self, seq: u64, rtt_ns: Option<i64>, out: Option<u8>, back: Option<u8>) -> bool {
        let bit = seq % SEEN_BITS;
        let word = &mut self.seen[(bit / 64) as usize];
        let mask = 1u64 << (bit % 64);
        if *word & mask != 0 {
            self.duplicates += 1;
            return true;
        }
        *word |= mask;
        self.received += 1;
        if let Some(ns) = rtt_ns {
            self.rtt.record(ns);
            let ms = ns as f64 / 1e6;
            self.sum_sq_ms += ms * ms;
        }
        self.hops_out = out.or(self.hops_out);
        self.hops_back = back.or(self.hops_back);
        false
    }

    /// Standard deviation of the RTT in ms.
    pub fn stddev_ms(&self) -> Option<f64> {
        let n = self.rtt.count() as f64;
        let mean = self.rtt.mean()? / 1e6;
        Some((self.sum_sq_ms / n - mean * mean).max(0.0).sqrt())
    }

    /// Loss in per cent of `sent` probes.
    pub fn loss_pct(&self, sent: u64) -> f64 {
        if sent == 0 {
            return 0.0;
        }
        100.0 * sent.saturating_sub(self.received) as f64 / sent as f64
    }
}

/// Everything known of one responder.
#[derive(Debug, Clone)]
pub struct ResponderTally {
    pub addr: IpAddr,
    /// Its id (mcast pong), 0 for ssmpingd.
    pub id: u64,
    /// Its host name as it sent it (raw; escape before showing).
    pub name: Vec<u8>,
    pub multicast: PathTally,
    pub unicast: PathTally,
}

impl ResponderTally {
    pub fn path(&self, path: Path) -> &PathTally {
        match path {
            Path::Multicast => &self.multicast,
            Path::Unicast => &self.unicast,
        }
    }
}

/// Every responder heard, in the order they first answered.
#[derive(Debug, Default)]
pub struct Tally {
    pub responders: Vec<ResponderTally>,
    /// Replies from responders past [`MAX_RESPONDERS`].
    pub unlisted: u64,
}

/// One reply, as the tally needs it.
#[derive(Debug, Clone, Copy)]
pub struct Heard<'a> {
    pub addr: IpAddr,
    pub id: u64,
    pub name: &'a [u8],
    pub path: Path,
    pub seq: u64,
    pub rtt_ns: Option<i64>,
    pub hops_out: Option<u8>,
    pub hops_back: Option<u8>,
}

impl Tally {
    /// Counts a reply; returns the responder's index and whether the
    /// reply was a duplicate, or `None` past the responder limit.
    pub fn record(&mut self, h: &Heard<'_>) -> Option<(usize, bool)> {
        let i = match self
            .responders
            .iter()
            // An mcast responder by its id (its unicast and multicast
            // replies may leave from different addresses); ssmpingd by address.
            .position(|r| r.id == h.id && (h.id != 0 || r.addr == h.addr))
        {
            Some(i) => i,
            None if self.responders.len() < MAX_RESPONDERS => {
                self.responders.push(ResponderTally {
                    addr: h.addr,
                    id: h.id,
                    name: h.name.to_vec(),
                    multicast: PathTally::new(),
                    unicast: PathTally::new(),
                });
                self.responders.len() - 1
            }
            None => {
                self.unlisted += 1;
                return None;
            }
        };
        let r = &mut self.responders[i];
        let p = match h.path {
            Path::Multicast => &mut r.multicast,
            Path::Unicast => &mut r.unicast,
        };
        Some((i, p.record(h.seq, h.rtt_ns, h.hops_out, h.hops_back)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heard(path: Path, seq: u64, rtt_us: i64) -> Heard<'static> {
        Heard {
            addr: IpAddr::from([192, 0, 2, 2]),
            id: 7,
            name: b"b",
            path,
            seq,
            rtt_ns: Some(rtt_us * 1000),
            hops_out: Some(1),
            hops_back: Some(2),
        }
    }

    #[test]
    fn paths_duplicates_and_figures() {
        let mut t = Tally::default();
        assert_eq!(t.record(&heard(Path::Unicast, 0, 100)), Some((0, false)));
        assert_eq!(t.record(&heard(Path::Unicast, 1, 300)), Some((0, false)));
        assert_eq!(t.record(&heard(Path::Unicast, 1, 300)), Some((0, true)));
        assert_eq!(t.record(&heard(Path::Multicast, 1, 500)), Some((0, false)));
        let other = Heard {
            id: 8,
            ..heard(Path::Unicast, 0, 1)
        };
        assert_eq!(t.record(&other), Some((1, false)));
        let same_id_other_addr = Heard {
            addr: IpAddr::from([192, 0, 2, 9]),
            ..heard(Path::Multicast, 2, 1)
        };
        assert_eq!(t.record(&same_id_other_addr), Some((0, false)));
        let ssmpingd = |last: u8| Heard {
            addr: IpAddr::from([192, 0, 2, last]),
            id: 0,
            ..heard(Path::Unicast, 0, 1)
        };
        assert_eq!(t.record(&ssmpingd(1)), Some((2, false)));
        assert_eq!(
            t.record(&ssmpingd(3)),
            Some((3, false)),
            "ssmpingd told apart by address"
        );
        let r = &t.responders[0];
        assert_eq!((r.unicast.received, r.unicast.duplicates), (2, 1));
        assert_eq!(r.multicast.received, 2);
        assert_eq!(r.unicast.loss_pct(4), 50.0);
        assert_eq!(r.unicast.rtt.mean(), Some(200_000.0));
        let sd = r.unicast.stddev_ms().unwrap();
        assert!((sd - 0.1).abs() < 1e-9, "{sd}");
        assert_eq!(
            (r.unicast.hops_out, r.unicast.hops_back),
            (Some(1), Some(2))
        );
    }
}

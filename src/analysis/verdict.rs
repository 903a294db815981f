//! What `listen` and `join` conclude after the packets: everything learned
//! (per-stream analysis and join latency), what the kernel says about its
//! sockets, the loss the network caused, and the verdict that decides the
//! exit code. Facts only; [`crate::record::Summary`] makes the record.

use crate::config::ReceiveConfig;
use crate::exit::Exit;
use crate::recv::{Outcome, Packet, Receiver};

use super::{Analyzer, JoinLatency};

/// Everything a receiving command learns from the packets.
#[derive(Debug, Clone)]
pub struct Diagnostics {
    pub joins: JoinLatency,
    pub analyzer: Analyzer,
}

impl Diagnostics {
    pub fn new(rx: &Receiver) -> Self {
        Self {
            joins: JoinLatency::new(rx),
            analyzer: Analyzer::new(rx.groups()),
        }
    }

    /// How foreign streams are analysed (RTP and MPEG-TS).
    pub fn with_media(mut self, opts: super::media::MediaOptions) -> Self {
        self.analyzer.set_media(opts);
        self
    }

    pub fn record(&mut self, p: &Packet<'_>) {
        self.joins.record(p);
        self.analyzer.record(p);
    }
}

/// What the kernel says about the sockets, read before they are closed.
#[derive(Debug, Clone, Copy)]
pub struct KernelView {
    /// Packets dropped because the receive queue was full; `None` where
    /// the OS keeps no such counter per socket.
    pub drops: Option<u64>,
    /// Receive buffer granted (as the kernel reports it: twice the usable size).
    pub rcvbuf: usize,
}

impl KernelView {
    pub fn read(rx: &Receiver) -> Self {
        Self {
            drops: rx.kernel_drops(),
            rcvbuf: rx.rcvbuf(),
        }
    }
}

/// Sequence gaps the network caused: all gaps less the kernel drops that
/// fell between packets we read (those show as gaps too). Drops after the
/// last packet read leave no gap, so they are not subtracted.
pub fn network_loss(a: &Analyzer, outcome: &Outcome) -> Option<(u64, f64)> {
    let t = a.totals();
    (t.expected > 0).then(|| {
        let lost = t.lost.saturating_sub(outcome.drops_between);
        (lost, lost as f64 * 100.0 / t.expected as f64)
    })
}

/// Whether the run met its checks (`--count`/`--timeout`, `--max-loss`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Verdict {
    Met,
    /// Fewer packets than required arrived within the timeout.
    TooFew {
        got: u64,
        need: u64,
    },
    /// Network loss (percent) above `--max-loss`.
    TooLossy {
        loss: f64,
        max: f64,
    },
    /// `--max-loss` was given but no test packet arrived.
    LossUnknown,
}

impl Verdict {
    pub fn of(cfg: &ReceiveConfig, outcome: &Outcome, a: &Analyzer) -> Self {
        if !outcome.met(&cfg.stop) {
            return Self::TooFew {
                got: outcome.packets,
                need: cfg.stop.required().unwrap_or(1),
            };
        }
        match (cfg.max_loss, network_loss(a, outcome).map(|n| n.1)) {
            (None, _) => Self::Met,
            (Some(max), Some(loss)) if loss > max => Self::TooLossy { loss, max },
            (Some(_), Some(_)) => Self::Met,
            (Some(_), None) => Self::LossUnknown,
        }
    }

    pub fn exit(&self) -> Exit {
        match self {
            Self::Met => Exit::Success,
            _ => Exit::NotDelivered,
        }
    }
}

//! What `listen` and `join` share after the packets: per-group counters
//! and per-stream analysis, the summary in text or JSON, and the verdict
//! that decides the exit code.

use std::fmt::Write as _;
use std::time::Instant;

use serde_json::{json, Value};

use crate::analysis::Analyzer;
use crate::config::ReceiveConfig;
use crate::exit::Exit;
use crate::recv::counters::Counters;
use crate::recv::{Outcome, Packet, Receiver};

/// Everything a receiving command learns from the packets.
pub struct Diagnostics {
    pub counters: Counters,
    pub analyzer: Analyzer,
}

impl Diagnostics {
    pub fn new(rx: &Receiver) -> Self {
        Self {
            counters: Counters::new(rx),
            analyzer: Analyzer::new(rx.groups()),
        }
    }

    pub fn record(&mut self, p: &Packet<'_>) {
        self.counters.record(p);
        self.analyzer.record(p);
    }

    /// A `stats` record for `--stats-interval` in JSON mode.
    pub fn stats_json(&mut self, now: Instant) -> Value {
        self.analyzer.stats_json(now)
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
pub fn network_loss(d: &Diagnostics, outcome: &Outcome) -> Option<(u64, f64)> {
    let t = d.analyzer.totals();
    (t.expected > 0).then(|| {
        let lost = t.lost.saturating_sub(outcome.drops_between);
        (lost, lost as f64 * 100.0 / t.expected as f64)
    })
}

pub fn summary_json(d: &Diagnostics, rx: &Receiver, outcome: &Outcome, k: KernelView) -> Value {
    let mut v = d.analyzer.summary_json();
    let groups = d.counters.summary_json(rx, outcome, d.analyzer.tallies());
    for key in ["ending", "packets", "elapsed_s", "groups", "silent_groups"] {
        v[key] = groups[key].clone();
    }
    v["other_iface_packets"] = json!(outcome.other_iface);
    v["kernel_drops"] = json!(k.drops);
    v["rcvbuf"] = json!(k.rcvbuf);
    let net = network_loss(d, outcome);
    v["network_lost"] = json!(net.map(|n| n.0));
    v["network_loss_pct"] = json!(net.map(|n| n.1));
    v
}

pub fn summary_text(d: &Diagnostics, rx: &Receiver, outcome: &Outcome, k: KernelView) -> String {
    let mut s = d.counters.summary_text(rx, outcome, d.analyzer.tallies());
    let unmatched = d.analyzer.unmatched().packets;
    if unmatched > 0 {
        let _ = writeln!(
            s,
            "{unmatched} packets matched no group (unicast to the port?)"
        );
    }
    if d.analyzer.totals().packets > 0 {
        s.push_str(&d.analyzer.summary_text());
    }
    if outcome.other_iface > 0 {
        let _ = writeln!(
            s,
            "{} packets for these groups arrived on other interfaces and were ignored \
             (another socket on this host joined them there)",
            outcome.other_iface
        );
    }
    if k.drops.is_none() {
        let _ = writeln!(
            s,
            "kernel drops (receive queue full): not available on this OS"
        );
    }
    if let Some(drops) = k.drops.filter(|&d| d > 0) {
        let _ = writeln!(
            s,
            "the kernel dropped {drops} packets before mcast read them (receive queue full; \
             buffer {} bytes): host overload, not network loss; try a larger --rcvbuf",
            k.rcvbuf
        );
        if let Some((lost, pct)) = network_loss(d, outcome) {
            let _ = writeln!(
                s,
                "lost in the network (gaps less kernel drops): {lost} ({pct:.2}%)"
            );
        }
    }
    s
}

/// The exit code, and when it is not success, why.
pub fn verdict(cfg: &ReceiveConfig, outcome: &Outcome, d: &Diagnostics) -> (Exit, Option<String>) {
    if !outcome.met(&cfg.stop) {
        let need = cfg.stop.required().unwrap_or(1);
        return (
            Exit::NotDelivered,
            Some(format!(
                "{} of {need} packets arrived within the timeout",
                outcome.packets
            )),
        );
    }
    if let Some(max) = cfg.max_loss {
        return match network_loss(d, outcome).map(|n| n.1) {
            Some(loss) if loss > max => (
                Exit::NotDelivered,
                Some(format!(
                    "{loss:.2}% of test packets lost, more than --max-loss {max}%"
                )),
            ),
            Some(_) => (Exit::Success, None),
            None => (
                Exit::NotDelivered,
                Some("no mcast test packets arrived, so loss is unknown (--max-loss)".to_string()),
            ),
        };
    }
    (Exit::Success, None)
}

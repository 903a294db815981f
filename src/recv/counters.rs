//! Per-group counters kept by every receiving command, for live views and
//! summaries.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::{Packet, Receiver};
use crate::output::json::group_json;

#[derive(Debug, Clone, Default)]
pub struct GroupCounters {
    pub packets: u64,
    pub bytes: u64,
    pub last_source: Option<SocketAddr>,
    pub last_ttl: Option<u8>,
    /// Time from the join to the first packet.
    pub first_after: Option<Duration>,
    /// Packets at the previous tick, for the rate since then.
    tick_packets: u64,
}

#[derive(Debug, Clone)]
pub struct Counters {
    pub groups: Vec<GroupCounters>,
    /// Packets that matched no configured group (e.g. unicast to the port).
    pub other: u64,
    joined: Vec<Instant>,
    last_tick: Instant,
}

impl Counters {
    pub fn new(rx: &Receiver) -> Self {
        Self {
            groups: vec![GroupCounters::default(); rx.groups().len()],
            other: 0,
            joined: rx.joined().iter().map(|j| j.at).collect(),
            last_tick: Instant::now(),
        }
    }

    pub fn record(&mut self, p: &Packet<'_>) {
        let Some(i) = p.group else {
            self.other += 1;
            return;
        };
        let g = &mut self.groups[i];
        if g.packets == 0 {
            g.first_after = Some(self.joined[i].elapsed());
        }
        g.packets += 1;
        g.bytes += p.payload.len() as u64;
        g.last_source = Some(p.source);
        g.last_ttl = p.ttl;
    }

    /// Packets per second for each group since the previous call.
    pub fn rates(&mut self, now: Instant) -> Vec<f64> {
        let secs = now.duration_since(self.last_tick).as_secs_f64().max(1e-3);
        self.last_tick = now;
        self.groups
            .iter_mut()
            .map(|g| {
                let r = (g.packets - g.tick_packets) as f64 / secs;
                g.tick_packets = g.packets;
                r
            })
            .collect()
    }

    pub fn total(&self) -> u64 {
        self.groups.iter().map(|g| g.packets).sum::<u64>() + self.other
    }

    pub fn silent_groups(&self) -> usize {
        self.groups.iter().filter(|g| g.packets == 0).count()
    }

    /// The summary as a JSON value (`"type":"summary"`).
    pub fn summary_json(&self, rx: &Receiver, outcome: &super::Outcome) -> Value {
        let groups: Vec<Value> = rx
            .groups()
            .iter()
            .zip(&self.groups)
            .map(|(g, c)| {
                let mut v = group_json(g);
                v["packets"] = json!(c.packets);
                v["bytes"] = json!(c.bytes);
                v["first_after_ms"] = json!(c.first_after.map(|d| d.as_secs_f64() * 1e3));
                v["last_source"] = json!(c.last_source.map(|s| s.ip().to_string()));
                v
            })
            .collect();
        json!({
            "type": "summary",
            "ending": format!("{:?}", outcome.ending).to_lowercase(),
            "packets": outcome.packets,
            "elapsed_s": outcome.elapsed.as_secs_f64(),
            "groups": groups,
            "other_packets": self.other,
            "silent_groups": self.silent_groups(),
        })
    }

    /// The summary as aligned text lines for stderr.
    pub fn summary_text(&self, rx: &Receiver, outcome: &super::Outcome) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{} packets in {:.2} s ({}); {} of {} groups received nothing",
            outcome.packets,
            outcome.elapsed.as_secs_f64(),
            ending_text(outcome.ending),
            self.silent_groups(),
            self.groups.len()
        );
        let _ = writeln!(
            s,
            "{:<40} {:>9} {:>11} {:>12}  LAST SOURCE",
            "GROUP", "PACKETS", "BYTES", "FIRST AFTER"
        );
        for (g, c) in rx.groups().iter().zip(&self.groups) {
            let first = c.first_after.map_or_else(
                || "-".to_string(),
                |d| format!("{:.1} ms", d.as_secs_f64() * 1e3),
            );
            let last = c
                .last_source
                .map_or_else(|| "-".to_string(), |a| a.to_string());
            let _ = writeln!(
                s,
                "{:<40} {:>9} {:>11} {:>12}  {}",
                g.to_string(),
                c.packets,
                c.bytes,
                first,
                last
            );
        }
        if self.other > 0 {
            let _ = writeln!(
                s,
                "{} packets matched no group (unicast to the port?)",
                self.other
            );
        }
        s
    }
}

pub fn ending_text(e: super::Ending) -> &'static str {
    match e {
        super::Ending::Count => "count reached",
        super::Ending::Timeout => "timed out",
        super::Ending::Duration => "duration over",
        super::Ending::Interrupted => "interrupted",
    }
}

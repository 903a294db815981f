//! Per-group facts the stream analysis does not keep: join latency (time
//! from the join to the first packet) and rates between live-view ticks.
//! Packet and byte counts per group come from the analyzer's tallies, so
//! each packet is counted once.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::{Ending, Outcome, Packet, Receiver};
use crate::analysis::GroupTally;
use crate::output::json::group_json;

#[derive(Debug, Clone)]
pub struct Counters {
    /// Time from the join to the first packet, per group.
    pub first_after: Vec<Option<Duration>>,
    joined: Vec<Instant>,
    /// Packets per group at the previous tick, for the rate since then.
    tick_packets: Vec<u64>,
    last_tick: Instant,
}

impl Counters {
    pub fn new(rx: &Receiver) -> Self {
        let n = rx.groups().len();
        Self {
            first_after: vec![None; n],
            joined: rx.joined().iter().map(|j| j.at).collect(),
            tick_packets: vec![0; n],
            last_tick: Instant::now(),
        }
    }

    /// Only a group's first packet costs anything here.
    pub fn record(&mut self, p: &Packet<'_>) {
        if let Some(i) = p.group {
            if self.first_after[i].is_none() {
                self.first_after[i] = Some(self.joined[i].elapsed());
            }
        }
    }

    /// Packets per second for each group since the previous call.
    pub fn rates(&mut self, now: Instant, tallies: &[GroupTally]) -> Vec<f64> {
        let secs = now.duration_since(self.last_tick).as_secs_f64().max(1e-3);
        self.last_tick = now;
        tallies
            .iter()
            .zip(&mut self.tick_packets)
            .map(|(t, before)| {
                let r = (t.packets - *before) as f64 / secs;
                *before = t.packets;
                r
            })
            .collect()
    }

    /// Per-group part of the summary (merged into the `summary` record).
    pub fn summary_json(&self, rx: &Receiver, outcome: &Outcome, tallies: &[GroupTally]) -> Value {
        let groups: Vec<Value> = rx
            .groups()
            .iter()
            .zip(tallies)
            .zip(&self.first_after)
            .map(|((g, t), first)| {
                let mut v = group_json(g);
                v["packets"] = json!(t.packets);
                v["bytes"] = json!(t.bytes);
                v["first_after_ms"] = json!(first.map(|d| d.as_secs_f64() * 1e3));
                v["last_source"] = json!(t.last_source.map(|s| s.ip().to_string()));
                v
            })
            .collect();
        json!({
            "ending": format!("{:?}", outcome.ending).to_lowercase(),
            "packets": outcome.packets,
            "elapsed_s": outcome.elapsed.as_secs_f64(),
            "groups": groups,
            "silent_groups": silent_groups(tallies),
        })
    }

    /// The per-group summary as aligned text lines for stderr.
    pub fn summary_text(&self, rx: &Receiver, outcome: &Outcome, tallies: &[GroupTally]) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{} packets in {:.2} s ({}); {} of {} groups received nothing",
            outcome.packets,
            outcome.elapsed.as_secs_f64(),
            ending_text(outcome.ending),
            silent_groups(tallies),
            tallies.len()
        );
        let _ = writeln!(
            s,
            "{:<40} {:>9} {:>11} {:>12}  LAST SOURCE",
            "GROUP", "PACKETS", "BYTES", "FIRST AFTER"
        );
        for ((g, t), first) in rx.groups().iter().zip(tallies).zip(&self.first_after) {
            let first = first.map_or_else(
                || "-".to_string(),
                |d| format!("{:.1} ms", d.as_secs_f64() * 1e3),
            );
            let last = t
                .last_source
                .map_or_else(|| "-".to_string(), |a| a.to_string());
            let _ = writeln!(
                s,
                "{:<40} {:>9} {:>11} {:>12}  {}",
                g.to_string(),
                t.packets,
                t.bytes,
                first,
                last
            );
        }
        s
    }
}

pub fn silent_groups(tallies: &[GroupTally]) -> usize {
    tallies.iter().filter(|t| t.packets == 0).count()
}

pub fn ending_text(e: Ending) -> &'static str {
    match e {
        Ending::Count => "count reached",
        Ending::Timeout => "timed out",
        Ending::Duration => "duration over",
        Ending::Interrupted => "interrupted",
    }
}

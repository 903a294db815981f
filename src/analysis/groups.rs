//! Per-group facts the stream analysis does not keep: join latency (time
//! from the join to the first packet) and rates between live-view ticks.
//! Packet and byte counts per group come from the analyzer's tallies, so
//! each packet is counted once.

use std::time::{Duration, Instant};

use super::GroupTally;
use crate::recv::{Packet, Receiver};

/// Time from each group's join to its first packet.
#[derive(Debug, Clone)]
pub struct JoinLatency {
    /// Per configured group; `None` until its first packet.
    pub first_after: Vec<Option<Duration>>,
    joined: Vec<Instant>,
}

impl JoinLatency {
    /// From when the receiver joined each of its groups.
    pub fn new(rx: &Receiver) -> Self {
        Self::since(rx.joined().iter().map(|j| j.at).collect())
    }

    /// `joined`: when each configured group was joined.
    pub fn since(joined: Vec<Instant>) -> Self {
        Self {
            first_after: vec![None; joined.len()],
            joined,
        }
    }

    /// See [`super::Analyzer::regroup`]; new groups joined just now.
    pub fn regroup(&mut self, map: &[Option<usize>]) {
        let now = Instant::now();
        self.first_after = map
            .iter()
            .map(|m| m.and_then(|i| self.first_after.get(i).copied().flatten()))
            .collect();
        self.joined = map
            .iter()
            .map(|m| m.and_then(|i| self.joined.get(i).copied()).unwrap_or(now))
            .collect();
    }

    /// Only a group's first packet costs anything here.
    pub fn record(&mut self, p: &Packet<'_>) {
        if let Some(i) = p.group {
            if self.first_after[i].is_none() {
                self.first_after[i] = Some(self.joined[i].elapsed());
            }
        }
    }
}

/// Packets per second for each group between ticks of the live view.
#[derive(Debug, Clone)]
pub struct GroupRates {
    /// Packets per group at the previous tick.
    tick_packets: Vec<u64>,
    last_tick: Instant,
}

impl GroupRates {
    pub fn new(groups: usize) -> Self {
        Self {
            tick_packets: vec![0; groups],
            last_tick: Instant::now(),
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
}

/// Configured groups that received nothing.
pub fn silent_groups(tallies: &[GroupTally]) -> usize {
    tallies.iter().filter(|t| t.packets == 0).count()
}

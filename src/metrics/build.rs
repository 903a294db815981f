//! Snapshots from the analysis: the same counters for `monitor`, `listen`
//! and `join`. Built once per interval, never per packet.

use std::time::Duration;

use super::{GroupMetrics, Snapshot, SourceMetrics};
use crate::analysis::{Analyzer, JoinLatency, MediaTotals, Origin, SilenceWatch};
use crate::config::Group;
use crate::record;

/// What one pass over the streams sums per configured group.
#[derive(Debug, Clone, Default)]
pub struct GroupSums {
    pub lost: u64,
    pub duplicates: u64,
    pub reordered: u64,
    pub foreign_packets: u64,
    pub foreign_sources: usize,
    /// RTP and MPEG-TS sums over the group's streams.
    pub media: MediaTotals,
    /// Test streams from one address summed into one source.
    pub sources: Vec<SourceMetrics>,
}

/// Per configured group, in configuration order.
pub fn group_sums(analyzer: &Analyzer) -> Vec<GroupSums> {
    let mut sums = vec![GroupSums::default(); analyzer.groups().len()];
    for s in analyzer.streams() {
        let Some(a) = s.key.group.and_then(|g| sums.get_mut(g)) else {
            continue;
        };
        let ip = match s.key.origin {
            Origin::Sender(_, ip) | Origin::Source(ip) => ip,
        };
        let k = match a.sources.iter().position(|m| m.source == Some(ip)) {
            Some(k) => k,
            None => {
                a.sources.push(SourceMetrics {
                    source: Some(ip),
                    ..SourceMetrics::default()
                });
                a.sources.len() - 1
            }
        };
        let m = &mut a.sources[k];
        m.packets += s.received;
        m.bytes += s.bytes;
        match &s.test {
            Some(t) => {
                let (lost, dup, reord) = (t.seq.lost(), t.seq.duplicates, t.seq.reordered);
                m.lost += lost;
                m.duplicates += dup;
                m.reordered += reord;
                a.lost += lost;
                a.duplicates += dup;
                a.reordered += reord;
            }
            None => {
                a.foreign_packets += s.received;
                a.foreign_sources += 1;
                a.media.add(s);
                if m.format.is_none() {
                    (m.format, m.rtp, m.ts) = record::media_of_stream(s);
                }
            }
        }
    }
    sums
}

/// Everything a snapshot is made of.
pub struct Facts<'a> {
    pub groups: &'a [Group],
    /// Per group; may be shorter (no labels).
    pub labels: &'a [Option<String>],
    pub analyzer: &'a Analyzer,
    pub joins: &'a JoinLatency,
    pub silence: &'a SilenceWatch,
    /// Per group: any alarm raised (`monitor`); empty elsewhere.
    pub alarms: &'a [bool],
    /// Per group: silent by the caller's rule (`monitor`, whose
    /// `--heartbeat` judges silence per interval); empty: the silence watch's.
    pub silent: &'a [bool],
    pub iface: &'a str,
    pub kernel_drops: Option<u64>,
}

impl Facts<'_> {
    pub fn snapshot(&self, sums: Vec<GroupSums>) -> Snapshot {
        Snapshot {
            iface: self.iface.to_string(),
            kernel_drops: self.kernel_drops,
            groups: sums
                .into_iter()
                .zip(self.groups)
                .enumerate()
                .map(|(g, (sum, group))| GroupMetrics {
                    group: group.addr.to_string(),
                    port: group.port,
                    label: self
                        .labels
                        .get(g)
                        .and_then(|l| l.clone())
                        .unwrap_or_default(),
                    last_packet: self.silence.last_packet(g),
                    join_latency: self.joins.first_after.get(g).copied().flatten(),
                    silent: self
                        .silent
                        .get(g)
                        .copied()
                        .unwrap_or_else(|| self.silence.is_silent(g)),
                    alarm_active: self.alarms.get(g).copied().unwrap_or(false),
                    overflow_packets: self.analyzer.group_overflow().get(g).copied().unwrap_or(0),
                    sources: sum.sources,
                })
                .collect(),
        }
    }
}

/// Publishes at most once per `every` (`listen` checks more often).
#[derive(Debug)]
pub struct Pacer {
    every: Duration,
    next: Option<std::time::Instant>,
}

impl Pacer {
    pub fn new(every: Duration) -> Self {
        Self { every, next: None }
    }

    pub fn due(&mut self, now: std::time::Instant) -> bool {
        if self.next.is_some_and(|n| now < n) {
            return false;
        }
        self.next = now.checked_add(self.every);
        true
    }
}

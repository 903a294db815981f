//! Loss counters that never go down, as OpenMetrics requires of `_total`.
//!
//! The sequence trackers count loss as `expected − received`: a gap is
//! lost until its packet turns up, and a packet that turns up late takes
//! the loss back (`src/analysis/seq.rs`). Exported as is, such a counter
//! dips when a late packet crosses a snapshot, and Prometheus reads any
//! dip as a process restart: `rate()` and `increase()` then add the whole
//! count again, a spike as large as everything lost so far.
//!
//! So each series' loss is exported as two counters that only grow: every
//! rise of the tracker's figure between two snapshots is added to the
//! "declared lost" counter (`mcast_lost_packets_total`,
//! `mcast_rtp_lost_packets_total`), every fall to the "recovered" one
//! (`mcast_recovered_packets_total`, `mcast_rtp_recovered_packets_total`).
//! Their difference is always the tracker's own figure, the net loss the
//! JSON records show. This runs once per published snapshot, never per
//! packet.

use std::collections::HashMap;
use std::net::IpAddr;

use super::Snapshot;

/// One loss figure split into its rises and its falls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Split {
    /// The tracker's figure at the previous snapshot.
    raw: u64,
    declared: u64,
    recovered: u64,
}

impl Split {
    /// `(declared, recovered)` after the tracker's figure became `raw`.
    fn update(&mut self, raw: u64) -> (u64, u64) {
        if raw >= self.raw {
            self.declared = self.declared.saturating_add(raw - self.raw);
        } else {
            self.recovered = self.recovered.saturating_add(self.raw - raw);
        }
        self.raw = raw;
        (self.declared, self.recovered)
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Series {
    /// Packets at the previous snapshot: fewer now means the source's
    /// streams were dropped and counted afresh (a group removed by a
    /// `--groups-file` reload and added again), a genuine reset.
    packets: u64,
    lost: Split,
    rtp_lost: Split,
}

/// Group, port, source: what identifies a source's series whatever its
/// group's index or label.
type Key = (String, u16, Option<IpAddr>);

/// Per series, the loss split so far. Bounded like the series are: an
/// entry lives while its source is in the snapshot.
#[derive(Debug, Default)]
pub struct LossLedger {
    series: HashMap<Key, Series>,
}

impl LossLedger {
    /// Rewrites the snapshot's loss figures into the two monotonic
    /// counters: `lost` and `rtp.lost` become what was declared lost,
    /// `recovered` and `rtp_recovered` what arrived after all.
    pub fn apply(&mut self, snap: &mut Snapshot) {
        let mut next = HashMap::with_capacity(self.series.len());
        for g in &mut snap.groups {
            for s in &mut g.sources {
                let key = (g.group.clone(), g.port, s.source);
                let mut e = self
                    .series
                    .remove(&key)
                    .filter(|e| s.packets >= e.packets)
                    .unwrap_or_default();
                e.packets = s.packets;
                (s.lost, s.recovered) = e.lost.update(s.lost);
                if let Some(r) = s.rtp.as_mut() {
                    (r.lost, s.rtp_recovered) = e.rtp_lost.update(r.lost);
                }
                next.insert(key, e);
            }
        }
        self.series = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_keeps_the_difference_and_never_falls() {
        let mut s = Split::default();
        let mut prev = (0, 0);
        for (raw, want) in [
            (0, (0, 0)),
            (3, (3, 0)),
            (1, (3, 2)),
            (4, (6, 2)),
            (0, (6, 6)),
        ] {
            let got = s.update(raw);
            assert_eq!(got, want, "after raw {raw}");
            assert_eq!(got.0 - got.1, raw, "declared − recovered is the net loss");
            assert!(got.0 >= prev.0 && got.1 >= prev.1, "{prev:?} -> {got:?}");
            prev = got;
        }
    }

    fn snap(packets: u64, lost: u64) -> Snapshot {
        Snapshot {
            groups: vec![super::super::GroupMetrics {
                group: "239.1.1.1".into(),
                port: 5000,
                sources: vec![super::super::SourceMetrics {
                    source: Some("192.0.2.1".parse().unwrap()),
                    packets,
                    lost,
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    fn exported(l: &mut LossLedger, packets: u64, lost: u64) -> (u64, u64) {
        let mut s = snap(packets, lost);
        l.apply(&mut s);
        let m = &s.groups[0].sources[0];
        (m.lost, m.recovered)
    }

    #[test]
    fn a_source_counted_afresh_starts_its_split_afresh() {
        let mut l = LossLedger::default();
        assert_eq!(exported(&mut l, 100, 5), (5, 0));
        assert_eq!(exported(&mut l, 110, 3), (5, 2));
        // Fewer packets: the group was removed and added again, its
        // streams are new; a genuine reset, not 3 more recovered.
        assert_eq!(exported(&mut l, 10, 0), (0, 0));
        assert_eq!(exported(&mut l, 20, 1), (1, 0));
    }

    #[test]
    fn series_gone_from_the_snapshot_are_forgotten() {
        let mut l = LossLedger::default();
        exported(&mut l, 100, 5);
        l.apply(&mut Snapshot::default());
        assert!(l.series.is_empty());
        assert_eq!(exported(&mut l, 100, 5), (5, 0));
    }
}

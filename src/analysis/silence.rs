//! Silence: a group that was receiving and stopped. One piece of logic for
//! `join`/`listen` (a live line and a `silence` record) and `monitor` (the
//! `silent` alarm and `mcast_group_silent`).
//!
//! Each group's expected packet interval is learned from the traffic: a
//! running mean (gain 1/8) of the gaps between arrivals. A group is silent
//! when nothing arrived for [`SilenceRule::Auto`]'s `FACTOR` expected
//! intervals (but at least `FLOOR`), or for the fixed time
//! `--silent-after` gives. Silence is declared once and ends once, when
//! the next packet arrives; the gap a silence makes is not learned as the
//! group's interval.
//!
//! Times are wall-clock since the Unix epoch ([`crate::clock`]), like the
//! packets' receive times.
//!
//! Hook for the querier observer: whether an IGMP/MLD query was seen since
//! the join explains most "it stops after a few minutes" cases. This module
//! does not observe queries; a caller that does passes a [`QueryEvidence`]
//! to [`SilenceWatch::check_with`], and the answer lands in
//! [`SilenceChange::Began`]'s `queries` (`None`: not observed, never
//! guessed).

use std::net::IpAddr;
use std::time::Duration;

/// How long without a packet makes a group silent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SilenceRule {
    /// Learned from each group's packet rate; needs two packets first.
    Auto,
    /// `--silent-after D`: after one packet, or (when the watch counts
    /// groups that never received) from the join.
    After(Duration),
}

/// Silent after this many expected intervals without a packet.
pub const FACTOR: f64 = 5.0;
/// ...but never sooner than this: a 100 packets/s stream is not "silent"
/// after 50 ms of scheduling noise.
pub const FLOOR: Duration = Duration::from_secs(1);
/// Gain of the running mean of inter-arrival gaps.
const GAIN: f64 = 1.0 / 8.0;

/// IGMP/MLD queries seen on a group's link since its join.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueriesSeen {
    /// How many (0: none, the membership was never refreshed).
    pub count: usize,
    /// Who sent the latest, and the protocol version it speaks
    /// ("IGMPv3", "MLDv2").
    pub querier: Option<IpAddr>,
    pub version: Option<&'static str>,
}

/// Answers "which IGMP/MLD queries were seen on the link of group
/// `group` (an index, as in [`SilenceWatch`]) since `since` (Unix-epoch
/// time)?" for the `silence` record. `None` means not observed (no
/// privileges, no observer running).
pub trait QueryEvidence {
    fn queries_since(&self, group: usize, since: Duration) -> Option<QueriesSeen>;
}

/// No querier observer: every answer is "not observed".
#[derive(Debug, Clone, Copy, Default)]
pub struct NoQueryEvidence;

impl QueryEvidence for NoQueryEvidence {
    fn queries_since(&self, _: usize, _: Duration) -> Option<QueriesSeen> {
        None
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Track {
    /// Receive time of the latest packet.
    last: Option<Duration>,
    /// Running mean of the gaps between packets, in seconds.
    gap_s: Option<f64>,
    /// When the current silence was declared.
    silent_at: Option<Duration>,
    /// Silences declared so far, and the longest one that ended.
    silences: u64,
    longest: Duration,
}

/// A group went silent, or spoke again.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SilenceChange {
    Began {
        group: usize,
        /// The latest packet (`None`: none since the join).
        last: Option<Duration>,
        /// How long nothing has arrived.
        silent_for: Duration,
        /// The limit that was passed.
        threshold: Duration,
        /// The learned interval between packets, when known.
        expected_interval: Option<Duration>,
        /// The queries seen since the join; see [`QueryEvidence`].
        queries: Option<QueriesSeen>,
    },
    Ended {
        group: usize,
        /// From the last packet before the silence to the one that ended it.
        lasted: Duration,
    },
}

/// Per-group silence state; fixed size per group, no allocation per packet.
#[derive(Debug, Clone)]
pub struct SilenceWatch {
    rule: SilenceRule,
    tracks: Vec<Track>,
    /// When each group was joined (Unix-epoch time).
    joined: Vec<Duration>,
    /// Count groups that never received as silent (`monitor`); `join` and
    /// `listen` speak of silence only for groups that were receiving.
    count_never: bool,
}

impl SilenceWatch {
    /// `joined`: when each group was joined.
    pub fn new(rule: SilenceRule, joined: Vec<Duration>, count_never: bool) -> Self {
        Self {
            rule,
            tracks: vec![Track::default(); joined.len()],
            joined,
            count_never,
        }
    }

    /// For the receiver's groups, from when each was joined.
    pub fn for_receiver(rule: SilenceRule, rx: &crate::recv::Receiver, count_never: bool) -> Self {
        let now = crate::clock::now();
        let joined = rx
            .joined()
            .iter()
            .map(|j| now.saturating_sub(j.at.elapsed()))
            .collect();
        Self::new(rule, joined, count_never)
    }

    /// A packet for `group` arrived at `t`. Returns the end of a silence.
    #[inline]
    pub fn arrived(&mut self, group: usize, t: Duration) -> Option<SilenceChange> {
        let track = self.tracks.get_mut(group)?;
        let ended = track.silent_at.take().map(|_| {
            let lasted = track.last.map_or(Duration::ZERO, |l| t.saturating_sub(l));
            track.longest = track.longest.max(lasted);
            SilenceChange::Ended { group, lasted }
        });
        if let (Some(last), None) = (track.last, ended) {
            let gap = t.saturating_sub(last).as_secs_f64();
            track.gap_s = Some(match track.gap_s {
                Some(g) => g + (gap - g) * GAIN,
                None => gap,
            });
        }
        track.last = Some(track.last.map_or(t, |l| l.max(t)));
        ended
    }

    /// The silence limit for `group` now; `None` while it cannot be
    /// silent (auto rule before two packets; no packet yet and
    /// `count_never` off).
    pub fn threshold(&self, group: usize) -> Option<Duration> {
        let track = self.tracks.get(group)?;
        if track.last.is_none() && !self.count_never {
            return None;
        }
        match self.rule {
            SilenceRule::After(d) => Some(d),
            SilenceRule::Auto => {
                let learned = track
                    .gap_s
                    .map(|g| Duration::from_secs_f64((g * FACTOR).min(1e9)));
                match (learned, track.last) {
                    (Some(l), _) => Some(l.max(FLOOR)),
                    // Never received: the floor from the join (monitor).
                    (None, None) => Some(FLOOR),
                    // One packet: no interval known yet.
                    (None, Some(_)) => None,
                }
            }
        }
    }

    /// Declares silences that began by `now`; each once.
    pub fn check(&mut self, now: Duration, out: &mut Vec<SilenceChange>) {
        self.check_with(now, &NoQueryEvidence, out)
    }

    /// [`SilenceWatch::check`], asking `queries` whether a query was seen
    /// since each silent group's join.
    pub fn check_with(
        &mut self,
        now: Duration,
        queries: &dyn QueryEvidence,
        out: &mut Vec<SilenceChange>,
    ) {
        for group in 0..self.tracks.len() {
            if self.tracks[group].silent_at.is_some() {
                continue;
            }
            let Some(threshold) = self.threshold(group) else {
                continue;
            };
            let track = &self.tracks[group];
            let since = track.last.unwrap_or(self.joined[group]);
            let silent_for = now.saturating_sub(since);
            if silent_for < threshold {
                continue;
            }
            let expected_interval = track.gap_s.map(Duration::from_secs_f64);
            let last = track.last;
            let t = &mut self.tracks[group];
            t.silent_at = Some(now);
            t.silences += 1;
            out.push(SilenceChange::Began {
                group,
                last,
                silent_for,
                threshold,
                expected_interval,
                queries: queries.queries_since(group, self.joined[group]),
            });
        }
    }

    pub fn is_silent(&self, group: usize) -> bool {
        self.tracks
            .get(group)
            .is_some_and(|t| t.silent_at.is_some())
    }

    /// Time since the latest packet; `None` before the first.
    pub fn last_age(&self, group: usize, now: Duration) -> Option<Duration> {
        let last = self.tracks.get(group)?.last?;
        Some(now.saturating_sub(last))
    }

    /// When the latest packet of `group` arrived.
    pub fn last_packet(&self, group: usize) -> Option<Duration> {
        self.tracks.get(group)?.last
    }

    /// Silences declared for `group` so far.
    pub fn silences(&self, group: usize) -> u64 {
        self.tracks.get(group).map_or(0, |t| t.silences)
    }

    /// The longest silence of `group` that has ended.
    pub fn longest(&self, group: usize) -> Duration {
        self.tracks.get(group).map_or(Duration::ZERO, |t| t.longest)
    }

    /// The groups were replaced (`monitor`'s groups file reread): `map[i]`
    /// is the old index of new group `i`, `None` for a new group joined at
    /// `now`. Groups that stay keep their state.
    pub fn regroup(&mut self, map: &[Option<usize>], now: Duration) {
        let tracks = map
            .iter()
            .map(|m| {
                m.and_then(|i| self.tracks.get(i).copied())
                    .unwrap_or_default()
            })
            .collect();
        let joined = map
            .iter()
            .map(|m| m.and_then(|i| self.joined.get(i).copied()).unwrap_or(now))
            .collect();
        self.tracks = tracks;
        self.joined = joined;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(ms: u64) -> Duration {
        Duration::from_secs(1_800_000_000) + Duration::from_millis(ms)
    }

    fn feed(w: &mut SilenceWatch, g: usize, from_ms: u64, to_ms: u64, every_ms: u64) {
        let mut t = from_ms;
        while t < to_ms {
            assert_eq!(w.arrived(g, s(t)), None);
            t += every_ms;
        }
    }

    #[test]
    fn auto_rule_learns_the_rate_and_declares_once() {
        let mut w = SilenceWatch::new(SilenceRule::Auto, vec![s(0)], false);
        let mut out = Vec::new();
        w.check(s(10_000), &mut out);
        assert!(out.is_empty(), "never received: join/listen say nothing");
        // 2 packets/s: 500 ms apart, so silent after 2.5 s.
        feed(&mut w, 0, 0, 5_000, 500);
        w.check(s(6_900), &mut out);
        assert!(out.is_empty(), "2.4 s is within 5 intervals");
        w.check(s(7_100), &mut out);
        match out.as_slice() {
            [SilenceChange::Began {
                group: 0,
                last,
                threshold,
                expected_interval,
                queries: None,
                ..
            }] => {
                assert_eq!(*last, Some(s(4_500)));
                assert_eq!(threshold.as_millis(), 2_500);
                assert_eq!(expected_interval.map(|d| d.as_millis()), Some(500));
            }
            other => panic!("{other:?}"),
        }
        w.check(s(60_000), &mut out);
        assert_eq!(out.len(), 1, "declared once");
        assert!(w.is_silent(0));
        assert_eq!(
            w.arrived(0, s(64_500)),
            Some(SilenceChange::Ended {
                group: 0,
                lasted: Duration::from_secs(60)
            })
        );
        assert!(!w.is_silent(0));
        // The 60 s gap was not learned: still silent after 2.5 s.
        assert_eq!(w.threshold(0).map(|d| d.as_millis()), Some(2_500));
        assert_eq!(w.silences(0), 1);
        assert_eq!(w.longest(0), Duration::from_secs(60));
    }

    #[test]
    fn floor_protects_fast_streams() {
        let mut w = SilenceWatch::new(SilenceRule::Auto, vec![s(0)], false);
        feed(&mut w, 0, 0, 1_000, 10);
        assert_eq!(w.threshold(0), Some(FLOOR));
        let mut out = Vec::new();
        w.check(s(1_500), &mut out);
        assert!(out.is_empty());
        w.check(s(2_000), &mut out);
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn one_packet_is_no_rate() {
        let mut w = SilenceWatch::new(SilenceRule::Auto, vec![s(0)], false);
        w.arrived(0, s(100));
        assert_eq!(w.threshold(0), None);
        let mut fixed = SilenceWatch::new(
            SilenceRule::After(Duration::from_secs(3)),
            vec![s(0)],
            false,
        );
        fixed.arrived(0, s(100));
        let mut out = Vec::new();
        fixed.check(s(3_000), &mut out);
        assert!(out.is_empty());
        fixed.check(s(3_100), &mut out);
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn monitor_counts_groups_that_never_received() {
        let rule = SilenceRule::After(Duration::from_secs(2));
        let mut w = SilenceWatch::new(rule, vec![s(0), s(0)], true);
        w.arrived(1, s(500));
        let mut out = Vec::new();
        w.check(s(2_100), &mut out);
        assert!(
            matches!(
                out.as_slice(),
                [SilenceChange::Began {
                    group: 0,
                    last: None,
                    ..
                }]
            ),
            "{out:?}"
        );
        assert_eq!(w.last_age(0, s(2_100)), None);
        assert_eq!(w.last_age(1, s(2_100)), Some(Duration::from_millis(1_600)));
    }

    /// One query per group index, when asked with that group's join time.
    struct Seen;
    impl QueryEvidence for Seen {
        fn queries_since(&self, group: usize, since: Duration) -> Option<QueriesSeen> {
            (since == s(group as u64 * 1_000)).then_some(QueriesSeen {
                count: group,
                querier: None,
                version: None,
            })
        }
    }

    #[test]
    fn query_evidence_is_asked_per_group_with_its_join_time() {
        let rule = SilenceRule::After(Duration::from_secs(1));
        let mut w = SilenceWatch::new(rule, vec![s(0), s(1_000)], true);
        let mut out = Vec::new();
        w.check_with(s(5_000), &Seen, &mut out);
        let counts: Vec<_> = out
            .iter()
            .map(|c| match c {
                SilenceChange::Began { queries, .. } => queries.map(|q| q.count),
                SilenceChange::Ended { .. } => None,
            })
            .collect();
        assert_eq!(counts, [Some(0), Some(1)]);
    }

    #[test]
    fn regroup_keeps_groups_that_stay() {
        let rule = SilenceRule::After(Duration::from_secs(1));
        let mut w = SilenceWatch::new(rule, vec![s(0), s(0)], true);
        w.arrived(1, s(1_000));
        let mut out = Vec::new();
        w.check(s(1_500), &mut out);
        assert!(w.is_silent(0) && !w.is_silent(1));
        // Group 0 removed, group 1 stays (now first), a new one joins.
        w.regroup(&[Some(1), None], s(2_000));
        assert_eq!(w.last_age(0, s(2_000)), Some(Duration::from_millis(1_000)));
        assert!(!w.is_silent(1));
        out.clear();
        w.check(s(2_500), &mut out);
        assert!(
            matches!(out.as_slice(), [SilenceChange::Began { group: 0, .. }]),
            "{out:?}"
        );
    }
}

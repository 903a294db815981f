//! What the network did: received packets in, per-stream diagnostics out.
//!
//! A stream is one sender on one configured group: for mcast's test packets
//! the sender id from the header together with the source address (one id
//! from two sources, a relay or a replayed capture, is two streams, each
//! with its own sequence, and [`Analyzer::shared_senders`] names it), for
//! anything else ("foreign" traffic) the source address. Test streams get loss, duplicates, reordering,
//! corruption, one-way latency and jitter; foreign streams get counts, bytes
//! and rate, and when they turn out to be RTP or MPEG-TS, those formats'
//! own sequence, timing and continuity figures ([`media`]).
//!
//! Pure logic: no sockets, no I/O and no rendering: it hands out facts
//! (streams, totals, intervals, per-group tallies and join latency) that
//! [`crate::record`] turns into records.
//! Memory is bounded however long it runs and whatever arrives: each stream
//! is fixed-size and there are at most `max_streams` of them; packets of
//! streams beyond that are only counted (`overflow`), so a flood of
//! spoofed sources cannot exhaust memory.

pub mod alarm;
pub mod groups;
pub mod histogram;
pub mod media;
pub mod seq;
pub mod silence;
pub mod verdict;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use crate::config::Group;
use crate::recv::Packet;
use crate::testpacket::{self, TestHeader};

pub use groups::{silent_groups, GroupRates, JoinLatency};
pub use histogram::Histogram;
pub use seq::{Arrival, SeqTracker};
pub use silence::{
    NoQueryEvidence, QueriesSeen, QueryEvidence, SilenceChange, SilenceRule, SilenceWatch,
};
pub use verdict::{network_loss, Diagnostics, KernelView, Verdict};

/// Default cap on streams. A test stream costs about 8 KiB, so the worst
/// case is under 100 MB.
pub const MAX_STREAMS: usize = 10_000;
/// Streams remembered for the lookup that skips hashing: a few groups or
/// senders interleaved still hit.
const RECENT: usize = 4;

/// Who sent a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Origin {
    /// The sender id of mcast's test header, and the address it came from:
    /// the same id from two addresses (a relay, a replayed capture) would
    /// otherwise merge two sequences into one and count duplicates.
    Sender(u64, IpAddr),
    /// The source address of foreign traffic.
    Source(IpAddr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StreamKey {
    pub origin: Origin,
    /// Index of the configured group; `None` for packets that matched none.
    pub group: Option<usize>,
}

impl StreamKey {
    /// Whether `p` belongs to this stream.
    fn matches(&self, p: &Packet<'_>) -> bool {
        self.group == p.group
            && match (&self.origin, &p.test) {
                (Origin::Sender(s, a), Some(h)) => *s == h.sender && *a == p.source.ip(),
                (Origin::Source(a), None) => *a == p.source.ip(),
                _ => false,
            }
    }
}

/// RFC 3550 interarrival jitter: a running mean (gain 1/16) of how much the
/// transit time changes between consecutive arrivals. Clock offsets cancel
/// out, so it needs no clock synchronization.
#[derive(Debug, Clone, Copy, Default)]
pub struct Jitter {
    prev_transit: Option<i64>,
    jitter_ns: f64,
}

impl Jitter {
    /// `transit` is receive time minus send time, in nanoseconds.
    pub fn update(&mut self, transit: i64) {
        if let Some(prev) = self.prev_transit {
            let d = transit.abs_diff(prev) as f64;
            self.jitter_ns += (d - self.jitter_ns) / 16.0;
        }
        self.prev_transit = Some(transit);
    }

    /// `None` until two packets have arrived.
    pub fn ns(&self) -> Option<f64> {
        self.prev_transit.map(|_| self.jitter_ns)
    }
}

/// What only test streams track.
#[derive(Debug, Clone)]
pub struct TestStats {
    pub seq: SeqTracker,
    /// Failed [`testpacket::is_intact`]: bad padding or a length other
    /// than the one sent (truncation included).
    pub corrupted: u64,
    /// Of the corrupted, those shorter than sent.
    pub truncated: u64,
    /// One-way latency in ns: receive time minus the sender's timestamp.
    pub latency: Histogram,
    pub jitter: Jitter,
    /// Latency samples taken with kernel and with user-space receive times.
    pub kernel_times: u64,
    pub user_times: u64,
}

impl TestStats {
    fn new() -> Self {
        Self {
            seq: SeqTracker::new(),
            corrupted: 0,
            truncated: 0,
            latency: Histogram::new(),
            jitter: Jitter::default(),
            kernel_times: 0,
            user_times: 0,
        }
    }

    /// Which clock the latencies were measured with.
    pub fn latency_clock(&self) -> Option<&'static str> {
        match (self.kernel_times > 0, self.user_times > 0) {
            (true, false) => Some("kernel"),
            (false, true) => Some("user"),
            (true, true) => Some("mixed"),
            (false, false) => None,
        }
    }

    fn record(&mut self, p: &Packet<'_>, h: &TestHeader) {
        // The header parsed, magic and version included, so its sequence
        // number is trusted even when the rest is damaged: skipping it
        // would count a truncated packet as lost as well.
        self.seq.record(h.seq);
        if p.truncated || !testpacket::is_intact(p.payload, h) {
            self.corrupted += 1;
            if p.truncated || p.payload.len() < h.len as usize {
                self.truncated += 1;
            }
            return;
        }
        let rx = p.time;
        // Signed: negative when the sender's clock is ahead of ours.
        let transit = i128::try_from(rx.as_nanos()).unwrap_or(i128::MAX) - i128::from(h.sent_ns);
        let transit =
            i64::try_from(transit).unwrap_or(if transit < 0 { i64::MIN } else { i64::MAX });
        self.latency.record(transit);
        self.jitter.update(transit);
        if p.kernel_time {
            self.kernel_times += 1;
        } else {
            self.user_times += 1;
        }
    }
}

#[derive(Debug, Clone)]
pub struct Stream {
    pub key: StreamKey,
    /// The latest source address and TTL seen.
    pub source: SocketAddr,
    pub ttl: Option<u8>,
    pub received: u64,
    pub bytes: u64,
    /// Since the Unix epoch.
    pub first_time: Duration,
    pub last_time: Duration,
    /// Boxed so foreign streams stay small.
    pub test: Option<Box<TestStats>>,
    /// RTP and MPEG-TS recognition and figures; foreign streams only.
    pub media: Option<Box<media::MediaStats>>,
    /// Counts at the previous stats record, for the interval figures.
    mark_received: u64,
    mark_lost: u64,
}

impl Stream {
    fn new(key: StreamKey, p: &Packet<'_>) -> Self {
        Self {
            key,
            source: p.source,
            ttl: p.ttl,
            received: 0,
            bytes: 0,
            first_time: p.time,
            last_time: p.time,
            test: matches!(key.origin, Origin::Sender(..)).then(|| Box::new(TestStats::new())),
            media: matches!(key.origin, Origin::Source(..))
                .then(|| Box::new(media::MediaStats::new())),
            mark_received: 0,
            mark_lost: 0,
        }
    }

    fn record(&mut self, p: &Packet<'_>, opts: &media::MediaOptions, clock: Option<u32>) {
        self.received += 1;
        self.bytes += p.payload.len() as u64;
        self.source = p.source;
        self.ttl = p.ttl;
        // Kernel timestamps can step backwards with the clock; keep the
        // span from the earliest to the latest.
        self.first_time = self.first_time.min(p.time);
        self.last_time = self.last_time.max(p.time);
        if let (Some(t), Some(h)) = (self.test.as_deref_mut(), p.test.as_ref()) {
            t.record(p, h);
        } else if let Some(m) = self.media.as_deref_mut() {
            m.record(p.payload, p.time, opts, clock);
        }
    }

    /// The RTP figures, once the stream is known to be RTP.
    pub fn rtp(&self) -> Option<&media::RtpStats> {
        self.media.as_deref().and_then(media::MediaStats::rtp)
    }

    /// The transport stream figures, once the stream is known to carry one.
    pub fn ts(&self) -> Option<&media::TsStats> {
        self.media.as_deref().and_then(media::MediaStats::ts)
    }

    /// `rtp`, `mpegts` or `rtp/mpegts` when recognised.
    pub fn format(&self) -> Option<&'static str> {
        self.media.as_deref().and_then(media::MediaStats::format)
    }

    pub fn sender(&self) -> Option<u64> {
        match self.key.origin {
            Origin::Sender(s, _) => Some(s),
            Origin::Source(_) => None,
        }
    }

    /// From the first to the last receive time.
    pub fn duration(&self) -> Duration {
        self.last_time.saturating_sub(self.first_time)
    }

    /// Packets per second over [`Stream::duration`]; `None` before two
    /// packets are apart in time.
    pub fn rate_pps(&self) -> Option<f64> {
        let secs = self.duration().as_secs_f64();
        (secs > 0.0).then(|| (self.received - 1) as f64 / secs)
    }

    /// Bits per second, same span.
    pub fn rate_bps(&self) -> Option<f64> {
        let secs = self.duration().as_secs_f64();
        (secs > 0.0).then(|| self.bytes as f64 * 8.0 / secs)
    }

    /// Test packets lost, or RTP packets lost for an RTP stream.
    pub fn lost(&self) -> u64 {
        match (&self.test, self.rtp()) {
            (Some(t), _) => t.seq.lost(),
            (None, Some(r)) => r.figures().lost,
            (None, None) => 0,
        }
    }

    /// `None` for foreign streams.
    pub fn loss_pct(&self) -> Option<f64> {
        let t = self.test.as_ref()?;
        Some(pct(t.seq.lost(), t.seq.expected()))
    }
}

/// `part` in percent of `whole`; 0 when `whole` is 0.
pub fn pct(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

/// Per configured group (or the unmatched packets), for the live view.
#[derive(Debug, Clone, Default)]
pub struct GroupTally {
    pub packets: u64,
    pub bytes: u64,
    pub last_source: Option<SocketAddr>,
    pub last_ttl: Option<u8>,
}

/// A group's row for the live `join` table.
#[derive(Debug, Clone, Default)]
pub struct GroupView {
    pub packets: u64,
    pub bytes: u64,
    pub last_source: Option<SocketAddr>,
    pub last_ttl: Option<u8>,
    /// Summed over the group's test streams and RTP streams.
    pub expected: u64,
    pub lost: u64,
    /// `None` when the group carried neither test packets nor RTP.
    pub loss_pct: Option<f64>,
}

/// Sums over all streams.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    pub packets: u64,
    pub bytes: u64,
    pub test_packets: u64,
    pub foreign_packets: u64,
    /// Packets that matched no configured group.
    pub unmatched_packets: u64,
    pub streams: usize,
    pub test_streams: usize,
    pub foreign_streams: usize,
    pub expected: u64,
    pub lost: u64,
    pub duplicates: u64,
    pub reordered: u64,
    pub late: u64,
    pub corrupted: u64,
    pub truncated: u64,
    pub restarts: u64,
    /// Packets of streams beyond the cap: counted, not analysed.
    pub overflow_packets: u64,
    pub overflow_bytes: u64,
    pub media: MediaTotals,
}

/// RTP and MPEG-TS figures summed over the streams recognised as such.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MediaTotals {
    pub rtp_streams: usize,
    pub rtp: media::SeqFigures,
    pub ts_streams: usize,
    pub ts_packets: u64,
    pub ts_cc_errors: u64,
    pub ts_tei: u64,
    pub ts_sync_errors: u64,
}

impl MediaTotals {
    pub fn any(&self) -> bool {
        self.rtp_streams > 0 || self.ts_streams > 0
    }

    /// Adds `s`'s figures if it was recognised as RTP or MPEG-TS (the
    /// whole run's sums, and `monitor`'s per group).
    pub fn add(&mut self, s: &Stream) {
        if let Some(r) = s.rtp() {
            self.rtp_streams += 1;
            let f = r.figures();
            self.rtp.expected += f.expected;
            self.rtp.lost += f.lost;
            self.rtp.duplicates += f.duplicates;
            self.rtp.reordered += f.reordered;
            self.rtp.late += f.late;
        }
        if let Some(x) = s.ts() {
            self.ts_streams += 1;
            self.ts_packets += x.packets;
            self.ts_cc_errors += x.cc_errors;
            self.ts_tei += x.tei;
            self.ts_sync_errors += x.sync_errors + x.sync_byte_errors;
        }
    }

    /// `None` without RTP streams.
    pub fn rtp_loss_pct(&self) -> Option<f64> {
        (self.rtp.expected > 0).then(|| pct(self.rtp.lost, self.rtp.expected))
    }
}

impl Totals {
    /// Loss across all test streams; `None` without test packets.
    pub fn loss_pct(&self) -> Option<f64> {
        (self.expected > 0).then(|| pct(self.lost, self.expected))
    }
}

#[derive(Debug, Clone)]
pub struct Analyzer {
    groups: Vec<Group>,
    streams: Vec<Stream>,
    index: HashMap<StreamKey, usize>,
    recent: [Option<(StreamKey, usize)>; RECENT],
    recent_next: usize,
    max_streams: usize,
    tallies: Vec<GroupTally>,
    unmatched: GroupTally,
    overflow_packets: u64,
    overflow_bytes: u64,
    /// Cap on streams per configured group (`monitor --max-sources`), the
    /// streams each group has, and its packets beyond the caps.
    max_per_group: usize,
    group_streams: Vec<usize>,
    group_overflow: Vec<u64>,
    /// When the previous stats record was made (or the analyzer created).
    mark: Instant,
    media: media::MediaOptions,
    /// Per configured group, an RTP clock rate an SDP announced.
    clocks: Vec<Option<u32>>,
    /// The stream of the latest packet.
    last: Option<usize>,
}

impl Analyzer {
    /// `groups` are the configured groups `Packet::group` indexes.
    pub fn new(groups: &[Group]) -> Self {
        Self::with_max_streams(groups, MAX_STREAMS)
    }

    pub fn with_max_streams(groups: &[Group], max_streams: usize) -> Self {
        Self {
            groups: groups.to_vec(),
            streams: Vec::new(),
            index: HashMap::new(),
            recent: [None; RECENT],
            recent_next: 0,
            max_streams,
            tallies: vec![GroupTally::default(); groups.len()],
            unmatched: GroupTally::default(),
            overflow_packets: 0,
            overflow_bytes: 0,
            max_per_group: usize::MAX,
            group_streams: vec![0; groups.len()],
            group_overflow: vec![0; groups.len()],
            mark: Instant::now(),
            media: media::MediaOptions::default(),
            clocks: vec![None; groups.len()],
            last: None,
        }
    }

    /// Whether the latest packet's stream is known to be RTP.
    pub fn last_is_rtp(&self) -> bool {
        self.last
            .and_then(|i| self.streams.get(i))
            .is_some_and(|s| s.rtp().is_some())
    }

    /// How foreign streams are analysed (`--rtp`, `--no-rtp`, `--rtp-clock`).
    pub fn set_media(&mut self, opts: media::MediaOptions) {
        self.media = opts;
    }

    /// The RTP clock rate of the stream on configured group `group`, as
    /// an SDP announced it.
    pub fn set_clock(&mut self, group: usize, hz: u32) {
        if let Some(c) = self.clocks.get_mut(group) {
            *c = Some(hz);
        }
    }

    /// Caps the streams of each configured group: one group flooded by
    /// spoofed sources cannot take the others' room.
    pub fn set_max_per_group(&mut self, n: usize) {
        self.max_per_group = n;
    }

    /// Per configured group, packets of streams beyond the caps.
    pub fn group_overflow(&self) -> &[u64] {
        &self.group_overflow
    }

    /// The configured groups were replaced: `map[i]` is the old index of
    /// new group `i` (`None`: a new group). Streams and counters of groups
    /// that stay are kept under their new index; those of removed groups
    /// are dropped (their packets stay in the overflow-free totals no more).
    pub fn regroup(&mut self, groups: &[Group], map: &[Option<usize>]) {
        let mut old_to_new = vec![None; self.groups.len()];
        for (new, old) in map.iter().enumerate() {
            if let Some(o) = old.and_then(|o| old_to_new.get_mut(o)) {
                *o = Some(new);
            }
        }
        self.group_overflow = map
            .iter()
            .map(|m| {
                m.and_then(|i| self.group_overflow.get(i).copied())
                    .unwrap_or(0)
            })
            .collect();
        self.tallies = map
            .iter()
            .map(|m| {
                m.and_then(|i| self.tallies.get(i).cloned())
                    .unwrap_or_default()
            })
            .collect();
        self.streams.retain_mut(|s| match s.key.group {
            None => true,
            Some(g) => match old_to_new.get(g).copied().flatten() {
                Some(n) => {
                    s.key.group = Some(n);
                    true
                }
                None => false,
            },
        });
        self.group_streams = vec![0; groups.len()];
        self.index.clear();
        for (i, s) in self.streams.iter().enumerate() {
            self.index.insert(s.key, i);
            if let Some(c) = s.key.group.and_then(|g| self.group_streams.get_mut(g)) {
                *c += 1;
            }
        }
        self.recent = [None; RECENT];
        self.groups = groups.to_vec();
    }

    /// Accounts one packet. Allocates only when a new stream appears.
    pub fn record(&mut self, p: &Packet<'_>) {
        let tally = match p.group.and_then(|g| self.tallies.get_mut(g)) {
            Some(t) => t,
            None => &mut self.unmatched,
        };
        tally.packets += 1;
        tally.bytes += p.payload.len() as u64;
        tally.last_source = Some(p.source);
        tally.last_ttl = p.ttl;

        self.last = self.find_or_add(p);
        match self.last {
            Some(i) => {
                let clock = p.group.and_then(|g| self.clocks.get(g).copied().flatten());
                self.streams[i].record(p, &self.media, clock)
            }
            None => {
                self.overflow_packets += 1;
                self.overflow_bytes += p.payload.len() as u64;
                if let Some(o) = p.group.and_then(|g| self.group_overflow.get_mut(g)) {
                    *o += 1;
                }
            }
        }
    }

    /// The packet's stream index, adding the stream if there is room.
    fn find_or_add(&mut self, p: &Packet<'_>) -> Option<usize> {
        // Compared field by field, without building a key: this runs for
        // every packet.
        if let Some((_, i)) = self.recent.iter().flatten().find(|(k, _)| k.matches(p)) {
            return Some(*i);
        }
        let key = StreamKey {
            origin: match &p.test {
                Some(h) => Origin::Sender(h.sender, p.source.ip()),
                None => Origin::Source(p.source.ip()),
            },
            group: p.group,
        };
        let i = match self.index.get(&key) {
            Some(&i) => i,
            None if self.streams.len() < self.max_streams
                && p.group
                    .and_then(|g| self.group_streams.get(g))
                    .is_none_or(|&n| n < self.max_per_group) =>
            {
                if let Some(n) = p.group.and_then(|g| self.group_streams.get_mut(g)) {
                    *n += 1;
                }
                let i = self.streams.len();
                self.streams.push(Stream::new(key, p));
                self.index.insert(key, i);
                i
            }
            None => return None,
        };
        self.recent[self.recent_next] = Some((key, i));
        self.recent_next = (self.recent_next + 1) % RECENT;
        Some(i)
    }

    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// In order of first arrival.
    pub fn streams(&self) -> &[Stream] {
        &self.streams
    }

    /// Per configured group, in configuration order.
    pub fn tallies(&self) -> &[GroupTally] {
        &self.tallies
    }

    /// Packets that matched no configured group.
    pub fn unmatched(&self) -> &GroupTally {
        &self.unmatched
    }

    pub fn totals(&self) -> Totals {
        let mut t = Totals {
            packets: self.overflow_packets,
            bytes: self.overflow_bytes,
            unmatched_packets: self.unmatched.packets,
            streams: self.streams.len(),
            overflow_packets: self.overflow_packets,
            overflow_bytes: self.overflow_bytes,
            ..Totals::default()
        };
        for s in &self.streams {
            t.packets += s.received;
            t.bytes += s.bytes;
            match &s.test {
                Some(x) => {
                    t.test_streams += 1;
                    t.test_packets += s.received;
                    t.expected += x.seq.expected();
                    t.lost += x.seq.lost();
                    t.duplicates += x.seq.duplicates;
                    t.reordered += x.seq.reordered;
                    t.late += x.seq.late;
                    t.restarts += x.seq.restarts;
                    t.corrupted += x.corrupted;
                    t.truncated += x.truncated;
                }
                None => {
                    t.foreign_streams += 1;
                    t.foreign_packets += s.received;
                    t.media.add(s);
                }
            }
        }
        t
    }

    /// Loss across all test streams, for `--max-loss`; `None` when no test
    /// packet arrived (the caller decides whether that is a failure).
    pub fn loss_pct(&self) -> Option<f64> {
        self.totals().loss_pct()
    }

    /// One row per configured group: counts, last source and TTL, and the
    /// loss of its test streams.
    pub fn group_views(&self) -> Vec<GroupView> {
        let mut views: Vec<GroupView> = self
            .tallies
            .iter()
            .map(|t| GroupView {
                packets: t.packets,
                bytes: t.bytes,
                last_source: t.last_source,
                last_ttl: t.last_ttl,
                ..GroupView::default()
            })
            .collect();
        for s in &self.streams {
            let Some(v) = s.key.group.and_then(|g| views.get_mut(g)) else {
                continue;
            };
            if let Some(t) = &s.test {
                v.expected += t.seq.expected();
                v.lost += t.seq.lost();
            } else if let Some(r) = s.rtp() {
                // An IPTV channel's loss, from its RTP sequence numbers.
                let f = r.figures();
                v.expected += f.expected;
                v.lost += f.lost;
            }
        }
        for v in &mut views {
            v.loss_pct = (v.expected > 0).then(|| pct(v.lost, v.expected));
        }
        views
    }

    /// Test sender ids that arrived from more than one source address,
    /// with those addresses in order of first arrival; each (id, source)
    /// is a stream of its own. Empty in the usual case, one source per
    /// sender. Made for records, not per packet.
    pub fn shared_senders(&self) -> Vec<SharedSender> {
        let mut by_id: HashMap<u64, usize> = HashMap::new();
        let mut out: Vec<SharedSender> = Vec::new();
        for s in &self.streams {
            let Origin::Sender(id, source) = s.key.origin else {
                continue;
            };
            let k = *by_id.entry(id).or_insert_with(|| {
                out.push(SharedSender {
                    sender: id,
                    sources: Vec::new(),
                });
                out.len() - 1
            });
            if !out[k].sources.contains(&source) {
                out[k].sources.push(source);
            }
        }
        out.retain(|s| s.sources.len() > 1);
        out
    }

    /// The cap on streams analysed; packets beyond it are only counted.
    pub fn max_streams(&self) -> usize {
        self.max_streams
    }

    /// What changed since the previous interval (or since the analyzer was
    /// made), per stream in [`Analyzer::streams`] order; starts a new
    /// interval. Taking the facts is the only thing that resets them.
    pub fn take_interval(&mut self, now: Instant) -> Interval {
        let secs = now.saturating_duration_since(self.mark).as_secs_f64();
        self.mark = now;
        let streams = self
            .streams
            .iter_mut()
            .map(|s| {
                let lost = s.lost();
                let change = StreamInterval {
                    received: s.received - s.mark_received,
                    // Loss can shrink when late packets fill gaps: floor at 0.
                    lost: (s.test.is_some() || s.rtp().is_some())
                        .then(|| lost.saturating_sub(s.mark_lost)),
                };
                s.mark_received = s.received;
                s.mark_lost = lost;
                change
            })
            .collect();
        Interval { secs, streams }
    }
}

/// A test sender id seen from several source addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedSender {
    pub sender: u64,
    /// In order of first arrival.
    pub sources: Vec<IpAddr>,
}

/// One stats interval: how long it was and what each stream did in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Interval {
    pub secs: f64,
    /// In [`Analyzer::streams`] order.
    pub streams: Vec<StreamInterval>,
}

impl Interval {
    /// Packets per second over the interval; `None` for an empty one.
    pub fn rate(&self, packets: u64) -> Option<f64> {
        (self.secs > 0.0).then(|| packets as f64 / self.secs)
    }
}

/// What one stream did in an interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamInterval {
    pub received: u64,
    /// New sequence gaps; `None` for foreign streams other than RTP.
    pub lost: Option<u64>,
}

#[cfg(test)]
pub(crate) mod tests;

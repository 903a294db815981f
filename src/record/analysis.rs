//! The analysis as records: `stats` (every `--stats-interval`) and
//! `summary` (last) share one shape, [`Analysis`]: totals and one
//! [`StreamRecord`] per stream.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use serde::{Serialize, Serializer};

use super::media::{MediaTotalsRecord, RtpRecord, TsRecord};
use super::time::rfc3339;
use super::{group_addr, ip_of, GroupRef, SenderId};
use crate::analysis::{
    network_loss, pct, silent_groups, Analyzer, Diagnostics, Interval, KernelView, Stream,
    StreamInterval, Verdict,
};
use crate::config::Group;
use crate::recv::{Ending, Outcome};

fn ms(ns: f64) -> f64 {
    ns / 1e6
}

/// One stream: who, where, how much, and for test streams the sequence and
/// latency figures. `interval` only in `stats` records.
#[derive(Debug, Serialize)]
pub struct StreamRecord<'a> {
    pub kind: &'static str,
    /// The configured group; `None` for packets that matched none.
    #[serde(serialize_with = "group_addr")]
    pub group: Option<&'a Group>,
    pub port: Option<u16>,
    pub sender: Option<SenderId>,
    pub source: IpAddr,
    pub source_port: u16,
    pub ttl: Option<u8>,
    pub received: u64,
    pub bytes: u64,
    #[serde(serialize_with = "rfc3339")]
    pub first_time: Duration,
    #[serde(serialize_with = "rfc3339")]
    pub last_time: Duration,
    pub duration_s: f64,
    pub rate_pps: Option<f64>,
    pub rate_bps: Option<f64>,
    #[serde(flatten)]
    pub test: Option<TestRecord>,
    /// Foreign streams recognised as `rtp`, `mpegts` or `rtp/mpegts`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rtp: Option<RtpRecord>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ts: Option<TsRecord>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<IntervalRecord>,
}

/// Sequence and integrity figures of test streams: one stream's (`P` is
/// `f64`), or summed over all (`P` is `Option<f64>`: without test packets
/// there is no percentage).
#[derive(Debug, Serialize)]
pub struct Figures<P> {
    pub expected: u64,
    pub lost: u64,
    pub loss_pct: P,
    pub duplicates: u64,
    pub reordered: u64,
    pub late: u64,
    pub corrupted: u64,
    pub truncated: u64,
    pub restarts: u64,
}

/// What only test streams have.
#[derive(Debug, Serialize)]
pub struct TestRecord {
    #[serde(flatten)]
    pub figures: Figures<f64>,
    pub first_seq: Option<u64>,
    pub last_seq: Option<u64>,
    pub highest_seq: Option<u64>,
    pub latency: Latency,
    pub latency_clock: Option<&'static str>,
}

/// One-way latency and jitter, in milliseconds.
#[derive(Debug, Serialize)]
pub struct Latency {
    pub samples: u64,
    pub min_ms: Option<f64>,
    pub avg_ms: Option<f64>,
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub max_ms: Option<f64>,
    pub jitter_ms: Option<f64>,
}

/// A stream's figures for one stats interval.
#[derive(Debug, Serialize)]
pub struct IntervalRecord {
    pub received: u64,
    pub rate_pps: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lost: Option<u64>,
}

impl<'a> StreamRecord<'a> {
    fn new(groups: &'a [Group], s: &Stream) -> Self {
        let group = s.key.group.and_then(|g| groups.get(g));
        let test = s.test.as_ref().map(|t| {
            let q = &t.seq;
            let h = &t.latency;
            TestRecord {
                figures: Figures {
                    expected: q.expected(),
                    lost: q.lost(),
                    loss_pct: pct(q.lost(), q.expected()),
                    duplicates: q.duplicates,
                    reordered: q.reordered,
                    late: q.late,
                    corrupted: t.corrupted,
                    truncated: t.truncated,
                    restarts: q.restarts,
                },
                first_seq: q.first(),
                last_seq: q.last(),
                highest_seq: q.highest(),
                latency: Latency {
                    samples: h.count(),
                    min_ms: h.min().map(|n| ms(n as f64)),
                    avg_ms: h.mean().map(ms),
                    p50_ms: h.quantile(0.5).map(|n| ms(n as f64)),
                    p99_ms: h.quantile(0.99).map(|n| ms(n as f64)),
                    max_ms: h.max().map(|n| ms(n as f64)),
                    jitter_ms: t.jitter.ns().map(ms),
                },
                latency_clock: t.latency_clock(),
            }
        });
        let (format, rtp, ts) = super::media::of_stream(s);
        Self {
            kind: if s.test.is_some() { "test" } else { "foreign" },
            group,
            port: group.map(|g| g.port),
            sender: s.sender().map(SenderId),
            source: s.source.ip(),
            source_port: s.source.port(),
            ttl: s.ttl,
            received: s.received,
            bytes: s.bytes,
            first_time: s.first_time,
            last_time: s.last_time,
            duration_s: s.duration().as_secs_f64(),
            rate_pps: s.rate_pps(),
            rate_bps: s.rate_bps(),
            test,
            format,
            rtp,
            ts,
            interval: None,
        }
    }
}

/// The shape `stats` and `summary` share: totals, with the streams.
///
/// `streams` is the array of streams and `stream_count` their number:
/// README once listed a numeric `streams` total too, but one key cannot
/// hold both, and the array was always what was printed.
#[derive(Debug, Serialize)]
pub struct Analysis<'a> {
    pub packets: u64,
    pub bytes: u64,
    pub test_packets: u64,
    pub foreign_packets: u64,
    pub unmatched_packets: u64,
    pub streams: Vec<StreamRecord<'a>>,
    pub stream_count: usize,
    pub test_streams: usize,
    pub foreign_streams: usize,
    /// Test sender ids seen from several source addresses (each source is
    /// a stream of its own); only present when there are any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shared_senders: Vec<SharedSenderRecord>,
    #[serde(flatten)]
    pub figures: Figures<Option<f64>>,
    pub overflow_packets: u64,
    pub overflow_bytes: u64,
    pub max_streams: usize,
    /// RTP and MPEG-TS sums; only when such streams were recognised.
    #[serde(flatten)]
    pub media: Option<MediaTotalsRecord>,
}

impl<'a> Analysis<'a> {
    pub fn new(a: &'a Analyzer) -> Self {
        let t = a.totals();
        Self {
            packets: t.packets,
            bytes: t.bytes,
            test_packets: t.test_packets,
            foreign_packets: t.foreign_packets,
            unmatched_packets: t.unmatched_packets,
            streams: a
                .streams()
                .iter()
                .map(|s| StreamRecord::new(a.groups(), s))
                .collect(),
            stream_count: t.streams,
            test_streams: t.test_streams,
            foreign_streams: t.foreign_streams,
            shared_senders: a
                .shared_senders()
                .into_iter()
                .map(|s| SharedSenderRecord {
                    sender: SenderId(s.sender),
                    sources: s.sources,
                })
                .collect(),
            figures: Figures {
                expected: t.expected,
                lost: t.lost,
                loss_pct: t.loss_pct(),
                duplicates: t.duplicates,
                reordered: t.reordered,
                late: t.late,
                corrupted: t.corrupted,
                truncated: t.truncated,
                restarts: t.restarts,
            },
            overflow_packets: t.overflow_packets,
            overflow_bytes: t.overflow_bytes,
            max_streams: a.max_streams(),
            media: MediaTotalsRecord::new(&t.media),
        }
    }
}

/// One test sender id that arrived from several source addresses: a
/// relay, a replayed capture, or two senders that drew the same id.
#[derive(Debug, Serialize)]
pub struct SharedSenderRecord {
    pub sender: SenderId,
    /// In order of first arrival.
    pub sources: Vec<IpAddr>,
}

impl fmt::Display for SharedSenderRecord {
    /// The note under a summary: what was seen and how it was counted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "note: sender #{} arrived from {} sources (",
            self.sender,
            self.sources.len()
        )?;
        for (i, s) in self.sources.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{s}")?;
        }
        f.write_str(
            "): a relay, a replayed capture or two senders with one id; \
             each source is counted as a stream of its own",
        )
    }
}

/// `{"type":"stats"}`: the analysis so far, with each stream's interval.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename = "stats")]
pub struct Stats<'a> {
    #[serde(flatten)]
    pub analysis: Analysis<'a>,
    pub interval_s: f64,
}

impl<'a> Stats<'a> {
    /// `interval` as [`Analyzer::take_interval`] handed it out.
    pub fn new(a: &'a Analyzer, interval: &Interval) -> Self {
        let mut analysis = Analysis::new(a);
        for (s, i) in analysis.streams.iter_mut().zip(&interval.streams) {
            let StreamInterval { received, lost } = *i;
            s.interval = Some(IntervalRecord {
                received,
                rate_pps: interval.rate(received),
                lost,
            });
        }
        Self {
            analysis,
            interval_s: interval.secs,
        }
    }
}

/// One configured group in the summary.
#[derive(Debug, Serialize)]
pub struct GroupSummary<'a> {
    #[serde(flatten)]
    pub group: GroupRef<'a>,
    pub packets: u64,
    pub bytes: u64,
    /// Time from the join to the first packet.
    pub first_after_ms: Option<f64>,
    #[serde(serialize_with = "ip_of")]
    pub last_source: Option<SocketAddr>,
}

/// `{"type":"summary"}`: the last record of `listen`; `join` prints it as
/// text. `packets` are the packets read (every one of them analysed).
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename = "summary")]
pub struct Summary<'a> {
    #[serde(flatten)]
    pub analysis: Analysis<'a>,
    #[serde(serialize_with = "ending_name_ser")]
    pub ending: Ending,
    pub elapsed_s: f64,
    pub groups: Vec<GroupSummary<'a>>,
    pub silent_groups: usize,
    pub other_iface_packets: u64,
    pub kernel_drops: Option<u64>,
    pub rcvbuf: usize,
    pub network_lost: Option<u64>,
    pub network_loss_pct: Option<f64>,
    #[serde(serialize_with = "verdict_text")]
    pub verdict: Verdict,
    /// Groups that went silent during the run (absent when none did).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub silences: Vec<super::SilenceSummary<'a>>,
}

impl<'a> Summary<'a> {
    pub fn new(
        d: &'a Diagnostics,
        groups: &'a [Group],
        outcome: &Outcome,
        kernel: KernelView,
        verdict: Verdict,
    ) -> Self {
        let a = &d.analyzer;
        let tallies = a.tallies();
        let net = network_loss(a, outcome);
        let mut analysis = Analysis::new(a);
        analysis.packets = outcome.packets;
        Self {
            analysis,
            ending: outcome.ending,
            elapsed_s: outcome.elapsed.as_secs_f64(),
            groups: groups
                .iter()
                .zip(tallies)
                .zip(&d.joins.first_after)
                .map(|((g, t), first)| GroupSummary {
                    group: GroupRef(g),
                    packets: t.packets,
                    bytes: t.bytes,
                    first_after_ms: first.map(|d| d.as_secs_f64() * 1e3),
                    last_source: t.last_source,
                })
                .collect(),
            silent_groups: silent_groups(tallies),
            other_iface_packets: outcome.other_iface,
            kernel_drops: kernel.drops,
            rcvbuf: kernel.rcvbuf,
            network_lost: net.map(|n| n.0),
            network_loss_pct: net.map(|n| n.1),
            verdict,
            silences: Vec::new(),
        }
    }

    /// Adds the groups that went silent during the run.
    pub fn with_silences(mut self, watch: &crate::analysis::SilenceWatch) -> Self {
        let groups: Vec<&'a Group> = self.groups.iter().map(|g| g.group.0).collect();
        self.silences = super::SilenceSummary::list(watch, &groups);
        self
    }
}

/// `count`, `timeout`, `duration`, `interrupted`.
pub fn ending_name(e: &Ending) -> &'static str {
    match e {
        Ending::Count => "count",
        Ending::Timeout => "timeout",
        Ending::Duration => "duration",
        Ending::Interrupted => "interrupted",
        Ending::Asked => "asked",
    }
}

fn ending_name_ser<S: Serializer>(e: &Ending, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(ending_name(e))
}

/// `ok`, or why the check failed.
fn verdict_text<S: Serializer>(v: &Verdict, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

/// Why the check failed (`ok` when it did not).
impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Met => f.write_str("ok"),
            Verdict::TooFew { got, need } => {
                write!(f, "{got} of {need} packets arrived within the timeout")
            }
            Verdict::TooLossy { loss, max } => write!(
                f,
                "{loss:.2}% of test packets lost, more than --max-loss {max}%"
            ),
            Verdict::LossUnknown => {
                f.write_str("no mcast test packets arrived, so loss is unknown (--max-loss)")
            }
        }
    }
}

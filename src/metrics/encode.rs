//! A [`Snapshot`] in the OpenMetrics text format, through
//! `prometheus-client` (names, types, label escaping and `# EOF` are the
//! crate's). Metric names and labels are part of mcast's interface:
//! README lists them.

use std::time::Duration;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric, MetricEncoder};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::info::Info;
use prometheus_client::metrics::MetricType;
use prometheus_client::registry::Registry;

use super::{GroupMetrics, Snapshot, SourceMetrics};
use crate::record::{RtpRecord, TsRecord};

type Labels = Vec<(&'static str, String)>;

fn group_labels(iface: &str, g: &GroupMetrics) -> Labels {
    vec![
        ("group", g.group.clone()),
        ("port", g.port.to_string()),
        ("iface", iface.to_string()),
        ("label", g.label.clone()),
    ]
}

fn source_labels(iface: &str, g: &GroupMetrics, s: &SourceMetrics) -> Labels {
    let mut l = group_labels(iface, g);
    l.insert(
        2,
        (
            "source",
            s.source.map(|a| a.to_string()).unwrap_or_default(),
        ),
    );
    l
}

#[derive(Debug)]
struct View {
    snap: std::sync::Arc<Snapshot>,
    now: Duration,
}

impl View {
    fn per_source(
        &self,
        enc: &mut DescriptorEncoder,
        name: &str,
        help: &str,
        value: fn(&SourceMetrics) -> u64,
    ) -> std::fmt::Result {
        let mut family = enc.encode_descriptor(name, help, None, MetricType::Counter)?;
        for g in &self.snap.groups {
            for s in &g.sources {
                let labels = source_labels(&self.snap.iface, g, s);
                ConstCounter::new(value(s)).encode(family.encode_family(&labels)?)?;
            }
        }
        Ok(())
    }

    /// A family only some sources have (RTP, MPEG-TS figures); left out
    /// altogether when none has it, so test-traffic scrapes stay as short.
    fn per_media_source<T>(
        &self,
        enc: &mut DescriptorEncoder,
        name: &str,
        help: &str,
        value: impl Fn(&SourceMetrics) -> Option<T>,
        sample: impl Fn(T, MetricEncoder<'_>) -> std::fmt::Result,
        kind: MetricType,
    ) -> std::fmt::Result {
        let has = |g: &GroupMetrics| g.sources.iter().any(|s| value(s).is_some());
        if !self.snap.groups.iter().any(has) {
            return Ok(());
        }
        let mut family = enc.encode_descriptor(name, help, None, kind)?;
        for g in &self.snap.groups {
            for s in &g.sources {
                if let Some(v) = value(s) {
                    let labels = source_labels(&self.snap.iface, g, s);
                    sample(v, family.encode_family(&labels)?)?;
                }
            }
        }
        Ok(())
    }

    fn media_counter(
        &self,
        enc: &mut DescriptorEncoder,
        name: &str,
        help: &str,
        value: impl Fn(&SourceMetrics) -> Option<u64>,
    ) -> std::fmt::Result {
        let sample = |v: u64, e: MetricEncoder<'_>| ConstCounter::new(v).encode(e);
        self.per_media_source(enc, name, help, value, sample, MetricType::Counter)
    }

    fn media_gauge(
        &self,
        enc: &mut DescriptorEncoder,
        name: &str,
        help: &str,
        value: impl Fn(&SourceMetrics) -> Option<f64>,
    ) -> std::fmt::Result {
        let sample = |v: f64, e: MetricEncoder<'_>| ConstGauge::new(v).encode(e);
        self.per_media_source(enc, name, help, value, sample, MetricType::Gauge)
    }

    /// RTP and MPEG-TS figures per source (README lists them). Per PID
    /// figures stay in the JSON records: a PID label would multiply the
    /// series by up to 8,192 per group.
    fn media(&self, enc: &mut DescriptorEncoder) -> std::fmt::Result {
        self.per_media_source(
            enc,
            "mcast_stream_format",
            "What a source's stream was recognised as: rtp, mpegts or rtp/mpegts.",
            |s| s.format,
            |f, e: MetricEncoder<'_>| Info::new(vec![("format", f.to_string())]).encode(e),
            MetricType::Info,
        )?;
        let rtp = |f: fn(&RtpRecord) -> u64| move |s: &SourceMetrics| s.rtp.as_ref().map(f);
        self.media_counter(
            enc,
            "mcast_rtp_expected_packets",
            "RTP packets expected from the sequence numbers (the loss rate's denominator).",
            rtp(|r| r.expected),
        )?;
        self.media_counter(
            enc,
            "mcast_rtp_lost_packets",
            "RTP packets declared lost (sequence number gaps), over every SSRC of the source; never taken back: a late arrival counts in mcast_rtp_recovered_packets_total.",
            rtp(|r| r.lost),
        )?;
        self.media_counter(
            enc,
            "mcast_rtp_recovered_packets",
            "RTP packets declared lost that arrived after all (late); net loss is lost minus recovered.",
            |s| s.rtp.as_ref().map(|_| s.rtp_recovered),
        )?;
        self.media_counter(
            enc,
            "mcast_rtp_duplicate_packets",
            "RTP packets received twice.",
            rtp(|r| r.duplicates),
        )?;
        self.media_counter(
            enc,
            "mcast_rtp_reordered_packets",
            "RTP packets that arrived after a higher sequence number.",
            rtp(|r| r.reordered),
        )?;
        self.media_counter(
            enc,
            "mcast_rtp_ssrc_changes",
            "Times the source's RTP SSRC changed (an encoder restart or switch-over).",
            rtp(|r| r.ssrc_changes),
        )?;
        self.media_gauge(
            enc,
            "mcast_rtp_jitter_seconds",
            "RTP interarrival jitter (RFC 3550 6.4.1); absent without a clock rate.",
            |s| s.rtp.as_ref().and_then(|r| r.jitter_ms).map(|j| j / 1e3),
        )?;
        let ts = |f: fn(&TsRecord) -> u64| move |s: &SourceMetrics| s.ts.as_ref().map(f);
        self.media_counter(
            enc,
            "mcast_ts_packets",
            "MPEG transport stream packets (188 bytes) received.",
            ts(|t| t.packets),
        )?;
        self.media_counter(
            enc,
            "mcast_ts_continuity_errors",
            "MPEG-TS continuity counter errors, all PIDs (TR 101 290 1.4).",
            ts(|t| t.cc_errors),
        )?;
        self.media_counter(
            enc,
            "mcast_ts_transport_errors",
            "MPEG-TS packets with the transport error indicator set (TR 101 290 2.1).",
            ts(|t| t.tei),
        )?;
        self.media_counter(
            enc,
            "mcast_ts_sync_losses",
            "Datagrams that were not whole TS packets, and packets without their sync byte (TR 101 290 1.1, 1.2).",
            ts(|t| t.sync_errors + t.sync_byte_errors),
        )?;
        self.media_counter(
            enc,
            "mcast_ts_pat_errors",
            "PAT missing for more than 0.5 s (TR 101 290 1.3).",
            ts(|t| t.pat_errors),
        )?;
        self.media_counter(
            enc,
            "mcast_ts_pcr_errors",
            "PCR repetition (over 40 ms) and discontinuity errors (TR 101 290 2.3a, 2.3b).",
            ts(|t| {
                t.pids
                    .iter()
                    .map(|p| p.pcr_repetition_errors + p.pcr_discontinuity_errors)
                    .sum()
            }),
        )?;
        self.media_gauge(
            enc,
            "mcast_ts_pcr_jitter_seconds",
            "PCR arrival jitter (running mean), the worst PCR PID's; absent without PCRs.",
            |s| {
                let pids = &s.ts.as_ref()?.pids;
                pids.iter()
                    .filter_map(|p| p.pcr_jitter_ms)
                    .reduce(f64::max)
                    .map(|j| j / 1e3)
            },
        )
    }

    fn per_group(
        &self,
        enc: &mut DescriptorEncoder,
        name: &str,
        help: &str,
        value: impl Fn(&GroupMetrics) -> Option<f64>,
    ) -> std::fmt::Result {
        let mut family = enc.encode_descriptor(name, help, None, MetricType::Gauge)?;
        for g in &self.snap.groups {
            if let Some(v) = value(g) {
                let labels = group_labels(&self.snap.iface, g);
                ConstGauge::new(v).encode(family.encode_family(&labels)?)?;
            }
        }
        Ok(())
    }
}

fn flag(b: bool) -> Option<f64> {
    Some(if b { 1.0 } else { 0.0 })
}

impl Collector for View {
    fn encode(&self, mut enc: DescriptorEncoder) -> std::fmt::Result {
        self.per_source(
            &mut enc,
            "mcast_packets",
            "Packets received, per group and source.",
            |s| s.packets,
        )?;
        self.per_source(
            &mut enc,
            "mcast_bytes",
            "UDP payload bytes received, per group and source.",
            |s| s.bytes,
        )?;
        self.per_source(
            &mut enc,
            "mcast_lost_packets",
            "mcast test packets declared lost (sequence gaps), per group and source; never taken back: a late arrival counts in mcast_recovered_packets_total.",
            |s| s.lost,
        )?;
        self.per_source(
            &mut enc,
            "mcast_recovered_packets",
            "mcast test packets declared lost that arrived after all (late); net loss is lost minus recovered.",
            |s| s.recovered,
        )?;
        self.per_source(
            &mut enc,
            "mcast_duplicate_packets",
            "mcast test packets received twice.",
            |s| s.duplicates,
        )?;
        self.per_source(
            &mut enc,
            "mcast_reordered_packets",
            "mcast test packets that arrived after a higher sequence number.",
            |s| s.reordered,
        )?;
        self.media(&mut enc)?;
        if let Some(drops) = self.snap.kernel_drops {
            let c = ConstCounter::new(drops);
            let family = enc.encode_descriptor(
                "mcast_kernel_drops",
                "Datagrams the kernel dropped because a receive queue was full (host overload, not network loss).",
                None,
                c.metric_type(),
            )?;
            let labels: Labels = vec![("iface", self.snap.iface.clone())];
            let mut family = family;
            c.encode(family.encode_family(&labels)?)?;
        }
        let mut overflow = enc.encode_descriptor(
            "mcast_sources_overflow_packets",
            "Packets of sources beyond the per-group cap (--max-sources): counted, not analysed.",
            None,
            MetricType::Counter,
        )?;
        for g in &self.snap.groups {
            let labels = group_labels(&self.snap.iface, g);
            ConstCounter::new(g.overflow_packets).encode(overflow.encode_family(&labels)?)?;
        }
        self.per_group(
            &mut enc,
            "mcast_group_silent",
            "1 while the group is silent (no packet for --silent-after, or N of M intervals).",
            |g| flag(g.silent),
        )?;
        let now = self.now;
        self.per_group(
            &mut enc,
            "mcast_last_packet_age_seconds",
            "Seconds since the group's latest packet (absent before the first).",
            move |g| g.last_packet.map(|t| now.saturating_sub(t).as_secs_f64()),
        )?;
        self.per_group(
            &mut enc,
            "mcast_join_latency_seconds",
            "Seconds from the join to the group's first packet (absent before it).",
            |g| g.join_latency.map(|d| d.as_secs_f64()),
        )?;
        self.per_group(
            &mut enc,
            "mcast_alarm_active",
            "1 while any alarm of the group is raised.",
            |g| flag(g.alarm_active),
        )
    }
}

/// The snapshot as OpenMetrics text; ages as of `now` (Unix-epoch time).
pub fn encode(snap: std::sync::Arc<Snapshot>, now: Duration) -> Result<String, std::fmt::Error> {
    let mut out = String::new();
    encode_into(&mut out, snap, now)?;
    Ok(out)
}

/// [`encode`] into `out` (cleared first): the server reuses one buffer,
/// so a scrape of a thousand groups (about 1 MB) allocates it once, not
/// once per scrape.
pub fn encode_into(
    out: &mut String,
    snap: std::sync::Arc<Snapshot>,
    now: Duration,
) -> Result<(), std::fmt::Error> {
    out.clear();
    let mut registry = Registry::default();
    registry.register_collector(Box::new(View { snap, now }));
    prometheus_client::encoding::text::encode(out, &registry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn names_labels_and_escaping() {
        let snap = Snapshot {
            iface: "mc1".into(),
            kernel_drops: Some(3),
            groups: vec![
                GroupMetrics {
                    group: "239.1.1.1".into(),
                    port: 5000,
                    label: "News \"HD\"\n".into(),
                    last_packet: Some(Duration::from_secs(100)),
                    join_latency: Some(Duration::from_millis(250)),
                    sources: vec![SourceMetrics {
                        source: Some("192.0.2.1".parse().unwrap()),
                        packets: 10,
                        bytes: 640,
                        lost: 1,
                        recovered: 4,
                        duplicates: 2,
                        reordered: 3,
                        ..SourceMetrics::default()
                    }],
                    ..GroupMetrics::default()
                },
                GroupMetrics {
                    group: "239.1.1.2".into(),
                    port: 5000,
                    silent: true,
                    alarm_active: true,
                    ..GroupMetrics::default()
                },
            ],
        };
        let text = encode(Arc::new(snap), Duration::from_secs(102)).unwrap();
        let g1 =
            r#"group="239.1.1.1",port="5000",source="192.0.2.1",iface="mc1",label="News \"HD\"\n""#;
        for line in [
            format!("mcast_packets_total{{{g1}}} 10"),
            format!("mcast_bytes_total{{{g1}}} 640"),
            format!("mcast_lost_packets_total{{{g1}}} 1"),
            format!("mcast_recovered_packets_total{{{g1}}} 4"),
            format!("mcast_duplicate_packets_total{{{g1}}} 2"),
            format!("mcast_reordered_packets_total{{{g1}}} 3"),
            r#"mcast_kernel_drops_total{iface="mc1"} 3"#.to_string(),
            r#"mcast_group_silent{group="239.1.1.2",port="5000",iface="mc1",label=""} 1.0"#
                .to_string(),
            r#"mcast_alarm_active{group="239.1.1.2",port="5000",iface="mc1",label=""} 1.0"#
                .to_string(),
            r#"mcast_last_packet_age_seconds{group="239.1.1.1",port="5000",iface="mc1",label="News \"HD\"\n"} 2.0"#
                .to_string(),
            r#"mcast_join_latency_seconds{group="239.1.1.1",port="5000",iface="mc1",label="News \"HD\"\n"} 0.25"#
                .to_string(),
            "# TYPE mcast_packets counter".to_string(),
            "# EOF".to_string(),
        ] {
            assert!(text.lines().any(|l| l == line), "missing {line:?} in\n{text}");
        }
        assert!(
            !text.contains(r#"mcast_last_packet_age_seconds{group="239.1.1.2""#),
            "no age before the first packet"
        );
    }
}

//! Records of things going wrong over time: `silence` (`join`, `listen`:
//! a group that was receiving stopped, or spoke again) and `alarm`
//! (`monitor`: a rule raised or cleared), plus the summary's silence list.

use std::net::IpAddr;
use std::time::Duration;

use serde::{Serialize, Serializer};

use super::media::{MediaTotalsRecord, RtpRecord, TsRecord};
use super::time::rfc3339;
use super::GroupRef;
use crate::analysis::alarm::{AlarmChange, Reason};
use crate::analysis::{SilenceChange, SilenceWatch};
use crate::config::Group;

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn opt_rfc3339<S: Serializer>(t: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => rfc3339(t, s),
        None => s.serialize_none(),
    }
}

/// `{"type":"silence", group, port, source, state, after_s, ...}`.
/// `state` is `"began"` (nothing for `after_s` seconds, longer than
/// `threshold_s`) or `"ended"` (a packet after `after_s` seconds of
/// silence). `query_seen`: whether an IGMP/MLD query was seen on the
/// interface since the join (`null`: not observed by this run, which
/// needs CAP_NET_RAW); `queries`, `querier` and `querier_version`: how
/// many, and who sent the latest in which protocol version.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename = "silence")]
pub struct SilenceRecord<'a> {
    #[serde(flatten)]
    pub group: GroupRef<'a>,
    pub state: &'static str,
    pub after_s: f64,
    pub threshold_s: Option<f64>,
    pub expected_interval_s: Option<f64>,
    #[serde(serialize_with = "opt_rfc3339")]
    pub last_packet: Option<Duration>,
    pub query_seen: Option<bool>,
    pub queries: Option<usize>,
    pub querier: Option<IpAddr>,
    pub querier_version: Option<&'static str>,
    #[serde(serialize_with = "rfc3339")]
    pub time: Duration,
    /// The joined interface, for the advice in the text line; JSON has it
    /// in the `start` record.
    #[serde(skip)]
    pub iface: Option<&'a str>,
}

impl<'a> SilenceRecord<'a> {
    /// `change` at `now`; its group index is into `groups`.
    pub fn new(change: &SilenceChange, groups: &'a [Group], now: Duration) -> Option<Self> {
        Some(match *change {
            SilenceChange::Began {
                group,
                last,
                silent_for,
                threshold,
                expected_interval,
                queries,
            } => Self {
                group: GroupRef(groups.get(group)?),
                state: "began",
                after_s: secs(silent_for),
                threshold_s: Some(secs(threshold)),
                expected_interval_s: expected_interval.map(secs),
                last_packet: last,
                query_seen: queries.map(|q| q.count > 0),
                queries: queries.map(|q| q.count),
                querier: queries.and_then(|q| q.querier),
                querier_version: queries.and_then(|q| q.version),
                time: now,
                iface: None,
            },
            SilenceChange::Ended { group, lasted } => Self {
                group: GroupRef(groups.get(group)?),
                state: "ended",
                after_s: secs(lasted),
                threshold_s: None,
                expected_interval_s: None,
                last_packet: None,
                query_seen: None,
                queries: None,
                querier: None,
                querier_version: None,
                time: now,
                iface: None,
            },
        })
    }

    /// Names the joined interface (`-i`) in the text line's advice.
    pub fn on_iface(mut self, iface: &'a str) -> Self {
        self.iface = (!iface.is_empty()).then_some(iface);
        self
    }
}

/// A group with silences in the run, for the summary's `silences` list.
#[derive(Debug, Serialize)]
pub struct SilenceSummary<'a> {
    #[serde(flatten)]
    pub group: GroupRef<'a>,
    /// Silences declared.
    pub count: u64,
    /// Still silent when the run ended.
    pub silent_at_end: bool,
    /// The longest silence that ended; 0 when none did.
    pub longest_s: f64,
}

impl<'a> SilenceSummary<'a> {
    /// Groups with at least one silence, in configuration order.
    pub fn list(watch: &SilenceWatch, groups: &[&'a Group]) -> Vec<Self> {
        groups
            .iter()
            .copied()
            .enumerate()
            .filter(|(i, _)| watch.silences(*i) > 0)
            .map(|(i, g)| Self {
                group: GroupRef(g),
                count: watch.silences(i),
                silent_at_end: watch.is_silent(i),
                longest_s: secs(watch.longest(i)),
            })
            .collect()
    }
}

/// `{"type":"alarm", state, group, port, source, label, reason, value,
/// threshold, time}`: `monitor` raised or cleared an alarm.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename = "alarm")]
pub struct AlarmRecord<'a> {
    pub state: &'static str,
    #[serde(flatten)]
    pub group: GroupRef<'a>,
    pub label: Option<&'a str>,
    #[serde(serialize_with = "reason_name")]
    pub reason: Reason,
    /// Seconds silent, packets/s, loss percent or silent intervals, as
    /// `reason` says.
    pub value: Option<f64>,
    pub threshold: Option<f64>,
    /// `s`, `intervals`, `pps` or `percent`.
    pub unit: &'static str,
    #[serde(serialize_with = "rfc3339")]
    pub time: Duration,
}

fn reason_name<S: Serializer>(r: &Reason, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(r.name())
}

impl<'a> AlarmRecord<'a> {
    pub fn new(
        change: &AlarmChange,
        group: &'a Group,
        label: Option<&'a str>,
        now: Duration,
    ) -> Self {
        Self {
            state: if change.raised { "raised" } else { "cleared" },
            group: GroupRef(group),
            label,
            reason: change.reason,
            value: change.value,
            threshold: change.threshold,
            unit: change.unit,
            time: now,
        }
    }
}

/// `{"type":"group", ...}`: `monitor`'s state of one group, every
/// `--interval` (JSON Lines only). Counts are since the group was first
/// monitored; `interval_*` cover the interval just ended.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename = "group")]
pub struct GroupStatus<'a> {
    #[serde(flatten)]
    pub group: GroupRef<'a>,
    pub label: Option<&'a str>,
    #[serde(serialize_with = "rfc3339")]
    pub time: Duration,
    pub packets: u64,
    pub bytes: u64,
    pub interval_packets: u64,
    pub rate_pps: f64,
    pub rate_bps: f64,
    /// Loss of test and RTP packets in the interval (what `--max-loss`
    /// judges); `null` without either in it.
    pub interval_loss_pct: Option<f64>,
    pub lost: u64,
    pub duplicates: u64,
    pub reordered: u64,
    /// Packets and sources that were not mcast test packets.
    pub foreign_packets: u64,
    pub foreign_sources: usize,
    pub sources: usize,
    /// Packets of sources beyond `--max-sources`: counted, not analysed.
    pub sources_overflow_packets: u64,
    pub last_packet_age_s: Option<f64>,
    pub join_latency_s: Option<f64>,
    /// Times the interface came back and the groups were joined again.
    pub rejoins: u64,
    pub silent: bool,
    pub alarms: Vec<&'static str>,
    /// MPEG-TS continuity errors in the interval; `null` without a
    /// transport stream in the group.
    pub interval_cc_errors: Option<u64>,
    /// RTP and MPEG-TS sums over the group's streams (`rtp_lost`,
    /// `ts_cc_errors`, ...; the `summary` record's names); only when the
    /// group carries such streams.
    #[serde(flatten)]
    pub media: Option<MediaTotalsRecord>,
    /// One per source whose stream was recognised as RTP or MPEG-TS.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub media_sources: Vec<MediaSource<'a>>,
}

/// A source's RTP and MPEG-TS figures in a `group` record: the `rtp` and
/// `ts` parts of the `stats` record's streams.
#[derive(Debug, Serialize)]
pub struct MediaSource<'a> {
    pub source: Option<IpAddr>,
    /// `rtp`, `mpegts` or `rtp/mpegts`.
    pub format: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rtp: Option<&'a RtpRecord>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ts: Option<&'a TsRecord>,
}

/// `monitor`'s last record: `{"type":"summary","command":"monitor", ...}`.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename = "summary")]
pub struct MonitorSummary {
    pub command: &'static str,
    pub elapsed_s: f64,
    pub groups: usize,
    pub packets: u64,
    pub alarms_raised: u64,
    /// Alarms still raised at the end.
    pub alarms_active: u64,
    /// Times the groups file was reread.
    pub reloads: u64,
    /// `--on-alarm` runs skipped because too many were waiting.
    pub hooks_dropped: u64,
}

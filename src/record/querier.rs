//! `mcast querier --json`: a `query` record per query seen, a `report`
//! record per report, and a closing `summary` per interface and family.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::time::rfc3339;
use crate::platform::Family;
use crate::querier::state::{HostFacts, Level, LinkKey, LinkState, Verdict};
use crate::querier::wire::{Query, Report};
use crate::querier::{Event, EventKind};

/// `{"type":"query"}`.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename = "query")]
pub struct QueryRecord<'a> {
    pub family: &'static str,
    pub iface: &'a str,
    pub querier: IpAddr,
    pub version: &'static str,
    /// `null` for a general query.
    pub group: Option<IpAddr>,
    /// Sources of a group-and-source-specific query.
    pub sources: u16,
    pub max_resp_ms: u64,
    /// From QQIC (v3, MLDv2); `null` for older versions.
    pub qqi_s: Option<u64>,
    pub qrv: Option<u8>,
    #[serde(serialize_with = "rfc3339")]
    pub time: Duration,
}

/// One group of a `report` record.
#[derive(Debug, Serialize)]
pub struct ReportedGroupRecord {
    pub group: IpAddr,
    /// `is-include`, `is-exclude`, `to-include`, `to-exclude`, `allow`,
    /// `block` (v3/MLDv2), `join` or `leave` (v1/v2).
    pub record: &'static str,
    pub sources: u16,
}

/// `{"type":"report"}`.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename = "report")]
pub struct ReportRecord<'a> {
    pub family: &'static str,
    pub iface: &'a str,
    pub reporter: IpAddr,
    /// Sent by this host.
    pub own: bool,
    pub version: &'static str,
    pub groups: Vec<ReportedGroupRecord>,
    /// Groups the report named (only the first 32 are listed).
    pub groups_total: usize,
    #[serde(serialize_with = "rfc3339")]
    pub time: Duration,
}

/// Either record of one event.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum EventRecord<'a> {
    Query(QueryRecord<'a>),
    Report(ReportRecord<'a>),
}

impl<'a> EventRecord<'a> {
    pub fn new(e: &Event, iface: &'a str) -> Self {
        let family = e.family.name();
        match &e.kind {
            EventKind::Query(q) => EventRecord::Query(query(q, family, iface, e)),
            EventKind::Report { report, own } => {
                EventRecord::Report(self::report(report, *own, family, iface, e))
            }
        }
    }
}

fn query<'a>(q: &Query, family: &'static str, iface: &'a str, e: &Event) -> QueryRecord<'a> {
    QueryRecord {
        family,
        iface,
        querier: e.source,
        version: q.version.name(),
        group: q.group,
        sources: q.sources,
        max_resp_ms: q.max_resp.as_millis() as u64,
        qqi_s: q.qqi.map(|d| d.as_secs()),
        qrv: q.qrv,
        time: e.time,
    }
}

fn report<'a>(
    r: &Report,
    own: bool,
    family: &'static str,
    iface: &'a str,
    e: &Event,
) -> ReportRecord<'a> {
    ReportRecord {
        family,
        iface,
        reporter: e.source,
        own,
        version: r.version.name(),
        groups: r
            .groups
            .iter()
            .map(|g| ReportedGroupRecord {
                group: g.group,
                record: g.record.name(),
                sources: g.sources,
            })
            .collect(),
        groups_total: r.total,
        time: e.time,
    }
}

/// Another host and the groups it reported.
#[derive(Debug, Serialize)]
pub struct ReporterRecord {
    pub host: IpAddr,
    pub groups: Vec<IpAddr>,
}

/// One verdict line.
#[derive(Debug, Serialize)]
pub struct VerdictRecord<'a> {
    pub level: &'static str,
    pub text: &'a str,
}

/// `{"type":"summary","command":"querier"}`: one per interface and family.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename = "summary")]
pub struct QuerierSummary<'a> {
    pub command: &'static str,
    pub family: &'static str,
    pub iface: &'a str,
    pub querier: Option<IpAddr>,
    pub version: Option<&'static str>,
    /// The query interval: QQIC when the querier gives it, else measured.
    pub interval_s: Option<f64>,
    pub measured_interval_s: Option<f64>,
    pub qrv: Option<u8>,
    pub max_resp_ms: Option<u64>,
    pub last_query_age_s: Option<f64>,
    pub queries: u64,
    /// This host's reports seen leaving; `null` when they cannot be seen.
    pub reports_out: Option<u64>,
    pub reporters: Vec<ReporterRecord>,
    /// `packets` (seen on raw sockets) or `counters` (the kernel's
    /// tables, without privileges: weaker).
    pub evidence: &'static str,
    /// The worst verdict's text, and its level.
    pub verdict: &'a str,
    pub level: &'static str,
    pub verdicts: Vec<VerdictRecord<'a>>,
}

/// The worst of `verdicts` (the first of equals).
pub fn worst(verdicts: &[Verdict]) -> Option<&Verdict> {
    verdicts
        .iter()
        .rev()
        .max_by_key(|v| v.level)
        .or_else(|| verdicts.first())
}

impl<'a> QuerierSummary<'a> {
    pub fn new(
        key: LinkKey,
        link: &'a LinkState,
        host: &HostFacts,
        verdicts: &'a [Verdict],
        now: Instant,
    ) -> Self {
        let worst = worst(verdicts);
        Self {
            command: "querier",
            family: key.family.name(),
            iface: &link.iface,
            querier: link
                .querier
                .or_else(|| link.queriers.iter().next().copied()),
            version: link.version.map(|v| v.name()),
            interval_s: link.interval().map(|d| round_ms(d.as_secs_f64())),
            measured_interval_s: link.measured.map(|d| round_ms(d.as_secs_f64())),
            qrv: link.qrv,
            max_resp_ms: link.max_resp.map(|d| d.as_millis() as u64),
            last_query_age_s: link
                .last_query
                .map(|t| round_ms(now.saturating_duration_since(t).as_secs_f64())),
            queries: link.queries,
            reports_out: host.sees_reports.then_some(link.reports_out),
            reporters: link
                .reporters
                .iter()
                .map(|(h, g)| ReporterRecord {
                    host: *h,
                    groups: g.iter().copied().collect(),
                })
                .collect(),
            evidence: "packets",
            verdict: worst.map_or("", |v| v.text.as_str()),
            level: worst.map_or(Level::Ok, |v| v.level).name(),
            verdicts: verdicts
                .iter()
                .map(|v| VerdictRecord {
                    level: v.level.name(),
                    text: &v.text,
                })
                .collect(),
        }
    }

    /// The summary of the unprivileged fallback: only what the kernel's
    /// tables say.
    pub fn from_counters(family: Family, iface: &'a str, verdicts: &'a [Verdict]) -> Self {
        let worst = worst(verdicts);
        Self {
            command: "querier",
            family: family.name(),
            iface,
            querier: None,
            version: None,
            interval_s: None,
            measured_interval_s: None,
            qrv: None,
            max_resp_ms: None,
            last_query_age_s: None,
            queries: 0,
            reports_out: None,
            reporters: Vec::new(),
            evidence: "counters",
            verdict: worst.map_or("", |v| v.text.as_str()),
            level: worst.map_or(Level::Ok, |v| v.level).name(),
            verdicts: verdicts
                .iter()
                .map(|v| VerdictRecord {
                    level: v.level.name(),
                    text: &v.text,
                })
                .collect(),
        }
    }
}

/// Ages and intervals to the millisecond: more is noise.
fn round_ms(s: f64) -> f64 {
    (s * 1000.0).round() / 1000.0
}

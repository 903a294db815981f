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

#[cfg(test)]
mod tests {
    //! Golden output of `mcast querier` and `mcast groups`, JSON and text,
    //! byte for byte in `golden/`. Never regenerated by the test: a
    //! difference leaves what was printed in the temporary directory.

    use std::net::IpAddr;
    use std::time::{Duration, Instant};

    use super::*;
    use crate::host::{Filter, Membership};
    use crate::output::json::write_record;
    use crate::output::querier::{event_line, summary_text};
    use crate::querier::state::{verdicts, HostFacts, LinkKey, LinkState};
    use crate::querier::wire::{self, RecordType, ReportedGroup, Version};
    use crate::record::MembershipRecord;

    macro_rules! same {
        ($got:expr, $name:literal) => {
            $crate::record::pinned::same(&$got, include_str!(concat!("golden/", $name)), $name)
        };
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    /// A v3 query, this host's report, another host's, a group-specific
    /// query with sources, and an MLDv1 general query.
    fn events(t0: Instant) -> Vec<(Event, &'static str)> {
        let time = |ms: u64| Duration::from_millis(1_795_000_000_000 + ms);
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let v3q = wire::parse_igmp(&[0x11, 0x64, 0, 0, 0, 0, 0, 0, 0x02, 0x7d, 0, 0]);
        let Some(wire::Message::Query(v3q)) = v3q else {
            panic!("fixture")
        };
        let gssq = wire::Query {
            group: Some(ip("232.1.1.1")),
            sources: 1,
            ..v3q
        };
        let mld1 = wire::Query {
            version: Version::MldV1,
            group: None,
            max_resp: Duration::from_millis(10_000),
            qrv: None,
            qqi: None,
            suppress: false,
            sources: 0,
        };
        let ev = |ms, family, source: &str, kind| Event {
            at: at(ms),
            time: time(ms),
            ifindex: 2,
            family,
            source: ip(source),
            kind,
        };
        let report = |own, groups: Vec<ReportedGroup>| EventKind::Report {
            report: wire::Report {
                version: Version::IgmpV3,
                total: groups.len(),
                groups,
            },
            own,
        };
        let g = |group: &str, record, sources| ReportedGroup {
            group: ip(group),
            record,
            sources,
        };
        vec![
            (
                ev(0, Family::V4, "192.0.2.254", EventKind::Query(v3q)),
                "h0",
            ),
            (
                ev(
                    420,
                    Family::V4,
                    "192.0.2.1",
                    report(
                        true,
                        vec![
                            g("232.1.1.1", RecordType::ModeIsInclude, 1),
                            g("239.1.2.3", RecordType::ModeIsExclude, 0),
                        ],
                    ),
                ),
                "h0",
            ),
            (
                ev(
                    900,
                    Family::V4,
                    "192.0.2.7",
                    report(false, vec![g("239.9.9.9", RecordType::ModeIsExclude, 0)]),
                ),
                "h0",
            ),
            (
                ev(2000, Family::V4, "192.0.2.254", EventKind::Query(gssq)),
                "h0",
            ),
            (
                ev(2500, Family::V6, "fe80::1", EventKind::Query(mld1)),
                "h0",
            ),
        ]
    }

    /// Events, then the summaries of both families at 5 s.
    fn render(json: bool) -> Vec<u8> {
        let t0 = Instant::now();
        let mut out = Vec::new();
        let mut v4 = LinkState::new("h0");
        let mut v6 = LinkState::new("h0");
        for (e, iface) in events(t0) {
            if json {
                write_record(&mut out, &EventRecord::new(&e, iface)).unwrap();
            } else {
                out.extend(event_line(&e, iface).bytes());
                out.push(b'\n');
            }
            match e.family {
                Family::V4 => v4.apply(&e),
                Family::V6 => v6.apply(&e),
            }
        }
        let now = t0 + Duration::from_secs(5);
        for (family, link, host) in [
            (
                Family::V4,
                &v4,
                HostFacts {
                    forced: Some(2),
                    groups_held: 2,
                    sees_reports: true,
                },
            ),
            (
                Family::V6,
                &v6,
                HostFacts {
                    forced: None,
                    groups_held: 3,
                    sees_reports: true,
                },
            ),
        ] {
            let key = LinkKey { ifindex: 2, family };
            let v = verdicts(key, link, &host, Duration::from_secs(5), now);
            let sum = QuerierSummary::new(key, link, &host, &v, now);
            if json {
                write_record(&mut out, &sum).unwrap();
            } else {
                out.extend(summary_text(&sum).bytes());
            }
        }
        // A link where nothing came.
        let empty = LinkState::new("h1");
        let key = LinkKey {
            ifindex: 3,
            family: Family::V4,
        };
        let host = HostFacts::default();
        let v = verdicts(key, &empty, &host, Duration::from_secs(130), now);
        let sum = QuerierSummary::new(key, &empty, &host, &v, now);
        if json {
            write_record(&mut out, &sum).unwrap();
        } else {
            out.extend(summary_text(&sum).bytes());
        }
        out
    }

    #[test]
    fn querier_json() {
        same!(render(true), "querier.jsonl");
    }

    #[test]
    fn querier_text() {
        same!(render(false), "querier.txt");
    }

    #[test]
    fn membership_json() {
        let sources = vec![ip("192.0.2.9")];
        let rows = [
            Membership {
                index: 2,
                iface: "mc1".into(),
                group: ip("232.1.1.1"),
                users: 1,
                filter: Filter::Include(sources),
            },
            Membership {
                index: 2,
                iface: "mc1".into(),
                group: ip("ff15::7"),
                users: 2,
                filter: Filter::Any,
            },
        ];
        let mut out = Vec::new();
        write_record(
            &mut out,
            &MembershipRecord::new(&rows[0], Some("IGMPv3"), None),
        )
        .unwrap();
        write_record(
            &mut out,
            &MembershipRecord::new(&rows[1], None, Some("joined")),
        )
        .unwrap();
        same!(out, "membership.jsonl");
    }
}

use std::net::IpAddr;
use std::time::{Duration, Instant};

use super::*;
use crate::querier::wire::{Query, RecordType, Report, ReportedGroup};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn query(at: Instant, from: &str, version: Version, qqi: Option<u64>) -> Event {
    Event {
        at,
        time: Duration::from_secs(1_795_000_000),
        ifindex: 2,
        family: if version.name().starts_with("IGMP") {
            Family::V4
        } else {
            Family::V6
        },
        source: ip(from),
        kind: EventKind::Query(Query {
            version,
            group: None,
            max_resp: Duration::from_secs(10),
            qrv: qqi.map(|_| 2),
            qqi: qqi.map(Duration::from_secs),
            suppress: false,
            sources: 0,
        }),
    }
}

fn report(at: Instant, from: &str, own: bool, group: &str) -> Event {
    Event {
        at,
        time: Duration::from_secs(1_795_000_000),
        ifindex: 2,
        family: Family::V4,
        source: ip(from),
        kind: EventKind::Report {
            report: Report {
                version: Version::IgmpV3,
                groups: vec![ReportedGroup {
                    group: ip(group),
                    record: RecordType::ModeIsExclude,
                    sources: 0,
                }],
                total: 1,
            },
            own,
        },
    }
}

const V4: LinkKey = LinkKey {
    ifindex: 2,
    family: Family::V4,
};

fn link_after(events: &[Event]) -> LinkState {
    let mut l = LinkState::new("h0");
    for e in events {
        l.apply(e);
    }
    l
}

fn texts(v: &[Verdict]) -> Vec<String> {
    v.iter()
        .map(|v| format!("{}: {}", v.level.name(), v.text))
        .collect()
}

#[test]
fn no_querier_says_when_forwarding_stops() {
    let t0 = Instant::now();
    let v = verdicts(
        V4,
        &LinkState::new("h0"),
        &HostFacts::default(),
        Duration::from_secs(130),
        t0,
    );
    assert_eq!(
        texts(&v),
        [
            "problem: no IGMP querier seen on h0 in 130 s: snooping switches will stop forwarding \
          about 260 s after the last report"
        ]
    );
}

#[test]
fn querier_interval_measured_and_announced() {
    let t0 = Instant::now();
    let l = link_after(&[
        query(t0, "192.0.2.254", Version::IgmpV3, Some(125)),
        query(
            t0 + Duration::from_secs(125),
            "192.0.2.254",
            Version::IgmpV3,
            Some(125),
        ),
    ]);
    assert_eq!(l.measured, Some(Duration::from_secs(125)));
    assert_eq!(l.querier, Some(ip("192.0.2.254")));
    let now = t0 + Duration::from_secs(126);
    let v = verdicts(V4, &l, &HostFacts::default(), Duration::from_secs(130), now);
    assert_eq!(
        texts(&v),
        [
            "ok: IGMPv3 querier 192.0.2.254 on h0: queries every 125 s (measured 125 s), \
          robustness 2, max response 10 s, last query 1 s ago"
        ]
    );
    assert_eq!(l.membership_interval(), Duration::from_secs(260));
    assert_eq!(l.queries_since(t0 + Duration::from_secs(1)).0, 1);
    assert_eq!(l.queries_since(now).0, 0);
}

#[test]
fn forced_versions_against_the_querier() {
    let t0 = Instant::now();
    let l = link_after(&[query(t0, "192.0.2.254", Version::IgmpV3, Some(2))]);
    let host = HostFacts {
        forced: Some(2),
        ..HostFacts::default()
    };
    let v = verdicts(V4, &l, &host, Duration::from_secs(5), t0);
    assert_eq!(v.len(), 2, "{v:?}");
    assert_eq!(v[1].level, Level::Problem);
    assert!(
        v[1].text.starts_with(
            "querier speaks IGMPv3 but this host forces IGMPv2 on h0 \
             (net.ipv4.conf.h0.force_igmp_version=2)"
        ),
        "{}",
        v[1].text
    );
    let l = link_after(&[query(t0, "192.0.2.254", Version::IgmpV2, None)]);
    let host = HostFacts {
        forced: Some(3),
        ..HostFacts::default()
    };
    let v = verdicts(V4, &l, &host, Duration::from_secs(5), t0);
    assert!(v[1].text.contains("ignores these reports"), "{v:?}");
    // Forced to what the querier speaks: nothing to say.
    let host = HostFacts {
        forced: Some(2),
        ..HostFacts::default()
    };
    assert_eq!(verdicts(V4, &l, &host, Duration::from_secs(5), t0).len(), 1);
}

#[test]
fn queries_in_no_reports_out() {
    let t0 = Instant::now();
    let host = HostFacts {
        forced: None,
        groups_held: 2,
        sees_reports: true,
    };
    let silent = link_after(&[query(t0, "192.0.2.254", Version::IgmpV3, Some(2))]);
    // Within the max response time (10 s) + 1 s: not yet.
    let early = verdicts(
        V4,
        &silent,
        &host,
        Duration::from_secs(5),
        t0 + Duration::from_secs(5),
    );
    assert_eq!(early.len(), 1);
    let late = verdicts(
        V4,
        &silent,
        &host,
        Duration::from_secs(12),
        t0 + Duration::from_secs(12),
    );
    assert!(
        late[1]
            .text
            .starts_with("queries in, no reports out on h0: 1 IGMP query arrived"),
        "{late:?}"
    );
    assert!(late[1].text.contains("its 2 groups"));
    // A report after the query answers it.
    let answered = link_after(&[
        query(t0, "192.0.2.254", Version::IgmpV3, Some(2)),
        report(t0 + Duration::from_secs(1), "192.0.2.1", true, "239.1.1.1"),
    ]);
    assert_eq!(answered.reports_out, 1);
    let v = verdicts(
        V4,
        &answered,
        &host,
        Duration::from_secs(12),
        t0 + Duration::from_secs(12),
    );
    assert_eq!(v.len(), 1, "{v:?}");
    // Nothing to report, or reports not visible: no such verdict.
    for h in [
        HostFacts {
            groups_held: 0,
            ..host.clone()
        },
        HostFacts {
            sees_reports: false,
            ..host.clone()
        },
    ] {
        assert_eq!(
            verdicts(
                V4,
                &silent,
                &h,
                Duration::from_secs(12),
                t0 + Duration::from_secs(12)
            )
            .len(),
            1
        );
    }
}

#[test]
fn other_hosts_reports_and_several_queriers() {
    let t0 = Instant::now();
    let l = link_after(&[
        query(t0, "192.0.2.254", Version::IgmpV2, None),
        query(t0, "192.0.2.253", Version::IgmpV2, None),
        report(t0, "192.0.2.7", false, "239.1.1.1"),
        report(t0, "192.0.2.7", false, "239.1.1.2"),
    ]);
    assert_eq!(l.reporters[&ip("192.0.2.7")].len(), 2);
    let v = verdicts(V4, &l, &HostFacts::default(), Duration::from_secs(5), t0);
    assert!(
        v.iter().any(|v| v
            .text
            .starts_with("2 IGMP queriers on h0 (192.0.2.253, 192.0.2.254)")),
        "{v:?}"
    );
}

#[test]
fn a_querier_gone_quiet() {
    let t0 = Instant::now();
    let l = link_after(&[query(t0, "192.0.2.254", Version::IgmpV3, Some(2))]);
    // QRV 2 x 2 s + 10 s = 14 s.
    let v = verdicts(
        V4,
        &l,
        &HostFacts::default(),
        Duration::from_secs(30),
        t0 + Duration::from_secs(30),
    );
    assert!(
        v.iter().any(|v| v
            .text
            .starts_with("the querier on h0 went quiet: last query 30 s ago")),
        "{v:?}"
    );
}

#[test]
fn a_group_specific_query_expects_no_report() {
    let t0 = Instant::now();
    let mut q = query(t0, "192.0.2.254", Version::IgmpV3, Some(2));
    if let EventKind::Query(query) = &mut q.kind {
        query.group = Some(ip("239.9.9.9"));
    }
    let l = link_after(&[q]);
    let host = HostFacts {
        forced: None,
        groups_held: 1,
        sees_reports: true,
    };
    let v = verdicts(
        V4,
        &l,
        &host,
        Duration::from_secs(30),
        t0 + Duration::from_secs(12),
    );
    assert!(!v.iter().any(|v| v.text.starts_with("queries in")), "{v:?}");
}

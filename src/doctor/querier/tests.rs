//! The querier check over fixed facts: what a short listen saw, or the
//! kernel's tables without it.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use super::*;
use crate::doctor::tests::queried;
use crate::querier::wire::Version;

fn mc0() -> Iface {
    Iface::named("mc0", 3)
}

fn facts(family: Family, evidence: Evidence) -> QuerierFacts {
    QuerierFacts {
        family,
        waited: Duration::from_secs(3),
        evidence,
        igmp_mode: Some(3),
        mld_before: Some(4),
        mld_after: Some(4),
        groups_held: 0,
    }
}

fn silent(family: Family) -> QuerierFacts {
    facts(
        family,
        Evidence::Wire {
            link: Box::new(LinkState::new("mc0")),
            sees_reports: true,
            at: Instant::now(),
        },
    )
}

fn counters(family: Family) -> QuerierFacts {
    facts(
        family,
        Evidence::Counters {
            why: "no CAP_NET_RAW to see queries".into(),
        },
    )
}

fn one(checks: Vec<Check>) -> Check {
    assert_eq!(checks.len(), 1, "{checks:#?}");
    checks.into_iter().next().unwrap()
}

#[test]
fn a_short_silence_is_a_warning_naming_the_default_interval() {
    let c = one(querier_checks(&mc0(), &silent(Family::V4), None));
    assert_eq!(c.status, Status::Warning);
    assert_eq!(
        c.detail,
        "no IGMP query seen on mc0 in 3 s (queries come every 125 s by default; \
         run `mcast querier -i mc0` for a full interval)"
    );
    assert_eq!(c.fix.as_deref(), Some("mcast querier -i mc0 -4 -t 130s"));
    let c = one(querier_checks(&mc0(), &silent(Family::V6), None));
    assert_eq!(c.status, Status::Warning);
    assert!(
        c.detail
            .ends_with("; 4 arrived since the interface came up"),
        "{}",
        c.detail
    );
}

#[test]
fn stronger_evidence_turns_a_silence_into_a_problem_or_clears_it() {
    // No MLD query ever since the interface came up.
    let mut f = silent(Family::V6);
    f.mld_before = Some(0);
    f.mld_after = Some(0);
    let c = one(querier_checks(&mc0(), &f, None));
    assert_eq!(c.status, Status::Problem, "{c:?}");
    assert!(
        c.detail
            .contains("none has arrived since the interface came up"),
        "{}",
        c.detail
    );
    assert!(c
        .fix
        .unwrap()
        .starts_with("enable an MLD querier on this link"));
    // The kernel fell back to IGMPv2: an IGMPv2 querier was heard lately.
    let mut f = silent(Family::V4);
    f.igmp_mode = Some(2);
    let c = one(querier_checks(&mc0(), &f, None));
    assert_eq!(c.status, Status::Ok, "{c:?}");
    assert!(
        c.detail
            .starts_with("no IGMP query seen on mc0 in 3 s, but an IGMPv2 querier was heard"),
        "{}",
        c.detail
    );
}

#[test]
fn a_seen_querier_is_named_and_unanswered_queries_are_a_problem() {
    let from: IpAddr = "192.0.2.254".parse().unwrap();
    let link = queried("mc0", 3, from, Version::IgmpV2);
    let at = link.last_query.unwrap() + Duration::from_secs(12);
    let mut f = facts(
        Family::V4,
        Evidence::Wire {
            link: Box::new(link),
            sees_reports: true,
            at,
        },
    );
    f.groups_held = 2;
    let c = querier_checks(&mc0(), &f, None);
    assert_eq!(c.len(), 2, "{c:#?}");
    assert_eq!(c[0].status, Status::Ok);
    assert!(
        c[0].detail.starts_with("IGMPv2 querier 192.0.2.254 on mc0"),
        "{}",
        c[0].detail
    );
    assert_eq!(c[1].status, Status::Problem);
    assert!(
        c[1].detail
            .starts_with("queries in, no reports out on mc0: 1 IGMP query arrived"),
        "{}",
        c[1].detail
    );
    assert_eq!(
        c[1].fix.as_deref(),
        Some(
            "find the rule dropping outgoing IGMP (see firewall), then: \
             mcast querier -i mc0 -4 -t 130s"
        )
    );
    // Forcing the version the querier speaks is no mismatch.
    f.groups_held = 0;
    let c = one(querier_checks(&mc0(), &f, Some(2)));
    assert_eq!(c.status, Status::Ok);
}

#[test]
fn an_mld_version_mismatch_names_the_sysctl_with_slashes() {
    let from: IpAddr = "fe80::1".parse().unwrap();
    let link = queried("eth0.100", 3, from, Version::MldV1);
    let f = facts(
        Family::V6,
        Evidence::Wire {
            link: Box::new(link),
            sees_reports: false,
            at: Instant::now(),
        },
    );
    let mut vlan = mc0();
    vlan.name = "eth0.100".into();
    let c = querier_checks(&vlan, &f, Some(2));
    assert_eq!(c[1].status, Status::Problem, "{c:#?}");
    assert!(
        c[1].detail
            .starts_with("querier speaks MLDv1 but this host forces MLDv2 on eth0.100"),
        "{}",
        c[1].detail
    );
    assert_eq!(
        c[1].fix.as_deref(),
        Some(
            "sysctl -w net.ipv6.conf.all.force_mld_version=0 \
             net/ipv6/conf/eth0.100/force_mld_version=0"
        )
    );
}

#[test]
fn without_raw_sockets_the_counters_speak_labelled_weaker() {
    let c = one(querier_checks(&mc0(), &counters(Family::V6), None));
    assert_eq!(c.status, Status::Warning, "{c:?}");
    assert_eq!(
        c.detail,
        "no MLD query counted on mc0 in 3 s (4 since the interface came up) (queries come \
         every 125 s by default; no CAP_NET_RAW to see queries; from the kernel's tables, \
         weaker evidence)"
    );
    assert_eq!(
        c.fix.as_deref(),
        Some("run as root: sudo mcast querier -i mc0 -6 -t 130s")
    );
    let mut f = counters(Family::V6);
    f.mld_before = Some(0);
    f.mld_after = Some(0);
    assert_eq!(
        one(querier_checks(&mc0(), &f, None)).status,
        Status::Problem
    );
    f.mld_after = Some(2);
    let c = one(querier_checks(&mc0(), &f, None));
    assert_eq!(c.status, Status::Ok);
    assert!(c.detail.contains("weaker evidence"), "{}", c.detail);
    let c = one(querier_checks(&mc0(), &counters(Family::V4), None));
    assert_eq!(c.status, Status::Warning);
    assert!(
        c.detail.starts_with("the kernel speaks IGMPv3 on mc0"),
        "{}",
        c.detail
    );
    let mut f = counters(Family::V4);
    f.igmp_mode = Some(2);
    let c = one(querier_checks(&mc0(), &f, Some(2)));
    assert_eq!(c.status, Status::Warning);
    assert!(c.detail.contains("because it is forced to"), "{}", c.detail);
}

#[test]
fn nothing_to_look_at_is_skipped() {
    let f = facts(
        Family::V4,
        Evidence::Unavailable("watching IGMP is not available on this OS (windows)".into()),
    );
    let c = one(querier_checks(&mc0(), &f, None));
    assert_eq!(c.status, Status::Skipped);
}

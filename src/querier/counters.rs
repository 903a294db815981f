//! The weaker evidence `mcast querier` falls back to without CAP_NET_RAW:
//! what the kernel's own tables say about queriers, as verdicts. Pure, so
//! `doctor` can use them too.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use super::state::{Level, Verdict};
use crate::platform::Family;

/// Groups a host reports when asked: IGMP never reports 224.0.0.1, MLD
/// never ff02::1 nor node-local (scope 1) groups.
pub fn must_report(group: IpAddr, family: Family) -> bool {
    match (group, family) {
        (IpAddr::V4(g), Family::V4) => g != Ipv4Addr::new(224, 0, 0, 1),
        (IpAddr::V6(g), Family::V6) => {
            let scope = g.segments()[0] & 0x000f;
            scope > 1 && g != Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 1)
        }
        _ => false,
    }
}

/// What `/proc/net/igmp`'s compatibility mode says; true when it proves
/// a querier.
pub fn igmp_mode_verdict(iface: &str, mode: Option<u8>, forced: Option<u8>) -> (Verdict, bool) {
    let name = crate::escape::name(iface);
    match (mode, forced) {
        (Some(m), Some(f)) if m == f => (
            Verdict {
                level: Level::Warning,
                text: format!(
                    "the kernel speaks IGMPv{m} on {name} because it is forced to \
                     (force_igmp_version={f}); whether a querier is there needs root to see"
                ),
            },
            false,
        ),
        (Some(m @ (1 | 2)), _) => (
            Verdict {
                level: Level::Ok,
                text: format!(
                    "an IGMPv{m} querier was heard on {name} recently: the kernel fell back to \
                     IGMPv{m} there (/proc/net/igmp; weaker evidence: no address or interval)"
                ),
            },
            true,
        ),
        (Some(m), _) => (
            Verdict {
                level: Level::Warning,
                text: format!(
                    "the kernel speaks IGMPv{m} on {name}: an IGMPv3 querier or none at all \
                     (/proc/net/igmp cannot tell; run as root to see queries)"
                ),
            },
            false,
        ),
        (None, _) => (
            Verdict {
                level: Level::Warning,
                text: format!("{name} is not in /proc/net/igmp: no IPv4 multicast there"),
            },
            false,
        ),
    }
}

/// What the interface's MLD query counter says over the wait; true when
/// it proves a querier.
pub fn mld_counter_verdict(
    iface: &str,
    before: Option<u64>,
    after: Option<u64>,
    waited: Duration,
) -> (Verdict, bool) {
    let name = crate::escape::name(iface);
    let secs = waited.as_secs_f64().round() as u64;
    match (before, after) {
        (Some(b), Some(a)) if a > b => (
            Verdict {
                level: Level::Ok,
                text: format!(
                    "{} MLD quer{} arrived on {name} in {secs} s (counter \
                     Icmp6InGroupMembQueries; weaker evidence: no querier address or version)",
                    a - b,
                    if a - b == 1 { "y" } else { "ies" }
                ),
            },
            true,
        ),
        (Some(b), Some(_)) => (
            Verdict {
                level: Level::Problem,
                text: format!(
                    "no MLD query counted on {name} in {secs} s ({b} since the interface came \
                     up): no querier reaches this host, so snooping switches will stop \
                     forwarding about 260 s after the last report"
                ),
            },
            false,
        ),
        _ => (
            Verdict {
                level: Level::Warning,
                text: format!("no MLD counters for {name} (/proc/net/dev_snmp6)"),
            },
            false,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_verdicts() {
        let (v, q) = igmp_mode_verdict("eth0", Some(2), None);
        assert!(q && v.text.contains("IGMPv2 querier was heard"), "{v:?}");
        let (v, q) = igmp_mode_verdict("eth0", Some(2), Some(2));
        assert!(!q && v.text.contains("forced"), "{v:?}");
        let (v, q) = igmp_mode_verdict("eth0", Some(3), None);
        assert!(!q && v.level == Level::Warning, "{v:?}");
        let (v, q) = mld_counter_verdict("eth0", Some(3), Some(5), Duration::from_secs(4));
        assert!(
            q && v.text.starts_with("2 MLD queries arrived on eth0 in 4 s"),
            "{v:?}"
        );
        let (v, q) = mld_counter_verdict("eth0", Some(3), Some(3), Duration::from_secs(130));
        assert!(
            !q && v.level == Level::Problem && v.text.contains("in 130 s"),
            "{v:?}"
        );
        let (_, q) = mld_counter_verdict("eth0", None, None, Duration::from_secs(1));
        assert!(!q);
    }

    #[test]
    fn reportable_groups() {
        let g = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(!must_report(g("224.0.0.1"), Family::V4));
        assert!(must_report(g("239.1.1.1"), Family::V4));
        assert!(!must_report(g("239.1.1.1"), Family::V6));
        assert!(!must_report(g("ff02::1"), Family::V6));
        assert!(!must_report(g("ff01::1"), Family::V6));
        assert!(must_report(g("ff02::1:ff00:1"), Family::V6));
        assert!(must_report(g("ff15::7"), Family::V6));
    }
}

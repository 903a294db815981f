//! The checks over fixed facts: kernel settings as text, routes as a
//! table, firewall dumps as captured.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use super::querier::{Evidence, QuerierFacts};
use super::*;
use crate::config::parse_groups;
use crate::querier::state::LinkState;
use crate::querier::wire::{Query, Version};
use crate::querier::{Event, EventKind};

struct Fake {
    sysctls: HashMap<String, String>,
    /// Destination → local address; missing: no route.
    routes: Vec<(IpAddr, SocketAddr)>,
    dumps: Vec<(&'static str, Dump)>,
    running: bool,
    unsupported: bool,
    /// The querier each family sees: its address and version; `None`:
    /// none seen.
    queriers: Vec<(Family, Option<(IpAddr, Version)>)>,
    /// The links `queriers` was asked about, and for how long.
    asked: std::cell::RefCell<Vec<(Family, String, Duration)>>,
}

/// A link on which `from` sent one general query of `version`.
pub(super) fn queried(iface: &str, index: u32, from: IpAddr, version: Version) -> LinkState {
    let mut link = LinkState::new(iface);
    link.apply(&Event {
        at: Instant::now(),
        time: Duration::from_secs(1_795_000_000),
        ifindex: index,
        family: Family::of(from),
        source: from,
        kind: EventKind::Query(Query {
            version,
            group: None,
            max_resp: Duration::from_secs(10),
            qrv: Some(2),
            qqi: Some(Duration::from_secs(125)),
            suppress: false,
            sources: 0,
        }),
    });
    link
}

impl Fake {
    fn healthy() -> Self {
        let mut sysctls = HashMap::new();
        for (k, v) in [
            ("net.ipv4.conf.all.rp_filter", "0"),
            ("net.ipv4.conf.mc0.rp_filter", "0"),
            ("net.ipv4.conf.all.force_igmp_version", "0"),
            ("net.ipv4.conf.mc0.force_igmp_version", "0"),
            ("net.ipv6.conf.all.force_mld_version", "0"),
            ("net.ipv6.conf.mc0.force_mld_version", "0"),
            ("net.ipv4.igmp_max_memberships", "20"),
            ("net.ipv4.igmp_max_msf", "10"),
            ("net.ipv6.mld_max_msf", "64"),
        ] {
            sysctls.insert(k.to_string(), format!("{v}\n"));
        }
        let mc0: SocketAddr = "192.0.2.1:40000".parse().unwrap();
        let mc0_6: SocketAddr = "[2001:db8::1]:40000".parse().unwrap();
        Self {
            sysctls,
            routes: vec![
                ("239.1.1.1".parse().unwrap(), mc0),
                ("239.1.1.2".parse().unwrap(), mc0),
                ("239.255.0.1".parse().unwrap(), mc0),
                ("232.1.1.1".parse().unwrap(), mc0),
                ("192.0.2.9".parse().unwrap(), mc0),
                (
                    "198.51.100.7".parse().unwrap(),
                    "198.51.100.1:40000".parse().unwrap(),
                ),
                ("ff15::1".parse().unwrap(), mc0_6),
            ],
            dumps: vec![("nft", Dump::Text("{\"nftables\": []}".into()))],
            running: true,
            unsupported: false,
            queriers: vec![
                (
                    Family::V4,
                    Some(("192.0.2.254".parse().unwrap(), Version::IgmpV3)),
                ),
                (
                    Family::V6,
                    Some(("fe80::fe".parse().unwrap(), Version::MldV2)),
                ),
            ],
            asked: Default::default(),
        }
    }

    fn set(mut self, key: &str, value: &str) -> Self {
        self.sysctls.insert(key.into(), format!("{value}\n"));
        self
    }
}

impl Sysctls for Fake {
    fn text(&self, path: &[&str]) -> io::Result<String> {
        if self.unsupported {
            return Err(io::Error::from(io::ErrorKind::Unsupported));
        }
        self.sysctls
            .get(&path.join("."))
            .cloned()
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }
}

impl Host for Fake {
    fn route(&self, dest: IpAddr) -> io::Result<RouteTo> {
        self.routes
            .iter()
            .find(|(d, _)| *d == dest)
            .map(|(_, l)| RouteTo {
                source: Some(l.ip()),
                ifindex: None,
            })
            .ok_or_else(|| io::Error::from_raw_os_error(101))
    }
    fn firewall(&self) -> Vec<(&'static str, Dump)> {
        self.dumps.clone()
    }
    fn running(&self, _: &Iface) -> bool {
        self.running
    }
    fn queriers(&self, links: &[(Family, &Iface)], wait: Duration) -> Vec<QuerierFacts> {
        links
            .iter()
            .map(|(family, iface)| {
                self.asked
                    .borrow_mut()
                    .push((*family, iface.name.clone(), wait));
                let seen = self
                    .queriers
                    .iter()
                    .find(|(f, _)| f == family)
                    .and_then(|(_, q)| *q);
                let link = match seen {
                    Some((from, version)) => queried(&iface.name, iface.index, from, version),
                    None => LinkState::new(&iface.name),
                };
                QuerierFacts {
                    family: *family,
                    waited: wait,
                    evidence: Evidence::Wire {
                        link: Box::new(link),
                        sees_reports: true,
                        at: Instant::now(),
                    },
                    igmp_mode: Some(3),
                    mld_before: Some(4),
                    mld_after: Some(4),
                    groups_held: 0,
                }
            })
            .collect()
    }
}

fn table() -> IfaceTable {
    let mut lo = Iface::named("lo", 1);
    lo.v4 = vec!["127.0.0.1".parse().unwrap()];
    lo.loopback = true;
    let mut mc0 = Iface::named("mc0", 3);
    mc0.v4 = vec!["192.0.2.1".parse().unwrap()];
    mc0.v6 = vec!["2001:db8::1".parse().unwrap()];
    let mut eth1 = Iface::named("eth1", 4);
    eth1.v4 = vec!["198.51.100.1".parse().unwrap()];
    IfaceTable::from_ifaces([lo, mc0, eth1])
}

fn groups(list: &[&str]) -> Vec<Group> {
    list.iter()
        .flat_map(|g| parse_groups(g, 5000).unwrap())
        .collect()
}

/// `name status` of every check, and the checks by name.
fn run(host: &Fake, groups: &[Group], iface: Option<&str>) -> Vec<Check> {
    let t = table();
    let iface = iface.map(|n| t.resolve(n).unwrap());
    checks(
        &Request {
            groups,
            iface: iface.as_ref(),
            table: &t,
            querier_wait: Duration::from_secs(3),
        },
        host,
    )
}

fn statuses(checks: &[Check]) -> Vec<String> {
    checks
        .iter()
        .map(|c| format!("{} {}", c.name, c.status.name()))
        .collect()
}

fn named<'a>(checks: &'a [Check], name: &str) -> &'a Check {
    checks
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no {name} check in {checks:#?}"))
}

#[test]
fn a_healthy_host_is_all_ok() {
    let c = run(
        &Fake::healthy(),
        &groups(&["239.1.1.1", "239.1.1.2"]),
        Some("mc0"),
    );
    assert_eq!(
        statuses(&c),
        [
            "interface ok",
            "route ok",
            "route ok",
            "rp_filter ok",
            "igmp_version ok",
            "memberships ok",
            "ttl ok",
            "scope ok",
            "mac ok",
            "firewall ok",
            "querier ok",
        ]
    );
    assert_eq!(
        named(&c, "route").detail,
        "239.1.1.1 is routed via mc0 (index 3)"
    );
    assert_eq!(
        named(&c, "firewall").detail,
        "no rule drops IGMP, MLD or UDP port 5000 (nft read)"
    );
}

#[test]
fn without_groups_both_families_are_probed_on_the_routes_interface() {
    let c = run(&Fake::healthy(), &[], None);
    assert_eq!(
        statuses(&c),
        [
            "interface ok",
            "route ok",
            "route ok",
            "rp_filter ok",
            "igmp_version ok",
            "mld_version ok",
            "firewall ok",
            "querier ok",
            "querier ok",
        ]
    );
    assert_eq!(
        named(&c, "route").detail,
        "IPv4 multicast (239.255.0.1) is routed via mc0 (index 3)"
    );
}

#[test]
fn interface_down_off_or_without_carrier() {
    let t = table();
    let mut down = t.resolve("mc0").unwrap();
    down.up = false;
    let c = iface_check(&down, true);
    assert_eq!(
        (c.status, c.fix.as_deref()),
        (Status::Problem, Some("ip link set dev mc0 up"))
    );
    let mut off = t.resolve("mc0").unwrap();
    off.multicast = false;
    let c = iface_check(&off, true);
    assert_eq!(c.fix.as_deref(), Some("ip link set dev mc0 multicast on"));
    assert!(c.detail.contains("MULTICAST flag off"), "{}", c.detail);
    let c = iface_check(&t.resolve("mc0").unwrap(), false);
    assert_eq!(c.status, Status::Problem);
    assert!(c.detail.contains("no carrier"));
}

#[test]
fn no_route_is_a_problem_and_another_interface_a_warning() {
    let c = run(&Fake::healthy(), &groups(&["239.9.9.9"]), Some("mc0"));
    let r = named(&c, "route");
    assert_eq!(r.status, Status::Problem);
    assert!(
        r.detail.starts_with("239.9.9.9 has no route"),
        "{}",
        r.detail
    );
    assert_eq!(r.fix.as_deref(), Some("ip route add 239.0.0.0/8 dev mc0"));
    let c = run(&Fake::healthy(), &groups(&["239.1.1.1"]), Some("eth1"));
    let r = named(&c, "route");
    assert_eq!(r.status, Status::Warning);
    assert!(
        r.detail
            .contains("routed via mc0 (index 3), not eth1 (index 4)"),
        "{}",
        r.detail
    );
}

#[test]
fn strict_rp_filter_drops_an_off_link_source() {
    let host = Fake::healthy().set("net.ipv4.conf.all.rp_filter", "1");
    // 203.0.113.5 has no route back at all; 198.51.100.7 goes back via eth1.
    let c = run(
        &host,
        &groups(&["203.0.113.5,232.1.1.1", "198.51.100.7,232.1.1.1"]),
        Some("mc0"),
    );
    let r = named(&c, "rp_filter");
    assert_eq!(r.status, Status::Problem);
    assert_eq!(
        r.detail,
        "strict reverse-path filtering on mc0 (effective 1 = max(all 1, mc0 0)) silently drops multicast \
         from 198.51.100.7 (the route back goes via eth1), 203.0.113.5 (no route back to it): tcpdump \
         sees it, sockets do not"
    );
    assert!(r
        .fix
        .as_deref()
        .unwrap()
        .starts_with("sysctl -w net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.mc0.rp_filter=2"));
    // A source routed back via mc0 passes.
    let c = run(&host, &groups(&["192.0.2.9,232.1.1.1"]), Some("mc0"));
    assert_eq!(named(&c, "rp_filter").status, Status::Ok);
    // Loose mode only needs some route back.
    let loose = Fake::healthy().set("net.ipv4.conf.mc0.rp_filter", "2");
    let c = run(&loose, &groups(&["198.51.100.7,232.1.1.1"]), Some("mc0"));
    assert_eq!(named(&c, "rp_filter").status, Status::Ok);
    let c = run(&loose, &groups(&["203.0.113.5,232.1.1.1"]), Some("mc0"));
    assert_eq!(named(&c, "rp_filter").status, Status::Problem);
    // Strict without sources to check: a warning.
    let c = run(&host, &groups(&["239.1.1.1"]), Some("mc0"));
    assert_eq!(named(&c, "rp_filter").status, Status::Warning);
}

#[test]
fn forced_igmp_versions() {
    let host = Fake::healthy().set("net.ipv4.conf.mc0.force_igmp_version", "2");
    let c = run(&host, &groups(&["239.1.1.1"]), Some("mc0"));
    let v = named(&c, "igmp_version");
    assert_eq!(v.status, Status::Warning);
    assert!(
        v.detail.starts_with(
            "force_igmp_version=2 on mc0 (all 0, mc0 2): this host speaks only IGMPv2"
        ),
        "{}",
        v.detail
    );
    assert_eq!(
        v.fix.as_deref(),
        Some("sysctl -w net.ipv4.conf.all.force_igmp_version=0 net.ipv4.conf.mc0.force_igmp_version=0")
    );
    let c = run(&host, &groups(&["192.0.2.9,232.1.1.1"]), Some("mc0"));
    assert_eq!(named(&c, "igmp_version").status, Status::Problem);
    let host = Fake::healthy().set("net.ipv6.conf.all.force_mld_version", "1");
    let c = run(&host, &groups(&["2001:db8::9,[ff15::1]:5000"]), Some("mc0"));
    assert_eq!(named(&c, "mld_version").status, Status::Problem);
}

#[test]
fn kernel_limits_against_what_is_asked() {
    let host = Fake::healthy()
        .set("net.ipv4.igmp_max_memberships", "2")
        .set("net.ipv4.igmp_max_msf", "1");
    let c = run(
        &host,
        &groups(&["239.1.1.1+3", "192.0.2.9,232.1.1.1", "192.0.2.8,232.1.1.1"]),
        Some("mc0"),
    );
    let m = named(&c, "memberships");
    assert_eq!(m.status, Status::Warning);
    assert!(
        m.detail.starts_with(
            "one socket may join only 2 IPv4 groups (igmp_max_memberships) and 4 are asked"
        ),
        "{}",
        m.detail
    );
    assert_eq!(
        m.fix.as_deref(),
        Some("sysctl -w net.ipv4.igmp_max_memberships=4")
    );
    let s = named(&c, "sources_v4");
    assert_eq!(s.status, Status::Warning);
    assert!(s.detail.contains("232.1.1.1 has 2"), "{}", s.detail);
}

#[test]
fn link_local_and_shared_macs() {
    let c = run(
        &Fake::healthy(),
        &groups(&["224.0.0.251", "239.1.1.1", "239.129.1.1", "239.0.0.5"]),
        Some("mc0"),
    );
    let s = named(&c, "scope");
    assert_eq!(s.status, Status::Warning);
    assert!(
        s.detail.starts_with("224.0.0.251 is link-local"),
        "{}",
        s.detail
    );
    let m = named(&c, "mac");
    assert_eq!(m.status, Status::Warning);
    assert!(
        m.detail
            .contains("239.1.1.1, 239.129.1.1 share Ethernet address 01:00:5e:01:01:01"),
        "{}",
        m.detail
    );
    assert!(
        m.detail
            .contains("239.0.0.5 has the Ethernet address of a 224.0.0.x group"),
        "{}",
        m.detail
    );
    let t = named(&c, "ttl");
    assert!(
        t.detail.contains("but the 3 groups cannot cross a router"),
        "{}",
        t.detail
    );
}

#[test]
fn firewall_rules_unreadable_rulesets_and_other_oses() {
    let mut host = Fake::healthy();
    host.dumps = vec![
        (
            "nft",
            Dump::Text(include_str!("testdata/nft_ruleset.json").into()),
        ),
        ("iptables-save", Dump::Missing),
    ];
    let c = run(&host, &groups(&["239.1.1.1:5000"]), Some("mc0"));
    let fw: Vec<&Check> = c.iter().filter(|c| c.name == "firewall").collect();
    assert!(fw.iter().any(|c| c.status == Status::Problem
        && c.detail
            .starts_with("nft table inet f chain out (hook output) rule handle 3 drops IGMP")));
    assert!(fw
        .iter()
        .any(|c| c.status == Status::Problem && c.detail.contains("drops UDP port 5000")));
    host.dumps = vec![
        (
            "nft",
            Dump::Failed("Operation not permitted (exit status: 1)".into()),
        ),
        ("iptables-save", Dump::Missing),
    ];
    let c = run(&host, &groups(&["239.1.1.1"]), Some("mc0"));
    let f = named(&c, "firewall");
    assert_eq!(f.status, Status::Warning);
    assert!(
        f.detail.starts_with(
            "could not read the firewall's rules (reading the ruleset needs root): nft:"
        ),
        "{}",
        f.detail
    );
    host.dumps = vec![];
    host.unsupported = true;
    let c = run(&host, &groups(&["239.1.1.1"]), Some("mc0"));
    for name in ["rp_filter", "igmp_version", "memberships", "firewall"] {
        let k = named(&c, name);
        assert_eq!(
            (k.status, k.detail.as_str()),
            (Status::Skipped, "not checked on this OS"),
            "{name}"
        );
    }
}

#[test]
fn the_querier_is_looked_for_once_on_each_familys_interface() {
    let host = Fake::healthy();
    let c = run(&host, &[], None);
    let q: Vec<&Check> = c.iter().filter(|c| c.name == "querier").collect();
    assert!(
        q[0].detail
            .starts_with("IGMPv3 querier 192.0.2.254 on mc0: queries every 125 s"),
        "{q:?}"
    );
    assert!(
        q[1].detail.starts_with("MLDv2 querier fe80::fe on mc0"),
        "{q:?}"
    );
    assert_eq!(
        *host.asked.borrow(),
        [
            (Family::V4, "mc0".to_string(), Duration::from_secs(3)),
            (Family::V6, "mc0".to_string(), Duration::from_secs(3)),
        ]
    );
}

#[test]
fn a_querier_of_another_version_than_the_forced_one_is_a_problem() {
    let host = Fake::healthy().set("net.ipv4.conf.mc0.force_igmp_version", "2");
    let c = run(&host, &groups(&["239.1.1.1"]), Some("mc0"));
    let bad: Vec<&Check> = c
        .iter()
        .filter(|c| c.name == "querier" && c.status == Status::Problem)
        .collect();
    assert_eq!(bad.len(), 1, "{c:#?}");
    assert!(
        bad[0].detail.starts_with(
            "querier speaks IGMPv3 but this host forces IGMPv2 on mc0 \
             (net.ipv4.conf.mc0.force_igmp_version=2)"
        ),
        "{}",
        bad[0].detail
    );
    assert_eq!(
        bad[0].fix.as_deref(),
        Some("sysctl -w net.ipv4.conf.all.force_igmp_version=0 net.ipv4.conf.mc0.force_igmp_version=0")
    );
    // 3 forces nothing for IGMP (it acts as 0): no mismatch.
    let host = Fake::healthy().set("net.ipv4.conf.all.force_igmp_version", "3");
    let c = run(&host, &groups(&["239.1.1.1"]), Some("mc0"));
    assert_eq!(named(&c, "querier").status, Status::Ok);
}

#[test]
fn the_querier_is_not_looked_for_with_a_zero_wait_or_on_loopback() {
    let t = table();
    let host = Fake::healthy();
    let req = |iface, wait| Request {
        groups: &[],
        iface,
        table: &t,
        querier_wait: wait,
    };
    let mc0 = t.resolve("mc0").unwrap();
    let c = checks(&req(Some(&mc0), Duration::ZERO), &host);
    let q = named(&c, "querier");
    assert_eq!(
        (q.status, q.detail.as_str()),
        (Status::Skipped, "not looked for (--querier-wait 0)")
    );
    let lo = t.resolve("lo").unwrap();
    let c = checks(&req(Some(&lo), Duration::from_secs(3)), &host);
    assert_eq!(named(&c, "querier").status, Status::Skipped);
    assert!(host.asked.borrow().is_empty());
}

//! The multi-host lab: several hosts, each its own network namespace, joined
//! by veth links, so `mcast` meets real links, a real multicast router and
//! real IGMP/MLD on one machine, with nothing ever reaching a real network.
//!
//! Three topologies, each torn down on drop (also when a test panics):
//!
//! - [`TwoHosts`]: `A[a0] ---- [b0]B` on one link.
//! - [`Routed`]: `A[a0] ---- [ra]R[rb] ---- [b0]B`, where R forwards
//!   multicast from `ra` to `rb` with `smcrouted` (static routes from a
//!   per-test config file) and unicast both ways.
//! - [`MultiHomed`]: `X[x0] ---- [hx]H[hy] ---- [y0]Y`, a host H on two
//!   links that does not forward: which interface `mcast` uses shows at X
//!   and Y.
//!
//! - [`Switch`]: hosts `H0[h0] ... Hn[h0]`, each on a port `pN` of an
//!   IGMP/MLD-snooping Linux bridge `br0` in its own namespace S, which
//!   can be the querier (any IGMP and MLD version, short timers): the
//!   lab for querier, silence and doctor tests.
//!
//! Plus [`Capture`], tcpdump on one interface into a pcap file, read back
//! with `tcpdump -r -n -vv`.
//!
//! Every host has IPv6 duplicate address detection off (addresses, also
//! link-local ones used by MLD, are usable at once) and `rp_filter` off.
//! Every command, tcpdump and smcrouted included, runs inside a lab
//! namespace; interface names are per namespace, so parallel tests do not
//! collide, and daemon files live in a per-test temporary directory.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;
use std::time::Duration;

use super::{link, run, wait_until, Netns, Running, JOIN_TIMEOUT};

/// How long lab helpers wait for something that normally takes
/// milliseconds (a daemon's start, a capture's first packet).
pub const LAB_TIMEOUT: Duration = Duration::from_secs(5);

/// A lab host: an empty namespace with `lo` up, IPv6 DAD and rp_filter off.
pub fn host() -> io::Result<Netns> {
    let ns = Netns::bare()?;
    for (key, value) in [
        // `default` applies to links created later, `all` to the rest.
        ("net.ipv6.conf.all.accept_dad", "0"),
        ("net.ipv6.conf.default.accept_dad", "0"),
        ("net.ipv4.conf.all.rp_filter", "0"),
        ("net.ipv4.conf.default.rp_filter", "0"),
    ] {
        ns.sysctl(key, value)?;
    }
    Ok(ns)
}

/// Adds each address (CIDR) to `dev` in `ns`.
fn addrs(ns: &Netns, dev: &str, cidrs: &[&str]) -> io::Result<()> {
    cidrs.iter().try_for_each(|cidr| ns.add_addr(dev, cidr))
}

/// Topology (a): two hosts on one link, `A[a0] ---- [b0]B`.
#[derive(Debug)]
pub struct TwoHosts {
    pub a: Netns,
    pub b: Netns,
}

impl TwoHosts {
    pub const A_DEV: &'static str = "a0";
    pub const B_DEV: &'static str = "b0";
    pub const A_V4: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
    #[allow(dead_code)]
    pub const B_V4: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 2);
    pub const A_V6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);
    #[allow(dead_code)]
    pub const B_V6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2);

    /// A: 192.0.2.1/24, 2001:db8::1/64 on a0; B: 192.0.2.2/24,
    /// 2001:db8::2/64 on b0.
    pub fn new() -> io::Result<Self> {
        let (a, b) = (host()?, host()?);
        link(&a, Self::A_DEV, &b, Self::B_DEV)?;
        addrs(&a, Self::A_DEV, &["192.0.2.1/24", "2001:db8::1/64"])?;
        addrs(&b, Self::B_DEV, &["192.0.2.2/24", "2001:db8::2/64"])?;
        Ok(Self { a, b })
    }
}

/// One static multicast route on the router, from `ra` (A's side) to `rb`
/// (B's side): `mroute from ra [source S] group G to rb`.
#[derive(Debug, Clone, Copy)]
pub struct Mroute<'a> {
    /// None for a (*,G) route: smcrouted installs an (S,G) route in the
    /// kernel for each new source it sees (the first packets wait in the
    /// kernel's queue of unresolved packets, up to 4 per (S,G)).
    pub source: Option<&'a str>,
    /// A group, optionally with a prefix length (`239.1.0.0/16`).
    pub group: &'a str,
}

impl<'a> Mroute<'a> {
    /// (*,G): any source.
    pub fn any(group: &'a str) -> Self {
        Self {
            source: None,
            group,
        }
    }

    /// (S,G): one source only.
    pub fn from(source: &'a str, group: &'a str) -> Self {
        Self {
            source: Some(source),
            group,
        }
    }
}

/// An entry of the kernel's multicast forwarding cache
/// (`/proc/net/ip_mr_cache`, `/proc/net/ip6_mr_cache`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mfc {
    pub group: IpAddr,
    pub origin: IpAddr,
    /// Input VIF/MIF, -1 while unresolved.
    pub iif: i32,
    /// Packets that matched the entry (forwarded or not).
    pub packets: u64,
    /// Output VIFs with their TTL thresholds, `vif:ttl` (empty: none).
    pub oifs: Vec<String>,
}

/// Topology (b): `A[a0] ---- [ra]R[rb] ---- [b0]B`, R a multicast router.
///
/// Fields drop in order: the daemon stops before the namespaces go.
#[derive(Debug)]
pub struct Routed {
    smcrouted: Running,
    /// smcroute.conf, its pid file and IPC socket.
    _dir: tempfile::TempDir,
    pub a: Netns,
    pub r: Netns,
    pub b: Netns,
}

impl Routed {
    // Every address of the topology is named; tests use some.
    pub const A_DEV: &'static str = "a0";
    pub const B_DEV: &'static str = "b0";
    pub const R_A_DEV: &'static str = "ra";
    pub const R_B_DEV: &'static str = "rb";
    pub const A_V4: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 2);
    #[allow(dead_code)]
    pub const R_A_V4: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 1);
    #[allow(dead_code)]
    pub const R_B_V4: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 1);
    #[allow(dead_code)]
    pub const B_V4: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 2);
    pub const A_V6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, 2);
    #[allow(dead_code)]
    pub const R_A_V6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, 1);
    #[allow(dead_code)]
    pub const R_B_V6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 2, 0, 0, 0, 0, 1);
    #[allow(dead_code)]
    pub const B_V6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 2, 0, 0, 0, 0, 2);
    /// smcroute's `ttl-threshold` on both router interfaces: a packet is
    /// forwarded only when its TTL is above it (then leaves with TTL - 1).
    pub const TTL_THRESHOLD: u8 = 1;

    /// Builds the three hosts (A: 198.51.100.2/24, 2001:db8:1::2/64; R:
    /// .1 / ::1 on both sides; B: 203.0.113.2/24, 2001:db8:2::2/64; A and
    /// B route everything else via R), turns on forwarding in R and starts
    /// smcrouted there with `routes`, returning once they are installed.
    pub fn new(routes: &[Mroute]) -> io::Result<Self> {
        Self::with_conf(&smcroute_conf(routes))
    }

    /// As [`Routed::new`], with smcrouted's config given whole (see
    /// [`smcroute_conf_both_ways`]).
    pub fn with_conf(conf_text: &str) -> io::Result<Self> {
        let (a, r, b) = (host()?, host()?, host()?);
        link(&a, Self::A_DEV, &r, Self::R_A_DEV)?;
        link(&r, Self::R_B_DEV, &b, Self::B_DEV)?;
        addrs(&a, Self::A_DEV, &["198.51.100.2/24", "2001:db8:1::2/64"])?;
        addrs(&r, Self::R_A_DEV, &["198.51.100.1/24", "2001:db8:1::1/64"])?;
        addrs(&r, Self::R_B_DEV, &["203.0.113.1/24", "2001:db8:2::1/64"])?;
        addrs(&b, Self::B_DEV, &["203.0.113.2/24", "2001:db8:2::2/64"])?;
        a.ip(&["route", "add", "default", "via", "198.51.100.1"])?;
        a.ip(&["-6", "route", "add", "default", "via", "2001:db8:1::1"])?;
        b.ip(&["route", "add", "default", "via", "203.0.113.1"])?;
        b.ip(&["-6", "route", "add", "default", "via", "2001:db8:2::1"])?;
        // Unicast forwarding; multicast forwarding (mc_forwarding) is
        // switched on by smcrouted itself (MRT_INIT / MRT6_INIT).
        r.sysctl("net.ipv4.ip_forward", "1")?;
        r.sysctl("net.ipv6.conf.all.forwarding", "1")?;

        let dir = tempfile::Builder::new().prefix("mcast-lab-").tempdir()?;
        let conf = dir.path().join("smcroute.conf");
        let pid = dir.path().join("smcroute.pid");
        let sock = dir.path().join("smcroute.sock");
        std::fs::write(&conf, conf_text)?;
        let mut cmd = r.command("smcrouted");
        // -n: foreground, logging to stderr; -N: only the interfaces the
        // config enables; own config, pid file and socket per test.
        cmd.arg("-n")
            .arg("-N")
            .args(["-l", "debug", "-f"])
            .arg(&conf)
            .arg("-P")
            .arg(&pid)
            .arg("-u")
            .arg(&sock);
        let mut smcrouted = r.spawn(cmd)?;
        // The pid file is written once the whole config is applied.
        smcrouted.wait_for("smcrouted to write its pid file", LAB_TIMEOUT, || {
            Ok(pid.exists())
        })?;
        Ok(Self {
            smcrouted,
            _dir: dir,
            a,
            r,
            b,
        })
    }

    /// The kernel's multicast forwarding cache in R, both families.
    pub fn mfc(&self) -> io::Result<Vec<Mfc>> {
        let v4 = run(self.r.command("cat").arg("/proc/net/ip_mr_cache"))?;
        let v6 = run(self.r.command("cat").arg("/proc/net/ip6_mr_cache"))?;
        let mut entries = parse_mr_cache(&v4);
        entries.extend(parse_mr_cache(&v6));
        Ok(entries)
    }

    /// Waits until R's forwarding cache holds a resolved (`source`,
    /// `group`) entry that has seen at least `packets` packets.
    pub fn wait_for_mfc(&self, source: IpAddr, group: IpAddr, packets: u64) -> io::Result<Mfc> {
        let mut found = None;
        let what = format!("({source}, {group}) with {packets}+ packets in R's forwarding cache");
        wait_until(&what, LAB_TIMEOUT, || {
            found = self.mfc()?.into_iter().find(|e| {
                e.origin == source && e.group == group && e.iif >= 0 && e.packets >= packets
            });
            Ok(found.is_some())
        })?;
        found.ok_or_else(|| io::Error::other("unreachable"))
    }

    /// The pid of R's smcrouted.
    pub fn smcrouted_pid(&self) -> u32 {
        self.smcrouted.id()
    }
}

/// The config for [`Routed`]: both interfaces enabled with the TTL
/// threshold, then one `mroute` line per route.
pub fn smcroute_conf(routes: &[Mroute]) -> String {
    let threshold = Routed::TTL_THRESHOLD;
    let mut conf = format!(
        "# mcast test lab: forward from A's link ({a}) to B's link ({b})\n\
         phyint {a} enable ttl-threshold {threshold}\n\
         phyint {b} enable ttl-threshold {threshold}\n",
        a = Routed::R_A_DEV,
        b = Routed::R_B_DEV,
    );
    for route in routes {
        let source = route
            .source
            .map(|s| format!(" source {s}"))
            .unwrap_or_default();
        conf.push_str(&format!(
            "mroute from {}{source} group {} to {}\n",
            Routed::R_A_DEV,
            route.group,
            Routed::R_B_DEV
        ));
    }
    conf
}

/// As [`smcroute_conf`], plus each (*,G) route from B's side back to A's
/// (ping replies to the group travel that way).
pub fn smcroute_conf_both_ways(groups: &[&str]) -> String {
    let routes: Vec<Mroute> = groups.iter().map(|g| Mroute::any(g)).collect();
    let mut conf = smcroute_conf(&routes);
    for g in groups {
        conf.push_str(&format!(
            "mroute from {} group {g} to {}\n",
            Routed::R_B_DEV,
            Routed::R_A_DEV
        ));
    }
    conf
}

/// Parses `/proc/net/ip_mr_cache` (`Group Origin Iif Pkts Bytes Wrong
/// Oifs`, IPv4 addresses as native-endian hex u32 like `/proc/net/igmp`)
/// or `/proc/net/ip6_mr_cache` (addresses written out in full).
pub fn parse_mr_cache(text: &str) -> Vec<Mfc> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let group = parse_proc_addr(fields.next()?)?;
            let origin = parse_proc_addr(fields.next()?)?;
            let iif = fields.next()?.parse().ok()?;
            let packets = fields.next()?.parse().ok()?;
            let _bytes = fields.next()?;
            let _wrong = fields.next()?;
            let oifs = fields.map(str::to_owned).collect();
            Some(Mfc {
                group,
                origin,
                iif,
                packets,
                oifs,
            })
        })
        .collect()
}

fn parse_proc_addr(text: &str) -> Option<IpAddr> {
    if text.contains(':') {
        return text.parse::<Ipv6Addr>().ok().map(IpAddr::V6);
    }
    let raw = u32::from_str_radix(text, 16).ok()?;
    Some(IpAddr::V4(Ipv4Addr::from(raw.to_ne_bytes())))
}

/// Topology (c): `X[x0] ---- [hx]H[hy] ---- [y0]Y`. H is on both links and
/// forwards nothing; X and Y each see only what crosses their own link.
#[derive(Debug)]
pub struct MultiHomed {
    pub h: Netns,
    pub x: Netns,
    pub y: Netns,
}

impl MultiHomed {
    pub const H_X_DEV: &'static str = "hx";
    pub const H_Y_DEV: &'static str = "hy";
    pub const X_DEV: &'static str = "x0";
    pub const Y_DEV: &'static str = "y0";
    pub const H_X_V4: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 1);
    pub const X_V4: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 2);
    pub const H_Y_V4: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 1);
    pub const Y_V4: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 2);
    pub const H_X_V6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, 1);
    pub const X_V6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, 2);
    pub const H_Y_V6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 2, 0, 0, 0, 0, 1);
    pub const Y_V6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 2, 0, 0, 0, 0, 2);

    /// H: 198.51.100.1/24, 2001:db8:1::1/64 on hx and 203.0.113.1/24,
    /// 2001:db8:2::1/64 on hy; X and Y: .2 / ::2 on their side.
    pub fn new() -> io::Result<Self> {
        let (h, x, y) = (host()?, host()?, host()?);
        link(&h, Self::H_X_DEV, &x, Self::X_DEV)?;
        link(&h, Self::H_Y_DEV, &y, Self::Y_DEV)?;
        addrs(&h, Self::H_X_DEV, &["198.51.100.1/24", "2001:db8:1::1/64"])?;
        addrs(&h, Self::H_Y_DEV, &["203.0.113.1/24", "2001:db8:2::1/64"])?;
        addrs(&x, Self::X_DEV, &["198.51.100.2/24", "2001:db8:1::2/64"])?;
        addrs(&y, Self::Y_DEV, &["203.0.113.2/24", "2001:db8:2::2/64"])?;
        Ok(Self { h, x, y })
    }
}

/// How [`Switch`] sets its bridge up. Timers are kept short so tests see
/// several queries, and memberships age out, within seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SwitchConfig {
    /// Hosts, one per port.
    pub hosts: usize,
    /// The bridge sends queries (`mcast_querier`); snooping is on either way.
    pub querier: bool,
    /// `mcast_igmp_version`: 2 or 3.
    pub igmp_version: u8,
    /// `mcast_mld_version`: 1 or 2.
    pub mld_version: u8,
    /// `mcast_query_interval` (and a quarter of it at startup).
    pub query_interval: Duration,
    /// `mcast_query_response_interval`: the max response time queries carry.
    pub response_interval: Duration,
    /// `mcast_membership_interval`: how long the bridge forwards a group
    /// to a port after the last report from it.
    pub membership_interval: Duration,
}

impl Default for SwitchConfig {
    /// One host, querier on, IGMPv3 and MLDv2, queries every 2 s with 1 s
    /// to answer, memberships kept 10 s.
    fn default() -> Self {
        Self {
            hosts: 1,
            querier: true,
            igmp_version: 3,
            mld_version: 2,
            query_interval: Duration::from_secs(2),
            response_interval: Duration::from_secs(1),
            membership_interval: Duration::from_secs(10),
        }
    }
}

/// Topology (d): a snooping switch. Hosts `hosts[i]` each have `h0`
/// (192.0.2.(i+1)/24, 2001:db8::(i+1)/64) on port `p{i}` of bridge `br0`
/// in namespace `s`, which has 192.0.2.254/24 and 2001:db8::fe/64 so its
/// queries come from a real address (`mcast_query_use_ifaddr`; MLD
/// queries come from its link-local address, [`Switch::bridge_link_local`]).
#[derive(Debug)]
pub struct Switch {
    pub s: Netns,
    pub hosts: Vec<Netns>,
}

impl Switch {
    pub const BRIDGE: &'static str = "br0";
    pub const HOST_DEV: &'static str = "h0";
    pub const BRIDGE_V4: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 254);
    #[allow(dead_code)]
    pub const BRIDGE_V6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0xfe);

    /// Host `i`'s IPv4 address.
    #[allow(dead_code)]
    pub fn host_v4(i: usize) -> Ipv4Addr {
        Ipv4Addr::new(192, 0, 2, i as u8 + 1)
    }

    /// Host `i`'s IPv6 address.
    #[allow(dead_code)]
    pub fn host_v6(i: usize) -> Ipv6Addr {
        Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, i as u16 + 1)
    }

    /// Builds the switch and its hosts; returns once every link is up.
    pub fn new(cfg: SwitchConfig) -> io::Result<Self> {
        let s = host()?;
        let cs = |d: Duration| (d.as_millis() / 10).max(1).to_string();
        let qi = cs(cfg.query_interval);
        let startup = cs(cfg.query_interval / 4);
        let resp = cs(cfg.response_interval);
        let member = cs(cfg.membership_interval);
        let (igmp, mld) = (cfg.igmp_version.to_string(), cfg.mld_version.to_string());
        s.ip(&[
            "link",
            "add",
            Self::BRIDGE,
            "type",
            "bridge",
            "mcast_snooping",
            "1",
            "mcast_querier",
            if cfg.querier { "1" } else { "0" },
            "mcast_query_use_ifaddr",
            "1",
            "mcast_query_interval",
            &qi,
            "mcast_startup_query_interval",
            &startup,
            "mcast_query_response_interval",
            &resp,
            "mcast_membership_interval",
            &member,
            "mcast_igmp_version",
            &igmp,
            "mcast_mld_version",
            &mld,
        ])?;
        addrs(&s, Self::BRIDGE, &["192.0.2.254/24", "2001:db8::fe/64"])?;
        let mut hosts = Vec::new();
        let mut ports = Vec::new();
        for i in 0..cfg.hosts {
            let h = host()?;
            let port = format!("p{i}");
            link(&s, &port, &h, Self::HOST_DEV)?;
            s.ip(&["link", "set", &port, "master", Self::BRIDGE])?;
            addrs(
                &h,
                Self::HOST_DEV,
                &[
                    &format!("{}/24", Self::host_v4(i)),
                    &format!("{}/64", Self::host_v6(i)),
                ],
            )?;
            ports.push(port);
            hosts.push(h);
        }
        s.ip(&["link", "set", Self::BRIDGE, "up"])?;
        let ports: Vec<&str> = ports.iter().map(String::as_str).collect();
        s.wait_for_links_up(&ports)?;
        for h in &hosts {
            h.wait_for_links_up(&[Self::HOST_DEV])?;
        }
        Ok(Self { s, hosts })
    }

    /// Holds `groups` (a `mcast join -q`) on host `i`'s h0 until the
    /// returned child is dropped; returns once `wait_for` is joined.
    pub fn hold(&self, i: usize, groups: &[&str], wait_for: IpAddr) -> io::Result<Running> {
        let ns = &self.hosts[i];
        let mut cmd = ns.mcast();
        cmd.arg("join")
            .args(groups)
            .args(["-i", Self::HOST_DEV, "-q"]);
        let mut child = ns.spawn(cmd)?;
        child.wait_for_group(ns, wait_for, JOIN_TIMEOUT)?;
        Ok(child)
    }

    /// The bridge's link-local address: the source of its MLD queries.
    #[allow(dead_code)]
    pub fn bridge_link_local(&self) -> io::Result<Ipv6Addr> {
        let out = self.s.ip(&[
            "-6",
            "-o",
            "addr",
            "show",
            "dev",
            Self::BRIDGE,
            "scope",
            "link",
        ])?;
        out.split_whitespace()
            .skip_while(|w| *w != "inet6")
            .nth(1)
            .and_then(|a| a.split('/').next())
            .and_then(|a| a.parse().ok())
            .ok_or_else(|| io::Error::other(format!("no link-local address in: {out}")))
    }
}

/// The index of `dev` in `ns` (from `ip -o link show dev DEV`: `7: dev@...`).
pub fn ifindex(ns: &Netns, dev: &str) -> io::Result<u32> {
    let line = ns.ip(&["-o", "link", "show", "dev", dev])?;
    line.split(':')
        .next()
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| io::Error::other(format!("no index in: {line}")))
}

/// True when some socket in `ns` holds `group` on `dev`.
pub fn has_membership(ns: &Netns, dev: &str, group: IpAddr) -> io::Result<bool> {
    Ok(ns
        .memberships()?
        .iter()
        .any(|(d, g)| d == dev && *g == group))
}

/// How many sockets in `ns` hold `group`, over all interfaces (the `Users`
/// column of `/proc/net/igmp` and `/proc/net/igmp6`): tells a second
/// listener's join from the first's.
pub fn group_users(ns: &Netns, group: IpAddr) -> io::Result<u32> {
    let text = match group {
        IpAddr::V4(_) => run(ns.command("cat").arg("/proc/net/igmp"))?,
        IpAddr::V6(_) => run(ns.command("cat").arg("/proc/net/igmp6"))?,
    };
    Ok(match group {
        IpAddr::V4(_) => parse_igmp_users(&text, group),
        IpAddr::V6(_) => parse_igmp6_users(&text, group),
    })
}

/// Sum of `Users` over the `/proc/net/igmp` group lines for `group`
/// (indented lines: `GROUPHEX USERS TIMER REPORTER`).
pub fn parse_igmp_users(text: &str, group: IpAddr) -> u32 {
    text.lines()
        .skip(1)
        .filter(|l| l.starts_with(char::is_whitespace))
        .filter_map(|l| {
            let mut fields = l.split_whitespace();
            let addr = parse_proc_addr(fields.next()?)?;
            let users: u32 = fields.next()?.parse().ok()?;
            (addr == group).then_some(users)
        })
        .sum()
}

/// Sum of users over the `/proc/net/igmp6` lines for `group`
/// (`IDX DEV GROUP32HEX USERS FLAGS TIMER`).
pub fn parse_igmp6_users(text: &str, group: IpAddr) -> u32 {
    text.lines()
        .filter_map(|l| {
            let mut fields = l.split_whitespace().skip(2);
            let raw = u128::from_str_radix(fields.next()?, 16).ok()?;
            let users: u32 = fields.next()?.parse().ok()?;
            (IpAddr::V6(Ipv6Addr::from(raw)) == group).then_some(users)
        })
        .sum()
}

/// Waits until `child` (a `listen` or `join`) holds `group` on `dev` in
/// `ns`, failing early, with its output, if it exits first.
pub fn wait_for_membership(
    child: &mut Running,
    ns: &Netns,
    dev: &str,
    group: IpAddr,
) -> io::Result<()> {
    let what = format!("{group} to be joined on {dev}");
    child.wait_for(&what, JOIN_TIMEOUT, || has_membership(ns, dev, group))
}

/// Waits until `users` sockets in `ns` hold `group` (on any interfaces),
/// `child` being the last to join; fails early, with its output, if it
/// exits first.
pub fn wait_for_users(
    child: &mut Running,
    ns: &Netns,
    group: IpAddr,
    users: u32,
) -> io::Result<()> {
    let what = format!("{users} sockets to hold {group}");
    child.wait_for(&what, JOIN_TIMEOUT, || Ok(group_users(ns, group)? >= users))
}

/// tcpdump on one interface of a lab host, writing every frame (or those
/// `filter` selects) to a pcap file; stopped on drop.
#[derive(Debug)]
pub struct Capture<'a> {
    tcpdump: Running,
    ns: &'a Netns,
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl<'a> Capture<'a> {
    /// Starts capturing on `dev` in `ns` and returns once tcpdump has
    /// opened the interface (it creates the file only after that).
    pub fn start(ns: &'a Netns, dev: &str, filter: &[&str]) -> io::Result<Self> {
        let dir = tempfile::Builder::new().prefix("mcast-cap-").tempdir()?;
        // The name ends in .pcap: Debian's AppArmor profile for tcpdump
        // lets it write such files anywhere.
        let path = dir.path().join(format!("{dev}.pcap"));
        let mut cmd = ns.command("tcpdump");
        // -Z root: stay root (the file is in root's private directory);
        // --immediate-mode: each packet from the kernel at once (not a
        // ring block per second); -U: and into the file at once, so reads
        // while running see it.
        cmd.args([
            "-Z",
            "root",
            "--immediate-mode",
            "-U",
            "-n",
            "-i",
            dev,
            "-w",
        ])
        .arg(&path)
        .args(filter);
        let mut tcpdump = ns.spawn(cmd)?;
        tcpdump.wait_for("tcpdump to create its file", LAB_TIMEOUT, || {
            Ok(path.exists())
        })?;
        Ok(Self {
            tcpdump,
            ns,
            path,
            _dir: dir,
        })
    }

    /// What was captured so far, as `tcpdump -r FILE -n -vv` prints it,
    /// one packet per line (continuation lines joined to their packet).
    pub fn packets(&self) -> io::Result<Vec<String>> {
        // Nothing captured yet: the file may not even hold its header.
        if std::fs::metadata(&self.path)?.len() < 24 {
            return Ok(Vec::new());
        }
        let mut cmd = self.ns.command("tcpdump");
        cmd.args(["-r"]).arg(&self.path).args(["-n", "-vv"]);
        let out = cmd.stdin(std::process::Stdio::null()).output()?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        // Read while tcpdump writes, the last packet may be half there:
        // what came before it is still good.
        if !out.status.success() && !stderr.contains("truncated") {
            return Err(io::Error::other(format!(
                "{cmd:?} failed ({}): {}",
                out.status,
                stderr.trim()
            )));
        }
        Ok(join_continuations(&String::from_utf8_lossy(&out.stdout)))
    }

    /// Waits until some captured packet satisfies `want`; returns it.
    pub fn wait_for(&self, what: &str, want: impl Fn(&str) -> bool) -> io::Result<String> {
        let mut found = None;
        let waited = wait_until(what, LAB_TIMEOUT, || {
            found = self.packets()?.into_iter().find(|p| want(p));
            Ok(found.is_some())
        });
        match (waited, found) {
            (Ok(()), Some(packet)) => Ok(packet),
            (Err(e), _) => Err(io::Error::new(
                e.kind(),
                format!("{e}; captured:\n{}", self.packets()?.join("\n")),
            )),
            (Ok(()), None) => Err(io::Error::other("unreachable")),
        }
    }

    /// Stops tcpdump and returns the packets it wrote.
    pub fn stop(mut self) -> io::Result<Vec<String>> {
        self.tcpdump.interrupt()?;
        self.tcpdump.finish(LAB_TIMEOUT)?;
        self.packets()
    }
}

/// tcpdump's verbose output continues a packet on indented lines; joins
/// them so that each string is one whole packet.
pub fn join_continuations(text: &str) -> Vec<String> {
    let mut packets: Vec<String> = Vec::new();
    for line in text.lines() {
        match packets.last_mut() {
            Some(last) if line.starts_with(char::is_whitespace) => {
                last.push(' ');
                last.push_str(line.trim());
            }
            _ => packets.push(line.to_owned()),
        }
    }
    packets
}

/// Topology (d), for ping and mesh tests: `n` hosts on one switched link.
/// A switch namespace holds a bridge `br0` (IGMP/MLD snooping off, so
/// multicast floods like a hub); host k (0-based) is linked to it by
/// `h0` <-> `pk` and has 192.0.2.(10+k)/24 and 2001:db8::(10+k)/64 on `h0`.
#[derive(Debug)]
pub struct Lan {
    pub hosts: Vec<Netns>,
    /// Dropped last: the hosts' links go with it.
    #[allow(dead_code)]
    pub switch: Netns,
}

impl Lan {
    pub const DEV: &'static str = "h0";

    pub fn new(n: usize) -> io::Result<Self> {
        let switch = host()?;
        switch.ip(&[
            "link",
            "add",
            "br0",
            "type",
            "bridge",
            "mcast_snooping",
            "0",
        ])?;
        switch.ip(&["link", "set", "br0", "up"])?;
        let mut hosts = Vec::with_capacity(n);
        for k in 0..n {
            let h = host()?;
            let port = format!("p{k}");
            link(&h, Self::DEV, &switch, &port)?;
            switch.ip(&["link", "set", &port, "master", "br0"])?;
            let last = 10 + k;
            addrs(
                &h,
                Self::DEV,
                &[
                    &format!("192.0.2.{last}/24"),
                    &format!("2001:db8::{:x}/64", 0x10 + k),
                ],
            )?;
            hosts.push(h);
        }
        Ok(Self { hosts, switch })
    }

    /// Host k's IPv4 address.
    #[allow(dead_code)]
    pub fn v4(k: usize) -> Ipv4Addr {
        Ipv4Addr::new(192, 0, 2, 10 + k as u8)
    }

    /// Host k's IPv6 address.
    #[allow(dead_code)]
    pub fn v6(k: usize) -> Ipv6Addr {
        Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x10 + k as u16)
    }
}

//! `mcast doctor`: what on this host stands between a group and the
//! programs that join or send it. Each check is a pure function of the
//! facts it reads through [`Host`] (kernel settings, routes, the firewall's
//! rulesets), so tests feed it text; `cmd::doctor` adds the end-to-end
//! self-test and prints.
//!
//! Parsers: [`sysctl`] (kernel settings), [`firewall`] (nft JSON and
//! iptables-save), [`addresses`] (scope and Ethernet address of a group).

pub mod addresses;
pub mod firewall;
pub mod querier;
pub mod sysctl;

use std::collections::BTreeSet;
use std::io;
use std::net::IpAddr;
use std::time::Duration;

use crate::config::{Group, Iface, IfaceTable};
use crate::host::{effective_forced_version, forced_version_by, forced_version_path, sysctl_key};
use crate::platform::{Dump, Family, RouteTo};
use crate::routes::{self, Route};
use sysctl::{effective_rp_filter, read_int, Sysctls};

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Ok,
    /// Worth knowing; does not change the exit code.
    Warning,
    /// Will stop multicast from working: exit 1.
    Problem,
    /// Does not apply on this OS (or to what was asked).
    Skipped,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warning => "warning",
            Status::Problem => "problem",
            Status::Skipped => "skipped",
        }
    }
}

/// One finding: a sentence and, unless it is fine, the command that fixes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: &'static str,
    pub status: Status,
    pub detail: String,
    pub fix: Option<String>,
}

impl Check {
    fn new(name: &'static str, status: Status, detail: impl Into<String>) -> Self {
        Self {
            name,
            status,
            detail: detail.into(),
            fix: None,
        }
    }

    fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }
}

/// The facts the checks read: the host's, or fixed ones in tests.
pub trait Host: Sysctls {
    /// The route the kernel picks for `dest` (nothing is sent).
    fn route(&self, dest: IpAddr) -> io::Result<RouteTo>;
    /// Each firewall tool's dump (none where mcast reads none).
    fn firewall(&self) -> Vec<(&'static str, Dump)>;
    /// Operationally up (carrier), by name.
    fn running(&self, iface: &Iface) -> bool;
    /// What listening for IGMP/MLD queries on each `(family, interface)`
    /// for at most `wait` showed, in the same order.
    fn queriers(&self, links: &[(Family, &Iface)], wait: Duration) -> Vec<querier::QuerierFacts>;
}

/// This host.
pub struct ThisHost;

impl Sysctls for ThisHost {
    fn text(&self, path: &[&str]) -> io::Result<String> {
        sysctl::HostSysctls.text(path)
    }
}

impl Host for ThisHost {
    fn route(&self, dest: IpAddr) -> io::Result<RouteTo> {
        crate::platform::route_to(dest)
    }

    fn firewall(&self) -> Vec<(&'static str, Dump)> {
        crate::platform::firewall_dumpers()
            .iter()
            .map(|(tool, args)| (*tool, crate::platform::firewall_dump(tool, args)))
            .collect()
    }

    fn running(&self, iface: &Iface) -> bool {
        crate::platform::if_is_up(&iface.name)
    }

    fn queriers(&self, links: &[(Family, &Iface)], wait: Duration) -> Vec<querier::QuerierFacts> {
        querier::listen(links, wait)
    }
}

/// What was asked: groups (maybe none), `-i`, the host's interfaces, how
/// long to listen for a querier (zero: not at all).
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub groups: &'a [Group],
    pub iface: Option<&'a Iface>,
    pub table: &'a IfaceTable,
    pub querier_wait: Duration,
}

impl Request<'_> {
    /// The families to look at: those of the groups, else both.
    pub fn families(&self) -> Vec<Family> {
        if self.groups.is_empty() {
            return vec![Family::V4, Family::V6];
        }
        let set: BTreeSet<Family> = self.groups.iter().map(|g| Family::of(g.addr)).collect();
        set.into_iter().collect()
    }

    /// The destinations whose routes matter: the groups, else one probe
    /// group per family.
    fn destinations(&self) -> Vec<IpAddr> {
        if self.groups.is_empty() {
            return vec![routes::PROBE_V4, routes::PROBE_V6];
        }
        let mut seen = BTreeSet::new();
        self.groups
            .iter()
            .map(|g| g.addr)
            .filter(|a| seen.insert(*a))
            .collect()
    }
}

/// The interface checked for each family: `-i`, else where the routes
/// send that family's first group (or probe); `None` when there is no route.
pub fn chosen_ifaces(req: &Request<'_>, host: &dyn Host) -> Vec<(Family, Option<Iface>)> {
    req.families()
        .into_iter()
        .map(|f| {
            let iface = req.iface.cloned().or_else(|| {
                let dest = req
                    .groups
                    .iter()
                    .map(|g| g.addr)
                    .find(|a| Family::of(*a) == f)
                    .unwrap_or(if f == Family::V4 {
                        routes::PROBE_V4
                    } else {
                        routes::PROBE_V6
                    });
                Route::find(dest, req.table, &|d| host.route(d)).iface
            });
            (f, iface)
        })
        .collect()
}

/// Every check but the self-test, in the order they are shown.
pub fn checks(req: &Request<'_>, host: &dyn Host) -> Vec<Check> {
    let chosen = chosen_ifaces(req, host);
    let mut out = Vec::new();
    let mut seen: Vec<u32> = Vec::new();
    for (_, iface) in &chosen {
        if let Some(i) = iface.as_ref().filter(|i| !seen.contains(&i.index)) {
            seen.push(i.index);
            out.push(iface_check(i, host.running(i)));
        }
    }
    for dest in req.destinations() {
        out.push(route_check(dest, req, host));
    }
    for (family, iface) in &chosen {
        let Some(iface) = iface else { continue };
        if *family == Family::V4 {
            out.push(rp_filter_check(iface, req, host));
        }
        out.push(version_check(*family, iface, req, host));
    }
    out.extend(limit_checks(req, host));
    if !req.groups.is_empty() {
        out.push(ttl_check(req.groups));
        out.push(scope_check(req.groups));
        out.push(mac_check(req.groups));
    }
    out.extend(firewall_checks(req, &host.firewall()));
    out.extend(querier_checks(req, &chosen, host));
    out
}

/// Whether a querier is present on each family's chosen interface: one
/// bounded listen for all of them.
fn querier_checks(
    req: &Request<'_>,
    chosen: &[(Family, Option<Iface>)],
    host: &dyn Host,
) -> Vec<Check> {
    let mut out = Vec::new();
    let mut links: Vec<(Family, &Iface)> = Vec::new();
    for (family, iface) in chosen {
        match iface {
            Some(i) if i.loopback => out.push(Check::new(
                "querier",
                Status::Skipped,
                format!("{} is loopback: no querier there", shown(i)),
            )),
            Some(i) => links.push((*family, i)),
            None => {}
        }
    }
    if links.is_empty() {
        return out;
    }
    if req.querier_wait.is_zero() {
        out.push(Check::new(
            "querier",
            Status::Skipped,
            "not looked for (--querier-wait 0)",
        ));
        return out;
    }
    let facts = host.queriers(&links, req.querier_wait);
    out.extend(links.iter().zip(&facts).flat_map(|((family, iface), f)| {
        querier::querier_checks(iface, f, forced_version(*family, iface, host))
    }));
    out
}

/// The version this host forces on `iface`, when it forces one (and the
/// settings can be read).
fn forced_version(family: Family, iface: &Iface, host: &dyn Host) -> Option<u8> {
    forced_version_by(family, &iface.name, |path| read_int(host, path).ok())
}

fn shown(i: &Iface) -> String {
    i.to_string()
}

fn iface_check(i: &Iface, running: bool) -> Check {
    let name = crate::escape::name(&i.name);
    if !i.up {
        return Check::new(
            "interface",
            Status::Problem,
            format!("{} is down: nothing is sent or received on it", shown(i)),
        )
        .fix(format!("ip link set dev {name} up"));
    }
    if !i.multicast {
        return Check::new(
            "interface",
            Status::Problem,
            format!(
                "{} has the MULTICAST flag off: the kernel neither joins nor sends multicast on it",
                shown(i)
            ),
        )
        .fix(format!("ip link set dev {name} multicast on"));
    }
    if !running {
        return Check::new(
            "interface",
            Status::Problem,
            format!(
                "{} is up but not running (no carrier): nothing gets through",
                shown(i)
            ),
        )
        .fix(format!(
            "check the cable or the peer of {name} (ip link show dev {name})"
        ));
    }
    Check::new(
        "interface",
        Status::Ok,
        format!("{} is up, running and has MULTICAST on", shown(i)),
    )
}

fn route_check(dest: IpAddr, req: &Request<'_>, host: &dyn Host) -> Check {
    let route = Route::find(dest, req.table, &|d| host.route(d));
    let probe = req.groups.is_empty();
    let what = if probe {
        format!("{} multicast ({dest})", Family::of(dest).name())
    } else {
        dest.to_string()
    };
    let prefix = if dest.is_ipv4() {
        "239.0.0.0/8"
    } else {
        "ff00::/8"
    };
    let target = req.iface.map(|i| crate::escape::name(&i.name).into_owned());
    match (&route.source, &route.iface) {
        (Err(e), _) => {
            let dev = target.clone().unwrap_or_else(|| "IFACE".into());
            let ip = if dest.is_ipv4() { "ip" } else { "ip -6" };
            let status = if probe {
                Status::Warning
            } else {
                Status::Problem
            };
            Check::new(
                "route",
                status,
                format!("{what} has no route: the kernel refuses to send to it without an interface given ({e})"),
            )
            .fix(format!("{ip} route add {prefix} dev {dev}"))
        }
        (Ok(src), None) => Check::new(
            "route",
            Status::Warning,
            format!(
                "{what} is routed from source {}, which no interface holds",
                src.map_or_else(|| "-".to_string(), |s| s.to_string())
            ),
        ),
        (Ok(_), Some(via)) => match req.iface {
            Some(asked) if asked.index != via.index => {
                let ip = if dest.is_ipv4() { "ip" } else { "ip -6" };
                let len = if dest.is_ipv4() { 32 } else { 128 };
                Check::new(
                    "route",
                    Status::Warning,
                    format!(
                        "{what} is routed via {}, not {}: programs that send or join without naming {} use {}",
                        shown(via),
                        shown(asked),
                        crate::escape::name(&asked.name),
                        crate::escape::name(&via.name)
                    ),
                )
                .fix(format!(
                    "give the interface to every program (-i {}), or {ip} route add {dest}/{len} dev {}",
                    crate::escape::name(&asked.name),
                    crate::escape::name(&asked.name)
                ))
            }
            _ => Check::new(
                "route",
                Status::Ok,
                format!("{what} is routed via {}", shown(via)),
            ),
        },
    }
}

/// An integer sysctl, or the check that says why it could not be read.
fn read_or_skip(host: &dyn Host, name: &'static str, path: &[&str]) -> Result<i64, Check> {
    read_int(host, path).map_err(|e| {
        let status = if e == "not checked on this OS" {
            Status::Skipped
        } else {
            Status::Warning
        };
        Check::new(name, status, e)
    })
}

fn rp_filter_check(iface: &Iface, req: &Request<'_>, host: &dyn Host) -> Check {
    const NAME: &str = "rp_filter";
    let all_path = ["net", "ipv4", "conf", "all", "rp_filter"];
    let if_path = ["net", "ipv4", "conf", iface.name.as_str(), "rp_filter"];
    let all = match read_or_skip(host, NAME, &all_path) {
        Ok(v) => v,
        Err(c) => return c,
    };
    let own = match read_or_skip(host, NAME, &if_path) {
        Ok(v) => v,
        Err(c) => return c,
    };
    let eff = effective_rp_filter(all, own);
    let name = crate::escape::name(&iface.name);
    let values = format!("effective {eff} = max(all {all}, {name} {own})");
    let loosen = format!(
        "sysctl -w {}=2 {}=2",
        sysctl_key(&all_path),
        sysctl_key(&if_path)
    );
    if eff == 0 {
        return Check::new(
            NAME,
            Status::Ok,
            format!("reverse-path filtering is off on {name} ({values})"),
        );
    }
    let sources: Vec<IpAddr> = req
        .groups
        .iter()
        .filter_map(|g| g.source)
        .filter(IpAddr::is_ipv4)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut bad = Vec::new();
    for src in &sources {
        let back = Route::find(*src, req.table, &|d| host.route(d));
        let reason = match (&back.source, &back.iface) {
            (Err(_), _) => Some(format!("{src} (no route back to it)")),
            (Ok(_), Some(via)) if eff == 1 && via.index != iface.index => Some(format!(
                "{src} (the route back goes via {})",
                crate::escape::name(&via.name)
            )),
            _ => None,
        };
        bad.extend(reason);
    }
    let mode = if eff == 1 { "strict" } else { "loose" };
    if !bad.is_empty() {
        let first = sources
            .first()
            .map_or("SOURCE".to_string(), IpAddr::to_string);
        return Check::new(
            NAME,
            Status::Problem,
            format!(
                "{mode} reverse-path filtering on {name} ({values}) silently drops multicast from {}: tcpdump sees it, sockets do not",
                bad.join(", ")
            ),
        )
        .fix(format!("{loosen}  (or a route back: ip route add {first} dev {name})"));
    }
    if eff == 1 && sources.is_empty() {
        return Check::new(
            NAME,
            Status::Warning,
            format!(
                "strict reverse-path filtering on {name} ({values}): multicast from senders not routed back via {name} is dropped silently; give SOURCE,GROUP to check a sender"
            ),
        )
        .fix(loosen);
    }
    Check::new(
        NAME,
        Status::Ok,
        format!("{mode} reverse-path filtering on {name} ({values}) accepts the sources asked"),
    )
}

fn version_check(family: Family, iface: &Iface, req: &Request<'_>, host: &dyn Host) -> Check {
    // The newest version, the only one that carries sources.
    let (name, proto, newest_name, newest): (&'static str, _, _, i64) = match family {
        Family::V4 => ("igmp_version", "IGMP", "IGMPv3", 3),
        Family::V6 => ("mld_version", "MLD", "MLDv2", 2),
    };
    let all_path = forced_version_path(family, "all");
    let if_path = forced_version_path(family, &iface.name);
    let leaf = all_path[4];
    let all = match read_or_skip(host, name, &all_path) {
        Ok(v) => v,
        Err(c) => return c,
    };
    let own = match read_or_skip(host, name, &if_path) {
        Ok(v) => v,
        Err(c) => return c,
    };
    let forced = effective_forced_version(all, own);
    let ifname = crate::escape::name(&iface.name);
    if forced == 0 {
        return Check::new(
            name,
            Status::Ok,
            format!("{proto} version on {ifname} follows the querier ({leaf}: all {all}, {ifname} {own})"),
        );
    }
    let fix = format!(
        "sysctl -w {}=0 {}=0",
        sysctl_key(&all_path),
        sysctl_key(&if_path)
    );
    let ssm = req
        .groups
        .iter()
        .any(|g| g.source.is_some() && Family::of(g.addr) == family);
    if ssm && forced < newest {
        return Check::new(
            name,
            Status::Problem,
            format!(
                "{leaf}={forced} on {ifname} (all {all}, {ifname} {own}): source-specific joins need {newest_name}, but this host reports in {proto}v{forced}, without sources"
            ),
        )
        .fix(fix);
    }
    Check::new(
        name,
        Status::Warning,
        format!(
            "{leaf}={forced} on {ifname} (all {all}, {ifname} {own}): this host speaks only {proto}v{forced}, whatever the querier speaks; a querier or snooping switch of another version may stop forwarding"
        ),
    )
    .fix(fix)
}

fn limit_checks(req: &Request<'_>, host: &dyn Host) -> Vec<Check> {
    let mut out = Vec::new();
    let v4: BTreeSet<IpAddr> = req
        .groups
        .iter()
        .map(|g| g.addr)
        .filter(IpAddr::is_ipv4)
        .collect();
    let most_sources = |family: Family| {
        let mut per: std::collections::BTreeMap<IpAddr, usize> = Default::default();
        for g in req.groups.iter().filter(|g| Family::of(g.addr) == family) {
            if g.source.is_some() {
                *per.entry(g.addr).or_default() += 1;
            }
        }
        per.into_iter().max_by_key(|(_, n)| *n)
    };
    if !v4.is_empty() {
        let path = ["net", "ipv4", "igmp_max_memberships"];
        out.push(match read_or_skip(host, "memberships", &path) {
            Err(c) => c,
            Ok(max) if usize::try_from(max).is_ok_and(|m| m >= v4.len()) => Check::new(
                "memberships",
                Status::Ok,
                format!("one socket may join {max} IPv4 groups (igmp_max_memberships); {} asked", v4.len()),
            ),
            Ok(max) => Check::new(
                "memberships",
                Status::Warning,
                format!(
                    "one socket may join only {max} IPv4 groups (igmp_max_memberships) and {} are asked: a program joining them all on one socket fails with ENOBUFS (mcast join spreads them over sockets)",
                    v4.len()
                ),
            )
            .fix(format!("sysctl -w {}={}", sysctl_key(&path), v4.len())),
        });
    }
    for (family, leaf, name) in [
        (Family::V4, ["net", "ipv4", "igmp_max_msf"], "sources_v4"),
        (Family::V6, ["net", "ipv6", "mld_max_msf"], "sources_v6"),
    ] {
        let Some((group, n)) = most_sources(family) else {
            continue;
        };
        out.push(match read_or_skip(host, name, &leaf) {
            Err(c) => c,
            Ok(max) if usize::try_from(max).is_ok_and(|m| m >= n) => Check::new(
                name,
                Status::Ok,
                format!("one socket may name {max} sources per group ({}); at most {n} asked", leaf[2]),
            ),
            Ok(max) => Check::new(
                name,
                Status::Warning,
                format!(
                    "one socket may name only {max} sources per group ({}) and {group} has {n}: a program naming them all on one socket fails with ENOBUFS",
                    leaf[2]
                ),
            )
            .fix(format!("sysctl -w {}={n}", sysctl_key(&leaf))),
        });
    }
    out
}

fn ttl_check(groups: &[Group]) -> Check {
    let routed: BTreeSet<IpAddr> = groups
        .iter()
        .filter(|g| !g.is_link_local_scope())
        .map(|g| g.addr)
        .collect();
    if routed.is_empty() {
        return Check::new(
            "ttl",
            Status::Ok,
            "all groups are link-local: the default TTL 1 is all they can use",
        );
    }
    let first = groups
        .iter()
        .find(|g| !g.is_link_local_scope())
        .map_or_else(String::new, |g| g.socket_addr().to_string());
    Check::new(
        "ttl",
        Status::Ok,
        format!(
            "senders' default multicast TTL (hop limit) is 1: enough on this link, but {} cannot cross a router unless the sender raises it",
            if routed.len() == 1 { "the group".to_string() } else { format!("the {} groups", routed.len()) }
        ),
    )
    .fix(format!("when it must be routed: mcast send {first} --ttl 16"))
}

fn scope_check(groups: &[Group]) -> Check {
    let local: BTreeSet<IpAddr> = groups
        .iter()
        .filter(|g| g.is_link_local_scope())
        .map(|g| g.addr)
        .collect();
    if local.is_empty() {
        return Check::new(
            "scope",
            Status::Ok,
            "no group is link-local (224.0.0.0/24, ff02::/16)",
        );
    }
    let list: Vec<String> = local.iter().map(IpAddr::to_string).collect();
    Check::new(
        "scope",
        Status::Warning,
        format!(
            "{} link-local: switches flood it to every port whatever IGMP/MLD says, and routers never forward it",
            list.join(", ") + if local.len() == 1 { " is" } else { " are" }
        ),
    )
    .fix("use a group of wider scope, e.g. 239.0.0.0/8 or ff15::/16, unless a protocol fixes it")
}

fn mac_check(groups: &[Group]) -> Check {
    let shared = addresses::shared_macs(groups);
    let floods: BTreeSet<IpAddr> = groups
        .iter()
        .map(|g| g.addr)
        .filter(|a| addresses::floods_like_link_local(*a))
        .collect();
    let mut parts = Vec::new();
    for (mac, addrs) in &shared {
        let list: Vec<String> = addrs.iter().map(IpAddr::to_string).collect();
        parts.push(format!(
            "{} share Ethernet address {}",
            list.join(", "),
            addresses::mac_text(*mac)
        ));
    }
    for a in &floods {
        parts.push(format!(
            "{a} has the Ethernet address of a 224.0.0.x group, which snooping switches flood"
        ));
    }
    if parts.is_empty() {
        return Check::new(
            "mac",
            Status::Ok,
            "every group has an Ethernet address of its own",
        );
    }
    Check::new(
        "mac",
        Status::Warning,
        format!("{}: hosts joined to one receive the others' traffic too, and switches cannot tell them apart", parts.join("; ")),
    )
    .fix("choose groups that differ in the low 23 bits (IPv4) or 32 bits (IPv6), outside x.0.0.y and x.128.0.y")
}

fn firewall_checks(req: &Request<'_>, dumps: &[(&'static str, Dump)]) -> Vec<Check> {
    const NAME: &str = "firewall";
    if dumps.is_empty() {
        return vec![Check::new(NAME, Status::Skipped, "not checked on this OS")];
    }
    let ports: Vec<u16> = req
        .groups
        .iter()
        .map(|g| g.port)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut out = Vec::new();
    let mut read = Vec::new();
    let mut unread = Vec::new();
    for (tool, dump) in dumps {
        match dump {
            Dump::Missing => {}
            Dump::Failed(e) => unread.push(format!("{tool}: {}", crate::escape::controls(e))),
            Dump::Text(text) => {
                let found = if *tool == "nft" {
                    firewall::nft_findings(text, &ports)
                } else {
                    Ok(firewall::iptables_findings(text, tool, &ports))
                };
                match found {
                    Err(e) => unread.push(format!("{tool}: {e}")),
                    Ok(found) => {
                        read.push(*tool);
                        for f in found {
                            out.push(finding_check(&f));
                        }
                    }
                }
            }
        }
    }
    if !unread.is_empty() {
        let root = if unread
            .iter()
            .any(|u| u.contains("ermission") || u.contains("ot permitted"))
        {
            " (reading the ruleset needs root)"
        } else {
            ""
        };
        out.push(
            Check::new(
                NAME,
                Status::Warning,
                format!(
                    "could not read the firewall's rules{root}: {}",
                    unread.join("; ")
                ),
            )
            .fix("run mcast doctor as root (sudo) to check the firewall"),
        );
    }
    if out.is_empty() {
        let what = if ports.is_empty() {
            "IGMP or MLD".to_string()
        } else {
            let p: Vec<String> = ports.iter().map(u16::to_string).collect();
            format!("IGMP, MLD or UDP port {}", p.join(", "))
        };
        let detail = if read.is_empty() {
            "no nft or iptables-save on this host: no firewall rules to read".to_string()
        } else {
            format!("no rule drops {what} ({} read)", read.join(", "))
        };
        out.push(Check::new(NAME, Status::Ok, detail));
    }
    out
}

fn finding_check(f: &firewall::Finding) -> Check {
    let rule = crate::escape::controls(&f.rule);
    match f.traffic {
        None => Check::new("firewall", Status::Warning, rule.into_owned()).fix(f.fix.clone()),
        Some(t) => {
            let why = match t {
                firewall::Traffic::Igmp | firewall::Traffic::Mld => {
                    "joins and queries are lost, so switches and routers stop forwarding the groups"
                }
                firewall::Traffic::UdpPort(_) => "the groups' packets never reach the programs",
            };
            Check::new(
                "firewall",
                Status::Problem,
                format!("{rule} drops {t}: {why}"),
            )
            .fix(crate::escape::controls(&f.fix).into_owned())
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;

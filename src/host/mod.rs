//! What this host holds and how it is set: membership tables and the
//! per-interface IGMP/MLD settings, read through the platform layer and
//! parsed by pure functions (`procnet`). `mcast groups`, the querier's
//! unprivileged fallback and `mcast doctor` share them.

pub mod procnet;

use std::io;

use crate::platform;
use crate::platform::Family;

pub use procnet::{Filter, Membership};

/// Every membership of this host (network namespace), merged from the
/// kernel's tables; "not available on this OS" where it has none.
pub fn memberships() -> io::Result<Vec<Membership>> {
    let igmp = procnet::parse_igmp(&platform::proc_net("igmp")?);
    let igmp6 = procnet::parse_igmp6(&platform::proc_net("igmp6").unwrap_or_default());
    let mut filters = procnet::parse_mcfilter(&platform::proc_net("mcfilter").unwrap_or_default());
    filters.extend(procnet::parse_mcfilter6(
        &platform::proc_net("mcfilter6").unwrap_or_default(),
    ));
    Ok(procnet::memberships(&igmp, &igmp6, &filters))
}

/// The IGMP version the kernel speaks on each IPv4 interface now, by
/// index (`/proc/net/igmp`'s Querier column).
pub fn igmp_modes() -> io::Result<Vec<(u32, String, Option<u8>)>> {
    let igmp = procnet::parse_igmp(&platform::proc_net("igmp")?);
    Ok(igmp
        .into_iter()
        .map(|d| (d.index, d.name, d.querier))
        .collect())
}

/// The version this host forces on an interface; `None` when it forces
/// none (or the settings cannot be read).
pub fn forced_version(family: Family, iface: &str) -> Option<u8> {
    forced_version_by(family, iface, platform::sysctl_int)
}

/// [`forced_version`] over any reader of integer settings (`doctor`'s
/// checks read through their own, which tests feed).
pub fn forced_version_by(
    family: Family,
    iface: &str,
    read: impl Fn(&[&str]) -> Option<i64>,
) -> Option<u8> {
    let path = forced_version_path(family, "all");
    let all = read(&path)?;
    let own = read(&forced_version_path(family, iface))?;
    u8::try_from(effective_forced_version(all, own))
        .ok()
        .filter(|&v| v > 0)
}

/// `net.ipv4.conf.DEV.force_igmp_version` or
/// `net.ipv6.conf.DEV.force_mld_version`, as path components.
pub fn forced_version_path(family: Family, dev: &str) -> [&str; 5] {
    match family {
        Family::V4 => ["net", "ipv4", "conf", dev, "force_igmp_version"],
        Family::V6 => ["net", "ipv6", "conf", dev, "force_mld_version"],
    }
}

/// The IGMP (`force_igmp_version`) or MLD (`force_mld_version`) version
/// forced on an interface: the kernel tests `all` and the interface's
/// setting alike, version 1 before version 2 (`IGMP_V1_SEEN`,
/// `mld_in_v1_mode`); 0 means "follow the querier" (and so does IGMP's 3).
pub fn effective_forced_version(all: i64, iface: i64) -> i64 {
    if all == 1 || iface == 1 {
        1
    } else if all == 2 || iface == 2 {
        2
    } else {
        0
    }
}

/// A setting's name as `sysctl -w` takes it: dots between components,
/// or slashes when a component has a dot of its own (an interface such
/// as `eth0.100`: `net/ipv4/conf/eth0.100/rp_filter`).
pub fn sysctl_key(path: &[&str]) -> String {
    if path.iter().any(|c| c.contains('.')) {
        path.join("/")
    } else {
        path.join(".")
    }
}

/// MLD queries received on an interface since it came up
/// (`Icmp6InGroupMembQueries` of `/proc/net/dev_snmp6/IF`).
pub fn mld_queries_in(iface: &str) -> Option<u64> {
    if iface.contains('/') || iface.starts_with('.') {
        return None;
    }
    let text = platform::proc_net(&format!("dev_snmp6/{iface}")).ok()?;
    procnet::snmp6_counter(&text, "Icmp6InGroupMembQueries")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forced_versions_prefer_version_1() {
        assert_eq!(effective_forced_version(0, 0), 0);
        assert_eq!(effective_forced_version(2, 0), 2);
        assert_eq!(effective_forced_version(0, 2), 2);
        assert_eq!(effective_forced_version(2, 1), 1);
        assert_eq!(
            effective_forced_version(3, 0),
            0,
            "3 forces nothing the kernel tests"
        );
    }

    #[test]
    fn forced_versions_read_all_and_the_interface() {
        let read =
            |all: i64, own: i64| move |p: &[&str]| Some(if p[3] == "all" { all } else { own });
        assert_eq!(forced_version_by(Family::V4, "eth0", read(0, 2)), Some(2));
        assert_eq!(forced_version_by(Family::V4, "eth0", read(2, 1)), Some(1));
        assert_eq!(forced_version_by(Family::V6, "eth0", read(0, 0)), None);
        assert_eq!(forced_version_by(Family::V4, "eth0", |_| None), None);
        assert_eq!(
            forced_version_path(Family::V6, "eth0.100"),
            ["net", "ipv6", "conf", "eth0.100", "force_mld_version"]
        );
    }

    #[test]
    fn dotted_interface_names_use_slashes_for_sysctl() {
        assert_eq!(
            sysctl_key(&["net", "ipv4", "conf", "eth0.100", "rp_filter"]),
            "net/ipv4/conf/eth0.100/rp_filter"
        );
        assert_eq!(
            sysctl_key(&["net", "ipv4", "conf", "all", "rp_filter"]),
            "net.ipv4.conf.all.rp_filter"
        );
    }
}

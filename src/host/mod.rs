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

/// The version forced on an interface (`force_igmp_version` /
/// `force_mld_version`, the stricter of the interface's and `all`'s);
/// `None` when not forced or unknown.
pub fn forced_version(family: Family, iface: &str) -> Option<u8> {
    let key = match family {
        Family::V4 => "force_igmp_version",
        Family::V6 => "force_mld_version",
    };
    let one = |dev: &str| {
        platform::ip_conf(family, dev, key)
            .and_then(|v| u8::try_from(v).ok())
            .filter(|&v| v > 0)
    };
    // The kernel takes `all` first, then the interface (IGMP_V*_SEEN).
    one("all").or_else(|| one(iface))
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

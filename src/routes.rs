//! Which interface the kernel's routes pick for a destination
//! ([`platform::route_to`]: rtnetlink on Linux, which names the interface;
//! elsewhere `connect()` on a UDP socket, which sends nothing, and the
//! interface is the one holding the local address it chose, or for an
//! IPv6 link-local address, its scope).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use crate::config::{Iface, IfaceTable};
use crate::platform::{self, RouteTo};

/// Groups `mcast ifaces` and `mcast doctor` ask the routes about when no
/// group is given: organization-local IPv4 and site-local IPv6 scope.
pub const PROBE_V4: IpAddr = IpAddr::V4(Ipv4Addr::new(239, 255, 0, 1));
pub const PROBE_V6: IpAddr = IpAddr::V6(Ipv6Addr::new(0xff15, 0, 0, 0, 0, 0, 0, 1));

/// Where traffic to one destination leaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub dest: IpAddr,
    /// The local address the kernel prefers (`None`: it named none);
    /// `Err`: the kernel's refusal (no route).
    pub source: Result<Option<IpAddr>, String>,
    pub iface: Option<Iface>,
}

impl Route {
    /// The kernel's choice for `dest`, with `lookup` doing the asking
    /// ([`platform::route_to`] on the host).
    pub fn find(
        dest: IpAddr,
        table: &IfaceTable,
        lookup: &dyn Fn(IpAddr) -> std::io::Result<RouteTo>,
    ) -> Self {
        match lookup(dest) {
            Ok(rt) => Self {
                dest,
                source: Ok(rt.source),
                iface: rt
                    .ifindex
                    .and_then(|i| table.by_index(i))
                    .or_else(|| {
                        rt.source
                            .and_then(|s| iface_of(SocketAddr::new(s, 0), table))
                    })
                    .cloned(),
            },
            Err(e) => Self {
                dest,
                source: Err(match platform::errno_name(&e) {
                    Some(name) => format!("{e} ({name})"),
                    None => e.to_string(),
                }),
                iface: None,
            },
        }
    }

    /// The host's routes.
    pub fn host(dest: IpAddr, table: &IfaceTable) -> Self {
        Self::find(dest, table, &platform::route_to)
    }
}

/// The interface a local address belongs to: by scope for an IPv6
/// address that has one, else the interface holding the address.
pub fn iface_of(local: SocketAddr, table: &IfaceTable) -> Option<&Iface> {
    if let SocketAddr::V6(a) = local {
        if a.scope_id() != 0 {
            return table.by_index(a.scope_id());
        }
    }
    let ip = local.ip();
    if ip.is_unspecified() {
        return None;
    }
    table.iter().find(|i| i.has_addr(ip))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> IfaceTable {
        let mut lo = Iface::named("lo", 1);
        lo.v4 = vec![Ipv4Addr::LOCALHOST];
        let mut mc0 = Iface::named("mc0", 3);
        mc0.v4 = vec!["192.0.2.1".parse().unwrap()];
        mc0.v6 = vec!["2001:db8::1".parse().unwrap(), "fe80::1".parse().unwrap()];
        let mut mc1 = Iface::named("mc1", 4);
        mc1.v6 = vec!["fe80::1".parse().unwrap()];
        IfaceTable::from_ifaces([lo, mc0, mc1])
    }

    #[test]
    fn the_interface_holding_the_chosen_address() {
        let t = table();
        let at = |s: &str| iface_of(s.parse().unwrap(), &t).map(|i| i.name.clone());
        assert_eq!(at("192.0.2.1:4000").as_deref(), Some("mc0"));
        assert_eq!(at("127.0.0.1:4000").as_deref(), Some("lo"));
        assert_eq!(at("[2001:db8::1]:4000").as_deref(), Some("mc0"));
        // The same link-local address on two interfaces: the scope decides.
        assert_eq!(at("[fe80::1%4]:4000").as_deref(), Some("mc1"));
        assert_eq!(at("0.0.0.0:4000"), None);
        assert_eq!(at("198.51.100.1:4000"), None);
    }

    #[test]
    fn a_refused_lookup_is_no_route() {
        let t = table();
        let r = Route::find(PROBE_V4, &t, &|_| {
            Err(std::io::Error::from_raw_os_error(101))
        });
        assert!(r.source.is_err());
        assert_eq!(r.iface, None);
        let by_source = |_| {
            Ok(RouteTo {
                source: Some("192.0.2.1".parse().unwrap()),
                ifindex: None,
            })
        };
        let r = Route::find(PROBE_V4, &t, &by_source);
        assert_eq!(r.iface.map(|i| i.index), Some(3));
        // The kernel's interface wins over the source address (a route
        // `dev lo` still picks another interface's address).
        let named = |_| {
            Ok(RouteTo {
                source: Some("192.0.2.1".parse().unwrap()),
                ifindex: Some(1),
            })
        };
        let r = Route::find(PROBE_V4, &t, &named);
        assert_eq!(r.iface.map(|i| i.name), Some("lo".to_string()));
    }
}

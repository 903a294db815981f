//! Interfaces, named by the user as a name, an index or one of their addresses.

use std::collections::BTreeMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use anyhow::{Context, Result};

use crate::escape;
use crate::platform;
use crate::usage;

/// One interface as the OS reported it when the command started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Iface {
    pub name: String,
    /// Another name the OS knows it by (Windows' friendly name).
    pub alias: Option<String>,
    pub index: u32,
    pub v4: Vec<Ipv4Addr>,
    pub v6: Vec<Ipv6Addr>,
    pub up: bool,
    pub multicast: bool,
    pub loopback: bool,
}

impl Iface {
    /// The address to name this interface by for IPv4 options that only
    /// take an address (and to give sent packets a real source address).
    pub fn first_v4(&self) -> Option<Ipv4Addr> {
        self.v4.first().copied()
    }

    pub fn has_addr(&self, ip: IpAddr) -> bool {
        match ip {
            IpAddr::V4(a) => self.v4.contains(&a),
            IpAddr::V6(a) => self.v6.contains(&a),
        }
    }
}

/// `mc0 (index 3)`, for people: the name with control characters escaped
/// (an OS allows ESC and BEL in names). JSON uses `name` itself.
#[cfg(test)]
impl Iface {
    /// An up, multicast-capable interface without addresses, for tests.
    pub(crate) fn named(name: &str, index: u32) -> Self {
        Self {
            name: name.into(),
            alias: None,
            index,
            v4: vec![],
            v6: vec![],
            up: true,
            multicast: true,
            loopback: false,
        }
    }
}

impl fmt::Display for Iface {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (index {})", escape::name(&self.name), self.index)
    }
}

/// Every interface of this host (network namespace), by index.
#[derive(Debug, Clone, Default)]
pub struct IfaceTable {
    by_index: BTreeMap<u32, Iface>,
}

impl IfaceTable {
    /// Reads the interfaces from the OS.
    pub fn load() -> Result<Self> {
        let found = platform::interfaces().context("listing network interfaces")?;
        Ok(Self::from_ifaces(found.into_iter().map(|i| {
            Iface {
                v4: i
                    .addrs
                    .iter()
                    .filter_map(|a| match a {
                        IpAddr::V4(a) => Some(*a),
                        IpAddr::V6(_) => None,
                    })
                    .collect(),
                v6: i
                    .addrs
                    .iter()
                    .filter_map(|a| match a {
                        IpAddr::V6(a) => Some(*a),
                        IpAddr::V4(_) => None,
                    })
                    .collect(),
                name: i.name,
                alias: i.alias,
                index: i.index,
                up: i.up,
                multicast: i.multicast,
                loopback: i.loopback,
            }
        })))
    }

    /// For tests and for callers that already know the interfaces.
    pub fn from_ifaces(ifaces: impl IntoIterator<Item = Iface>) -> Self {
        Self {
            by_index: ifaces.into_iter().map(|i| (i.index, i)).collect(),
        }
    }

    pub fn by_index(&self, index: u32) -> Option<&Iface> {
        self.by_index.get(&index)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Iface> {
        self.by_index.values()
    }

    /// Finds the interface the user meant: a name first (names may be
    /// digits; Windows' friendly names count), then an index, then an
    /// address.
    pub fn resolve(&self, spec: &str) -> Result<Iface> {
        if let Some(i) = self.iter().find(|i| i.name == spec) {
            return Ok(i.clone());
        }
        if let Some(i) = self.iter().find(|i| i.alias.as_deref() == Some(spec)) {
            return Ok(i.clone());
        }
        if let Ok(index) = spec.parse::<u32>() {
            if let Some(i) = self.by_index(index) {
                return Ok(i.clone());
            }
        }
        let addr = spec
            .split('%')
            .next()
            .and_then(|a| a.parse::<IpAddr>().ok());
        if let Some(addr) = addr {
            if let Some(i) = self.iter().find(|i| i.has_addr(addr)) {
                return Ok(i.clone());
            }
            return Err(usage!(
                "no interface has address {addr}; interfaces here: {}",
                self.summary()
            ));
        }
        Err(usage!(
            "unknown interface '{spec}'; give a name, index or address of one of: {}",
            self.summary()
        ))
    }

    /// `lo (1), eth0 (2)`: what a user can choose from, names escaped.
    pub fn summary(&self) -> String {
        let names: Vec<String> = self
            .iter()
            .map(|i| format!("{} ({})", escape::name(&i.name), i.index))
            .collect();
        if names.is_empty() {
            "none found".to_string()
        } else {
            names.join(", ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> IfaceTable {
        IfaceTable::from_ifaces([
            Iface {
                name: "lo".into(),
                alias: None,
                index: 1,
                v4: vec![Ipv4Addr::LOCALHOST],
                v6: vec![Ipv6Addr::LOCALHOST],
                up: true,
                multicast: false,
                loopback: true,
            },
            Iface {
                name: "mc0".into(),
                alias: Some("Ethernet 2".into()),
                index: 7,
                v4: vec!["192.0.2.1".parse().unwrap()],
                v6: vec!["2001:db8::1".parse().unwrap()],
                up: true,
                multicast: true,
                loopback: false,
            },
            Iface {
                name: "1".into(),
                alias: None,
                index: 9,
                v4: vec![],
                v6: vec![],
                up: false,
                multicast: true,
                loopback: false,
            },
        ])
    }

    #[test]
    fn by_name_index_and_address() {
        let t = table();
        assert_eq!(t.resolve("mc0").unwrap().index, 7);
        assert_eq!(t.resolve("7").unwrap().name, "mc0");
        assert_eq!(t.resolve("192.0.2.1").unwrap().name, "mc0");
        assert_eq!(t.resolve("2001:db8::1").unwrap().name, "mc0");
        assert_eq!(t.resolve("Ethernet 2").unwrap().name, "mc0", "alias");
        let e = t.resolve("fe80::1%mc0").unwrap_err().to_string();
        assert!(e.starts_with("no interface has address fe80::1;"), "{e}");
    }

    #[test]
    fn names_are_shown_escaped() {
        let mut t = table();
        let bad = Iface::named("x\u{1b}[1mY\u{7}", 4);
        assert_eq!(bad.to_string(), "x\\x1b[1mY\\x07 (index 4)");
        t.by_index.insert(4, bad);
        let e = t.resolve("nosuch").unwrap_err().to_string();
        assert!(e.contains(", x\\x1b[1mY\\x07 (4), "), "{e}");
        assert!(!e.chars().any(char::is_control), "{e}");
    }

    #[test]
    fn names_win_over_indexes() {
        assert_eq!(table().resolve("1").unwrap().index, 9);
    }

    #[test]
    fn unknown_interfaces_list_the_choices() {
        let e = table().resolve("eth9").unwrap_err().to_string();
        assert_eq!(
            e,
            "unknown interface 'eth9'; give a name, index or address of one of: lo (1), mc0 (7), 1 (9)"
        );
        let e = table().resolve("198.51.100.1").unwrap_err().to_string();
        assert!(
            e.starts_with("no interface has address 198.51.100.1"),
            "{e}"
        );
        assert!(table().resolve("42").is_err());
    }
}

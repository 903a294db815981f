//! Interfaces as the OS lists them, through the getifaddrs crate, which
//! speaks getifaddrs(3) on Unix and GetAdaptersAddresses on Windows.

use std::collections::BTreeMap;
use std::io;
use std::net::IpAddr;

use getifaddrs::InterfaceFlags;

/// One interface and all its addresses. On Windows `name` is the friendly
/// name users see ("Ethernet 2") and `alias` the short one
/// (`ethernet_32769`); elsewhere there is one name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IfaceInfo {
    pub name: String,
    /// Another name users know it by: Windows' friendly name
    /// ("Ethernet 2"); `None` where the OS has one name only.
    pub alias: Option<String>,
    pub index: u32,
    pub addrs: Vec<IpAddr>,
    /// Prefix length of each of `addrs`, in the same order, where the OS
    /// gave a netmask.
    pub prefixes: Vec<Option<u8>>,
    pub up: bool,
    /// Operationally up (`IFF_RUNNING`: on Linux, carrier and lower layers up).
    pub running: bool,
    pub multicast: bool,
    pub loopback: bool,
    /// Where the OS tells it (Linux).
    pub mtu: Option<u32>,
}

/// Every interface of this host (network namespace), by index.
pub fn interfaces() -> io::Result<Vec<IfaceInfo>> {
    let mut by_index: BTreeMap<u32, IfaceInfo> = BTreeMap::new();
    for entry in getifaddrs::getifaddrs()? {
        let Some(index) = entry.index else { continue };
        let iface = by_index.entry(index).or_insert_with(|| IfaceInfo {
            name: shown_name(&entry),
            alias: alias(&entry),
            index,
            addrs: Vec::new(),
            prefixes: Vec::new(),
            up: entry.flags.contains(InterfaceFlags::UP),
            running: entry.flags.contains(InterfaceFlags::RUNNING),
            mtu: super::os::if_mtu(&entry.name),
            multicast: entry.flags.contains(InterfaceFlags::MULTICAST),
            loopback: entry.flags.contains(InterfaceFlags::LOOPBACK),
        });
        if let Some(a) = entry.address.ip_addr() {
            if !iface.addrs.contains(&a) {
                iface.addrs.push(a);
                iface.prefixes.push(entry.address.netmask().map(prefix_len));
            }
        }
    }
    Ok(by_index.into_values().collect())
}

/// The number of leading one bits of a netmask.
fn prefix_len(mask: IpAddr) -> u8 {
    let ones = match mask {
        IpAddr::V4(m) => u32::from(m).leading_ones(),
        IpAddr::V6(m) => u128::from(m).leading_ones(),
    };
    u8::try_from(ones).unwrap_or(u8::MAX)
}

#[cfg(windows)]
fn shown_name(entry: &getifaddrs::Interface) -> String {
    if entry.description.is_empty() {
        entry.name.clone()
    } else {
        entry.description.clone()
    }
}

#[cfg(windows)]
fn alias(entry: &getifaddrs::Interface) -> Option<String> {
    (shown_name(entry) != entry.name).then(|| entry.name.clone())
}

#[cfg(not(windows))]
fn shown_name(entry: &getifaddrs::Interface) -> String {
    entry.name.clone()
}

#[cfg(not(windows))]
fn alias(_: &getifaddrs::Interface) -> Option<String> {
    None
}

/// Which interface, by index, a name refers to now (after a flap the
/// index can change).
pub fn if_index(name: &str) -> Option<u32> {
    if cfg!(windows) {
        let all = interfaces().ok()?;
        let found = all
            .iter()
            .find(|i| i.name == name || i.alias.as_deref() == Some(name));
        return found.map(|i| i.index);
    }
    getifaddrs::if_nametoindex(name).ok()
}

/// Whether the interface is administratively and operationally up.
pub fn if_is_up(name: &str) -> bool {
    getifaddrs::getifaddrs().is_ok_and(|mut all| {
        all.any(|i| {
            (shown_name(&i) == name || i.name == name)
                && i.flags.contains(InterfaceFlags::UP)
                && i.flags.contains(InterfaceFlags::RUNNING)
        })
    })
}

/// An interface's current name, for indexes that appeared after start.
pub fn if_name(index: u32) -> Option<String> {
    if cfg!(windows) {
        let all = interfaces().ok()?;
        return all.into_iter().find(|i| i.index == index).map(|i| i.name);
    }
    getifaddrs::if_indextoname(index).ok()
}

#[cfg(test)]
mod tests {
    use super::prefix_len;

    #[test]
    fn prefix_lengths_count_the_mask_bits() {
        assert_eq!(prefix_len("255.255.255.0".parse().unwrap()), 24);
        assert_eq!(prefix_len("255.255.255.255".parse().unwrap()), 32);
        assert_eq!(prefix_len("0.0.0.0".parse().unwrap()), 0);
        assert_eq!(prefix_len("ffff:ffff:ffff:ffff::".parse().unwrap()), 64);
        assert_eq!(
            prefix_len("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff".parse().unwrap()),
            128
        );
    }
}

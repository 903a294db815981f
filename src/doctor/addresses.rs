//! What a group's address alone says: link-local scope (flooded, never
//! routed) and the Ethernet address it shares with other groups.

use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::config::Group;

/// The Ethernet multicast address a group is sent to: `01:00:5e` and the
/// low 23 bits of an IPv4 group (so 32 groups share each), `33:33` and
/// the low 32 bits of an IPv6 group.
pub fn mac_of(addr: IpAddr) -> [u8; 6] {
    match addr {
        IpAddr::V4(a) => {
            let o = a.octets();
            [0x01, 0x00, 0x5e, o[1] & 0x7f, o[2], o[3]]
        }
        IpAddr::V6(a) => {
            let o = a.octets();
            [0x33, 0x33, o[12], o[13], o[14], o[15]]
        }
    }
}

pub fn mac_text(mac: [u8; 6]) -> String {
    let parts: Vec<String> = mac.iter().map(|b| format!("{b:02x}")).collect();
    parts.join(":")
}

/// IPv4 groups outside 224.0.0.0/24 whose Ethernet address is that of a
/// group inside it (x.0.0.y and x.128.0.y): snooping switches flood them
/// to every port as they flood 224.0.0.y.
pub fn floods_like_link_local(addr: IpAddr) -> bool {
    match addr {
        IpAddr::V4(a) => {
            let o = a.octets();
            o[..3] != [224, 0, 0] && o[1] & 0x7f == 0 && o[2] == 0
        }
        IpAddr::V6(_) => false,
    }
}

/// Distinct group addresses that share an Ethernet address, by address:
/// only sets of two or more.
pub fn shared_macs(groups: &[Group]) -> Vec<([u8; 6], Vec<IpAddr>)> {
    let mut by_mac: BTreeMap<[u8; 6], Vec<IpAddr>> = BTreeMap::new();
    for g in groups {
        let list = by_mac.entry(mac_of(g.addr)).or_default();
        if !list.contains(&g.addr) {
            list.push(g.addr);
        }
    }
    by_mac.into_iter().filter(|(_, v)| v.len() > 1).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse_groups;

    fn groups(list: &[&str]) -> Vec<Group> {
        list.iter()
            .flat_map(|g| parse_groups(g, 5000).unwrap())
            .collect()
    }

    #[test]
    fn ipv4_keeps_the_low_23_bits() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(mac_text(mac_of(ip("239.1.1.1"))), "01:00:5e:01:01:01");
        assert_eq!(mac_of(ip("239.129.1.1")), mac_of(ip("224.1.1.1")));
        assert_eq!(mac_text(mac_of(ip("239.255.255.255"))), "01:00:5e:7f:ff:ff");
        assert_eq!(mac_text(mac_of(ip("ff15::1:2:3:4"))), "33:33:00:03:00:04");
    }

    #[test]
    fn thirty_two_ipv4_groups_share_one_mac() {
        let all: Vec<String> = (0..16u8)
            .flat_map(|hi| {
                [
                    format!("{}.1.2.3", 224 + hi),
                    format!("{}.129.2.3", 224 + hi),
                ]
            })
            .collect();
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        let shared = shared_macs(&groups(&refs));
        assert_eq!(shared.len(), 1);
        assert_eq!(shared[0].1.len(), 32);
    }

    #[test]
    fn a_group_named_twice_shares_with_nobody() {
        assert!(shared_macs(&groups(&["239.1.1.1:5000", "239.1.1.1:6000"])).is_empty());
        let v6 = shared_macs(&groups(&[
            "[ff15::1]:5000",
            "[ff05::1]:5000",
            "[ff15::2]:5000",
        ]));
        assert_eq!(v6.len(), 1);
        assert_eq!(v6[0].1.len(), 2);
    }

    #[test]
    fn groups_flooded_like_224_0_0_x() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(floods_like_link_local(ip("239.0.0.1")));
        assert!(floods_like_link_local(ip("239.128.0.251")));
        assert!(
            !floods_like_link_local(ip("224.0.0.251")),
            "is link-local itself"
        );
        assert!(!floods_like_link_local(ip("239.0.1.1")));
        assert!(!floods_like_link_local(ip("ff02::1")));
    }
}

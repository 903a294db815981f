//! `mcast sap`: where to listen for announcements, for how long, and
//! whether to receive what they announce.

use std::net::IpAddr;
use std::time::Duration;

use anyhow::Result;

use super::duration::check_optional_duration;
use super::receive::media;
use super::{Group, Iface, IfaceTable};
use crate::analysis::media::MediaOptions;
use crate::cli;
use crate::media::sap::{group_v6, GROUP_V4, PORT};

/// The IPv4 administratively scoped SAP group (RFC 2974: the highest
/// address of 239.255.0.0/16), where AES67 devices announce.
pub const GROUP_V4_ADMIN: std::net::Ipv4Addr = std::net::Ipv4Addr::new(239, 255, 255, 255);

#[derive(Debug, Clone)]
pub struct SapConfig {
    /// The SAP groups to join, on port 9875.
    pub groups: Vec<Group>,
    pub iface: Option<Iface>,
    pub ifaces: IfaceTable,
    pub timeout: Option<Duration>,
    pub json: bool,
    pub join: bool,
    pub media: MediaOptions,
}

pub fn sap(args: &cli::SapArgs) -> Result<SapConfig> {
    let ifaces = IfaceTable::load()?;
    let iface = super::iface(args.iface.as_deref(), &ifaces)?;
    Ok(SapConfig {
        groups: sap_groups(iface.as_ref()),
        iface,
        ifaces,
        timeout: check_optional_duration("--timeout", args.timeout)?,
        json: args.json,
        join: args.join,
        media: media(&args.media)?,
    })
}

/// IPv4's global and administrative groups when the interface has an IPv4
/// address (or none is given); with an interface that has IPv6, the
/// link-local, site-local and global IPv6 groups too (IPv6 joins need an
/// interface to be meaningful).
pub fn sap_groups(iface: Option<&Iface>) -> Vec<Group> {
    let mut addrs: Vec<IpAddr> = Vec::new();
    if iface.is_none_or(|i| !i.v4.is_empty()) {
        addrs.extend([IpAddr::V4(GROUP_V4), IpAddr::V4(GROUP_V4_ADMIN)]);
    }
    if iface.is_some_and(|i| !i.v6.is_empty()) {
        addrs.extend([2u8, 5, 0xe].map(|scope| IpAddr::V6(group_v6(scope))));
    }
    addrs
        .into_iter()
        .map(|addr| Group {
            addr,
            port: PORT,
            source: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iface(v4: bool, v6: bool) -> Iface {
        Iface {
            name: "mc1".to_string(),
            alias: None,
            index: 2,
            v4: if v4 {
                vec!["192.0.2.2".parse().unwrap()]
            } else {
                vec![]
            },
            v6: if v6 {
                vec!["2001:db8::2".parse().unwrap()]
            } else {
                vec![]
            },
            up: true,
            multicast: true,
            loopback: false,
        }
    }

    #[test]
    fn groups_by_interface() {
        let shown = |g: Vec<Group>| g.iter().map(|g| g.addr.to_string()).collect::<Vec<_>>();
        assert_eq!(
            shown(sap_groups(None)),
            ["224.2.127.254", "239.255.255.255"]
        );
        assert_eq!(
            shown(sap_groups(Some(&iface(true, true)))),
            [
                "224.2.127.254",
                "239.255.255.255",
                "ff02::2:7ffe",
                "ff05::2:7ffe",
                "ff0e::2:7ffe"
            ]
        );
        assert_eq!(
            shown(sap_groups(Some(&iface(false, true)))),
            ["ff02::2:7ffe", "ff05::2:7ffe", "ff0e::2:7ffe"]
        );
        assert!(sap_groups(None).iter().all(|g| g.port == 9875));
    }
}

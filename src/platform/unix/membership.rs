//! Memberships with the protocol-independent API of RFC 3678
//! (`MCAST_JOIN_GROUP`, `MCAST_JOIN_SOURCE_GROUP`), which takes an
//! interface index for both families and a source for SSM: the same calls
//! on Linux, FreeBSD and macOS (the only way to join IPv4 by index on
//! macOS, which ignores the index of an `ip_mreqn`; libc's `group_req`
//! carries macOS's 4-byte packing, checked in `bsd/`).

use std::io;
use std::net::IpAddr;

use socket2::Socket;
use tracing::debug;

use super::{level, setsockopt_struct, storage};
use crate::platform::Family;

/// The call [`join`] makes, for messages and records.
pub fn join_call(_family: Family, ssm: bool) -> &'static str {
    if ssm {
        "MCAST_JOIN_SOURCE_GROUP"
    } else {
        "MCAST_JOIN_GROUP"
    }
}

/// Joins or leaves with the protocol-independent API (RFC 3678), which
/// takes an interface index for both families and a source for SSM.
fn membership(
    sock: &Socket,
    group: IpAddr,
    source: Option<IpAddr>,
    ifindex: u32,
    join: bool,
) -> io::Result<()> {
    let lvl = level(Family::of(group));
    let (name, label) = match (source.is_some(), join) {
        (false, true) => (libc::MCAST_JOIN_GROUP, "MCAST_JOIN_GROUP"),
        (false, false) => (libc::MCAST_LEAVE_GROUP, "MCAST_LEAVE_GROUP"),
        (true, true) => (libc::MCAST_JOIN_SOURCE_GROUP, "MCAST_JOIN_SOURCE_GROUP"),
        (true, false) => (libc::MCAST_LEAVE_SOURCE_GROUP, "MCAST_LEAVE_SOURCE_GROUP"),
    };
    let rc = match source {
        None => {
            let req = libc::group_req {
                gr_interface: ifindex,
                gr_group: storage(group),
            };
            setsockopt_struct(sock, lvl, name, &req)
        }
        Some(src) => {
            let req = libc::group_source_req {
                gsr_interface: ifindex,
                gsr_group: storage(group),
                gsr_source: storage(src),
            };
            setsockopt_struct(sock, lvl, name, &req)
        }
    };
    match source {
        Some(s) => debug!("setsockopt {label} group {group} source {s} ifindex {ifindex}"),
        None => debug!("setsockopt {label} group {group} ifindex {ifindex}"),
    }
    rc
}

/// Joins `group` (from `source` only, when given) on interface `ifindex`;
/// index 0 lets the kernel choose by its routes.
pub fn join(sock: &Socket, group: IpAddr, source: Option<IpAddr>, ifindex: u32) -> io::Result<()> {
    membership(sock, group, source, ifindex, true)
}

pub fn leave(sock: &Socket, group: IpAddr, source: Option<IpAddr>, ifindex: u32) -> io::Result<()> {
    membership(sock, group, source, ifindex, false)
}

/// How an IPv4 outgoing interface is given by index to `IP_MULTICAST_IF`
/// (what `mcast sockopt` sets): Linux, FreeBSD and macOS all take an
/// `ip_mreqn` there, telling it from an `in_addr` by its length.
pub const IFACE_INDEX_V4_FORM: &str = "ip_mreqn";

/// `IP_MULTICAST_IF`'s value naming an interface by index:
/// `struct ip_mreqn { in_addr multiaddr; in_addr address; int ifindex; }`.
pub fn encode_iface_index_v4(ifindex: u32) -> Vec<u8> {
    let mut b = vec![0u8; 8];
    b.extend_from_slice(&ifindex.to_ne_bytes());
    b
}

//! Linux: the calls socket2 does not make for us. What Linux shares with
//! the BSDs (option calls, poll, batched I/O) is in `../unix/`.
#![allow(unsafe_code)]

mod options;
mod raw;
mod route;
mod waiter;

pub use super::unix::{
    catch_hangup, encode_iface_index_v4, errno, errno_name, getsockopt_raw, join, join_call, leave,
    open_files_limit, raw_stdout, recv_into, send_from, setsockopt_raw, shell_command, take_hangup,
    RecvState, SendState, IFACE_INDEX_V4_FORM,
};
pub use options::SOCKOPT_TABLE;
pub use raw::{open_igmp_raw, open_mld_raw, open_report_tap, recv_raw, recv_tap};
pub use route::{parse_reply as parse_route_reply, route_to};
pub use waiter::Waiter;

use std::io;

use socket2::Socket;
use tracing::debug;

use super::cmsg::{self, Layout};
use super::unix::{level, set_int, setsockopt_struct};
use super::{Family, Wanted};

/// How control data is laid out here.
pub(super) const CMSG_LAYOUT: Layout = cmsg::LINUX;

// The layout's literal numbers are this kernel's.
const _: () = {
    assert!(libc::IPPROTO_IP == 0 && libc::IPPROTO_IPV6 == 41 && libc::SOL_SOCKET == 1);
    assert!(libc::IP_PKTINFO == 8 && libc::IP_TTL == 2);
    assert!(libc::IPV6_PKTINFO == 50 && libc::IPV6_HOPLIMIT == 52);
    assert!(libc::SCM_TIMESTAMPNS == 35 && libc::SO_RXQ_OVFL == 40);
    assert!(std::mem::size_of::<libc::cmsghdr>() == 16);
};

/// Lets several listeners bind the same port. Linux needs only
/// `SO_REUSEADDR` for that, and `SO_REUSEPORT` would be wrong: measured on
/// 6.18, a reuseport group hands each datagram to *one* member chosen by
/// flow hash, ignoring which groups it joined, so listeners on different
/// groups steal each other's packets. (The BSDs need `SO_REUSEPORT`.)
pub fn share_port(sock: &Socket) -> io::Result<()> {
    sock.set_reuse_address(true)?;
    debug!("setsockopt SO_REUSEADDR = 1");
    Ok(())
}

/// `IP_MULTICAST_ALL` / `IPV6_MULTICAST_ALL`: Linux delivers groups joined
/// by *other* sockets to any socket bound to the wildcard address unless
/// this is off.
pub fn set_multicast_all(sock: &Socket, family: Family, on: bool) -> io::Result<()> {
    match family {
        Family::V4 => sock.set_multicast_all_v4(on)?,
        Family::V6 => sock.set_multicast_all_v6(on)?,
    }
    debug!(
        "setsockopt {} = {}",
        match family {
            Family::V4 => "IP_MULTICAST_ALL",
            Family::V6 => "IPV6_MULTICAST_ALL",
        },
        on as i32
    );
    Ok(())
}

/// Whether an IPv4 socket bound to a group address, holding memberships
/// of that group only, all on one interface, receives exactly that group
/// from that interface. True on Linux with `IP_MULTICAST_ALL` off: the
/// bound address filters the destination and the membership check
/// (`ip_mc_sf_allow`) the arrival interface. Such a socket needs no
/// `IP_PKTINFO`, whose control message and the route lookup the kernel
/// makes to fill it are a tenth of the cost of receiving a small datagram.
/// (IPv6 matches memberships by group only, so it always needs packet info.)
pub const BIND_GROUP_FIXES_DEST: bool = true;

/// Asks for what `wanted` says with every packet, and always for the
/// socket's drop counter (a control message only once drops happened).
pub fn enable_packet_info(sock: &Socket, family: Family, wanted: Wanted) -> io::Result<()> {
    let (info, info_name, ttl, ttl_name) = match family {
        Family::V4 => (
            libc::IP_PKTINFO,
            "IP_PKTINFO",
            libc::IP_RECVTTL,
            "IP_RECVTTL",
        ),
        Family::V6 => (
            libc::IPV6_RECVPKTINFO,
            "IPV6_RECVPKTINFO",
            libc::IPV6_RECVHOPLIMIT,
            "IPV6_RECVHOPLIMIT",
        ),
    };
    let lvl = level(family);
    if wanted.dest_and_iface {
        set_int(sock, lvl, info, info_name, 1)?;
    }
    if wanted.ttl {
        set_int(sock, lvl, ttl, ttl_name, 1)?;
    }
    if wanted.kernel_time {
        set_int(
            sock,
            libc::SOL_SOCKET,
            libc::SO_TIMESTAMPNS,
            "SO_TIMESTAMPNS",
            1,
        )?;
    }
    set_int(sock, libc::SOL_SOCKET, libc::SO_RXQ_OVFL, "SO_RXQ_OVFL", 1)?;
    Ok(())
}

/// Outgoing interface. IPv4 prefers the interface's address, because
/// setting it by index on `lo` makes Linux send from 0.0.0.0; an interface
/// without an IPv4 address is set by index (`ip_mreqn`).
pub fn set_multicast_iface(
    sock: &Socket,
    family: Family,
    ifindex: u32,
    v4_addr: Option<std::net::Ipv4Addr>,
) -> io::Result<()> {
    match (family, v4_addr) {
        (Family::V4, Some(addr)) => {
            sock.set_multicast_if_v4(&addr)?;
            debug!("setsockopt IP_MULTICAST_IF = {addr}");
        }
        (Family::V4, None) => {
            let req = libc::ip_mreqn {
                imr_multiaddr: libc::in_addr { s_addr: 0 },
                imr_address: libc::in_addr { s_addr: 0 },
                imr_ifindex: ifindex as libc::c_int,
            };
            setsockopt_struct(sock, libc::IPPROTO_IP, libc::IP_MULTICAST_IF, &req)?;
            debug!("setsockopt IP_MULTICAST_IF = ifindex {ifindex} (ip_mreqn)");
        }
        (Family::V6, _) => {
            sock.set_multicast_if_v6(ifindex)?;
            debug!("setsockopt IPV6_MULTICAST_IF = {ifindex}");
        }
    }
    Ok(())
}

/// Asks for a receive buffer of `bytes`; returns what the kernel granted.
/// `SO_RCVBUFFORCE` (root or CAP_NET_ADMIN) may exceed `net.core.rmem_max`;
/// otherwise `SO_RCVBUF` is capped by it. Linux reports double the request,
/// counting its own bookkeeping.
pub fn set_recv_buffer(sock: &Socket, bytes: usize) -> io::Result<usize> {
    let v = i32::try_from(bytes).unwrap_or(i32::MAX);
    match set_int(
        sock,
        libc::SOL_SOCKET,
        libc::SO_RCVBUFFORCE,
        "SO_RCVBUFFORCE",
        v,
    ) {
        Ok(()) => {}
        Err(e) if e.raw_os_error() == Some(libc::EPERM) => {
            sock.set_recv_buffer_size(bytes)?;
            debug!("setsockopt SO_RCVBUF = {bytes}");
        }
        Err(e) => return Err(e),
    }
    sock.recv_buffer_size()
}

/// Packets the kernel dropped on this socket because its queue was full,
/// read without needing a packet to carry `SO_RXQ_OVFL` (`SO_MEMINFO`).
pub fn socket_drops(sock: &Socket) -> Option<u64> {
    // SK_MEMINFO_VARS is 9 on current kernels; room for growth costs nothing.
    let mut buf = [0u8; 4 * 16];
    let n = getsockopt_raw(sock, libc::SOL_SOCKET, libc::SO_MEMINFO, &mut buf).ok()?;
    let at = 4 * libc::SK_MEMINFO_DROPS as usize;
    if n < at + 4 {
        return None;
    }
    Some(u32::from_ne_bytes(buf[at..at + 4].try_into().ok()?) as u64)
}

/// How many IPv4 groups one socket may join (`net.ipv4.igmp_max_memberships`).
pub fn max_memberships_v4() -> usize {
    positive(super::sysctl_int(&["net", "ipv4", "igmp_max_memberships"])).unwrap_or(20)
}

/// How many sources one socket may name per IPv4 group (`net.ipv4.igmp_max_msf`).
pub fn max_sources_v4() -> usize {
    positive(super::sysctl_int(&["net", "ipv4", "igmp_max_msf"])).unwrap_or(10)
}

fn positive(v: Option<i64>) -> Option<usize> {
    v.and_then(|v| usize::try_from(v).ok())
}

/// What to raise when a join hits the per-socket membership limit.
pub(super) const MEMBERSHIP_LIMIT_HINT: &str =
    " (the kernel's membership limit: raise net.ipv4.igmp_max_memberships)";

/// A file of `/proc/net` (`igmp`, `mcfilter6`, `dev_snmp6/eth0`) as text.
pub fn proc_net(name: &str) -> io::Result<String> {
    std::fs::read_to_string(format!("/proc/net/{name}"))
}

/// The interface's MTU (`SIOCGIFMTU`), asked of the kernel on a socket, so
/// it is this network namespace's value whatever /sys shows.
pub fn if_mtu(name: &str) -> Option<u32> {
    let bytes = name.as_bytes();
    if bytes.is_empty() || bytes.len() >= libc::IFNAMSIZ || bytes.contains(&0) {
        return None;
    }
    let sock = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::DGRAM, None).ok()?;
    // SAFETY: `ifreq` is plain data; all zeroes is a valid value.
    let mut req: libc::ifreq = unsafe { std::mem::zeroed() };
    for (dst, src) in req.ifr_name.iter_mut().zip(bytes) {
        *dst = *src as libc::c_char;
    }
    use std::os::fd::AsRawFd;
    // SAFETY: SIOCGIFMTU reads the NUL-terminated name in `req` (zeroed
    // past the name, which is shorter than IFNAMSIZ) and writes only
    // `ifr_ifru.ifru_mtu` inside it.
    let rc = unsafe { libc::ioctl(sock.as_raw_fd(), libc::SIOCGIFMTU as _, &mut req) };
    if rc != 0 {
        return None;
    }
    // SAFETY: a successful SIOCGIFMTU filled in the `ifru_mtu` member.
    let mtu = unsafe { req.ifr_ifru.ifru_mtu };
    u32::try_from(mtu).ok()
}

/// A kernel setting of this network namespace as the text of its file
/// under `/proc/sys`, by path components (see `platform/sysctl.rs`).
pub fn sysctl_text(path: &[&str]) -> io::Result<String> {
    if path.is_empty()
        || path
            .iter()
            .any(|c| c.is_empty() || c.contains('/') || *c == "..")
    {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a sysctl path",
        ));
    }
    std::fs::read_to_string(format!("/proc/sys/{}", path.join("/")))
}

/// Long runs (`monitor` with `--metrics`) build a snapshot of a few hundred
/// KB every interval. glibc's dynamic mmap threshold rises after the first
/// such block is freed and then serves them from the heap, where they
/// fragment it: RSS crept by 12 MB in 10 minutes at 1,000 groups while the
/// live heap stayed flat (valgrind massif). A fixed threshold keeps large
/// blocks mmap'd and returned to the kernel when freed.
pub fn steady_allocator() {
    #[cfg(target_env = "gnu")]
    // SAFETY: mallopt only sets a malloc parameter; any value is accepted
    // or refused with 0, which leaves the default (still correct).
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

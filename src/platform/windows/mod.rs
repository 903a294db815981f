//! Windows: Winsock through socket2 where it suffices, windows-sys where it
//! stops (source-specific and index joins, packet info, `WSARecvMsg`,
//! `WSAPoll`, raw option calls). Written to Microsoft's documentation;
//! Wine (used to test it on Linux) lacks some of what is documented: the
//! `0.0.0.idx` interface form, the `MCAST_*` options, and it passes
//! `IP_MREQ_SOURCE` to Linux unreordered.
//!
//! What differs from the Unix modules:
//! - a socket cannot be bound to a multicast address, so every receiver is
//!   bound to the wildcard address and learns the destination from packet
//!   info ([`BIND_GROUP_FIXES_DEST`] is false);
//! - no `recvmmsg`/`sendmmsg`, no `MSG_DONTWAIT`, no kernel timestamps, no
//!   drop counter: `datagrams.rs` reads one datagram per `WSARecvMsg` and
//!   asks `WSAPoll` whether another is queued;
//! - an IPv4 interface is named by its address, or by its index written
//!   as the address `0.0.0.idx` (network byte order), as `IP_MREQ` and
//!   `IP_MULTICAST_IF` document.
#![allow(unsafe_code)]

mod datagrams;
mod options;

pub use super::elsewhere::{
    if_mtu, open_igmp_raw, open_mld_raw, open_report_tap, proc_net, recv_raw, recv_tap, route_to,
};
pub use datagrams::{recv_into, send_from, RecvState, SendState, Waiter};
pub use options::SOCKOPT_TABLE;

use std::io;
use std::mem::{offset_of, size_of};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV6};
use std::os::windows::io::AsRawSocket;

use socket2::{SockAddr, Socket};
use tracing::debug;
use windows_sys::Win32::Networking::WinSock as ws;

use super::cmsg::{self, Layout};
use super::{Errno, Family, Wanted};

/// How control data is laid out here.
pub(super) const CMSG_LAYOUT: Layout = cmsg::WINDOWS;

// The layout's literal numbers and shapes are Winsock's.
const _: () = {
    assert!(ws::IPPROTO_IP == 0 && ws::IPPROTO_IPV6 == 41 && ws::SOL_SOCKET == 0xffff);
    assert!(ws::IP_PKTINFO == 19 && ws::IP_TTL == 4 && ws::IP_RECVTTL == 21);
    assert!(ws::IPV6_PKTINFO == 19 && ws::IPV6_HOPLIMIT == 21);
    // WSACMSGHDR: a SIZE_T length, then level and type.
    assert!(size_of::<ws::CMSGHDR>() == 16);
    // IN_PKTINFO: the address first, then the index.
    assert!(offset_of!(ws::IN_PKTINFO, ipi_addr) == 0);
    assert!(offset_of!(ws::IN_PKTINFO, ipi_ifindex) == 4);
    // IN6_PKTINFO: the address, then the index.
    assert!(offset_of!(ws::IN6_PKTINFO, ipi6_ifindex) == 16);
};

fn raw(sock: &Socket) -> ws::SOCKET {
    sock.as_raw_socket() as ws::SOCKET
}

/// The last Winsock error of this thread.
fn last_error() -> io::Error {
    // SAFETY: WSAGetLastError only reads thread-local state.
    io::Error::from_raw_os_error(unsafe { ws::WSAGetLastError() })
}

fn level(family: Family) -> i32 {
    match family {
        Family::V4 => ws::IPPROTO_IP,
        Family::V6 => ws::IPPROTO_IPV6,
    }
}

/// `setsockopt` with the value as bytes: the option catalogue knows each
/// option's width and encoding, this only passes them through.
pub fn setsockopt_raw(sock: &Socket, level: i32, name: i32, value: &[u8]) -> io::Result<()> {
    let len =
        i32::try_from(value.len()).map_err(|_| io::Error::from_raw_os_error(ws::WSAEINVAL))?;
    // SAFETY: `value` is a live buffer of `len` bytes; Winsock copies it.
    let rc = unsafe { ws::setsockopt(raw(sock), level, name, value.as_ptr(), len) };
    if rc == 0 {
        Ok(())
    } else {
        Err(last_error())
    }
}

/// `getsockopt` into `buf`; returns how many bytes Winsock wrote.
pub fn getsockopt_raw(sock: &Socket, level: i32, name: i32, buf: &mut [u8]) -> io::Result<usize> {
    let mut len =
        i32::try_from(buf.len()).map_err(|_| io::Error::from_raw_os_error(ws::WSAEINVAL))?;
    // SAFETY: `buf` is writable for `len` bytes, and `len` is updated to
    // what was written, never more than it was given.
    let rc = unsafe { ws::getsockopt(raw(sock), level, name, buf.as_mut_ptr(), &mut len) };
    if rc == 0 {
        Ok(usize::try_from(len).unwrap_or(0).min(buf.len()))
    } else {
        Err(last_error())
    }
}

/// `setsockopt` with a plain C struct.
fn setsockopt_struct<T>(sock: &Socket, level: i32, name: i32, value: &T) -> io::Result<()> {
    // SAFETY: `value` is a plain C struct of `size_of::<T>()` bytes.
    let rc = unsafe {
        ws::setsockopt(
            raw(sock),
            level,
            name,
            (value as *const T).cast::<u8>(),
            size_of::<T>() as i32,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(last_error())
    }
}

/// Sets a DWORD option, logging it for `-vv`.
fn set_dword(sock: &Socket, level: i32, name: i32, label: &str, v: u32) -> io::Result<()> {
    setsockopt_raw(sock, level, name, &v.to_ne_bytes())?;
    debug!("setsockopt {label} = {v}");
    Ok(())
}

/// Lets several listeners bind the same port (`SO_REUSEADDR`). Each socket
/// bound to the port receives its own copy of a multicast datagram for the
/// groups it joined. (`SO_EXCLUSIVEADDRUSE` would forbid sharing.)
pub fn share_port(sock: &Socket) -> io::Result<()> {
    sock.set_reuse_address(true)?;
    debug!("setsockopt SO_REUSEADDR = 1");
    Ok(())
}

/// Does nothing: Windows has no `IP_MULTICAST_ALL`. A Windows socket
/// receives only the groups joined on it (memberships are per socket, and
/// the stack delivers a multicast datagram to the sockets that joined its
/// group), which is what mcast turns the option off for on Linux.
pub fn set_multicast_all(_sock: &Socket, _family: Family, _on: bool) -> io::Result<()> {
    Ok(())
}

/// False: Windows cannot bind a socket to a multicast address
/// (`WSAEADDRNOTAVAIL`), so receivers bind the wildcard address and take
/// the destination from packet info.
pub const BIND_GROUP_FIXES_DEST: bool = false;

/// Asks for what `wanted` says with every packet, through `WSARecvMsg`:
/// `IP_PKTINFO` / `IPV6_PKTINFO` for the destination and interface,
/// `IP_RECVTTL` / `IPV6_HOPLIMIT` for the TTL. Windows has no kernel
/// receive timestamps (`kernel_time` is ignored; the caller then uses its
/// own clock) and no per-socket drop counter. A refused `IP_RECVTTL`
/// (before Windows 10, and on Wine) only costs the TTL column.
pub fn enable_packet_info(sock: &Socket, family: Family, wanted: Wanted) -> io::Result<()> {
    let (info, info_name, ttl, ttl_name) = match family {
        Family::V4 => (ws::IP_PKTINFO, "IP_PKTINFO", ws::IP_RECVTTL, "IP_RECVTTL"),
        Family::V6 => (
            ws::IPV6_PKTINFO,
            "IPV6_PKTINFO",
            ws::IPV6_HOPLIMIT,
            "IPV6_HOPLIMIT",
        ),
    };
    let lvl = level(family);
    if wanted.dest_and_iface {
        set_dword(sock, lvl, info, info_name, 1)?;
    }
    if wanted.ttl {
        if let Err(e) = set_dword(sock, lvl, ttl, ttl_name, 1) {
            debug!(
                "setsockopt {ttl_name} = 1 refused ({}): no TTL per packet",
                errno_name(&e).unwrap_or_else(|| e.to_string())
            );
        }
    }
    Ok(())
}

/// The call [`join`] makes, for messages and records.
pub fn join_call(family: Family, ssm: bool) -> &'static str {
    match (family, ssm) {
        (Family::V4, false) => "IP_ADD_MEMBERSHIP",
        (Family::V4, true) => "IP_ADD_SOURCE_MEMBERSHIP",
        (Family::V6, false) => "IPV6_ADD_MEMBERSHIP",
        (Family::V6, true) => "MCAST_JOIN_SOURCE_GROUP",
    }
}

/// An IPv4 address in Winsock's `IN_ADDR` (network byte order in memory).
fn in_addr(a: Ipv4Addr) -> ws::IN_ADDR {
    ws::IN_ADDR {
        S_un: ws::IN_ADDR_0 {
            S_addr: u32::from_ne_bytes(a.octets()),
        },
    }
}

fn in6_addr(a: Ipv6Addr) -> ws::IN6_ADDR {
    ws::IN6_ADDR {
        u: ws::IN6_ADDR_0 { Byte: a.octets() },
    }
}

/// An address as Winsock's `SOCKADDR_STORAGE`, for `GROUP_REQ`.
fn storage(ip: IpAddr) -> ws::SOCKADDR_STORAGE {
    let addr = SockAddr::from(SocketAddr::new(ip, 0));
    let mut out = ws::SOCKADDR_STORAGE::default();
    let len = usize::try_from(addr.len())
        .unwrap_or(0)
        .min(size_of::<ws::SOCKADDR_STORAGE>());
    // SAFETY: SockAddr holds at most a SOCKADDR_STORAGE; we copy its `len`
    // initialised bytes into a zeroed one.
    unsafe {
        std::ptr::copy_nonoverlapping(
            addr.as_ptr().cast::<u8>(),
            (&mut out as *mut ws::SOCKADDR_STORAGE).cast::<u8>(),
            len,
        );
    }
    out
}

/// The sender's address from a `SOCKADDR_STORAGE` Winsock filled in.
fn socket_addr(ss: &ws::SOCKADDR_STORAGE) -> SocketAddr {
    match ss.ss_family {
        ws::AF_INET => {
            // SAFETY: the family says the storage holds a SOCKADDR_IN, and
            // SOCKADDR_STORAGE is large and aligned enough for it.
            let sin = unsafe { &*(ss as *const ws::SOCKADDR_STORAGE).cast::<ws::SOCKADDR_IN>() };
            // SAFETY: every variant of the IN_ADDR union is plain bytes.
            let s_addr = unsafe { sin.sin_addr.S_un.S_addr };
            SocketAddr::from((
                Ipv4Addr::from(s_addr.to_ne_bytes()),
                u16::from_be(sin.sin_port),
            ))
        }
        ws::AF_INET6 => {
            // SAFETY: as above, for SOCKADDR_IN6.
            let sin6 = unsafe { &*(ss as *const ws::SOCKADDR_STORAGE).cast::<ws::SOCKADDR_IN6>() };
            // SAFETY: every variant of these unions is plain bytes.
            let (bytes, scope) = unsafe { (sin6.sin6_addr.u.Byte, sin6.Anonymous.sin6_scope_id) };
            SocketAddr::V6(SocketAddrV6::new(
                Ipv6Addr::from(bytes),
                u16::from_be(sin6.sin6_port),
                sin6.sin6_flowinfo,
                scope,
            ))
        }
        _ => SocketAddr::from(([0, 0, 0, 0], 0)),
    }
}

/// The IPv4 address that names interface `ifindex` in `IP_MREQ`: its
/// first IPv4 address, else the index as `0.0.0.idx` (documented for
/// `imr_interface`), or 0.0.0.0 (the default interface) for index 0.
fn v4_iface(ifindex: u32) -> io::Result<Ipv4Addr> {
    if ifindex == 0 {
        return Ok(Ipv4Addr::UNSPECIFIED);
    }
    let addr = super::interfaces().ok().and_then(|all| {
        all.into_iter().find(|i| i.index == ifindex).and_then(|i| {
            i.addrs.into_iter().find_map(|a| match a {
                IpAddr::V4(v4) => Some(v4),
                IpAddr::V6(_) => None,
            })
        })
    });
    match addr {
        Some(a) => Ok(a),
        None => index_as_v4(ifindex),
    }
}

/// `0.0.0.idx`: an interface index where Winsock wants an IPv4 address.
/// Only 24 bits fit (the first octet must stay 0).
fn index_as_v4(ifindex: u32) -> io::Result<Ipv4Addr> {
    if ifindex > 0x00ff_ffff {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("interface index {ifindex} does not fit the 0.0.0.idx form (24 bits)"),
        ));
    }
    Ok(Ipv4Addr::from(ifindex))
}

/// Whether a refusal means "this call is not implemented here" (Wine),
/// so that the protocol-independent `MCAST_*` form is worth a try.
fn not_implemented(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(ws::WSAENOPROTOOPT | ws::WSAEOPNOTSUPP | ws::WSAEINVAL)
    )
}

/// Joins or leaves with the RFC 3678 protocol-independent options
/// (`MCAST_JOIN_GROUP` ..., Windows Vista and later), which take an
/// interface index for both families.
fn mcast_membership(
    sock: &Socket,
    group: IpAddr,
    source: Option<IpAddr>,
    ifindex: u32,
    join: bool,
) -> io::Result<&'static str> {
    let lvl = level(Family::of(group));
    let (name, label) = match (source.is_some(), join) {
        (false, true) => (ws::MCAST_JOIN_GROUP, "MCAST_JOIN_GROUP"),
        (false, false) => (ws::MCAST_LEAVE_GROUP, "MCAST_LEAVE_GROUP"),
        (true, true) => (ws::MCAST_JOIN_SOURCE_GROUP, "MCAST_JOIN_SOURCE_GROUP"),
        (true, false) => (ws::MCAST_LEAVE_SOURCE_GROUP, "MCAST_LEAVE_SOURCE_GROUP"),
    };
    let name = name as i32;
    match source {
        None => {
            let req = ws::GROUP_REQ {
                gr_interface: ifindex,
                gr_group: storage(group),
            };
            setsockopt_struct(sock, lvl, name, &req)?;
        }
        Some(src) => {
            let req = ws::GROUP_SOURCE_REQ {
                gsr_interface: ifindex,
                gsr_group: storage(group),
                gsr_source: storage(src),
            };
            setsockopt_struct(sock, lvl, name, &req)?;
        }
    }
    Ok(label)
}

/// Joins or leaves with the family's own option (`IP_ADD_MEMBERSHIP`,
/// `IP_ADD_SOURCE_MEMBERSHIP`, `IPV6_ADD_MEMBERSHIP`); IPv6 SSM has only
/// `MCAST_JOIN_SOURCE_GROUP`. Returns the call made.
fn own_membership(
    sock: &Socket,
    group: IpAddr,
    source: Option<IpAddr>,
    ifindex: u32,
    join: bool,
) -> io::Result<&'static str> {
    match (group, source) {
        (IpAddr::V4(g), None) => {
            let (name, label) = if join {
                (ws::IP_ADD_MEMBERSHIP, "IP_ADD_MEMBERSHIP")
            } else {
                (ws::IP_DROP_MEMBERSHIP, "IP_DROP_MEMBERSHIP")
            };
            let req = ws::IP_MREQ {
                imr_multiaddr: in_addr(g),
                imr_interface: in_addr(v4_iface(ifindex)?),
            };
            setsockopt_struct(sock, ws::IPPROTO_IP, name, &req)?;
            Ok(label)
        }
        (IpAddr::V4(g), Some(IpAddr::V4(s))) => {
            let (name, label) = if join {
                (ws::IP_ADD_SOURCE_MEMBERSHIP, "IP_ADD_SOURCE_MEMBERSHIP")
            } else {
                (ws::IP_DROP_SOURCE_MEMBERSHIP, "IP_DROP_SOURCE_MEMBERSHIP")
            };
            // Windows' order: group, source, interface.
            let req = ws::IP_MREQ_SOURCE {
                imr_multiaddr: in_addr(g),
                imr_sourceaddr: in_addr(s),
                imr_interface: in_addr(v4_iface(ifindex)?),
            };
            setsockopt_struct(sock, ws::IPPROTO_IP, name, &req)?;
            Ok(label)
        }
        (IpAddr::V6(g), None) => {
            let (name, label) = if join {
                (ws::IPV6_ADD_MEMBERSHIP, "IPV6_ADD_MEMBERSHIP")
            } else {
                (ws::IPV6_DROP_MEMBERSHIP, "IPV6_DROP_MEMBERSHIP")
            };
            let req = ws::IPV6_MREQ {
                ipv6mr_multiaddr: in6_addr(g),
                ipv6mr_interface: ifindex,
            };
            setsockopt_struct(sock, ws::IPPROTO_IPV6, name, &req)?;
            Ok(label)
        }
        (IpAddr::V6(_), Some(IpAddr::V6(_))) => {
            mcast_membership(sock, group, source, ifindex, join)
        }
        _ => Err(io::Error::from_raw_os_error(ws::WSAEAFNOSUPPORT)),
    }
}

fn membership(
    sock: &Socket,
    group: IpAddr,
    source: Option<IpAddr>,
    ifindex: u32,
    join: bool,
) -> io::Result<()> {
    let ipv6_ssm = group.is_ipv6() && source.is_some();
    let label = match own_membership(sock, group, source, ifindex, join) {
        Ok(label) => label,
        // Wine lacks some of the family options that Windows documents;
        // the protocol-independent form may still work there.
        Err(e) if !ipv6_ssm && not_implemented(&e) => {
            debug!(
                "{} refused ({}); trying the MCAST_* form",
                join_call(Family::of(group), source.is_some()),
                errno_name(&e).unwrap_or_default()
            );
            match mcast_membership(sock, group, source, ifindex, join) {
                Ok(label) => label,
                Err(e2) => {
                    debug!(
                        "the MCAST_* form was refused too ({})",
                        errno_name(&e2).unwrap_or_else(|| e2.to_string())
                    );
                    return Err(e);
                }
            }
        }
        Err(e) => return Err(e),
    };
    match source {
        Some(s) => debug!("setsockopt {label} group {group} source {s} ifindex {ifindex}"),
        None => debug!("setsockopt {label} group {group} ifindex {ifindex}"),
    }
    Ok(())
}

/// Joins `group` (from `source` only, when given) on interface `ifindex`;
/// index 0 lets Windows choose its default multicast interface. IPv4 names
/// the interface by its address when it has one (`IP_MREQ` and
/// `IP_MREQ_SOURCE` take an address or `0.0.0.idx`).
pub fn join(sock: &Socket, group: IpAddr, source: Option<IpAddr>, ifindex: u32) -> io::Result<()> {
    membership(sock, group, source, ifindex, true)
}

pub fn leave(sock: &Socket, group: IpAddr, source: Option<IpAddr>, ifindex: u32) -> io::Result<()> {
    membership(sock, group, source, ifindex, false)
}

/// How an IPv4 outgoing interface is given by index here.
pub const IFACE_INDEX_V4_FORM: &str = "0.0.0.idx";

/// `IP_MULTICAST_IF`'s value naming an interface by index: the index as
/// an IPv4 address `0.0.0.idx`, in network byte order (a DWORD).
pub fn encode_iface_index_v4(ifindex: u32) -> Vec<u8> {
    ifindex.to_be_bytes().to_vec()
}

/// Outgoing interface. IPv4 by the interface's address, else by index as
/// `0.0.0.idx`; IPv6 by index (a DWORD).
pub fn set_multicast_iface(
    sock: &Socket,
    family: Family,
    ifindex: u32,
    v4_addr: Option<Ipv4Addr>,
) -> io::Result<()> {
    match (family, v4_addr) {
        (Family::V4, Some(addr)) => {
            sock.set_multicast_if_v4(&addr)?;
            debug!("setsockopt IP_MULTICAST_IF = {addr}");
        }
        (Family::V4, None) => {
            let idx = index_as_v4(ifindex)?;
            sock.set_multicast_if_v4(&idx)?;
            debug!("setsockopt IP_MULTICAST_IF = ifindex {ifindex} ({idx}, 0.0.0.idx)");
        }
        (Family::V6, _) => {
            sock.set_multicast_if_v6(ifindex)?;
            debug!("setsockopt IPV6_MULTICAST_IF = {ifindex}");
        }
    }
    Ok(())
}

/// Asks for a receive buffer of `bytes`; returns what Windows granted.
/// Windows has no system-wide cap like Linux's `rmem_max` and reads the
/// value back as set.
pub fn set_recv_buffer(sock: &Socket, bytes: usize) -> io::Result<usize> {
    sock.set_recv_buffer_size(bytes)?;
    debug!("setsockopt SO_RCVBUF = {bytes}");
    sock.recv_buffer_size()
}

/// `None`: Windows keeps no per-socket count of datagrams dropped for a
/// full receive queue that an application can read.
pub fn socket_drops(_sock: &Socket) -> Option<u64> {
    None
}

/// How many IPv4 groups mcast puts on one socket. Windows documents no
/// per-socket limit (since Windows 2000 memberships are limited by system
/// resources only; `IP_MAX_MEMBERSHIPS` in ws2ipdef.h is a BSD leftover
/// it does not enforce), so this is a batch size, large enough that few
/// sockets are needed, small enough to keep one socket's filter cheap.
pub fn max_memberships_v4() -> usize {
    1024
}

/// How many sources mcast names per IPv4 group on one socket: as for
/// groups, Windows documents no limit; this is a batch size.
pub fn max_sources_v4() -> usize {
    1024
}

/// What to say when a join runs out of room (`WSAENOBUFS`).
pub(super) const MEMBERSHIP_LIMIT_HINT: &str =
    " (Windows ran out of resources for memberships: join fewer groups, or close other \
     programs' multicast sockets)";

/// The Winsock error's symbolic name (`WSAEADDRINUSE`), which users
/// search for; `None` for other codes.
pub fn errno_name(err: &io::Error) -> Option<String> {
    let name = match err.raw_os_error()? {
        ws::WSAEINTR => "WSAEINTR",
        ws::WSAEBADF => "WSAEBADF",
        ws::WSAEACCES => "WSAEACCES",
        ws::WSAEFAULT => "WSAEFAULT",
        ws::WSAEINVAL => "WSAEINVAL",
        ws::WSAEMFILE => "WSAEMFILE",
        ws::WSAEWOULDBLOCK => "WSAEWOULDBLOCK",
        ws::WSAEINPROGRESS => "WSAEINPROGRESS",
        ws::WSAEALREADY => "WSAEALREADY",
        ws::WSAENOTSOCK => "WSAENOTSOCK",
        ws::WSAEDESTADDRREQ => "WSAEDESTADDRREQ",
        ws::WSAEMSGSIZE => "WSAEMSGSIZE",
        ws::WSAEPROTOTYPE => "WSAEPROTOTYPE",
        ws::WSAENOPROTOOPT => "WSAENOPROTOOPT",
        ws::WSAEPROTONOSUPPORT => "WSAEPROTONOSUPPORT",
        ws::WSAESOCKTNOSUPPORT => "WSAESOCKTNOSUPPORT",
        ws::WSAEOPNOTSUPP => "WSAEOPNOTSUPP",
        ws::WSAEPFNOSUPPORT => "WSAEPFNOSUPPORT",
        ws::WSAEAFNOSUPPORT => "WSAEAFNOSUPPORT",
        ws::WSAEADDRINUSE => "WSAEADDRINUSE",
        ws::WSAEADDRNOTAVAIL => "WSAEADDRNOTAVAIL",
        ws::WSAENETDOWN => "WSAENETDOWN",
        ws::WSAENETUNREACH => "WSAENETUNREACH",
        ws::WSAENETRESET => "WSAENETRESET",
        ws::WSAECONNABORTED => "WSAECONNABORTED",
        ws::WSAECONNRESET => "WSAECONNRESET",
        ws::WSAENOBUFS => "WSAENOBUFS",
        ws::WSAEISCONN => "WSAEISCONN",
        ws::WSAENOTCONN => "WSAENOTCONN",
        ws::WSAESHUTDOWN => "WSAESHUTDOWN",
        ws::WSAETIMEDOUT => "WSAETIMEDOUT",
        ws::WSAECONNREFUSED => "WSAECONNREFUSED",
        ws::WSAEHOSTDOWN => "WSAEHOSTDOWN",
        ws::WSAEHOSTUNREACH => "WSAEHOSTUNREACH",
        ws::WSAEPROCLIM => "WSAEPROCLIM",
        ws::WSASYSNOTREADY => "WSASYSNOTREADY",
        ws::WSAVERNOTSUPPORTED => "WSAVERNOTSUPPORTED",
        ws::WSANOTINITIALISED => "WSANOTINITIALISED",
        _ => return None,
    };
    Some(name.to_string())
}

/// The errors mcast has advice for. (Joining a group twice on one socket
/// is `WSAEADDRNOTAVAIL` on Windows, not "in use".)
pub fn errno(err: &io::Error) -> Option<Errno> {
    Some(match err.raw_os_error()? {
        ws::WSAEADDRINUSE => Errno::AddrInUse,
        ws::WSAEADDRNOTAVAIL => Errno::AddrNotAvailable,
        ws::WSAENETDOWN => Errno::NoDevice,
        ws::WSAENOBUFS => Errno::TooMany,
        ws::WSAEINVAL => Errno::Invalid,
        ws::WSAENETUNREACH | ws::WSAEHOSTUNREACH => Errno::NetUnreachable,
        ws::WSAEACCES => Errno::PermissionDenied,
        _ => return None,
    })
}

/// Windows has no per-process limit on sockets like `ulimit -n`.
pub fn open_files_limit() -> Option<u64> {
    None
}

/// Stdout without std's buffering underneath ours: a `File` on a duplicate
/// of the stdout handle, so each flush is one `WriteFile`.
pub fn raw_stdout() -> io::Result<std::fs::File> {
    use std::os::windows::io::AsHandle;
    Ok(std::fs::File::from(
        io::stdout().as_handle().try_clone_to_owned()?,
    ))
}

/// Not available: Windows has no sysctls (its defaults live in the
/// registry, which the option table states as documented values).
pub fn sysctl_text(_path: &[&str]) -> io::Result<String> {
    Err(super::unsupported("kernel settings (sysctl)"))
}

/// Windows has no SIGHUP: `monitor --groups-file` cannot be told to
/// reread its file.
pub fn catch_hangup() -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "SIGHUP (reread the groups file) is not available on this OS",
    ))
}

pub fn take_hangup() -> bool {
    false
}

/// `line` run by the system shell (`cmd /C`), passed through unquoted as
/// cmd expects.
pub fn shell_command(line: &str) -> std::process::Command {
    use std::os::windows::process::CommandExt;
    let mut c = std::process::Command::new("cmd");
    c.arg("/C").raw_arg(line);
    c
}

/// Nothing to tune: Windows' heap returns large blocks by itself (see the
/// Linux counterpart for why glibc needs it).
pub fn steady_allocator() {}

//! FreeBSD and macOS: the calls socket2 does not make for us, with `cfg`
//! where the two differ (option numbers, `IP_MULTICAST_IFINDEX`, control
//! data alignment). What they share with Linux (option calls, poll,
//! batched I/O) is in `../unix/`.
#![allow(unsafe_code)]

mod options;

pub use super::elsewhere::{
    if_mtu, open_igmp_raw, open_mld_raw, open_report_tap, proc_net, recv_raw, recv_tap, route_to,
};
pub use super::unix::{
    catch_hangup, encode_iface_index_v4, errno, errno_name, getsockopt_raw, join, join_call, leave,
    open_files_limit, raw_stdout, recv_into, send_from, setsockopt_raw, shell_command, take_hangup,
    RecvState, SendState, Waiter, IFACE_INDEX_V4_FORM,
};
pub use options::SOCKOPT_TABLE;

use std::io;
use std::mem::size_of;
use std::net::Ipv4Addr;

use socket2::Socket;
use tracing::debug;

use super::cmsg::{self, Kind, Layout};
#[cfg(target_os = "freebsd")]
use super::unix::setsockopt_struct;
use super::unix::{level, set_int};
use super::{Family, Wanted};

/// How control data is laid out here.
#[cfg(target_os = "freebsd")]
pub(super) const CMSG_LAYOUT: Layout = cmsg::FREEBSD;
#[cfg(target_os = "macos")]
pub(super) const CMSG_LAYOUT: Layout = cmsg::MACOS;

/// The layout's entry for a (level, type) pair, in a constant context.
const fn layout_kind(level: i32, ty: i32) -> Option<Kind> {
    let kinds = CMSG_LAYOUT.kinds;
    let mut i = 0;
    while i < kinds.len() {
        if kinds[i].0 == level && kinds[i].1 == ty {
            return Some(kinds[i].2);
        }
        i += 1;
    }
    None
}

// The layout's literal numbers and widths are this kernel's: each control
// message `enable_packet_info` asks for is found under libc's numbers.
const _: () = {
    use libc::{IPPROTO_IP, IPPROTO_IPV6, SOL_SOCKET};
    assert!(matches!(
        layout_kind(IPPROTO_IP, libc::IP_RECVDSTADDR),
        Some(Kind::DstAddrV4)
    ));
    assert!(matches!(
        layout_kind(IPPROTO_IP, libc::IP_RECVIF),
        Some(Kind::RecvIf)
    ));
    assert!(matches!(
        layout_kind(IPPROTO_IP, libc::IP_RECVTTL),
        Some(Kind::TtlByte)
    ));
    assert!(matches!(
        layout_kind(IPPROTO_IPV6, libc::IPV6_PKTINFO),
        Some(Kind::PktInfoV6)
    ));
    assert!(matches!(
        layout_kind(IPPROTO_IPV6, libc::IPV6_HOPLIMIT),
        Some(Kind::TtlInt)
    ));
    assert!(matches!(
        layout_kind(SOL_SOCKET, libc::SCM_TIMESTAMP),
        Some(Kind::Timeval { usec_width }) if usec_width == size_of::<libc::suseconds_t>()
    ));
    assert!(size_of::<libc::time_t>() == 8);
    assert!(IPPROTO_IP == 0 && IPPROTO_IPV6 == 41 && SOL_SOCKET == 0xffff);
    // cmsghdr: a socklen_t length, then level and type.
    assert!(size_of::<libc::cmsghdr>() == 12);
    assert!(CMSG_LAYOUT.len_width == size_of::<libc::socklen_t>());
    // SAFETY: CMSG_LEN and CMSG_SPACE are arithmetic on their argument.
    let (hdr, space) = unsafe { (libc::CMSG_LEN(0), libc::CMSG_SPACE(1)) };
    assert!(hdr as usize == CMSG_LAYOUT.header_len());
    assert!(space as usize == CMSG_LAYOUT.header_len() + CMSG_LAYOUT.align);
    // group_req is packed to 4 bytes on macOS (`#pragma pack(4)`), natural
    // on FreeBSD; the kernel checks the length it is given.
    #[cfg(target_os = "macos")]
    let pad = 0;
    #[cfg(target_os = "freebsd")]
    let pad = 4;
    let ss = size_of::<libc::sockaddr_storage>();
    assert!(size_of::<libc::group_req>() == 4 + pad + ss);
    assert!(size_of::<libc::group_source_req>() == 4 + pad + 2 * ss);
};

/// Lets several listeners bind the same port. Unlike Linux, the BSDs need
/// `SO_REUSEPORT` for that when the sockets bind the same address; each
/// then gets every datagram for the groups it joined.
pub fn share_port(sock: &Socket) -> io::Result<()> {
    sock.set_reuse_address(true)?;
    debug!("setsockopt SO_REUSEADDR = 1");
    sock.set_reuse_port(true)?;
    debug!("setsockopt SO_REUSEPORT = 1");
    Ok(())
}

/// Nothing to do: `IP_MULTICAST_ALL` is Linux's. The BSDs deliver a
/// multicast datagram only to sockets holding a membership of its group on
/// the arrival interface (`imo_multi_filter` in `udp_input`), which is what
/// turning it off gives on Linux.
pub fn set_multicast_all(_sock: &Socket, _family: Family, _on: bool) -> io::Result<()> {
    Ok(())
}

/// Kept false until measured on these kernels: sockets always ask for
/// packet info, whatever address they bind.
pub const BIND_GROUP_FIXES_DEST: bool = false;

/// Asks for what `wanted` says with every packet. IPv4 takes two options
/// for packet info: the destination (`IP_RECVDSTADDR`, an `in_addr`) and
/// the arrival interface (`IP_RECVIF`, a `sockaddr_dl`); its TTL comes as
/// one byte. There is no drop counter to ask for.
pub fn enable_packet_info(sock: &Socket, family: Family, wanted: Wanted) -> io::Result<()> {
    let lvl = level(family);
    match family {
        Family::V4 => {
            if wanted.dest_and_iface {
                set_int(sock, lvl, libc::IP_RECVDSTADDR, "IP_RECVDSTADDR", 1)?;
                set_int(sock, lvl, libc::IP_RECVIF, "IP_RECVIF", 1)?;
            }
            if wanted.ttl {
                set_int(sock, lvl, libc::IP_RECVTTL, "IP_RECVTTL", 1)?;
            }
        }
        Family::V6 => {
            if wanted.dest_and_iface {
                set_int(sock, lvl, libc::IPV6_RECVPKTINFO, "IPV6_RECVPKTINFO", 1)?;
            }
            if wanted.ttl {
                set_int(sock, lvl, libc::IPV6_RECVHOPLIMIT, "IPV6_RECVHOPLIMIT", 1)?;
            }
        }
    }
    if wanted.kernel_time {
        set_int(
            sock,
            libc::SOL_SOCKET,
            libc::SO_TIMESTAMP,
            "SO_TIMESTAMP",
            1,
        )?;
    }
    Ok(())
}

/// `IP_MULTICAST_IFINDEX` (netinet/in.h; not in libc): macOS's own option
/// naming the IPv4 outgoing interface by a plain `u_int` index.
#[cfg(target_os = "macos")]
const IP_MULTICAST_IFINDEX: libc::c_int = 66;

/// Outgoing interface. IPv4 by the interface's address, the traditional
/// BSD way; an interface without an IPv4 address by index: FreeBSD with
/// an `ip_mreqn`, macOS with its `IP_MULTICAST_IFINDEX`. IPv6 by index.
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
        (Family::V4, None) => set_multicast_index_v4(sock, ifindex)?,
        (Family::V6, _) => {
            sock.set_multicast_if_v6(ifindex)?;
            debug!("setsockopt IPV6_MULTICAST_IF = {ifindex}");
        }
    }
    Ok(())
}

#[cfg(target_os = "freebsd")]
fn set_multicast_index_v4(sock: &Socket, ifindex: u32) -> io::Result<()> {
    let req = libc::ip_mreqn {
        imr_multiaddr: libc::in_addr { s_addr: 0 },
        imr_address: libc::in_addr { s_addr: 0 },
        imr_ifindex: libc::c_int::try_from(ifindex)
            .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?,
    };
    setsockopt_struct(sock, libc::IPPROTO_IP, libc::IP_MULTICAST_IF, &req)?;
    debug!("setsockopt IP_MULTICAST_IF = ifindex {ifindex} (ip_mreqn)");
    Ok(())
}

#[cfg(target_os = "macos")]
fn set_multicast_index_v4(sock: &Socket, ifindex: u32) -> io::Result<()> {
    setsockopt_raw(
        sock,
        libc::IPPROTO_IP,
        IP_MULTICAST_IFINDEX,
        &ifindex.to_ne_bytes(),
    )?;
    debug!("setsockopt IP_MULTICAST_IFINDEX = {ifindex}");
    Ok(())
}

/// Asks for a receive buffer of `bytes`; returns what the kernel granted.
/// The BSDs refuse a size over their limit (about 8/9 of
/// `kern.ipc.maxsockbuf`) with `ENOBUFS` instead of capping it, so the
/// largest size accepted is searched for, as Linux would have capped it.
pub fn set_recv_buffer(sock: &Socket, bytes: usize) -> io::Result<usize> {
    // socket2 passes the size as a C int.
    let bytes = bytes.min(i32::MAX as usize);
    match sock.set_recv_buffer_size(bytes) {
        Ok(()) => debug!("setsockopt SO_RCVBUF = {bytes}"),
        Err(e) if e.raw_os_error() == Some(libc::ENOBUFS) => {
            // The socket keeps its size after a refusal: `ok` was accepted.
            let (mut ok, mut refused) = (sock.recv_buffer_size()?, bytes);
            while refused.saturating_sub(ok) > 4096 {
                let mid = ok + (refused - ok) / 2;
                match sock.set_recv_buffer_size(mid) {
                    Ok(()) => ok = mid,
                    Err(e) if e.raw_os_error() == Some(libc::ENOBUFS) => refused = mid,
                    Err(e) => return Err(e),
                }
            }
            debug!("setsockopt SO_RCVBUF = {ok} ({bytes} refused: over kern.ipc.maxsockbuf)");
        }
        Err(e) => return Err(e),
    }
    sock.recv_buffer_size()
}

/// Always `None`: the BSDs keep no per-socket drop counter, only the
/// system-wide "dropped due to full socket buffers" of `netstat -s -p udp`.
pub fn socket_drops(_sock: &Socket) -> Option<u64> {
    None
}

/// How many IPv4 groups one socket may join: `IP_MAX_MEMBERSHIPS`, fixed
/// in the kernel on both (netinet/in.h).
pub fn max_memberships_v4() -> usize {
    4095
}

/// How many sources one socket may name per IPv4 group: the sysctl
/// `net.inet.ip.mcast.maxsocksrc`, whose default is `IP_MAX_SOCK_SRC_FILTER`.
pub fn max_sources_v4() -> usize {
    super::sysctl_int(&["net", "inet", "ip", "mcast", "maxsocksrc"])
        .and_then(|v| usize::try_from(v).ok())
        .filter(|&v| v > 0)
        .unwrap_or(128)
}

/// What to raise when a join hits the per-socket membership limit.
pub(super) const MEMBERSHIP_LIMIT_HINT: &str =
    " (IP_MAX_MEMBERSHIPS, 4095 groups per socket, is a kernel constant; \
     or the kernel ran short of memory)";

/// A kernel setting by path components (`["kern", "ipc", "maxsockbuf"]`),
/// as decimal text: `sysctlbyname`, integer settings only (some are
/// `int`, some `u_long`: both are read). A setting this kernel does not
/// have (Linux's `net.ipv4.*`, say) is "not available on this OS".
pub fn sysctl_text(path: &[&str]) -> io::Result<String> {
    if path.is_empty()
        || path
            .iter()
            .any(|c| c.is_empty() || c.contains('.') || c.contains('\0'))
    {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a sysctl path",
        ));
    }
    let key = path.join(".");
    let name = std::ffi::CString::new(key.as_str())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "not a sysctl path"))?;
    let mut buf = [0u8; 8];
    let mut len: libc::size_t = buf.len();
    // SAFETY: `name` is NUL-terminated; `buf` is writable for `len` bytes
    // and the kernel writes at most that, updating `len`; nothing is set.
    let rc = unsafe {
        libc::sysctlbyname(
            name.as_ptr(),
            buf.as_mut_ptr().cast(),
            &mut len,
            std::ptr::null_mut(),
            0,
        )
    };
    if rc != 0 {
        let e = io::Error::last_os_error();
        if e.raw_os_error() == Some(libc::ENOENT) {
            return Err(super::unsupported(&format!("the setting {key}")));
        }
        return Err(e);
    }
    match len {
        4 => Ok(i32::from_ne_bytes([buf[0], buf[1], buf[2], buf[3]]).to_string()),
        8 => Ok(i64::from_ne_bytes(buf).to_string()),
        _ => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{key} is not an integer setting"),
        )),
    }
}

/// Nothing to tune: the BSDs' allocators return large blocks by themselves
/// (see the Linux counterpart for why glibc needs it).
pub fn steady_allocator() {}

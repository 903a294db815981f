//! Read-only raw sockets for `mcast querier`: IGMP (a raw IPv4 socket of
//! protocol 2, IP header included), MLD (a raw ICMPv6 socket filtered to
//! the four MLD types) and a packet tap that sees IGMP/MLD reports in both
//! directions, this host's own included. Nothing here sends.
//!
//! Why a tap for reports: the kernel delivers a multicast datagram to raw
//! sockets only for groups this host joined, so other hosts' IGMPv3/MLDv2
//! reports (to 224.0.0.22 / ff02::16) never reach them, and this host's
//! own reports never come back at all. A packet socket sees frames as the
//! driver gets them, after the firewall: a report an nftables rule drops
//! on the way out is not seen, which is what `querier` wants to tell.

use std::io;
use std::mem::size_of;
use std::os::fd::AsRawFd;

use socket2::{Domain, Protocol, Socket, Type};
use tracing::debug;

use super::super::cmsg::{self, CmsgBuf};
use super::super::unix::{set_int, setsockopt_raw, socket_addr};
use super::super::{RecvMeta, TapDirection};
use super::CMSG_LAYOUT;

/// `ICMP6_FILTER` (linux/icmpv6.h); the bits of the filter block a type.
const ICMP6_FILTER: libc::c_int = 1;
/// MLD query, v1 report, v1 done, v2 report.
const MLD_TYPES: [u8; 4] = [130, 131, 132, 143];

/// A raw IPv4 socket of protocol IGMP with packet info on.
pub fn open_igmp_raw() -> io::Result<Socket> {
    let sock = Socket::new(
        Domain::IPV4,
        Type::RAW,
        Some(Protocol::from(libc::IPPROTO_IGMP)),
    )?;
    debug!("socket(AF_INET, SOCK_RAW, IPPROTO_IGMP)");
    set_int(&sock, libc::IPPROTO_IP, libc::IP_PKTINFO, "IP_PKTINFO", 1)?;
    Ok(sock)
}

/// A raw ICMPv6 socket that passes MLD messages only, with packet info.
pub fn open_mld_raw() -> io::Result<Socket> {
    let sock = Socket::new(Domain::IPV6, Type::RAW, Some(Protocol::ICMPV6))?;
    debug!("socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6)");
    setsockopt_raw(
        &sock,
        libc::IPPROTO_ICMPV6,
        ICMP6_FILTER,
        &icmp6_filter(&MLD_TYPES),
    )?;
    debug!("setsockopt ICMP6_FILTER = pass {MLD_TYPES:?}");
    set_int(
        &sock,
        libc::IPPROTO_IPV6,
        libc::IPV6_RECVPKTINFO,
        "IPV6_RECVPKTINFO",
        1,
    )?;
    Ok(sock)
}

/// Linux's `struct icmp6_filter`: 256 bits, a set bit blocks its type.
fn icmp6_filter(pass: &[u8]) -> [u8; 32] {
    let mut words = [u32::MAX; 8];
    for &t in pass {
        words[usize::from(t >> 5)] &= !(1u32 << (t & 31));
    }
    let mut out = [0u8; 32];
    for (chunk, w) in out.chunks_exact_mut(4).zip(words) {
        chunk.copy_from_slice(&w.to_ne_bytes());
    }
    out
}

/// One datagram from a raw socket, without blocking: `None` when none
/// is queued.
pub fn recv_raw(sock: &Socket, buf: &mut [u8], ctrl: &mut CmsgBuf) -> io::Result<Option<RecvMeta>> {
    // SAFETY: all-zero is a valid sockaddr_storage and msghdr.
    let mut name: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let mut iov = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    // SAFETY: as above.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_name = (&mut name as *mut libc::sockaddr_storage).cast();
    msg.msg_namelen = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = ctrl.0.as_mut_ptr().cast();
    msg.msg_controllen = ctrl.0.len();
    // SAFETY: every pointer in `msg` points at a live buffer of the
    // length given beside it, owned by this frame or the caller.
    let n = unsafe { libc::recvmsg(sock.as_raw_fd(), &mut msg, libc::MSG_DONTWAIT) };
    if n < 0 {
        let e = io::Error::last_os_error();
        return match e.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted => Ok(None),
            _ => Err(e),
        };
    }
    let ctrl_len = (msg.msg_controllen as usize).min(ctrl.0.len());
    let mut info = cmsg::parse(&ctrl.0[..ctrl_len], &CMSG_LAYOUT);
    info.truncated |= msg.msg_flags & libc::MSG_CTRUNC != 0;
    Ok(Some(RecvMeta {
        len: n as usize,
        truncated: msg.msg_flags & libc::MSG_TRUNC != 0,
        source: socket_addr(&name),
        info,
    }))
}

/// A packet socket on every interface that keeps only IPv4 IGMP and IPv6
/// with a hop-by-hop header first (how MLD travels), both directions.
pub fn open_report_tap() -> io::Result<Socket> {
    let proto = (libc::ETH_P_ALL as u16).to_be();
    let sock = Socket::new(
        Domain::PACKET,
        Type::DGRAM,
        Some(Protocol::from(i32::from(proto))),
    )?;
    debug!("socket(AF_PACKET, SOCK_DGRAM, ETH_P_ALL)");
    attach_filter(&sock)?;
    Ok(sock)
}

/// The classic BPF program of [`open_report_tap`]: everything else stays in the
/// kernel, so a busy interface costs this process nothing.
fn attach_filter(sock: &Socket) -> io::Result<()> {
    const LD_W_ABS: u16 = (libc::BPF_LD | libc::BPF_W | libc::BPF_ABS) as u16;
    const LD_B_ABS: u16 = (libc::BPF_LD | libc::BPF_B | libc::BPF_ABS) as u16;
    const JEQ: u16 = (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16;
    const RET: u16 = (libc::BPF_RET | libc::BPF_K) as u16;
    // Offsets of the network header and the skb's protocol (linux/filter.h).
    const NET: u32 = (-0x10_0000i32) as u32;
    const PROTOCOL: u32 = (-0x1000i32) as u32;
    let op = |code, jt, jf, k| libc::sock_filter { code, jt, jf, k };
    let prog = [
        op(LD_W_ABS, 0, 0, PROTOCOL),
        op(JEQ, 0, 2, 0x0800),
        op(LD_B_ABS, 0, 0, NET + 9),
        op(JEQ, 3, 4, libc::IPPROTO_IGMP as u32),
        op(JEQ, 0, 3, 0x86dd),
        op(LD_B_ABS, 0, 0, NET + 6),
        op(JEQ, 0, 1, 0),
        op(RET, 0, 0, 0xffff),
        op(RET, 0, 0, 0),
    ];
    let fprog = libc::sock_fprog {
        len: prog.len() as u16,
        filter: prog.as_ptr() as *mut libc::sock_filter,
    };
    super::super::unix::setsockopt_struct(sock, libc::SOL_SOCKET, libc::SO_ATTACH_FILTER, &fprog)?;
    debug!("setsockopt SO_ATTACH_FILTER (IGMP and IPv6 hop-by-hop only)");
    Ok(())
}

/// One frame from the tap, without blocking: its length, interface
/// index and direction; `None` when none is queued. The kernel's own
/// looped-back copies are passed over.
pub fn recv_tap(sock: &Socket, buf: &mut [u8]) -> io::Result<Option<(usize, u32, TapDirection)>> {
    loop {
        // SAFETY: all-zero is a valid sockaddr_ll.
        let mut addr: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
        let mut len = size_of::<libc::sockaddr_ll>() as libc::socklen_t;
        // SAFETY: `buf` is writable for its length; `addr` for `len` bytes.
        let n = unsafe {
            libc::recvfrom(
                sock.as_raw_fd(),
                buf.as_mut_ptr().cast(),
                buf.len(),
                libc::MSG_DONTWAIT,
                (&mut addr as *mut libc::sockaddr_ll).cast(),
                &mut len,
            )
        };
        if n < 0 {
            let e = io::Error::last_os_error();
            return match e.kind() {
                io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted => Ok(None),
                _ => Err(e),
            };
        }
        let dir = match addr.sll_pkttype {
            libc::PACKET_OUTGOING => TapDirection::Out,
            libc::PACKET_LOOPBACK => continue,
            _ => TapDirection::In,
        };
        return Ok(Some((
            (n as usize).min(buf.len()),
            addr.sll_ifindex as u32,
            dir,
        )));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icmp6_filter_passes_only_mld() {
        let f = icmp6_filter(&MLD_TYPES);
        let word = |i: usize| u32::from_ne_bytes(f[i * 4..i * 4 + 4].try_into().unwrap());
        let passes = |t: u8| word(usize::from(t >> 5)) & (1 << (t & 31)) == 0;
        for t in 0..=255u8 {
            assert_eq!(passes(t), MLD_TYPES.contains(&t), "type {t}");
        }
    }
}

//! Control-message parsing from raw bytes, so it can be tested (and fuzzed)
//! on buffers the kernel never made. Layout and constants are Linux's; other
//! systems get their own table of (level, type) pairs when they arrive.
#![allow(unsafe_code)]

use std::mem::size_of;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

/// Per-packet metadata gathered from one datagram's control messages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PacketInfo {
    /// Destination address: the group, for multicast.
    pub dest: Option<IpAddr>,
    /// Arrival interface index; 0 when unknown.
    pub ifindex: u32,
    /// TTL (IPv4) or hop limit (IPv6) as received.
    pub ttl: Option<u8>,
    /// When the kernel queued the packet (`SO_TIMESTAMPNS`).
    pub kernel_time: Option<Duration>,
    /// Packets the kernel dropped on this socket so far (`SO_RXQ_OVFL`).
    pub drops: Option<u32>,
    /// The kernel cut the control data short, or a message was malformed.
    pub truncated: bool,
}

/// Room for every control message mcast enables, with margin; aligned
/// like `cmsghdr` so the kernel can write into it directly.
#[repr(C, align(8))]
pub struct CmsgBuf(pub [u8; CMSG_BUF_LEN]);

pub const CMSG_BUF_LEN: usize = 256;

impl Default for CmsgBuf {
    fn default() -> Self {
        Self([0; CMSG_BUF_LEN])
    }
}

fn align(len: usize) -> usize {
    let a = size_of::<usize>();
    (len + a - 1) & !(a - 1)
}

fn header_len() -> usize {
    align(size_of::<libc::cmsghdr>())
}

/// Walks the control messages in `buf` (the first `msg_controllen` bytes).
/// Never reads out of bounds, whatever the bytes.
pub fn parse(buf: &[u8]) -> PacketInfo {
    let mut info = PacketInfo::default();
    let hdr = header_len();
    let mut off = 0;
    while off + size_of::<libc::cmsghdr>() <= buf.len() {
        // SAFETY: the bounds check above leaves a whole cmsghdr at `off`;
        // read_unaligned copes with any alignment of the slice.
        let h: libc::cmsghdr =
            unsafe { std::ptr::read_unaligned(buf.as_ptr().add(off).cast::<libc::cmsghdr>()) };
        let len = h.cmsg_len as usize;
        if len < hdr || off + len > buf.len() {
            info.truncated = true;
            break;
        }
        let data = &buf[off + hdr..off + len];
        if !apply(&mut info, h.cmsg_level, h.cmsg_type, data) {
            info.truncated = true;
        }
        off += align(len);
    }
    info
}

/// Reads one message into `info`; false when its data is too short.
fn apply(info: &mut PacketInfo, level: i32, kind: i32, data: &[u8]) -> bool {
    match (level, kind) {
        (libc::IPPROTO_IP, libc::IP_PKTINFO) => {
            // struct in_pktinfo { int ipi_ifindex; in_addr ipi_spec_dst; in_addr ipi_addr; }
            let (Some(idx), Some(addr)) = (ne_i32(data, 0), data.get(8..12)) else {
                return false;
            };
            info.ifindex = idx as u32;
            info.dest = Some(IpAddr::V4(Ipv4Addr::new(
                addr[0], addr[1], addr[2], addr[3],
            )));
        }
        (libc::IPPROTO_IPV6, libc::IPV6_PKTINFO) => {
            // struct in6_pktinfo { in6_addr ipi6_addr; unsigned ipi6_ifindex; }
            let (Some(addr), Some(idx)) = (data.get(0..16), ne_i32(data, 16)) else {
                return false;
            };
            let mut a = [0u8; 16];
            a.copy_from_slice(addr);
            info.dest = Some(IpAddr::V6(Ipv6Addr::from(a)));
            info.ifindex = idx as u32;
        }
        (libc::IPPROTO_IP, libc::IP_TTL) | (libc::IPPROTO_IPV6, libc::IPV6_HOPLIMIT) => {
            let Some(v) = ne_i32(data, 0) else {
                return false;
            };
            info.ttl = u8::try_from(v).ok();
        }
        (libc::SOL_SOCKET, libc::SCM_TIMESTAMPNS) => {
            // struct timespec { time_t tv_sec; long tv_nsec; }, both 64-bit here
            let (Some(s), Some(ns)) = (ne_i64(data, 0), ne_i64(data, 8)) else {
                return false;
            };
            if let (Ok(s), Ok(ns)) = (u64::try_from(s), u32::try_from(ns)) {
                if ns < 1_000_000_000 {
                    info.kernel_time = Some(Duration::new(s, ns));
                }
            }
        }
        (libc::SOL_SOCKET, libc::SO_RXQ_OVFL) => {
            let Some(v) = ne_i32(data, 0) else {
                return false;
            };
            info.drops = Some(v as u32);
        }
        _ => {}
    }
    true
}

fn ne_i32(data: &[u8], at: usize) -> Option<i32> {
    Some(i32::from_ne_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

fn ne_i64(data: &[u8], at: usize) -> Option<i64> {
    Some(i64::from_ne_bytes(data.get(at..at + 8)?.try_into().ok()?))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a control buffer the way the kernel lays it out.
    pub(crate) fn message(level: i32, kind: i32, data: &[u8]) -> Vec<u8> {
        let hdr = header_len();
        let len = hdr + data.len();
        let mut out = vec![0u8; align(len)];
        out[..size_of::<usize>()].copy_from_slice(&len.to_ne_bytes());
        out[size_of::<usize>()..size_of::<usize>() + 4].copy_from_slice(&level.to_ne_bytes());
        out[size_of::<usize>() + 4..size_of::<usize>() + 8].copy_from_slice(&kind.to_ne_bytes());
        out[hdr..hdr + data.len()].copy_from_slice(data);
        out
    }

    fn pktinfo_v4(ifindex: i32, group: [u8; 4]) -> Vec<u8> {
        let mut d = Vec::new();
        d.extend_from_slice(&ifindex.to_ne_bytes());
        d.extend_from_slice(&[192, 0, 2, 2]);
        d.extend_from_slice(&group);
        message(libc::IPPROTO_IP, libc::IP_PKTINFO, &d)
    }

    #[test]
    fn ipv4_info_ttl_time_and_drops() {
        let mut buf = pktinfo_v4(3, [239, 1, 2, 3]);
        buf.extend(message(libc::IPPROTO_IP, libc::IP_TTL, &7i32.to_ne_bytes()));
        let mut ts = 1_700_000_000i64.to_ne_bytes().to_vec();
        ts.extend_from_slice(&5i64.to_ne_bytes());
        buf.extend(message(libc::SOL_SOCKET, libc::SCM_TIMESTAMPNS, &ts));
        buf.extend(message(
            libc::SOL_SOCKET,
            libc::SO_RXQ_OVFL,
            &12u32.to_ne_bytes(),
        ));
        let info = parse(&buf);
        assert_eq!(info.dest, Some("239.1.2.3".parse().unwrap()));
        assert_eq!(info.ifindex, 3);
        assert_eq!(info.ttl, Some(7));
        assert_eq!(info.drops, Some(12));
        assert_eq!(info.kernel_time, Some(Duration::new(1_700_000_000, 5)));
        assert!(!info.truncated);
    }

    #[test]
    fn ipv6_info_and_hop_limit() {
        let mut d = "ff15::1".parse::<Ipv6Addr>().unwrap().octets().to_vec();
        d.extend_from_slice(&4u32.to_ne_bytes());
        let mut buf = message(libc::IPPROTO_IPV6, libc::IPV6_PKTINFO, &d);
        buf.extend(message(
            libc::IPPROTO_IPV6,
            libc::IPV6_HOPLIMIT,
            &64i32.to_ne_bytes(),
        ));
        let info = parse(&buf);
        assert_eq!(info.dest, Some("ff15::1".parse().unwrap()));
        assert_eq!(info.ifindex, 4);
        assert_eq!(info.ttl, Some(64));
    }

    #[test]
    fn truncated_buffers_are_flagged_not_read_past() {
        let full = pktinfo_v4(3, [239, 1, 2, 3]);
        // Up to cmsg_len (header + 12 bytes of in_pktinfo); the rest is padding.
        let used = header_len() + 12;
        assert!(parse(&full[..used]).dest.is_some());
        for cut in 0..used {
            let info = parse(&full[..cut]);
            assert_eq!(info.dest, None, "cut at {cut}");
            if cut >= size_of::<libc::cmsghdr>() {
                assert!(info.truncated, "cut at {cut}");
            }
        }
    }

    #[test]
    fn short_data_and_bogus_lengths_are_flagged() {
        let buf = message(libc::IPPROTO_IP, libc::IP_TTL, &[1, 2]);
        let info = parse(&buf);
        assert_eq!(info.ttl, None);
        assert!(info.truncated);
        let mut bogus = message(libc::IPPROTO_IP, libc::IP_TTL, &1i32.to_ne_bytes());
        bogus[..size_of::<usize>()].copy_from_slice(&usize::MAX.to_ne_bytes());
        assert!(parse(&bogus).truncated);
        bogus[..size_of::<usize>()].copy_from_slice(&0usize.to_ne_bytes());
        assert!(parse(&bogus).truncated);
    }

    #[test]
    fn unknown_messages_are_skipped() {
        let mut buf = message(99, 99, &[0; 5]);
        buf.extend(message(libc::IPPROTO_IP, libc::IP_TTL, &9i32.to_ne_bytes()));
        let info = parse(&buf);
        assert_eq!(info.ttl, Some(9));
        assert!(!info.truncated);
    }

    #[test]
    fn garbage_never_panics() {
        let mut state = 0x1234_5678_9abc_def0u64;
        for _ in 0..2000 {
            let mut buf = [0u8; 96];
            for b in buf.iter_mut() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *b = state as u8;
            }
            let _ = parse(&buf[..(state % 97) as usize]);
        }
    }
}

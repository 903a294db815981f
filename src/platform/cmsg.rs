//! Control-message parsing from raw bytes, so it can be tested (and fuzzed)
//! on buffers no kernel made, for every OS on any OS. Each OS lays control
//! data out differently (the width of `cmsg_len`, the alignment, which
//! (level, type) pairs carry what, and how), so a [`Layout`] per OS is
//! data here, with literal numbers: the OS modules check them against
//! their own headers at compile time.

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
    /// When the kernel queued the packet.
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

/// What one (level, type) pair carries, and how its data is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// IPv4 packet info: interface index (`u32`) and destination
    /// (`in_addr`) at these offsets (Linux and Windows order them apart).
    PktInfoV4 { ifindex_at: usize, addr_at: usize },
    /// `in6_pktinfo`: the address, then the interface index.
    PktInfoV6,
    /// `IP_RECVDSTADDR` (BSD): the destination as a bare `in_addr`.
    DstAddrV4,
    /// `IP_RECVIF` (BSD): a `sockaddr_dl`, whose `u16` index is at offset 2.
    RecvIf,
    /// TTL or hop limit as a C `int`.
    TtlInt,
    /// TTL as one byte (BSD `IP_RECVTTL`).
    TtlByte,
    /// `struct timespec` of two 64-bit fields.
    Timespec,
    /// `struct timeval`: 64-bit seconds, then microseconds `usec_width`
    /// bytes wide (8 on FreeBSD, 4 on macOS).
    Timeval { usec_width: usize },
    /// The socket's drop counter (`SO_RXQ_OVFL`), a `u32`.
    Drops,
}

/// One OS's control-data layout.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// Bytes of `cmsg_len`: a `size_t` on Linux and Windows, a `socklen_t`
    /// on the BSDs. Level and type (`int`s) follow it.
    pub len_width: usize,
    /// What headers and data are aligned to.
    pub align: usize,
    pub kinds: &'static [(i32, i32, Kind)],
}

impl Layout {
    /// Where the data of a message starts, from its header.
    pub const fn header_len(&self) -> usize {
        align_to(self.len_width + 8, self.align)
    }

    fn kind(&self, level: i32, kind: i32) -> Option<Kind> {
        self.kinds
            .iter()
            .find(|&&(l, t, _)| l == level && t == kind)
            .map(|&(_, _, k)| k)
    }
}

const fn align_to(len: usize, align: usize) -> usize {
    (len + align - 1) & !(align - 1)
}

/// Linux (x86_64, aarch64): `IP_PKTINFO`, `IP_TTL` (from `IP_RECVTTL`),
/// `SCM_TIMESTAMPNS`, `SO_RXQ_OVFL`, and the IPv6 pair.
pub const LINUX: Layout = Layout {
    len_width: 8,
    align: 8,
    kinds: &[
        (
            0,
            8,
            Kind::PktInfoV4 {
                ifindex_at: 0,
                addr_at: 8,
            },
        ),
        (0, 2, Kind::TtlInt),
        (41, 50, Kind::PktInfoV6),
        (41, 52, Kind::TtlInt),
        (1, 35, Kind::Timespec),
        (1, 40, Kind::Drops),
    ],
};

/// FreeBSD (64-bit): `IP_RECVDSTADDR` + `IP_RECVIF`, a one-byte
/// `IP_RECVTTL`, `SCM_TIMESTAMP` (timeval), IPv6 as everywhere.
pub const FREEBSD: Layout = Layout {
    len_width: 4,
    align: 8,
    kinds: &[
        (0, 7, Kind::DstAddrV4),
        (0, 20, Kind::RecvIf),
        (0, 65, Kind::TtlByte),
        (41, 46, Kind::PktInfoV6),
        (41, 47, Kind::TtlInt),
        (0xffff, 2, Kind::Timeval { usec_width: 8 }),
    ],
};

/// macOS: as FreeBSD but 4-byte alignment, other numbers, and a 32-bit
/// `tv_usec`.
pub const MACOS: Layout = Layout {
    len_width: 4,
    align: 4,
    kinds: &[
        (0, 7, Kind::DstAddrV4),
        (0, 20, Kind::RecvIf),
        (0, 24, Kind::TtlByte),
        (41, 46, Kind::PktInfoV6),
        (41, 47, Kind::TtlInt),
        (0xffff, 2, Kind::Timeval { usec_width: 4 }),
    ],
};

/// Windows (x64) through `WSARecvMsg`: `IN_PKTINFO` puts the address
/// first; the TTL comes as `IP_TTL` (some builds label it `IP_RECVTTL`);
/// no kernel timestamps or drop counter.
pub const WINDOWS: Layout = Layout {
    len_width: 8,
    align: 8,
    kinds: &[
        (
            0,
            19,
            Kind::PktInfoV4 {
                ifindex_at: 4,
                addr_at: 0,
            },
        ),
        (0, 4, Kind::TtlInt),
        (0, 21, Kind::TtlInt),
        (41, 19, Kind::PktInfoV6),
        (41, 21, Kind::TtlInt),
    ],
};

/// Walks the control messages in `buf` (the first `msg_controllen` bytes)
/// as `layout` lays them out. Never reads out of bounds, whatever the
/// bytes, and no length can overflow the arithmetic.
pub fn parse(buf: &[u8], layout: &Layout) -> PacketInfo {
    let mut info = PacketInfo::default();
    let hdr = layout.header_len();
    let mut off = 0;
    while let Some(head) = buf
        .get(off..)
        .filter(|rest| rest.len() >= layout.len_width + 8)
    {
        let len = match layout.len_width {
            8 => ne_u64(head, 0).and_then(|v| usize::try_from(v).ok()),
            _ => ne_u32(head, 0).map(|v| v as usize),
        };
        let level = ne_i32(head, layout.len_width);
        let kind = ne_i32(head, layout.len_width + 4);
        let (Some(len), Some(level), Some(kind)) = (len, level, kind) else {
            info.truncated = true;
            break;
        };
        let Some(data) = (len >= hdr).then(|| head.get(hdr..len)).flatten() else {
            info.truncated = true;
            break;
        };
        if let Some(k) = layout.kind(level, kind) {
            if !apply(&mut info, k, data) {
                info.truncated = true;
            }
        }
        match off.checked_add(align_to(len, layout.align)) {
            Some(next) if next > off => off = next,
            _ => break,
        }
    }
    info
}

/// Reads one message into `info`; false when its data is too short.
fn apply(info: &mut PacketInfo, kind: Kind, data: &[u8]) -> bool {
    match kind {
        Kind::PktInfoV4 {
            ifindex_at,
            addr_at,
        } => {
            let (Some(idx), Some(addr)) = (ne_u32(data, ifindex_at), v4_at(data, addr_at)) else {
                return false;
            };
            info.ifindex = idx;
            info.dest = Some(IpAddr::V4(addr));
        }
        Kind::PktInfoV6 => {
            let (Some(addr), Some(idx)) = (data.get(0..16), ne_u32(data, 16)) else {
                return false;
            };
            let mut a = [0u8; 16];
            a.copy_from_slice(addr);
            info.dest = Some(IpAddr::V6(Ipv6Addr::from(a)));
            info.ifindex = idx;
        }
        Kind::DstAddrV4 => {
            let Some(addr) = v4_at(data, 0) else {
                return false;
            };
            info.dest = Some(IpAddr::V4(addr));
        }
        Kind::RecvIf => {
            let Some(idx) = data.get(2..4) else {
                return false;
            };
            info.ifindex = u32::from(u16::from_ne_bytes([idx[0], idx[1]]));
        }
        Kind::TtlInt => {
            let Some(v) = ne_i32(data, 0) else {
                return false;
            };
            info.ttl = u8::try_from(v).ok();
        }
        Kind::TtlByte => {
            let Some(&v) = data.first() else {
                return false;
            };
            info.ttl = Some(v);
        }
        Kind::Timespec => {
            let (Some(s), Some(ns)) = (ne_i64(data, 0), ne_i64(data, 8)) else {
                return false;
            };
            info.kernel_time = time(s, ns, 1);
        }
        Kind::Timeval { usec_width } => {
            let us = match usec_width {
                8 => ne_i64(data, 8),
                _ => ne_i32(data, 8).map(i64::from),
            };
            let (Some(s), Some(us)) = (ne_i64(data, 0), us) else {
                return false;
            };
            info.kernel_time = time(s, us, 1000);
        }
        Kind::Drops => {
            let Some(v) = ne_u32(data, 0) else {
                return false;
            };
            info.drops = Some(v);
        }
    }
    true
}

/// Seconds and a sub-second count in units of `scale` nanoseconds;
/// `None` for values no clock gives.
fn time(secs: i64, sub: i64, scale: i64) -> Option<Duration> {
    let ns = sub.checked_mul(scale)?;
    match (u64::try_from(secs), u32::try_from(ns)) {
        (Ok(s), Ok(ns)) if ns < 1_000_000_000 => Some(Duration::new(s, ns)),
        _ => None,
    }
}

fn v4_at(data: &[u8], at: usize) -> Option<Ipv4Addr> {
    let b = data.get(at..at.checked_add(4)?)?;
    Some(Ipv4Addr::new(b[0], b[1], b[2], b[3]))
}

fn ne_u32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(
        data.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

fn ne_i32(data: &[u8], at: usize) -> Option<i32> {
    ne_u32(data, at).map(|v| v as i32)
}

fn ne_u64(data: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_ne_bytes(
        data.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
}

fn ne_i64(data: &[u8], at: usize) -> Option<i64> {
    ne_u64(data, at).map(|v| v as i64)
}

#[cfg(test)]
pub(crate) mod tests;

//! Linux: the calls socket2 does not make for us.
#![allow(unsafe_code)]

use std::io;
use std::mem::{size_of, MaybeUninit};
use std::net::{IpAddr, SocketAddr};
use std::os::fd::{AsRawFd, RawFd};
use std::time::Duration;

use socket2::{SockAddr, Socket};
use tracing::debug;

use super::cmsg::{self, CmsgBuf};
use super::{Family, RecvMeta, Wanted};

fn level(family: Family) -> libc::c_int {
    match family {
        Family::V4 => libc::IPPROTO_IP,
        Family::V6 => libc::IPPROTO_IPV6,
    }
}

/// Sets an integer socket option, logging it for `-vv`.
fn set_int(
    sock: &Socket,
    level: libc::c_int,
    name: libc::c_int,
    label: &str,
    v: i32,
) -> io::Result<()> {
    setsockopt_raw(sock, level, name, &v.to_ne_bytes())?;
    debug!("setsockopt {label} = {v}");
    Ok(())
}

/// `setsockopt` with the value as bytes: the option catalogue knows each
/// option's width and encoding, this only passes them through.
pub fn setsockopt_raw(sock: &Socket, level: i32, name: i32, value: &[u8]) -> io::Result<()> {
    let len = libc::socklen_t::try_from(value.len())
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: `value` is a live buffer of `len` bytes; the kernel copies it.
    let rc = unsafe { libc::setsockopt(sock.as_raw_fd(), level, name, value.as_ptr().cast(), len) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// `getsockopt` into `buf`; returns how many bytes the kernel wrote.
pub fn getsockopt_raw(sock: &Socket, level: i32, name: i32, buf: &mut [u8]) -> io::Result<usize> {
    let mut len = libc::socklen_t::try_from(buf.len())
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: `buf` is writable for `len` bytes and `len` is updated by the
    // kernel to what it wrote, never more than it was given.
    let rc = unsafe {
        libc::getsockopt(
            sock.as_raw_fd(),
            level,
            name,
            buf.as_mut_ptr().cast(),
            &mut len,
        )
    };
    if rc == 0 {
        Ok((len as usize).min(buf.len()))
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Lets several listeners bind the same port. Linux needs only
/// `SO_REUSEADDR` for that, and `SO_REUSEPORT` would be wrong: measured on
/// 6.18, a reuseport group hands each datagram to *one* member chosen by
/// flow hash, ignoring which groups it joined, so listeners on different
/// groups steal each other's packets. (The BSDs and macOS need
/// `SO_REUSEPORT` here instead.)
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
    let (level, info, info_name, ttl, ttl_name) = match family {
        Family::V4 => (
            libc::IPPROTO_IP,
            libc::IP_PKTINFO,
            "IP_PKTINFO",
            libc::IP_RECVTTL,
            "IP_RECVTTL",
        ),
        Family::V6 => (
            libc::IPPROTO_IPV6,
            libc::IPV6_RECVPKTINFO,
            "IPV6_RECVPKTINFO",
            libc::IPV6_RECVHOPLIMIT,
            "IPV6_RECVHOPLIMIT",
        ),
    };
    if wanted.dest_and_iface {
        set_int(sock, level, info, info_name, 1)?;
    }
    if wanted.ttl {
        set_int(sock, level, ttl, ttl_name, 1)?;
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

fn storage(ip: IpAddr) -> libc::sockaddr_storage {
    let addr = SockAddr::from(SocketAddr::new(ip, 0));
    let mut out = MaybeUninit::<libc::sockaddr_storage>::zeroed();
    // SAFETY: SockAddr holds at most a sockaddr_storage; we copy its `len`
    // initialised bytes into a zeroed one.
    unsafe {
        std::ptr::copy_nonoverlapping(
            addr.as_ptr().cast::<u8>(),
            out.as_mut_ptr().cast::<u8>(),
            (addr.len() as usize).min(size_of::<libc::sockaddr_storage>()),
        );
        out.assume_init()
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

fn setsockopt_struct<T>(sock: &Socket, level: i32, name: i32, value: &T) -> io::Result<()> {
    // SAFETY: `value` is a plain C struct of `size_of::<T>()` bytes.
    let rc = unsafe {
        libc::setsockopt(
            sock.as_raw_fd(),
            level,
            name,
            (value as *const T).cast(),
            size_of::<T>() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Joins `group` (from `source` only, when given) on interface `ifindex`;
/// index 0 lets the kernel choose by its routes.
pub fn join(sock: &Socket, group: IpAddr, source: Option<IpAddr>, ifindex: u32) -> io::Result<()> {
    membership(sock, group, source, ifindex, true)
}

pub fn leave(sock: &Socket, group: IpAddr, source: Option<IpAddr>, ifindex: u32) -> io::Result<()> {
    membership(sock, group, source, ifindex, false)
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

/// `net.core.rmem_max`: the most an unprivileged `SO_RCVBUF` may ask for.
pub fn rmem_max() -> Option<usize> {
    read_sysctl("/proc/sys/net/core/rmem_max")
}

/// Iovecs whose pointers are filled in before each call.
fn empty_iovecs() -> Vec<libc::iovec> {
    let empty = libc::iovec {
        iov_base: std::ptr::null_mut(),
        iov_len: 0,
    };
    vec![empty; BATCH]
}

const CACHE_LINE: usize = 64;

/// Datagrams taken per `recvmmsg` call: enough to amortise the syscall
/// over a burst, small enough that the buffers stay a couple of MiB.
pub const BATCH: usize = 32;

/// Buffers for one `recvmmsg` call, allocated once and reused, so the
/// receive path allocates nothing per packet.
pub struct RecvBatch {
    bufs: Vec<u8>,
    buf_len: usize,
    /// Distance between buffers: `buf_len` plus a cache line. At exactly
    /// 64 KiB apart every buffer's first bytes, where the kernel writes
    /// and the header is read, would share one cache set and evict each
    /// other within a batch.
    stride: usize,
    ctrl: Vec<CmsgBuf>,
    names: Vec<libc::sockaddr_storage>,
    iovs: Vec<libc::iovec>,
    hdrs: Vec<libc::mmsghdr>,
    metas: Vec<RecvMeta>,
}

impl RecvBatch {
    /// Room for `BATCH` datagrams of up to `buf_len` bytes each.
    pub fn new(buf_len: usize) -> Self {
        // SAFETY: all-zero is a valid value for these plain C structs.
        let zero_name: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
        // SAFETY: as above; the pointers are filled in before each call.
        let zero_hdr: libc::mmsghdr = unsafe { std::mem::zeroed() };
        let stride = buf_len + CACHE_LINE;
        Self {
            bufs: vec![0; stride * BATCH],
            buf_len,
            stride,
            ctrl: (0..BATCH).map(|_| CmsgBuf::default()).collect(),
            names: vec![zero_name; BATCH],
            iovs: empty_iovecs(),
            hdrs: vec![zero_hdr; BATCH],
            metas: Vec::with_capacity(BATCH),
        }
    }

    /// Metadata of the datagrams the last call received.
    pub fn metas(&self) -> &[RecvMeta] {
        &self.metas
    }

    /// Payload of datagram `i` of the last call.
    pub fn payload(&self, i: usize) -> &[u8] {
        let len = self.metas.get(i).map_or(0, |m| m.len);
        let start = i * self.stride;
        &self.bufs[start..start + len.min(self.buf_len)]
    }
}

/// Receives up to `vlen` (at most `BATCH`) datagrams (`recvmmsg`). With `wait`, blocks
/// for the first (up to the socket's receive timeout) and takes what else
/// is queued; without, `WouldBlock` when none is queued.
pub fn recv_batch(sock: &Socket, b: &mut RecvBatch, wait: bool, vlen: usize) -> io::Result<usize> {
    let vlen = vlen.clamp(1, BATCH);
    let base = b.bufs.as_mut_ptr();
    for i in 0..vlen {
        // SAFETY: `i * stride + buf_len` is inside `bufs` (BATCH strides).
        b.iovs[i].iov_base = unsafe { base.add(i * b.stride) }.cast();
        b.iovs[i].iov_len = b.buf_len;
        let h = &mut b.hdrs[i];
        h.msg_hdr.msg_name = (&mut b.names[i] as *mut libc::sockaddr_storage).cast();
        h.msg_hdr.msg_namelen = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        h.msg_hdr.msg_iov = &mut b.iovs[i];
        h.msg_hdr.msg_iovlen = 1;
        h.msg_hdr.msg_control = b.ctrl[i].0.as_mut_ptr().cast();
        h.msg_hdr.msg_controllen = b.ctrl[i].0.len();
        h.msg_hdr.msg_flags = 0;
        h.msg_len = 0;
    }
    if vlen == 1 {
        // One datagram: plain recvmsg skips recvmmsg's batching overhead.
        let flags = if wait { 0 } else { libc::MSG_DONTWAIT };
        // SAFETY: header 0 points at buffers owned by `b` (see below).
        let n = unsafe { libc::recvmsg(sock.as_raw_fd(), &mut b.hdrs[0].msg_hdr, flags) };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        b.hdrs[0].msg_len = n as libc::c_uint;
        return Ok(b.collect(1));
    }
    // SAFETY: every header points at buffers owned by `b` that outlive the
    // call, with matching lengths.
    let n = unsafe {
        libc::recvmmsg(
            sock.as_raw_fd(),
            b.hdrs.as_mut_ptr(),
            vlen as libc::c_uint,
            if wait {
                libc::MSG_WAITFORONE
            } else {
                libc::MSG_DONTWAIT
            },
            std::ptr::null_mut(),
        )
    };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(b.collect(n as usize))
}

impl RecvBatch {
    /// Reads the metadata of the first `n` headers after a receive.
    fn collect(&mut self, n: usize) -> usize {
        self.metas.clear();
        for i in 0..n {
            let h = &self.hdrs[i];
            let control_len = h.msg_hdr.msg_controllen.min(self.ctrl[i].0.len());
            let mut info = cmsg::parse(&self.ctrl[i].0[..control_len]);
            info.truncated |= h.msg_hdr.msg_flags & libc::MSG_CTRUNC != 0;
            self.metas.push(RecvMeta {
                len: h.msg_len as usize,
                truncated: h.msg_hdr.msg_flags & libc::MSG_TRUNC != 0,
                source: socket_addr(&self.names[i]),
                info,
            });
        }
        n
    }
}

/// Datagrams prepared for one `sendmmsg` call, in buffers allocated once.
pub struct SendBatch {
    bufs: Vec<u8>,
    slot: usize,
    lens: Vec<usize>,
    /// Destination per datagram; `None` on a connected socket.
    dests: Vec<Option<SockAddr>>,
    iovs: Vec<libc::iovec>,
    hdrs: Vec<libc::mmsghdr>,
    used: usize,
}

impl SendBatch {
    /// Room for `BATCH` datagrams of up to `slot` bytes.
    pub fn new(slot: usize) -> Self {
        // SAFETY: all-zero is a valid mmsghdr; pointers are set before use.
        let zero_hdr: libc::mmsghdr = unsafe { std::mem::zeroed() };
        Self {
            bufs: vec![0; slot * BATCH],
            slot,
            lens: vec![0; BATCH],
            dests: vec![None; BATCH],
            iovs: empty_iovecs(),
            hdrs: vec![zero_hdr; BATCH],
            used: 0,
        }
    }

    pub fn is_full(&self) -> bool {
        self.used == BATCH
    }

    pub fn len(&self) -> usize {
        self.used
    }

    pub fn is_empty(&self) -> bool {
        self.used == 0
    }

    /// The next datagram's buffer, `len` bytes long (at most the slot size),
    /// still holding whatever it held last time, so fixed parts need not be
    /// rewritten. `None` when the batch is full.
    pub fn push(&mut self, len: usize, dest: Option<&SockAddr>) -> Option<&mut [u8]> {
        if self.is_full() {
            return None;
        }
        let i = self.used;
        self.used += 1;
        self.lens[i] = len.min(self.slot);
        self.dests[i] = dest.cloned();
        let start = i * self.slot;
        Some(&mut self.bufs[start..start + self.lens[i]])
    }

    /// The buffer of slot `i`, for filling it once before the first batch.
    pub fn slot_mut(&mut self, i: usize) -> &mut [u8] {
        let start = i * self.slot;
        &mut self.bufs[start..start + self.slot]
    }

    /// Sends every prepared datagram; returns how many the kernel took
    /// (the rest are dropped from the batch: the caller counts them as
    /// errors) and empties the batch.
    pub fn send(&mut self, sock: &Socket) -> io::Result<usize> {
        let n = self.used;
        self.used = 0;
        if n == 0 {
            return Ok(0);
        }
        let base = self.bufs.as_mut_ptr();
        for i in 0..n {
            // SAFETY: slot `i` lies inside `bufs`.
            self.iovs[i].iov_base = unsafe { base.add(i * self.slot) }.cast();
            self.iovs[i].iov_len = self.lens[i];
            let h = &mut self.hdrs[i];
            match &self.dests[i] {
                Some(d) => {
                    h.msg_hdr.msg_name = d.as_ptr() as *mut libc::c_void;
                    h.msg_hdr.msg_namelen = d.len();
                }
                None => {
                    h.msg_hdr.msg_name = std::ptr::null_mut();
                    h.msg_hdr.msg_namelen = 0;
                }
            }
            h.msg_hdr.msg_iov = &mut self.iovs[i];
            h.msg_hdr.msg_iovlen = 1;
            h.msg_hdr.msg_control = std::ptr::null_mut();
            h.msg_hdr.msg_controllen = 0;
        }
        // SAFETY: the first `n` headers point at live buffers and addresses
        // owned by `self`.
        let sent = unsafe {
            libc::sendmmsg(
                sock.as_raw_fd(),
                self.hdrs.as_mut_ptr(),
                n as libc::c_uint,
                0,
            )
        };
        if sent < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(sent as usize)
    }
}

/// The sender's address from a kernel-filled `sockaddr_storage`.
fn socket_addr(ss: &libc::sockaddr_storage) -> SocketAddr {
    match ss.ss_family as libc::c_int {
        libc::AF_INET => {
            // SAFETY: the family says the storage holds a sockaddr_in, and
            // sockaddr_storage is large and aligned enough for it.
            let sin =
                unsafe { &*(ss as *const libc::sockaddr_storage).cast::<libc::sockaddr_in>() };
            SocketAddr::from((
                std::net::Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr)),
                u16::from_be(sin.sin_port),
            ))
        }
        libc::AF_INET6 => {
            // SAFETY: as above, for sockaddr_in6.
            let sin6 =
                unsafe { &*(ss as *const libc::sockaddr_storage).cast::<libc::sockaddr_in6>() };
            SocketAddr::V6(std::net::SocketAddrV6::new(
                std::net::Ipv6Addr::from(sin6.sin6_addr.s6_addr),
                u16::from_be(sin6.sin6_port),
                sin6.sin6_flowinfo,
                sin6.sin6_scope_id,
            ))
        }
        _ => SocketAddr::from(([0, 0, 0, 0], 0)),
    }
}

/// Waits until one of `fds` is readable, or `timeout` passes. Returns the
/// indexes of readable descriptors in `ready`. EINTR counts as a timeout so
/// the caller re-checks its stop flag.
pub fn wait_readable(
    fds: &mut Vec<libc::pollfd>,
    socks: &[RawFd],
    timeout: Duration,
    ready: &mut Vec<usize>,
) -> io::Result<()> {
    fds.clear();
    fds.extend(socks.iter().map(|&fd| libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    }));
    ready.clear();
    let ms = timeout.as_millis().min(i32::MAX as u128) as libc::c_int;
    // SAFETY: `fds` is a valid array of `fds.len()` pollfd structs.
    let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
    if n < 0 {
        let err = io::Error::last_os_error();
        return if err.kind() == io::ErrorKind::Interrupted {
            Ok(())
        } else {
            Err(err)
        };
    }
    ready.extend(
        fds.iter()
            .enumerate()
            .filter(|(_, p)| p.revents != 0)
            .map(|(i, _)| i),
    );
    Ok(())
}

/// How many IPv4 groups one socket may join (`net.ipv4.igmp_max_memberships`).
pub fn max_memberships_v4() -> usize {
    read_sysctl("/proc/sys/net/ipv4/igmp_max_memberships").unwrap_or(20)
}

/// How many sources one socket may name per IPv4 group (`net.ipv4.igmp_max_msf`).
pub fn max_sources_v4() -> usize {
    read_sysctl("/proc/sys/net/ipv4/igmp_max_msf").unwrap_or(10)
}

fn read_sysctl(path: &str) -> Option<usize> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// The errno's symbolic name (`EINVAL`), which users search for.
pub fn errno_name(err: &io::Error) -> Option<String> {
    err.raw_os_error()
        .map(|n| format!("{:?}", nix::errno::Errno::from_raw(n)))
}

/// Which interface, by index, a name refers to now (after a flap the
/// index can change).
pub fn if_index(name: &str) -> Option<u32> {
    getifaddrs::if_nametoindex(name).ok()
}

/// Whether the interface is administratively and operationally up.
pub fn if_is_up(name: &str) -> bool {
    getifaddrs::getifaddrs().is_ok_and(|mut all| {
        all.any(|i| {
            i.name == name
                && i.flags.contains(getifaddrs::InterfaceFlags::UP)
                && i.flags.contains(getifaddrs::InterfaceFlags::RUNNING)
        })
    })
}

/// An interface's current name, for indexes that appeared after start.
pub fn if_name(index: u32) -> Option<String> {
    getifaddrs::if_indextoname(index).ok()
}

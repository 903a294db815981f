//! Socket set-up that socket2 makes portable.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use socket2::{Domain, Protocol, Socket, Type};
use tracing::debug;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    pub fn of(addr: std::net::IpAddr) -> Self {
        if addr.is_ipv4() {
            Family::V4
        } else {
            Family::V6
        }
    }

    fn domain(self) -> Domain {
        match self {
            Family::V4 => Domain::IPV4,
            Family::V6 => Domain::IPV6,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        }
    }
}

/// A UDP socket bound to `port`, shareable with other listeners on the
/// same port, non-blocking, seeing only the groups it joins, and asking
/// the kernel for per-packet metadata.
///
/// Bound to the wildcard address unless `group` is given: a socket bound
/// to its one group receives nothing else, so the destination is known
/// without asking the kernel for it with every packet (see
/// [`super::BIND_GROUP_FIXES_DEST`]).
pub fn open_receiver(
    family: Family,
    port: u16,
    group: Option<IpAddr>,
    lean: bool,
) -> io::Result<Socket> {
    let sock = Socket::new(family.domain(), Type::DGRAM, Some(Protocol::UDP))?;
    super::share_port(&sock)?;
    let addr = match (family, group) {
        (_, Some(g)) => SocketAddr::new(g, port),
        (Family::V4, None) => SocketAddr::from((Ipv4Addr::UNSPECIFIED, port)),
        (Family::V6, None) => SocketAddr::from((Ipv6Addr::UNSPECIFIED, port)),
    };
    if family == Family::V6 {
        sock.set_only_v6(true)?;
        debug!("setsockopt IPV6_V6ONLY = 1");
    }
    super::set_multicast_all(&sock, family, false)?;
    let wanted = super::Wanted {
        dest_and_iface: group.is_none(),
        ttl: !lean,
        kernel_time: !lean,
    };
    super::enable_packet_info(&sock, family, wanted)?;
    sock.bind(&addr.into())?;
    debug!("bind {addr}");
    sock.set_nonblocking(true)?;
    Ok(sock)
}

/// A UDP socket for sending, bound to `bind` when given.
pub fn open_sender(family: Family, bind: Option<SocketAddr>) -> io::Result<Socket> {
    let sock = Socket::new(family.domain(), Type::DGRAM, Some(Protocol::UDP))?;
    if let Some(addr) = bind {
        // Several senders may share a source port, as SSM tests often want.
        sock.set_reuse_address(true)?;
        sock.bind(&addr.into())?;
        debug!("bind {addr}");
    }
    Ok(sock)
}

/// This host's name, for `pong`'s replies: the kernel's on Linux, the
/// environment's elsewhere; empty when unknown.
pub fn host_name() -> String {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_default();
    let name = name.trim();
    let mut end = name.len().min(64);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    name[..end].chars().filter(|c| !c.is_control()).collect()
}

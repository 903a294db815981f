//! FreeBSD's and macOS's row for each option in the catalogue: where the
//! kernel takes it, how wide and how encoded the value is, and what a
//! fresh UDP socket reads (ip(4), ip6(4), socket(2), and the kernels'
//! `inp_getmoptions`/`sogetopt`). Defaults that come from a sysctl are
//! read from the host at run time. Numbers differ between the two only
//! where libc's do (`IP_RECVTTL`, `IPV6_TCLASS`, `IPV6_RECVPKTINFO`).
//!
//! What surprises people coming from Linux: the multicast TTL and loop of
//! IPv4 are one byte; `SO_*` flags read back as their flag bit, not 1;
//! a buffer size over the limit fails with `ENOBUFS` instead of being
//! capped; there is no `IP_MULTICAST_ALL` (membership filters delivery)
//! and no drop counter.

use crate::platform::options::{row, Encoding, Level, Opt, OsDefault, Row, Value, OFF, ON};
use std::net::Ipv4Addr;

const SOL_SOCKET: Level = Level::new("SOL_SOCKET", libc::SOL_SOCKET);
const IPPROTO_IP: Level = Level::new("IPPROTO_IP", libc::IPPROTO_IP);
const IPPROTO_IPV6: Level = Level::new("IPPROTO_IPV6", libc::IPPROTO_IPV6);

/// `net.inet6.ip6.v6only`: on by default on FreeBSD, off on macOS.
#[cfg(target_os = "freebsd")]
const V6ONLY: (i32, &str) = (1, "1: IPv6 only, unlike Linux");
#[cfg(target_os = "macos")]
const V6ONLY: (i32, &str) = (0, "0: IPv4 too, as ::ffff:a.b.c.d");

/// `net.inet.udp.recvspace`: 40 1K datagrams on FreeBSD; raised on
/// current macOS.
#[cfg(target_os = "freebsd")]
const UDP_RECVSPACE: i32 = 42_080;
#[cfg(target_os = "macos")]
const UDP_RECVSPACE: i32 = 786_896;

/// In the order `sockopt` prints them: per family, then socket level.
pub const SOCKOPT_TABLE: &[Row] = &[
    row(
        Opt::MulticastTtl,
        IPPROTO_IP,
        libc::IP_MULTICAST_TTL,
        // The kernel also takes an int, but one byte is the documented form.
        Encoding::Byte,
        ON,
        "1 byte; 1: stays on the local link",
    ),
    row(
        Opt::MulticastLoop,
        IPPROTO_IP,
        libc::IP_MULTICAST_LOOP,
        Encoding::Byte,
        // A fresh socket reads 1; net.inet.ip.mcast.loop is what a socket
        // starts with once it has multicast options (a join).
        OsDefault::Sysctl {
            key: "net.inet.ip.mcast.loop",
            stock: 1,
        },
        "1 byte; 1: local listeners get copies",
    ),
    row(
        Opt::MulticastIf,
        IPPROTO_IP,
        libc::IP_MULTICAST_IF,
        // Set as in_addr, or ip_mreqn by index; reads back the in_addr.
        Encoding::IfaceV4,
        OsDefault::Is(Value::Addr(Ipv4Addr::UNSPECIFIED)),
        "if set by index: reads its address",
    ),
    row(
        Opt::Ttl,
        IPPROTO_IP,
        libc::IP_TTL,
        Encoding::Int,
        OsDefault::Sysctl {
            key: "net.inet.ip.ttl",
            stock: 64,
        },
        "unicast only",
    ),
    row(Opt::Tos, IPPROTO_IP, libc::IP_TOS, Encoding::Int, OFF, ""),
    row(
        Opt::RecvDstAddr,
        IPPROTO_IP,
        libc::IP_RECVDSTADDR,
        Encoding::Bool,
        OFF,
        "destination only: the interface is IP_RECVIF",
    ),
    row(
        Opt::RecvIf,
        IPPROTO_IP,
        libc::IP_RECVIF,
        Encoding::Bool,
        OFF,
        "interface as a sockaddr_dl",
    ),
    row(
        Opt::RecvTtl,
        IPPROTO_IP,
        libc::IP_RECVTTL,
        Encoding::Bool,
        OFF,
        "TTL arrives as 1 byte",
    ),
    row(
        Opt::MulticastHops,
        IPPROTO_IPV6,
        libc::IPV6_MULTICAST_HOPS,
        Encoding::Int,
        OsDefault::Sysctl {
            key: "net.inet6.ip6.defmcasthlim",
            stock: 1,
        },
        "1: stays on the local link",
    ),
    row(
        Opt::MulticastLoop6,
        IPPROTO_IPV6,
        libc::IPV6_MULTICAST_LOOP,
        // An int, unlike IPv4's byte.
        Encoding::Bool,
        OsDefault::Sysctl {
            key: "net.inet6.ip6.mcast.loop",
            stock: 1,
        },
        "1: local listeners get copies",
    ),
    row(
        Opt::MulticastIf6,
        IPPROTO_IPV6,
        libc::IPV6_MULTICAST_IF,
        Encoding::IfIndex,
        OsDefault::Is(Value::Index(0)),
        "0: the route decides",
    ),
    row(
        Opt::UnicastHops,
        IPPROTO_IPV6,
        libc::IPV6_UNICAST_HOPS,
        Encoding::Int,
        // The socket keeps -1 and the kernel applies net.inet6.ip6.hlim.
        OsDefault::Is(Value::Int(-1)),
        "unicast only; -1: net.inet6.ip6.hlim (64)",
    ),
    row(
        Opt::Tclass,
        IPPROTO_IPV6,
        libc::IPV6_TCLASS,
        Encoding::Int,
        OFF,
        "-1: default",
    ),
    row(
        Opt::RecvPktInfo6,
        IPPROTO_IPV6,
        libc::IPV6_RECVPKTINFO,
        Encoding::Bool,
        OFF,
        "",
    ),
    row(
        Opt::RecvHopLimit,
        IPPROTO_IPV6,
        libc::IPV6_RECVHOPLIMIT,
        Encoding::Bool,
        OFF,
        "",
    ),
    row(
        Opt::V6Only,
        IPPROTO_IPV6,
        libc::IPV6_V6ONLY,
        Encoding::Bool,
        OsDefault::Sysctl {
            key: "net.inet6.ip6.v6only",
            stock: V6ONLY.0,
        },
        V6ONLY.1,
    ),
    row(
        Opt::RcvBuf,
        SOL_SOCKET,
        libc::SO_RCVBUF,
        Encoding::Int,
        OsDefault::Sysctl {
            key: "net.inet.udp.recvspace",
            stock: UDP_RECVSPACE,
        },
        "over kern.ipc.maxsockbuf: ENOBUFS, not capped",
    ),
    row(
        Opt::SndBuf,
        SOL_SOCKET,
        libc::SO_SNDBUF,
        Encoding::Int,
        OsDefault::Sysctl {
            key: "net.inet.udp.maxdgram",
            stock: 9216,
        },
        "also the largest datagram: EMSGSIZE above",
    ),
    row(
        Opt::ReuseAddr,
        SOL_SOCKET,
        libc::SO_REUSEADDR,
        Encoding::Bool,
        OFF,
        "on reads 4, its flag bit",
    ),
    row(
        Opt::ReusePort,
        SOL_SOCKET,
        libc::SO_REUSEPORT,
        Encoding::Bool,
        OFF,
        "needed to share a port; on reads 512",
    ),
    row(
        Opt::Timestamp,
        SOL_SOCKET,
        libc::SO_TIMESTAMP,
        Encoding::Bool,
        OFF,
        "microseconds (timeval); on reads 1024",
    ),
];

//! Linux's row for each option in the catalogue: where the kernel takes
//! it, how wide and how encoded the value is, and what a fresh socket
//! reads. Verified on Linux 6.x (README, "Linux behaviours"); defaults
//! that come from a sysctl are read from this host at run time.

use crate::platform::options::{row, Encoding, Level, Opt, OsDefault, Row, Value, OFF, ON};
use std::net::Ipv4Addr;

const SOL_SOCKET: Level = Level::new("SOL_SOCKET", libc::SOL_SOCKET);
const IPPROTO_IP: Level = Level::new("IPPROTO_IP", libc::IPPROTO_IP);
const IPPROTO_IPV6: Level = Level::new("IPPROTO_IPV6", libc::IPPROTO_IPV6);

/// In the order `sockopt` prints them: per family, then socket level.
pub const SOCKOPT_TABLE: &[Row] = &[
    row(
        Opt::MulticastTtl,
        IPPROTO_IP,
        libc::IP_MULTICAST_TTL,
        Encoding::Int,
        ON,
        "1: stays on the local link",
    ),
    row(
        Opt::MulticastLoop,
        IPPROTO_IP,
        libc::IP_MULTICAST_LOOP,
        Encoding::Bool,
        ON,
        "1: local listeners get copies",
    ),
    row(
        Opt::MulticastIf,
        IPPROTO_IP,
        libc::IP_MULTICAST_IF,
        // Linux also takes ip_mreqn here, the only way to name an interface
        // that has no IPv4 address; getsockopt returns only the in_addr.
        Encoding::IfaceV4,
        OsDefault::Is(Value::Addr(Ipv4Addr::UNSPECIFIED)),
        "if set by index: reads 0.0.0.0",
    ),
    row(
        Opt::MulticastAll,
        IPPROTO_IP,
        libc::IP_MULTICAST_ALL,
        Encoding::Bool,
        ON,
        "1: gets groups others joined",
    ),
    row(
        Opt::Ttl,
        IPPROTO_IP,
        libc::IP_TTL,
        Encoding::Int,
        OsDefault::Sysctl {
            key: "net.ipv4.ip_default_ttl",
            stock: 64,
        },
        "unicast only; -1: default",
    ),
    row(Opt::Tos, IPPROTO_IP, libc::IP_TOS, Encoding::Int, OFF, ""),
    row(
        Opt::PktInfo,
        IPPROTO_IP,
        libc::IP_PKTINFO,
        Encoding::Bool,
        OFF,
        "",
    ),
    row(
        Opt::RecvTtl,
        IPPROTO_IP,
        libc::IP_RECVTTL,
        Encoding::Bool,
        OFF,
        "",
    ),
    row(
        Opt::MulticastHops,
        IPPROTO_IPV6,
        libc::IPV6_MULTICAST_HOPS,
        Encoding::Int,
        ON,
        "1: stays on the local link",
    ),
    row(
        Opt::MulticastLoop6,
        IPPROTO_IPV6,
        libc::IPV6_MULTICAST_LOOP,
        Encoding::Bool,
        ON,
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
        Opt::MulticastAll6,
        IPPROTO_IPV6,
        libc::IPV6_MULTICAST_ALL,
        Encoding::Bool,
        ON,
        "1: gets groups others joined",
    ),
    row(
        Opt::UnicastHops,
        IPPROTO_IPV6,
        libc::IPV6_UNICAST_HOPS,
        Encoding::Int,
        OsDefault::Sysctl {
            key: "net.ipv6.conf.all.hop_limit",
            stock: 64,
        },
        "unicast only; -1: default",
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
            key: "net.ipv6.bindv6only",
            stock: 0,
        },
        "0: IPv4 too, as ::ffff:a.b.c.d",
    ),
    row(
        Opt::RcvBuf,
        SOL_SOCKET,
        libc::SO_RCVBUF,
        Encoding::Int,
        OsDefault::Sysctl {
            key: "net.core.rmem_default",
            stock: 212_992,
        },
        "reads back 2x; rmem_max caps it",
    ),
    row(
        Opt::SndBuf,
        SOL_SOCKET,
        libc::SO_SNDBUF,
        Encoding::Int,
        OsDefault::Sysctl {
            key: "net.core.wmem_default",
            stock: 212_992,
        },
        "reads back 2x; wmem_max caps it",
    ),
    row(
        Opt::ReuseAddr,
        SOL_SOCKET,
        libc::SO_REUSEADDR,
        Encoding::Bool,
        OFF,
        "",
    ),
    row(
        Opt::ReusePort,
        SOL_SOCKET,
        libc::SO_REUSEPORT,
        Encoding::Bool,
        OFF,
        "",
    ),
    row(
        Opt::TimestampNs,
        SOL_SOCKET,
        libc::SO_TIMESTAMPNS,
        Encoding::Bool,
        OFF,
        "",
    ),
    row(
        Opt::RxqOvfl,
        SOL_SOCKET,
        libc::SO_RXQ_OVFL,
        Encoding::Bool,
        OFF,
        "1: drop count rides on packets",
    ),
];

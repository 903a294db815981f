//! Windows' row for each option in the catalogue: where Winsock takes it,
//! how wide and how encoded the value is, and what a fresh socket reads,
//! per Microsoft's documentation (IPPROTO_IP, IPPROTO_IPV6 and SOL_SOCKET
//! socket options). Windows keeps its host-wide defaults in the registry,
//! not in sysctls, so defaults are stated as documented values.

use crate::platform::options::{row, Encoding, Level, Opt, OsDefault, Row, Value, OFF, ON};
use std::net::Ipv4Addr;
use windows_sys::Win32::Networking::WinSock as ws;

const SOL_SOCKET: Level = Level::new("SOL_SOCKET", ws::SOL_SOCKET);
const IPPROTO_IP: Level = Level::new("IPPROTO_IP", ws::IPPROTO_IP);
const IPPROTO_IPV6: Level = Level::new("IPPROTO_IPV6", ws::IPPROTO_IPV6);

/// In the order `sockopt` prints them: per family, then socket level.
/// Every value is a DWORD (4 bytes), the multicast TTL and loop included.
pub const SOCKOPT_TABLE: &[Row] = &[
    row(
        Opt::MulticastTtl,
        IPPROTO_IP,
        ws::IP_MULTICAST_TTL,
        Encoding::Int,
        ON,
        "1: stays on the local link",
    ),
    row(
        Opt::MulticastLoop,
        IPPROTO_IP,
        ws::IP_MULTICAST_LOOP,
        Encoding::Bool,
        ON,
        "acts on the receiving socket: 0 there refuses local copies (not on the sender, as on Unix)",
    ),
    row(
        Opt::MulticastIf,
        IPPROTO_IP,
        ws::IP_MULTICAST_IF,
        // An address, or an index as 0.0.0.idx in network byte order.
        Encoding::IfaceV4,
        OsDefault::Is(Value::Addr(Ipv4Addr::UNSPECIFIED)),
        "by index: 0.0.0.idx; 0.0.0.0: the route decides",
    ),
    row(
        Opt::Ttl,
        IPPROTO_IP,
        ws::IP_TTL,
        Encoding::Int,
        OsDefault::Is(Value::Int(128)),
        "unicast only; registry DefaultTTL (128)",
    ),
    row(
        Opt::Tos,
        IPPROTO_IP,
        ws::IP_TOS,
        Encoding::Int,
        OFF,
        "Microsoft: set TOS with the QoS API instead",
    ),
    row(
        Opt::PktInfo,
        IPPROTO_IP,
        ws::IP_PKTINFO,
        Encoding::Bool,
        OFF,
        "via WSARecvMsg only",
    ),
    row(
        Opt::RecvTtl,
        IPPROTO_IP,
        ws::IP_RECVTTL,
        Encoding::Bool,
        OFF,
        "via WSARecvMsg; older Windows refuse it",
    ),
    row(
        Opt::MulticastHops,
        IPPROTO_IPV6,
        ws::IPV6_MULTICAST_HOPS,
        Encoding::Int,
        ON,
        "1: stays on the local link",
    ),
    row(
        Opt::MulticastLoop6,
        IPPROTO_IPV6,
        ws::IPV6_MULTICAST_LOOP,
        Encoding::Bool,
        ON,
        "acts on the receiving socket, as IP_MULTICAST_LOOP",
    ),
    row(
        Opt::MulticastIf6,
        IPPROTO_IPV6,
        ws::IPV6_MULTICAST_IF,
        Encoding::IfIndex,
        OsDefault::Is(Value::Index(0)),
        "0: the route decides",
    ),
    row(
        Opt::UnicastHops,
        IPPROTO_IPV6,
        ws::IPV6_UNICAST_HOPS,
        Encoding::Int,
        OsDefault::Is(Value::Int(128)),
        "unicast only; registry DefaultTTL (128)",
    ),
    row(
        Opt::PktInfo6,
        IPPROTO_IPV6,
        ws::IPV6_PKTINFO,
        Encoding::Bool,
        OFF,
        "enables and labels packet info; via WSARecvMsg",
    ),
    row(
        Opt::HopLimit6,
        IPPROTO_IPV6,
        ws::IPV6_HOPLIMIT,
        Encoding::Bool,
        OFF,
        "enables and labels the hop limit; via WSARecvMsg",
    ),
    row(
        Opt::V6Only,
        IPPROTO_IPV6,
        ws::IPV6_V6ONLY,
        Encoding::Bool,
        ON,
        "1 by default on Windows: IPv6 only",
    ),
    row(
        Opt::RcvBuf,
        SOL_SOCKET,
        ws::SO_RCVBUF,
        Encoding::Int,
        OsDefault::Is(Value::Int(65_536)),
        "reads back as set; no host-wide cap",
    ),
    row(
        Opt::SndBuf,
        SOL_SOCKET,
        ws::SO_SNDBUF,
        Encoding::Int,
        OsDefault::Is(Value::Int(65_536)),
        "reads back as set; no host-wide cap",
    ),
    row(
        Opt::ReuseAddr,
        SOL_SOCKET,
        ws::SO_REUSEADDR,
        Encoding::Bool,
        OFF,
        "every socket on the port gets each multicast datagram",
    ),
    row(
        Opt::ExclusiveAddrUse,
        SOL_SOCKET,
        ws::SO_EXCLUSIVEADDRUSE,
        Encoding::Bool,
        OFF,
        "1: no other socket may share the port",
    ),
];

//! The socket-option catalogue as data, shaped like Go's `x/net/ipv4`:
//! a portable list of options ([`Opt`]: names, aliases, family) and one
//! table per OS ([`Row`]s: level, number, encoding, default, notes), which
//! each OS module provides as `SOCKOPT_TABLE`. An option without a row is
//! not supported on that OS. `crate::sockopt` drives set and read-back.

use std::net::Ipv4Addr;

use super::Family;

/// Which socket an option belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    V4,
    V6,
    /// Socket level: shown and set on the socket of each family.
    Socket,
}

impl Scope {
    pub fn applies_to(self, family: Family) -> bool {
        match self {
            Scope::V4 => family == Family::V4,
            Scope::V6 => family == Family::V6,
            Scope::Socket => true,
        }
    }
}

/// An option, whatever number an OS gives it (Go's `ssoMulticastTTL` ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opt {
    MulticastTtl,
    MulticastLoop,
    MulticastIf,
    MulticastAll,
    Ttl,
    Tos,
    PktInfo,
    RecvTtl,
    MulticastHops,
    MulticastLoop6,
    MulticastIf6,
    MulticastAll6,
    UnicastHops,
    Tclass,
    RecvPktInfo6,
    RecvHopLimit,
    V6Only,
    RcvBuf,
    SndBuf,
    ReuseAddr,
    ReusePort,
    TimestampNs,
    RxqOvfl,
    /// BSD: destination address of each datagram.
    RecvDstAddr,
    /// BSD: arrival interface of each datagram.
    RecvIf,
    /// Windows: `IPV6_PKTINFO` both enables and labels packet info.
    PktInfo6,
    /// Windows: `IPV6_HOPLIMIT` both enables and labels the hop limit.
    HopLimit6,
    /// BSD, macOS: receive time as a `timeval`.
    Timestamp,
    /// Windows: no other socket may bind the port.
    ExclusiveAddrUse,
}

impl Opt {
    pub const ALL: [Opt; 29] = [
        Opt::MulticastTtl,
        Opt::MulticastLoop,
        Opt::MulticastIf,
        Opt::MulticastAll,
        Opt::Ttl,
        Opt::Tos,
        Opt::PktInfo,
        Opt::RecvTtl,
        Opt::MulticastHops,
        Opt::MulticastLoop6,
        Opt::MulticastIf6,
        Opt::MulticastAll6,
        Opt::UnicastHops,
        Opt::Tclass,
        Opt::RecvPktInfo6,
        Opt::RecvHopLimit,
        Opt::V6Only,
        Opt::RcvBuf,
        Opt::SndBuf,
        Opt::ReuseAddr,
        Opt::ReusePort,
        Opt::TimestampNs,
        Opt::RxqOvfl,
        Opt::RecvDstAddr,
        Opt::RecvIf,
        Opt::PktInfo6,
        Opt::HopLimit6,
        Opt::Timestamp,
        Opt::ExclusiveAddrUse,
    ];

    /// The kernel's name, which users search for; also accepted by `--set`.
    pub fn name(self) -> &'static str {
        self.info().0
    }

    pub fn scope(self) -> Scope {
        self.info().1
    }

    /// Short names for `--set`; one alias may name an option of each family.
    pub fn aliases(self) -> &'static [&'static str] {
        self.info().2
    }

    fn info(self) -> (&'static str, Scope, &'static [&'static str]) {
        use Scope::{Socket, V4, V6};
        match self {
            Opt::MulticastTtl => ("IP_MULTICAST_TTL", V4, &["ttl"]),
            Opt::MulticastLoop => ("IP_MULTICAST_LOOP", V4, &["loop"]),
            Opt::MulticastIf => ("IP_MULTICAST_IF", V4, &["if", "iface"]),
            Opt::MulticastAll => ("IP_MULTICAST_ALL", V4, &["all"]),
            Opt::Ttl => ("IP_TTL", V4, &["unicast-ttl"]),
            Opt::Tos => ("IP_TOS", V4, &["tos"]),
            Opt::PktInfo => ("IP_PKTINFO", V4, &["pktinfo"]),
            Opt::RecvTtl => ("IP_RECVTTL", V4, &["recvttl"]),
            Opt::MulticastHops => ("IPV6_MULTICAST_HOPS", V6, &["ttl", "hops"]),
            Opt::MulticastLoop6 => ("IPV6_MULTICAST_LOOP", V6, &["loop"]),
            Opt::MulticastIf6 => ("IPV6_MULTICAST_IF", V6, &["if", "iface"]),
            Opt::MulticastAll6 => ("IPV6_MULTICAST_ALL", V6, &["all"]),
            Opt::UnicastHops => ("IPV6_UNICAST_HOPS", V6, &["unicast-ttl", "unicast-hops"]),
            Opt::Tclass => ("IPV6_TCLASS", V6, &["tos", "tclass"]),
            Opt::RecvPktInfo6 => ("IPV6_RECVPKTINFO", V6, &["pktinfo"]),
            Opt::RecvHopLimit => ("IPV6_RECVHOPLIMIT", V6, &["recvttl", "recvhops"]),
            Opt::V6Only => ("IPV6_V6ONLY", V6, &["v6only"]),
            Opt::RcvBuf => ("SO_RCVBUF", Socket, &["rcvbuf"]),
            Opt::SndBuf => ("SO_SNDBUF", Socket, &["sndbuf"]),
            Opt::ReuseAddr => ("SO_REUSEADDR", Socket, &["reuseaddr"]),
            Opt::ReusePort => ("SO_REUSEPORT", Socket, &["reuseport"]),
            Opt::TimestampNs => ("SO_TIMESTAMPNS", Socket, &["timestamp"]),
            Opt::RxqOvfl => ("SO_RXQ_OVFL", Socket, &["rxq-ovfl", "drops"]),
            Opt::RecvDstAddr => ("IP_RECVDSTADDR", V4, &["pktinfo", "dstaddr"]),
            Opt::RecvIf => ("IP_RECVIF", V4, &["recvif"]),
            Opt::PktInfo6 => ("IPV6_PKTINFO", V6, &["pktinfo"]),
            Opt::HopLimit6 => ("IPV6_HOPLIMIT", V6, &["recvttl", "recvhops"]),
            Opt::Timestamp => ("SO_TIMESTAMP", Socket, &["timestamp"]),
            Opt::ExclusiveAddrUse => ("SO_EXCLUSIVEADDRUSE", Socket, &["exclusiveaddruse"]),
        }
    }
}

/// A protocol level, by name and by this OS's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Level {
    pub name: &'static str,
    pub value: i32,
}

impl Level {
    pub const fn new(name: &'static str, value: i32) -> Self {
        Self { name, value }
    }
}

/// How an option's value travels through setsockopt/getsockopt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// C `int`.
    Int,
    /// C `int` used as a switch: 0 off, anything else on.
    Bool,
    /// One byte (BSD and macOS take the multicast TTL and loop this way).
    Byte,
    /// A 32-bit interface index (the IPv6 interface options).
    IfIndex,
    /// The IPv4 outgoing interface: set as `in_addr` when the interface has
    /// an IPv4 address, else by index as `ip_mreqn`; read back as `in_addr`.
    IfaceV4,
}

impl Encoding {
    /// Bytes getsockopt is offered.
    pub fn width(self) -> usize {
        match self {
            Encoding::Byte => 1,
            _ => 4,
        }
    }

    /// What `--set` accepts, for error messages.
    pub fn accepts(self) -> &'static str {
        match self {
            Encoding::Int => "a whole number (decimal or 0x hex)",
            Encoding::Bool => "0/1, on/off, true/false or yes/no",
            Encoding::Byte => "a number from 0 to 255",
            Encoding::IfIndex | Encoding::IfaceV4 => "an interface name, index or address",
        }
    }
}

/// What a fresh socket of this OS reads back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OsDefault {
    Is(Value),
    /// Set per host by a sysctl; `stock` is the kernel's own default.
    Sysctl {
        key: &'static str,
        stock: i32,
    },
}

impl OsDefault {
    /// The sysctl this default comes from, if any.
    pub fn sysctl(self) -> Option<&'static str> {
        match self {
            OsDefault::Is(_) => None,
            OsDefault::Sysctl { key, .. } => Some(key),
        }
    }

    /// The default on this host now.
    pub fn value(self) -> Value {
        match self {
            OsDefault::Is(v) => v,
            // The table's keys name no interface: their dots only
            // separate components.
            OsDefault::Sysctl { key, stock } => Value::Int(
                super::sysctl_int(&key.split('.').collect::<Vec<_>>())
                    .and_then(|v| i32::try_from(v).ok())
                    .unwrap_or(stock),
            ),
        }
    }
}

/// One option as this OS has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub opt: Opt,
    pub level: Level,
    pub optname: i32,
    pub encoding: Encoding,
    pub default: OsDefault,
    /// What surprises people about this option here; may be empty.
    pub note: &'static str,
}

impl Row {
    pub fn name(&self) -> &'static str {
        self.opt.name()
    }
}

/// One table row, for the OS tables' `const` arrays.
pub const fn row(
    opt: Opt,
    level: Level,
    optname: i32,
    encoding: Encoding,
    default: OsDefault,
    note: &'static str,
) -> Row {
    Row {
        opt,
        level,
        optname,
        encoding,
        default,
        note,
    }
}

/// A switch that is off on a fresh socket.
pub const OFF: OsDefault = OsDefault::Is(Value::Int(0));
/// A switch that is on on a fresh socket.
pub const ON: OsDefault = OsDefault::Is(Value::Int(1));

/// A value read back (or a default), decoded from its encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    Int(i32),
    Addr(Ipv4Addr),
    Index(u32),
}

impl Value {
    /// Decodes what getsockopt wrote; `None` for a length the encoding
    /// does not explain.
    pub fn decode(encoding: Encoding, bytes: &[u8]) -> Option<Value> {
        let four = <[u8; 4]>::try_from(bytes).ok();
        match (encoding, bytes) {
            // Some kernels answer an int option with one byte.
            (Encoding::Int | Encoding::Bool | Encoding::Byte, [b]) => {
                Some(Value::Int(i32::from(*b)))
            }
            (Encoding::Int | Encoding::Bool | Encoding::Byte, _) => {
                four.map(|b| Value::Int(i32::from_ne_bytes(b)))
            }
            (Encoding::IfIndex, _) => four.map(|b| Value::Index(u32::from_ne_bytes(b))),
            // in_addr is in network order, as octets() are.
            (Encoding::IfaceV4, _) => four.map(|b| Value::Addr(Ipv4Addr::from(b))),
        }
    }
}

//! The socket-option catalogue behind `mcast sockopt`, shaped like Go's
//! `x/net/ipv4`: a portable list of options ([`Opt`]: names, aliases,
//! family) and one table per OS ([`Row`]s: level, number, encoding,
//! default, notes). An option without a row is not supported on that OS.
//!
//! The driver here sets what was asked, joins groups, then reads every
//! row back with getsockopt, collecting errors instead of stopping: the
//! point is to show what the kernel did with each request.

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
use linux as os;
mod render;

pub use render::{render_json, render_text};

use std::io;
use std::net::{IpAddr, Ipv4Addr};

use anyhow::{Context, Result};
use serde_json::{json, Value as Json};
use socket2::{Domain, Protocol, Socket, Type};
use tracing::{debug, trace};

use crate::config::{Group, Iface, IfaceTable};
use crate::platform::{self, Family};
use crate::usage;

/// This OS's table.
pub fn table() -> &'static [Row] {
    os::TABLE
}

/// What `platform::join` calls on this OS, for messages and records.
pub fn join_call(ssm: bool) -> &'static str {
    if ssm {
        os::JOIN_SOURCE_CALL
    } else {
        os::JOIN_CALL
    }
}

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
}

impl Opt {
    pub const ALL: [Opt; 23] = [
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
        }
    }
}

/// A protocol level, by name and by this OS's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Level {
    pub name: &'static str,
    pub value: i32,
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
    fn width(self) -> usize {
        match self {
            Encoding::Byte => 1,
            _ => 4,
        }
    }

    /// What `--set` accepts, for error messages.
    fn accepts(self) -> &'static str {
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
            OsDefault::Sysctl { key, stock } => Value::Int(os::read_sysctl(key).unwrap_or(stock)),
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

    pub fn to_json(self) -> Json {
        match self {
            Value::Int(n) => json!(n),
            Value::Index(n) => json!(n),
            Value::Addr(a) => json!(a.to_string()),
        }
    }

    /// For the table: interfaces are named when this host has them.
    pub fn display(self, ifaces: &IfaceTable) -> String {
        let named = |name: &str| crate::escape::escaped(name.as_bytes());
        match self {
            Value::Int(n) => n.to_string(),
            Value::Index(0) => "0".to_string(),
            Value::Index(n) => match ifaces.by_index(n) {
                Some(i) => format!("{n} ({})", named(&i.name)),
                None => n.to_string(),
            },
            Value::Addr(a) => match ifaces
                .iter()
                .find(|i| !a.is_unspecified() && i.v4.contains(&a))
            {
                Some(i) => format!("{a} ({})", named(&i.name)),
                None => a.to_string(),
            },
        }
    }
}

/// A value ready for setsockopt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    Int(i32),
    Byte(u8),
    Index(u32),
    /// IPv4 interface by its address (`in_addr`).
    Addr(Ipv4Addr),
    /// IPv4 interface by index (`ip_mreqn` with no addresses).
    AddrIndex(u32),
}

impl Setting {
    pub fn encode(self) -> Vec<u8> {
        match self {
            Setting::Int(n) => n.to_ne_bytes().to_vec(),
            Setting::Byte(b) => vec![b],
            Setting::Index(n) => n.to_ne_bytes().to_vec(),
            Setting::Addr(a) => a.octets().to_vec(),
            Setting::AddrIndex(n) => {
                // struct ip_mreqn { in_addr multiaddr; in_addr address; int ifindex; }
                let mut b = vec![0u8; 8];
                b.extend_from_slice(&n.to_ne_bytes());
                b
            }
        }
    }
}

/// Finds the rows `name` means on this OS, for the families in use: a
/// kernel name names one row, an alias one row per family.
pub fn lookup<'t>(table: &'t [Row], name: &str, families: &[Family]) -> Result<Vec<&'t Row>> {
    let opts: Vec<Opt> = match Opt::ALL
        .iter()
        .find(|o| o.name().eq_ignore_ascii_case(name))
    {
        Some(&o) => vec![o],
        None => Opt::ALL
            .into_iter()
            .filter(|o| o.aliases().iter().any(|a| a.eq_ignore_ascii_case(name)))
            .collect(),
    };
    if opts.is_empty() {
        return Err(usage!("unknown option '{name}'; {}", valid_names(table)));
    }
    let rows: Vec<&Row> = table.iter().filter(|r| opts.contains(&r.opt)).collect();
    if rows.is_empty() {
        return Err(unsupported(name));
    }
    let used: Vec<&Row> = rows
        .iter()
        .copied()
        .filter(|r| families.iter().any(|&f| r.opt.scope().applies_to(f)))
        .collect();
    if used.is_empty() {
        let names: Vec<&str> = rows.iter().map(|r| r.name()).collect();
        let other = if families.contains(&Family::V4) {
            "-6"
        } else {
            "-4"
        };
        return Err(usage!(
            "{name} ({}) is not an option of the IP version chosen; use {other} or neither",
            names.join(", ")
        ));
    }
    Ok(used)
}

/// The one error for an option this OS's table has no row for.
fn unsupported(name: &str) -> anyhow::Error {
    usage!("{name} is not supported on {}", std::env::consts::OS)
}

/// `valid names (any case): IP_MULTICAST_TTL, ...; aliases: ttl, ...`
pub fn valid_names(table: &[Row]) -> String {
    let names: Vec<&str> = table.iter().map(Row::name).collect();
    let mut aliases: Vec<&str> = Vec::new();
    for a in table.iter().flat_map(|r| r.opt.aliases()) {
        if !aliases.contains(a) {
            aliases.push(a);
        }
    }
    format!(
        "valid names (any case): {}; short aliases: {}",
        names.join(", "),
        aliases.join(", ")
    )
}

/// Parses an integer as C would take it: decimal or `0x` hex, signed.
fn parse_int(text: &str) -> Option<i64> {
    let (neg, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let magnitude = match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(hex) => i64::from_str_radix(hex, 16).ok()?,
        None if digits.bytes().all(|b| b.is_ascii_digit()) => digits.parse().ok()?,
        None => return None,
    };
    Some(if neg { -magnitude } else { magnitude })
}

fn parse_switch(text: &str) -> Option<i32> {
    const WORDS: [(&str, i32); 6] = [
        ("on", 1),
        ("off", 0),
        ("true", 1),
        ("false", 0),
        ("yes", 1),
        ("no", 0),
    ];
    WORDS
        .iter()
        .find(|(w, _)| w.eq_ignore_ascii_case(text))
        .map(|&(_, v)| v)
}

/// Turns `value` into what `row` takes. Only values the encoding cannot
/// carry are refused here; whether the kernel likes them (TTL 300, -1) is
/// what the tool is for. Returns a note on how an interface was named.
pub fn parse_setting(
    row: &Row,
    value: &str,
    ifaces: &IfaceTable,
) -> Result<(Setting, Option<String>)> {
    let name = row.name();
    let bad = || {
        usage!(
            "'{value}' is not valid for {name}; it takes {}",
            row.encoding.accepts()
        )
    };
    match row.encoding {
        Encoding::Int | Encoding::Bool => {
            if row.encoding == Encoding::Bool {
                if let Some(v) = parse_switch(value) {
                    return Ok((Setting::Int(v), None));
                }
            }
            let n = parse_int(value).ok_or_else(bad)?;
            let n = i32::try_from(n).map_err(|_| {
                usage!(
                    "{value} does not fit the C int {name} takes ({} to {})",
                    i32::MIN,
                    i32::MAX
                )
            })?;
            Ok((Setting::Int(n), None))
        }
        Encoding::Byte => {
            let n = parse_switch(value)
                .map(i64::from)
                .or_else(|| parse_int(value));
            let b = n.and_then(|n| u8::try_from(n).ok()).ok_or_else(bad)?;
            Ok((Setting::Byte(b), None))
        }
        Encoding::IfIndex | Encoding::IfaceV4 => {
            iface_setting(row, interface(value, ifaces)?, ifaces)
        }
    }
}

/// What an interface value names.
#[derive(Debug, Clone)]
enum Target {
    Known(Iface),
    /// An index this host has no interface for: the kernel will say.
    Index(u32),
    /// An IPv4 address no interface here has: the kernel will say.
    Addr(Ipv4Addr),
}

/// Reads a name, index or address. Unknown names are bad input; unknown
/// indexes and IPv4 addresses go to the kernel, whose answer is the finding.
fn interface(value: &str, ifaces: &IfaceTable) -> Result<Target> {
    if let Ok(a) = value.parse::<Ipv4Addr>() {
        return Ok(match ifaces.iter().find(|i| i.v4.contains(&a)) {
            // The address given is the one to set IPv4 options by.
            Some(i) => Target::Known(Iface {
                v4: vec![a],
                ..i.clone()
            }),
            None => Target::Addr(a),
        });
    }
    match ifaces.resolve(value) {
        Ok(i) => Ok(Target::Known(i)),
        Err(e) => value.parse::<u32>().map(Target::Index).map_err(|_| e),
    }
}

fn iface_setting(
    row: &Row,
    target: Target,
    ifaces: &IfaceTable,
) -> Result<(Setting, Option<String>)> {
    Ok(match (row.encoding, target) {
        (Encoding::IfaceV4, Target::Addr(a)) => (Setting::Addr(a), None),
        (Encoding::IfaceV4, Target::Known(i)) => match i.first_v4() {
            Some(a) => (Setting::Addr(a), None),
            None => (
                Setting::AddrIndex(i.index),
                Some(format!(
                    "{} has no IPv4 address: set by index {} (ip_mreqn)",
                    i.name, i.index
                )),
            ),
        },
        (Encoding::IfaceV4, Target::Index(n)) => (
            Setting::AddrIndex(n),
            Some(format!("set by index {n} (ip_mreqn)")),
        ),
        (_, Target::Known(i)) => (Setting::Index(i.index), None),
        (_, Target::Index(n)) => (Setting::Index(n), None),
        (_, Target::Addr(a)) => {
            return Err(usage!(
                "no interface here has address {a}, and {} takes an interface index; \
                 give a name, index or address of one of: {}",
                row.name(),
                ifaces.summary()
            ))
        }
    })
}

/// One option to set on one family's socket.
#[derive(Debug, Clone)]
pub struct Request {
    pub row: &'static Row,
    pub family: Family,
    /// The value as the user gave it.
    pub value: String,
    pub setting: Setting,
    /// Where the request came from when not `--set` (`-i`).
    pub origin: Option<&'static str>,
    pub how: Option<String>,
}

/// Validates every `--set` (and the interface `-i` implies) before any
/// socket exists, so bad input changes nothing. Each option may be set
/// once per family.
pub fn plan(
    sets: &[(String, String)],
    families: &[Family],
    iface: Option<&Iface>,
    ifaces: &IfaceTable,
) -> Result<Vec<Request>> {
    let mut out: Vec<(String, Request)> = Vec::new();
    for (name, value) in sets {
        let typed = format!("{name}={value}");
        let rows = lookup(table(), name, families).with_context(|| format!("--set {typed}"))?;
        for row in rows {
            let (setting, how) =
                parse_setting(row, value, ifaces).with_context(|| format!("--set {typed}"))?;
            for &family in families.iter().filter(|&&f| row.opt.scope().applies_to(f)) {
                if let Some((first, _)) = out
                    .iter()
                    .find(|(_, r)| r.row.opt == row.opt && r.family == family)
                {
                    return Err(usage!(
                        "--set {first} and --set {typed} both set {}; set each option once",
                        row.name()
                    ));
                }
                let req = Request {
                    row,
                    family,
                    value: value.clone(),
                    setting,
                    origin: None,
                    how: how.clone(),
                };
                out.push((typed.clone(), req));
            }
        }
    }
    let mut reqs: Vec<Request> = out.into_iter().map(|(_, r)| r).collect();
    if let Some(i) = iface {
        // -i also picks the outgoing interface, unless --set did.
        for &family in families {
            let opt = match family {
                Family::V4 => Opt::MulticastIf,
                Family::V6 => Opt::MulticastIf6,
            };
            let Some(row) = table().iter().find(|r| r.opt == opt) else {
                continue;
            };
            if reqs.iter().any(|r| r.row.opt == opt) {
                continue;
            }
            let (setting, how) = iface_setting(row, Target::Known(i.clone()), ifaces)?;
            reqs.push(Request {
                row,
                family,
                value: i.name.clone(),
                setting,
                origin: Some("-i"),
                how,
            });
        }
    }
    Ok(reqs)
}

/// One `--join`, as done on the socket of its family.
#[derive(Debug)]
pub struct JoinReport {
    pub group: IpAddr,
    pub source: Option<IpAddr>,
    pub iface: Option<Iface>,
    pub error: Option<io::Error>,
}

impl JoinReport {
    pub fn call(&self) -> &'static str {
        join_call(self.source.is_some())
    }

    /// `MCAST_JOIN_GROUP 239.1.1.1 on mc0 (index 3)`
    pub fn describe(&self) -> String {
        let what = match self.source {
            Some(s) => format!("{} {} from {s}", self.call(), self.group),
            None => format!("{} {}", self.call(), self.group),
        };
        match &self.iface {
            Some(i) => format!("{what} on {i}"),
            None => format!("{what} on index 0 (the route decides)"),
        }
    }
}

/// One option of one family's socket, after setting and reading back.
#[derive(Debug)]
pub struct Report {
    pub row: &'static Row,
    pub family: Family,
    pub value: Result<Value, io::Error>,
    pub request: Option<Request>,
    pub set_error: Option<io::Error>,
    pub default: Value,
}

impl Report {
    /// `NAME=VALUE: EINVAL (Invalid argument)`, for stderr.
    pub fn set_error_line(&self) -> Option<String> {
        let e = self.set_error.as_ref()?;
        let req = self.request.as_ref()?;
        let on = match self.row.opt.scope() {
            Scope::Socket => format!(" ({} socket)", self.family.name()),
            _ => String::new(),
        };
        Some(format!(
            "{}={}{on}: {}",
            self.row.name(),
            req.value,
            errno_text(e)
        ))
    }

    pub fn requested(&self) -> Option<String> {
        self.request.as_ref().map(|r| match r.origin {
            Some(o) => format!("{} ({o})", r.value),
            None => r.value.clone(),
        })
    }

    /// What happened on this run, then the row's note.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if let Some(e) = &self.set_error {
            notes.push(format!("refused: {}", errno_text(e)));
        }
        if let Some(how) = self.request.as_ref().and_then(|r| r.how.clone()) {
            notes.push(how);
        }
        if let Err(e) = &self.value {
            notes.push(format!("getsockopt: {}", errno_text(e)));
        }
        if !self.row.note.is_empty() {
            notes.push(self.row.note.to_string());
        }
        notes
    }
}

/// One family's socket, every row read back.
#[derive(Debug)]
pub struct Section {
    pub family: Family,
    pub rows: Vec<Report>,
    pub joins: Vec<JoinReport>,
}

impl Section {
    pub fn failed(&self) -> bool {
        self.rows.iter().any(|r| r.set_error.is_some())
            || self.joins.iter().any(|j| j.error.is_some())
    }
}

/// `EINVAL (Invalid argument)`.
pub fn errno_text(e: &io::Error) -> String {
    let msg = e.to_string();
    // std appends " (os error N)" to strerror's text; the name says it.
    let msg = msg.split(" (os error").next().unwrap_or(&msg).to_string();
    match platform::errno_name(e) {
        Some(name) => format!("{name} ({msg})"),
        None => msg,
    }
}

/// A UDP socket of `family`, unbound: setting options sends nothing.
pub fn open(family: Family) -> io::Result<Socket> {
    let domain = match family {
        Family::V4 => Domain::IPV4,
        Family::V6 => Domain::IPV6,
    };
    Socket::new(domain, Type::DGRAM, Some(Protocol::UDP))
}

/// Sets `req` on `sock`.
pub fn apply(sock: &Socket, req: &Request) -> io::Result<()> {
    let row = req.row;
    platform::setsockopt_raw(sock, row.level.value, row.optname, &req.setting.encode())?;
    debug!(
        "setsockopt {} = {} ({:?})",
        row.name(),
        req.value,
        req.setting
    );
    Ok(())
}

/// Reads `row` back from `sock`.
pub fn read(sock: &Socket, row: &Row) -> io::Result<Value> {
    let mut buf = [0u8; 16];
    let buf = &mut buf[..row.encoding.width()];
    let n = platform::getsockopt_raw(sock, row.level.value, row.optname, buf)?;
    let v = Value::decode(row.encoding, &buf[..n]).ok_or_else(|| {
        io::Error::other(format!("getsockopt returned {n} bytes, an unexpected size"))
    })?;
    trace!("getsockopt {} -> {v:?}", row.name());
    Ok(v)
}

/// Opens `family`'s socket, applies its requests in order, joins its
/// groups on `iface`, then reads back every row of the family. Kernel
/// refusals are recorded in the reports, not returned.
pub fn probe(
    family: Family,
    requests: &[Request],
    joins: &[Group],
    iface: Option<&Iface>,
) -> io::Result<Section> {
    let sock = open(family)?;
    let mut set_errors: Vec<(Opt, io::Error)> = Vec::new();
    for req in requests.iter().filter(|r| r.family == family) {
        if let Err(e) = apply(&sock, req) {
            debug!("setsockopt {} = {}: {e}", req.row.name(), req.value);
            set_errors.push((req.row.opt, e));
        }
    }
    let ifindex = iface.map_or(0, |i| i.index);
    let joins = joins
        .iter()
        .filter(|g| Family::of(g.addr) == family)
        .map(|g| JoinReport {
            group: g.addr,
            source: g.source,
            iface: iface.cloned(),
            error: platform::join(&sock, g.addr, g.source, ifindex).err(),
        })
        .collect();
    let rows = table()
        .iter()
        .filter(|r| r.opt.scope().applies_to(family))
        .map(|row| Report {
            row,
            family,
            value: read(&sock, row),
            request: requests
                .iter()
                .find(|r| r.family == family && r.row.opt == row.opt)
                .cloned(),
            set_error: set_errors
                .iter()
                .position(|(o, _)| *o == row.opt)
                .map(|i| set_errors.swap_remove(i).1),
            default: row.default.value(),
        })
        .collect();
    Ok(Section {
        family,
        rows,
        joins,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
}

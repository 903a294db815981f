//! The validated configuration. Built once from the command line; the rest
//! of the program sees only these types, never clap's.

mod group;
mod iface;

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use anyhow::Result;

pub use group::{check_multicast, parse_groups, parse_port, Group, MAX_RANGE};
pub use iface::{Iface, IfaceTable};

use crate::cli;
use crate::usage;

/// How the program talks to the person or script running it.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    pub verbose: u8,
    pub quiet: bool,
    pub color: bool,
}

/// When a receiving command stops and what counts as success.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StopRule {
    /// Stop after this many packets.
    pub count: Option<u64>,
    /// Deadline for `count` (1 when not given): failing it is exit 1.
    pub timeout: Option<Duration>,
    /// Stop after this long; not a failure.
    pub duration: Option<Duration>,
}

impl StopRule {
    /// Packets needed for success when a timeout makes this a check.
    pub fn required(&self) -> Option<u64> {
        self.timeout.map(|_| self.count.unwrap_or(1))
    }
}

/// Groups to receive and how to stop: what `join` and `listen` share.
#[derive(Debug, Clone)]
pub struct ReceiveConfig {
    pub groups: Vec<Group>,
    pub iface: Option<Iface>,
    pub stop: StopRule,
    /// Interfaces known at start, to name arrival interfaces.
    pub ifaces: IfaceTable,
    /// Receive buffer to ask the kernel for, per socket.
    pub rcvbuf: usize,
    /// `--lean`: no TTL or kernel timestamp per packet.
    pub lean: bool,
    /// Periodic per-stream statistics.
    pub stats_interval: Option<Duration>,
    /// Loss above this percentage makes the run fail (exit 1).
    pub max_loss: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListenFormat {
    Text,
    Json,
    Raw,
    Hex,
    /// Summary only.
    None,
}

#[derive(Debug, Clone)]
pub struct ListenConfig {
    pub receive: ReceiveConfig,
    pub format: ListenFormat,
}

#[derive(Debug, Clone)]
pub struct JoinConfig {
    pub receive: ReceiveConfig,
}

/// How fast `send` goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pace {
    /// Packets per second, per group.
    Rate(f64),
    /// As fast as the kernel accepts them.
    Max,
}

impl Pace {
    pub const DEFAULT: Pace = Pace::Rate(10.0);

    pub fn interval(&self) -> Option<Duration> {
        match self {
            Pace::Rate(r) => Some(Duration::from_secs_f64(1.0 / r)),
            Pace::Max => None,
        }
    }
}

/// What goes into each datagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// mcast's test header, padded to `size` bytes.
    Test { size: usize },
    /// The same bytes in every datagram.
    Fixed(Vec<u8>),
    /// One datagram per line of stdin.
    Stdin,
}

#[derive(Debug, Clone)]
pub struct SendConfig {
    pub groups: Vec<Group>,
    pub iface: Option<Iface>,
    pub bind: Option<SocketAddr>,
    /// `None` keeps the OS default, which is printed at start.
    pub ttl: Option<u8>,
    pub loopback: Option<bool>,
    pub pace: Pace,
    /// Packets per group; `None` runs until the duration or Ctrl-C.
    pub count: Option<u64>,
    pub duration: Option<Duration>,
    pub payload: Payload,
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    Text,
    Json,
}

#[derive(Debug, Clone)]
pub struct SockoptConfig {
    pub ipv4: bool,
    pub ipv6: bool,
    pub iface: Option<Iface>,
    /// `(name, value)` as typed; the option catalogue validates them.
    pub sets: Vec<(String, String)>,
    pub joins: Vec<Group>,
    pub format: TableFormat,
    /// Interfaces known at start, to resolve and name interface values.
    pub ifaces: IfaceTable,
}

#[derive(Debug, Clone)]
pub struct SelftestConfig {
    pub group: Group,
    pub count: u64,
    pub timeout: Duration,
    pub ifaces: IfaceTable,
}

/// Packets `send` sends per group unless told otherwise: a bounded default.
pub const DEFAULT_SEND_COUNT: u64 = 10;

/// Largest datagram a UDP socket can send over IPv4 (65535 - IP and UDP headers).
pub const MAX_DATAGRAM: usize = 65_507;

pub fn ui(cli: &cli::Cli) -> Ui {
    use std::io::IsTerminal;
    let color = match cli.color {
        cli::ColorChoice::Always => true,
        cli::ColorChoice::Never => false,
        cli::ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stderr().is_terminal()
        }
    };
    Ui {
        verbose: cli.verbose,
        quiet: cli.quiet,
        color,
    }
}

fn groups(args: &cli::GroupArgs) -> Result<Vec<Group>> {
    let port = parse_port(&args.port.to_string())?;
    let mut out = Vec::new();
    for text in &args.groups {
        for g in parse_groups(text, port)? {
            if out.contains(&g) {
                return Err(usage!("group {g} is given twice; name each group once"));
            }
            out.push(g);
        }
    }
    Ok(out)
}

fn iface(spec: Option<&str>, table: &IfaceTable) -> Result<Option<Iface>> {
    spec.map(|s| table.resolve(s)).transpose()
}

fn receive(groups_args: &cli::GroupArgs, args: &cli::ReceiveArgs) -> Result<ReceiveConfig> {
    let groups = groups(groups_args)?;
    let ifaces = IfaceTable::load()?;
    let iface = iface(groups_args.iface.as_deref(), &ifaces)?;
    if args.count == Some(0) {
        return Err(usage!("--count 0 is not valid; use 1 or more packets"));
    }
    for (flag, d) in [("--timeout", args.timeout), ("--duration", args.duration)] {
        if d == Some(Duration::ZERO) {
            return Err(usage!(
                "{flag} 0s is not valid; give a positive duration like 5s"
            ));
        }
    }
    if let Some(p) = args.max_loss {
        if !(0.0..=100.0).contains(&p) {
            return Err(usage!(
                "--max-loss {p} is not valid; give a percentage from 0 to 100"
            ));
        }
    }
    if args
        .stats_interval
        .is_some_and(|d| d < Duration::from_millis(10))
    {
        return Err(usage!(
            "--stats-interval is too short; use 10ms or more, e.g. 1s"
        ));
    }
    Ok(ReceiveConfig {
        groups,
        iface,
        stop: StopRule {
            count: args.count,
            timeout: args.timeout,
            duration: args.duration,
        },
        ifaces,
        rcvbuf: parse_bytes(&args.rcvbuf, "--rcvbuf")?,
        lean: args.lean,
        stats_interval: args.stats_interval,
        max_loss: args.max_loss,
    })
}

/// `65536`, `512K`, `4M` (binary multiples), up to 1 GiB.
pub fn parse_bytes(text: &str, flag: &str) -> Result<usize> {
    let t = text.trim();
    let (num, mult) = match t.char_indices().last() {
        Some((i, 'k' | 'K')) => (&t[..i], 1024),
        Some((i, 'm' | 'M')) => (&t[..i], 1024 * 1024),
        Some((i, 'g' | 'G')) => (&t[..i], 1024 * 1024 * 1024),
        _ => (t, 1),
    };
    match num.trim().parse::<usize>() {
        Ok(n) if (1..=(1 << 30) / mult).contains(&n) => Ok(n * mult),
        _ => Err(usage!(
            "{flag} {text} is not valid; give bytes from 1 to 1G, e.g. 65536, 512K or 4M"
        )),
    }
}

pub fn listen(args: &cli::ListenArgs) -> Result<ListenConfig> {
    let format = if args.json {
        ListenFormat::Json
    } else {
        match args.format {
            cli::ListenFormat::Text => ListenFormat::Text,
            cli::ListenFormat::Json => ListenFormat::Json,
            cli::ListenFormat::Raw => ListenFormat::Raw,
            cli::ListenFormat::Hex => ListenFormat::Hex,
            cli::ListenFormat::None => ListenFormat::None,
        }
    };
    Ok(ListenConfig {
        receive: receive(&args.groups, &args.receive)?,
        format,
    })
}

pub fn join(args: &cli::JoinArgs) -> Result<JoinConfig> {
    Ok(JoinConfig {
        receive: receive(&args.groups, &args.receive)?,
    })
}

fn parse_ttl(ttl: u32) -> Result<u8> {
    u8::try_from(ttl).map_err(|_| usage!("TTL {ttl} is out of range; use 0-255"))
}

fn parse_pace(args: &cli::SendArgs) -> Result<Pace> {
    if let Some(interval) = args.interval {
        if interval.is_zero() {
            return Ok(Pace::Max);
        }
        return Ok(Pace::Rate(1.0 / interval.as_secs_f64()));
    }
    let Some(text) = args.rate.as_deref() else {
        return Ok(Pace::DEFAULT);
    };
    if text.eq_ignore_ascii_case("max") {
        return Ok(Pace::Max);
    }
    match text.parse::<f64>() {
        Ok(r) if (0.001..=100_000_000.0).contains(&r) => Ok(Pace::Rate(r)),
        _ => Err(usage!(
            "--rate {text} is not valid; use packets per second from 0.001 to 100000000, or max"
        )),
    }
}

fn parse_bind(text: &str, ifaces: &IfaceTable) -> Result<SocketAddr> {
    let addr = if let Ok(sa) = text.parse::<SocketAddr>() {
        if sa.port() == 0 {
            return Err(usage!(
                "port 0 in --bind {text} is not valid; use 1-65535 or leave the port out"
            ));
        }
        sa
    } else if let Ok(ip) = text.trim_matches(['[', ']']).parse::<IpAddr>() {
        SocketAddr::new(ip, 0)
    } else {
        // A bad port deserves its own message ("port 70000 is not valid").
        if let Some((_, port)) = text.rsplit_once(':') {
            parse_port(port)?;
        }
        return Err(usage!(
            "--bind {text} is not an address; write ADDR or ADDR:PORT, e.g. 192.0.2.1:4000"
        ));
    };
    if !addr.ip().is_unspecified() && !ifaces.iter().any(|i| i.has_addr(addr.ip())) {
        return Err(usage!(
            "--bind {} is not an address of this host; interfaces here: {}",
            addr.ip(),
            ifaces.summary()
        ));
    }
    Ok(addr)
}

pub fn send(args: &cli::SendArgs) -> Result<SendConfig> {
    let groups = groups(&args.groups)?;
    let ifaces = IfaceTable::load()?;
    let iface = iface(args.groups.iface.as_deref(), &ifaces)?;
    let bind = args
        .bind
        .as_deref()
        .map(|b| parse_bind(b, &ifaces))
        .transpose()?;
    let v6 = groups.iter().any(Group::is_ipv6);
    if v6 && groups.iter().any(|g| !g.is_ipv6()) {
        return Err(usage!(
            "send takes groups of one IP version at a time; run IPv4 and IPv6 groups as two commands"
        ));
    }
    if let Some(b) = bind {
        if b.is_ipv6() != v6 {
            return Err(usage!(
                "--bind {} and the groups are of different IP versions",
                b.ip()
            ));
        }
    }
    let payload = match (&args.payload, args.stdin) {
        (Some(text), _) => {
            if text.len() > MAX_DATAGRAM {
                return Err(usage!(
                    "--payload is {} bytes; a datagram holds at most {MAX_DATAGRAM}",
                    text.len()
                ));
            }
            Payload::Fixed(text.as_bytes().to_vec())
        }
        (None, true) => Payload::Stdin,
        (None, false) => {
            let min = crate::testpacket::HEADER_LEN;
            let size = args.size as usize;
            if !(min..=MAX_DATAGRAM).contains(&size) {
                return Err(usage!(
                    "--size {size} is not valid; test packets are {min} to {MAX_DATAGRAM} bytes"
                ));
            }
            Payload::Test { size }
        }
    };
    if args.duration == Some(Duration::ZERO) {
        return Err(usage!(
            "--duration 0s is not valid; give a positive duration like 5s"
        ));
    }
    Ok(SendConfig {
        groups,
        iface,
        bind,
        ttl: args.ttl.map(parse_ttl).transpose()?,
        loopback: match (args.r#loop, args.no_loop) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        },
        pace: match (&payload, &args.rate, args.interval) {
            (Payload::Stdin, None, None) => Pace::Max,
            _ => parse_pace(args)?,
        },
        count: match (args.count, &payload) {
            (Some(0), _) | (None, Payload::Stdin) => None,
            (Some(n), _) => Some(n),
            (None, _) => Some(DEFAULT_SEND_COUNT),
        },
        duration: args.duration,
        payload,
        json: args.json,
    })
}

pub fn sockopt(args: &cli::SockoptArgs) -> Result<SockoptConfig> {
    let ifaces = IfaceTable::load()?;
    let iface = iface(args.iface.as_deref(), &ifaces)?;
    let mut sets = Vec::new();
    for s in &args.set {
        let Some((name, value)) = s.split_once('=') else {
            return Err(usage!(
                "--set {s} is not NAME=VALUE; e.g. --set IP_MULTICAST_TTL=5 or --set ttl=5"
            ));
        };
        sets.push((name.trim().to_string(), value.trim().to_string()));
    }
    let mut joins = Vec::new();
    for j in &args.join {
        joins.extend(parse_groups(j, crate::cli::DEFAULT_PORT)?);
    }
    let (ipv4, ipv6) = match (args.ipv4, args.ipv6) {
        (false, false) => (true, true),
        other => other,
    };
    if let Some(g) = joins
        .iter()
        .find(|g| g.is_ipv6() && !ipv6 || !g.is_ipv6() && !ipv4)
    {
        return Err(usage!(
            "--join {g} is of the IP version that -4/-6 left out; drop -4/-6 or the join"
        ));
    }
    Ok(SockoptConfig {
        ipv4,
        ipv6,
        iface,
        sets,
        joins,
        format: match args.format {
            cli::TableFormat::Text => TableFormat::Text,
            cli::TableFormat::Json => TableFormat::Json,
        },
        ifaces,
    })
}

pub fn selftest(args: &cli::SelftestArgs) -> Result<SelftestConfig> {
    let mut groups = parse_groups(&args.group, crate::cli::DEFAULT_PORT)?;
    let group = match groups.pop() {
        Some(g) if groups.is_empty() && !g.is_ipv6() && g.source.is_none() => g,
        _ => {
            return Err(usage!(
                "--group {} must be one IPv4 any-source group (the self-test runs on loopback)",
                args.group
            ))
        }
    };
    if args.count == 0 {
        return Err(usage!("--count 0 is not valid; use 1 or more packets"));
    }
    Ok(SelftestConfig {
        group,
        count: args.count,
        timeout: args.timeout,
        ifaces: IfaceTable::load()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_sizes() {
        assert_eq!(parse_bytes("4M", "--rcvbuf").unwrap(), 4 << 20);
        assert_eq!(parse_bytes("512k", "--rcvbuf").unwrap(), 512 << 10);
        assert_eq!(parse_bytes("65536", "--rcvbuf").unwrap(), 65536);
        let e = parse_bytes("lots", "--rcvbuf").unwrap_err().to_string();
        assert_eq!(
            e,
            "--rcvbuf lots is not valid; give bytes from 1 to 1G, e.g. 65536, 512K or 4M"
        );
        assert!(parse_bytes("0", "--rcvbuf").is_err());
        assert!(parse_bytes("2G", "--rcvbuf").is_err());
    }

    #[test]
    fn ttl_range() {
        assert_eq!(parse_ttl(255).unwrap(), 255);
        assert_eq!(
            parse_ttl(300).unwrap_err().to_string(),
            "TTL 300 is out of range; use 0-255"
        );
    }

    #[test]
    fn stop_rule_requires_one_packet_by_default() {
        let rule = StopRule {
            timeout: Some(Duration::from_secs(1)),
            ..StopRule::default()
        };
        assert_eq!(rule.required(), Some(1));
        assert_eq!(StopRule::default().required(), None);
    }
}

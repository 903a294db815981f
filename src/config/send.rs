//! `mcast send`: groups of one IP version, source, TTL, loopback, pace,
//! how many and what to send.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use anyhow::Result;

use super::{check_duration, check_optional_duration, parse_port, Group, Iface, IfaceTable};
use crate::cli;
use crate::platform::Family;
use crate::usage;

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
    /// The largest datagram of the groups' family: a longer `--stdin`
    /// line is skipped.
    pub max_datagram: usize,
    pub json: bool,
}

/// Packets `send` sends per group unless told otherwise: a bounded default.
pub const DEFAULT_SEND_COUNT: u64 = 10;

/// Largest datagram a UDP socket can send over IPv4 (65535 - IP and UDP headers).
pub const MAX_DATAGRAM: usize = 65_507;

/// Largest datagram a UDP socket can send over IPv6 without jumbograms
/// (65535 - the UDP header: IPv6's payload length leaves out its own
/// header).
pub const MAX_DATAGRAM_V6: usize = 65_527;

/// Test packet size unless `--size` says otherwise.
const DEFAULT_SIZE: usize = 64;

/// The largest datagram of `family`.
pub fn max_datagram(family: Family) -> usize {
    match family {
        Family::V4 => MAX_DATAGRAM,
        Family::V6 => MAX_DATAGRAM_V6,
    }
}

fn parse_ttl(ttl: u32) -> Result<u8> {
    u8::try_from(ttl).map_err(|_| usage!("TTL {ttl} is out of range; use 0-255"))
}

fn parse_pace(args: &cli::SendArgs) -> Result<Pace> {
    if let Some(interval) = args.interval {
        if interval.is_zero() {
            return Ok(Pace::Max);
        }
        let interval = check_duration("--interval", interval)?;
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
    let groups = super::groups(&args.groups)?;
    let ifaces = IfaceTable::load()?;
    let iface = super::iface(args.groups.iface.as_deref(), &ifaces)?;
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
    let family = if v6 { Family::V6 } else { Family::V4 };
    let max = max_datagram(family);
    let fam = family.name();
    let payload = match (&args.payload, args.stdin, args.size) {
        (Some(_), _, Some(size)) => {
            return Err(usage!(
                "--size {size} applies to test packets only; --payload sends its text as it is"
            ))
        }
        (None, true, Some(size)) => {
            return Err(usage!(
                "--size {size} applies to test packets only; --stdin sends each line as it is"
            ))
        }
        (Some(text), _, None) => {
            if text.len() > max {
                return Err(usage!(
                    "--payload is {} bytes; an {fam} datagram holds at most {max}",
                    text.len()
                ));
            }
            Payload::Fixed(text.as_bytes().to_vec())
        }
        (None, true, None) => Payload::Stdin,
        (None, false, size) => {
            let min = crate::testpacket::HEADER_LEN;
            let size = size.map_or(DEFAULT_SIZE, |s| s as usize);
            if !(min..=max).contains(&size) {
                return Err(usage!(
                    "--size {size} is not valid; {fam} test packets are {min} to {max} bytes"
                ));
            }
            Payload::Test { size }
        }
    };
    let duration = check_optional_duration("--duration", args.duration)?;
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
        count: match (args.count, &payload, args.duration) {
            // -d alone, --stdin and -c 0 are bounded by time, input or Ctrl-C.
            (Some(0), _, _) | (None, Payload::Stdin, _) | (None, _, Some(_)) => None,
            (Some(n), _, _) => Some(n),
            (None, _, None) => Some(DEFAULT_SEND_COUNT),
        },
        duration,
        max_datagram: max,
        payload,
        json: args.json,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttl_range() {
        assert_eq!(parse_ttl(255).unwrap(), 255);
        assert_eq!(
            parse_ttl(300).unwrap_err().to_string(),
            "TTL 300 is out of range; use 0-255"
        );
    }
}

//! The GROUP syntax: `[SOURCE,]ADDR[:PORT]`, `[SOURCE,][V6ADDR]:PORT`, `ADDR+N`.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use anyhow::Result;

use crate::usage;

/// Most groups one `+N` may expand to; far above any kernel's membership
/// limits, low enough that a typo cannot exhaust memory.
pub const MAX_RANGE: u32 = 65_536;

/// One validated multicast destination, with its SSM source if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Group {
    pub addr: IpAddr,
    pub port: u16,
    /// Source for source-specific multicast; `None` is any-source.
    pub source: Option<IpAddr>,
}

impl Group {
    pub fn is_ipv6(&self) -> bool {
        self.addr.is_ipv6()
    }

    pub fn socket_addr(&self) -> SocketAddr {
        SocketAddr::new(self.addr, self.port)
    }

    /// Source-specific: a source given, or an address in the SSM range
    /// (232.0.0.0/8, ff3x::/32), where only (S,G) joins are forwarded.
    pub fn is_ssm(&self) -> bool {
        self.source.is_some() || in_ssm_range(self.addr)
    }

    /// Whether routers would forward it at all: link-local scopes never
    /// leave the link, whatever the TTL.
    pub fn is_link_local_scope(&self) -> bool {
        match self.addr {
            IpAddr::V4(a) => a.octets()[..3] == [224, 0, 0],
            IpAddr::V6(a) => matches!(a.segments()[0] & 0x000f, 0x1 | 0x2),
        }
    }
}

/// 232.0.0.0/8 or ff3x::/32 (RFC 4607).
pub fn in_ssm_range(addr: IpAddr) -> bool {
    match addr {
        IpAddr::V4(a) => a.octets()[0] == 232,
        IpAddr::V6(a) => a.segments()[0] & 0xfff0 == 0xff30 && a.segments()[1] == 0,
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(s) = self.source {
            write!(f, "{s},")?;
        }
        write!(f, "{}", self.socket_addr())
    }
}

/// Parses one GROUP argument; `default_port` applies when it names none.
/// Returns several groups for `ADDR+N`.
pub fn parse_groups(text: &str, default_port: u16) -> Result<Vec<Group>> {
    let (source, rest) = match text.split_once(',') {
        Some((s, r)) => (Some(parse_source(s, text)?), r),
        None => (None, text),
    };
    let (rest, count) = split_range(rest)?;
    if let Some(host) = rest.strip_suffix(':').filter(|h| is_host(h)) {
        return Err(missing_port(host, text, count));
    }
    let (addr, port) = parse_addr_port(rest, text)?;
    let port = match port {
        Some(p) => p,
        None => default_port,
    };
    check_multicast(addr)?;
    if let Some((group, written_port)) = port_lookalike(rest) {
        let suggestion = text.replacen(rest, &format!("[{group}]:{written_port}"), 1);
        tracing::warn!(
            "'{text}' is read as the IPv6 group {addr} (port {port}); did you mean {suggestion}? \
             (write [{addr}] for that address as it is)"
        );
    }
    if let Some(s) = source {
        if s.is_ipv4() != addr.is_ipv4() {
            return Err(usage!(
                "source {s} and group {addr} in '{text}' are of different IP versions; \
                 write both as IPv4 or both as IPv6"
            ));
        }
    }
    let first = Group { addr, port, source };
    expand(first, count, text)
}

fn parse_source(s: &str, whole: &str) -> Result<IpAddr> {
    let s = s.trim_start_matches('[').trim_end_matches(']');
    let ip: IpAddr = s.parse().map_err(|_| {
        usage!("'{s}' in '{whole}' is not a source address; write SOURCE,GROUP like 192.0.2.1,232.1.1.1")
    })?;
    if ip.is_multicast() || ip.is_unspecified() {
        return Err(usage!(
            "source {ip} in '{whole}' must be a unicast address of the sender"
        ));
    }
    Ok(ip)
}

/// Splits a trailing `+N` off. `N` counts groups, so `+1` is the address alone.
fn split_range(text: &str) -> Result<(&str, u32)> {
    let Some((head, tail)) = text.rsplit_once('+') else {
        return Ok((text, 1));
    };
    match tail.parse::<u32>() {
        Ok(n) if (1..=MAX_RANGE).contains(&n) => Ok((head, n)),
        _ => Err(usage!(
            "'+{tail}' in '{text}' is not a group count; use +N with N from 1 to {MAX_RANGE}"
        )),
    }
}

fn parse_addr_port(text: &str, whole: &str) -> Result<(IpAddr, Option<u16>)> {
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Ok((ip, None));
    }
    if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        if let Ok(ip) = inner.parse::<Ipv6Addr>() {
            return Ok((IpAddr::V6(ip), None));
        }
    }
    if let Some((host, port)) = text.rsplit_once(':') {
        let host_ip = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .map_or_else(
                || host.parse::<Ipv4Addr>().map(IpAddr::V4).ok(),
                |h| h.parse::<Ipv6Addr>().map(IpAddr::V6).ok(),
            );
        if let Some(ip) = host_ip {
            return Ok((ip, Some(parse_port(port)?)));
        }
    }
    Err(usage!(
        "'{whole}' is not a group; write ADDR, ADDR:PORT, [V6ADDR]:PORT, SOURCE,ADDR or ADDR+N \
         (e.g. 239.1.1.1:5000 or [ff15::1]:5000)"
    ))
}

/// Ports are checked here rather than by clap so the message says what is valid.
pub fn parse_port(text: &str) -> Result<u16> {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    match text.parse::<u32>() {
        Ok(p @ 1..=65535) if digits => Ok(p as u16),
        _ if digits => Err(usage!("port {text} is not valid; use 1-65535")),
        // Quoted, so that an empty or odd value shows as what it is.
        _ => Err(usage!(
            "port '{text}' is not valid; use a number from 1-65535"
        )),
    }
}

/// An address as the part before `:PORT`: IPv4, or IPv6 in brackets.
fn is_host(text: &str) -> bool {
    text.parse::<Ipv4Addr>().is_ok()
        || text
            .strip_prefix('[')
            .and_then(|t| t.strip_suffix(']'))
            .is_some_and(|t| t.parse::<Ipv6Addr>().is_ok())
}

/// `239.1.1.1:` or `239.1.1.1:+5`: the `:` promises a port that is not
/// there.
fn missing_port(host: &str, whole: &str, count: u32) -> anyhow::Error {
    if count > 1 || whole.ends_with("+1") {
        let n = whole.rsplit_once('+').map_or("N", |(_, n)| n);
        usage!(
            "'{whole}' has no port between ':' and '+{n}'; a range follows the port: \
             write {host}:PORT+{n} (e.g. {host}:5000+{n}), or {host}+{n} for the default port"
        )
    } else {
        usage!(
            "'{whole}' has no port after ':'; write {host}:PORT with PORT from 1-65535 \
             (e.g. {host}:5000), or {host} for the default port"
        )
    }
}

/// `ff15::1:5000` is a valid IPv6 address, so it is taken as written; but
/// when its last group is 3 to 5 decimal digits that make a port and the
/// rest is a multicast address, the user probably meant `[ff15::1]:5000`.
/// Returns that group and port. Written in brackets, it is taken at its
/// word.
fn port_lookalike(text: &str) -> Option<(Ipv6Addr, u16)> {
    text.parse::<Ipv6Addr>().ok()?;
    let (head, tail) = text.rsplit_once(':')?;
    let digits = (3..=5).contains(&tail.len()) && tail.bytes().all(|b| b.is_ascii_digit());
    let port = tail.parse::<u16>().ok().filter(|&p| digits && p > 0)?;
    let group = head
        .parse::<Ipv6Addr>()
        .ok()
        .filter(Ipv6Addr::is_multicast)?;
    Some((group, port))
}

pub fn check_multicast(addr: IpAddr) -> Result<()> {
    if addr.is_multicast() {
        return Ok(());
    }
    let range = match addr {
        IpAddr::V4(_) => "IPv4 multicast is 224.0.0.0/4, e.g. 239.1.1.1",
        IpAddr::V6(_) => "IPv6 multicast is ff00::/8, e.g. ff15::1",
    };
    Err(usage!("{addr} is not a multicast address ({range})"))
}

fn expand(first: Group, count: u32, whole: &str) -> Result<Vec<Group>> {
    let mut out = Vec::with_capacity(count as usize);
    let mut addr = first.addr;
    for i in 0..count {
        if i > 0 {
            addr = next_addr(addr)
                .filter(|a| a.is_multicast())
                .ok_or_else(|| {
                    let end = match addr {
                        IpAddr::V4(_) => "239.255.255.255",
                        IpAddr::V6(_) => "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                    };
                    usage!(
                        "'{whole}' runs past the end of the multicast range ({end}); \
                         start lower or ask for fewer groups"
                    )
                })?;
        }
        out.push(Group { addr, ..first });
    }
    Ok(out)
}

fn next_addr(addr: IpAddr) -> Option<IpAddr> {
    match addr {
        IpAddr::V4(a) => u32::from(a)
            .checked_add(1)
            .map(|n| Ipv4Addr::from(n).into()),
        IpAddr::V6(a) => u128::from(a)
            .checked_add(1)
            .map(|n| Ipv6Addr::from(n).into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Group {
        let groups = parse_groups(text, 5000).unwrap();
        assert_eq!(groups.len(), 1, "{text}");
        groups[0]
    }

    fn err(text: &str) -> String {
        parse_groups(text, 5000).unwrap_err().to_string()
    }

    #[test]
    fn plain_forms() {
        assert_eq!(
            one("239.1.1.1").socket_addr(),
            "239.1.1.1:5000".parse().unwrap()
        );
        assert_eq!(one("239.1.1.1:6000").port, 6000);
        assert_eq!(
            one("ff15::1").socket_addr(),
            "[ff15::1]:5000".parse().unwrap()
        );
        assert_eq!(one("[ff15::1]").port, 5000);
        assert_eq!(
            one("[ff15::1]:7000").socket_addr(),
            "[ff15::1]:7000".parse().unwrap()
        );
    }

    #[test]
    fn ssm_forms() {
        let g = one("192.0.2.1,232.1.1.1:5001");
        assert_eq!(g.source, Some("192.0.2.1".parse().unwrap()));
        assert_eq!(g.addr, "232.1.1.1".parse::<IpAddr>().unwrap());
        let g = one("2001:db8::1,[ff35::1]:5000");
        assert_eq!(g.source, Some("2001:db8::1".parse().unwrap()));
        assert!(g.is_ipv6());
        assert_eq!(g.to_string(), "2001:db8::1,[ff35::1]:5000");
    }

    #[test]
    fn ranges() {
        let gs = parse_groups("239.1.1.1+10", 5000).unwrap();
        assert_eq!(gs.len(), 10);
        assert_eq!(gs[9].addr, "239.1.1.10".parse::<IpAddr>().unwrap());
        let gs = parse_groups("239.1.1.255:6000+2", 5000).unwrap();
        assert_eq!(gs[1].addr, "239.1.2.0".parse::<IpAddr>().unwrap());
        assert_eq!(gs[1].port, 6000);
        let gs = parse_groups("[ff15::ffff]:5000+3", 5000).unwrap();
        assert_eq!(gs[2].addr, "ff15::1:1".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn range_past_the_end() {
        let e = err("239.255.255.250+10");
        assert!(e.contains("runs past the end"), "{e}");
        assert!(e.contains("239.255.255.255"), "{e}");
        assert!(err("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe+3").contains("runs past"));
    }

    #[test]
    fn bad_counts() {
        assert!(err("239.1.1.1+0").contains("+N with N from 1"));
        assert!(err("239.1.1.1+x").contains("not a group count"));
        assert!(err("239.1.1.1+99999999").contains("not a group count"));
    }

    #[test]
    fn unicast_groups_are_refused() {
        assert_eq!(
            err("10.1.1.1"),
            "10.1.1.1 is not a multicast address (IPv4 multicast is 224.0.0.0/4, e.g. 239.1.1.1)"
        );
        assert!(err("[2001:db8::1]:5000").contains("IPv6 multicast is ff00::/8"));
    }

    #[test]
    fn mixed_families_are_refused() {
        let e = err("2001:db8::1,239.1.1.1");
        assert!(e.contains("different IP versions"), "{e}");
        assert!(err("192.0.2.1,[ff35::1]:5000").contains("different IP versions"));
    }

    #[test]
    fn bad_sources_and_ports() {
        assert!(err("239.2.2.2,239.1.1.1").contains("must be a unicast"));
        assert!(err("nonsense,239.1.1.1").contains("not a source address"));
        assert_eq!(err("239.1.1.1:0"), "port 0 is not valid; use 1-65535");
        assert_eq!(
            err("239.1.1.1:70000"),
            "port 70000 is not valid; use 1-65535"
        );
        assert_eq!(
            err("239.1.1.1:http"),
            "port 'http' is not valid; use a number from 1-65535"
        );
        assert!(err("not-an-address").contains("is not a group"));
    }

    /// Found by hand: `239.1.1.1:` said "port  is not valid", naming
    /// nothing; `239.1.1.1:+5` said the same.
    #[test]
    fn missing_ports_say_what_is_missing() {
        assert_eq!(
            err("239.1.1.1:"),
            "'239.1.1.1:' has no port after ':'; write 239.1.1.1:PORT with PORT from 1-65535 \
             (e.g. 239.1.1.1:5000), or 239.1.1.1 for the default port"
        );
        assert_eq!(
            err("239.1.1.1:+5"),
            "'239.1.1.1:+5' has no port between ':' and '+5'; a range follows the port: \
             write 239.1.1.1:PORT+5 (e.g. 239.1.1.1:5000+5), or 239.1.1.1+5 for the default port"
        );
        assert!(err("[ff15::1]:")
            .starts_with("'[ff15::1]:' has no port after ':'; write [ff15::1]:PORT"));
        assert!(err("192.0.2.1,239.1.1.1:").contains("write 239.1.1.1:PORT"));
        assert!(err("239.1.1.1:+1").contains("no port between ':' and '+1'"));
        assert_eq!(
            crate::config::parse_port("").unwrap_err().to_string(),
            "port '' is not valid; use a number from 1-65535"
        );
        assert_eq!(
            crate::config::parse_port("+5").unwrap_err().to_string(),
            "port '+5' is not valid; use a number from 1-65535"
        );
    }

    /// `ff15::1:5000` is a valid group, so it is accepted (with a warning
    /// naming `[ff15::1]:5000`); brackets or a short last group say the
    /// address is meant as written.
    #[test]
    fn ipv6_groups_ending_like_a_port() {
        let g = one("ff15::1:5000");
        assert_eq!(g.socket_addr(), "[ff15::1:5000]:5000".parse().unwrap());
        let ff15_1 = "ff15::1".parse().unwrap();
        assert_eq!(port_lookalike("ff15::1:5000"), Some((ff15_1, 5000)));
        assert_eq!(port_lookalike("ff15::1:319"), Some((ff15_1, 319)));
        assert_eq!(port_lookalike("[ff15::1:5000]"), None, "brackets");
        assert_eq!(port_lookalike("ff15::1:1"), None, "too short for a port");
        assert_eq!(port_lookalike("ff15::1:ab12"), None, "hex");
        assert_eq!(port_lookalike("ff15::1:99999"), None, "not a port");
        assert_eq!(port_lookalike("ff15::5000"), None, "no group before it");
        assert_eq!(port_lookalike("2001:db8::1:5000"), None, "not multicast");
        assert_eq!(port_lookalike("239.1.1.1"), None);
    }

    #[test]
    fn link_local_scope() {
        assert!(one("224.0.0.251").is_link_local_scope());
        assert!(!one("239.1.1.1").is_link_local_scope());
        assert!(one("ff02::fb").is_link_local_scope());
        assert!(!one("ff15::1").is_link_local_scope());
    }
}

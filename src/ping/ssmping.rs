//! The ssmping wire format (draft-ietf-mboned-ssmping), as Debian's
//! `ssmping`, `asmping` and `ssmpingd` speak it: one type byte (`Q` for a
//! query, `A` for an answer), then options, each a 2-byte type, a 2-byte
//! length and the value (big-endian). The server answers a query with the
//! same bytes, type changed to `A`, by unicast to the client and by
//! multicast to the group the client asked for, at the client's port.
//!
//! Options seen on the wire (captured from ssmping 0.9.1):
//!
//! ```text
//! type len  value
//!  1    4   client id (its process id)
//!  2    4   sequence number, from 1
//!  3    8   send time: seconds, microseconds (client's clock)
//!  4    5   group: family 1 (IPv4) and 4 bytes, or
//!      17   family 2 (IPv6) and 16 bytes
//! ```

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The UDP port ssmpingd listens on.
pub const PORT: u16 = 4321;
/// The SSM group ssmping uses when none is asked for.
pub const GROUP_V4: Ipv4Addr = Ipv4Addr::new(232, 43, 211, 234);
pub const GROUP_V6: Ipv6Addr = Ipv6Addr::new(0xff3e, 0, 0, 0, 0, 0, 0x4321, 0x1234);
/// ssmpingd sends with this TTL/hop limit; clients compute distance from it.
pub const SERVER_TTL: u8 = 64;
/// Largest query answered (real ones are about 50 bytes).
pub const MAX_QUERY: usize = 512;

const QUERY: u8 = b'Q';
const ANSWER: u8 = b'A';
const OPT_ID: u16 = 1;
const OPT_SEQ: u16 = 2;
const OPT_TIME: u16 = 3;
const OPT_GROUP: u16 = 4;

/// What a query or answer says; every field is optional on the wire.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Message {
    pub id: Option<u32>,
    pub seq: Option<u32>,
    /// Send time in nanoseconds since the epoch (from seconds and µs).
    pub sent_ns: Option<u64>,
    pub group: Option<IpAddr>,
}

/// Walks the options of `b` (after the type byte); `None` when one runs
/// past the end.
fn options(b: &[u8]) -> Option<Message> {
    let mut m = Message::default();
    let mut rest = b.get(1..)?;
    while !rest.is_empty() {
        let head = rest.get(..4)?;
        let kind = u16::from_be_bytes([head[0], head[1]]);
        let len = usize::from(u16::from_be_bytes([head[2], head[3]]));
        let value = rest.get(4..4 + len)?;
        match (kind, len) {
            (OPT_ID, 4) => m.id = Some(u32::from_be_bytes(value.try_into().ok()?)),
            (OPT_SEQ, 4) => m.seq = Some(u32::from_be_bytes(value.try_into().ok()?)),
            (OPT_TIME, 8) => {
                let s = u64::from(u32::from_be_bytes(value[..4].try_into().ok()?));
                let us = u64::from(u32::from_be_bytes(value[4..].try_into().ok()?));
                m.sent_ns = Some(s * 1_000_000_000 + us.min(999_999) * 1_000);
            }
            (OPT_GROUP, 5) if value[0] == 1 => {
                let a: [u8; 4] = value[1..].try_into().ok()?;
                m.group = Some(IpAddr::from(a));
            }
            (OPT_GROUP, 17) if value[0] == 2 => {
                let a: [u8; 16] = value[1..].try_into().ok()?;
                m.group = Some(IpAddr::from(a));
            }
            (OPT_GROUP, _) => return None,
            // Unknown options are carried back unread, as ssmpingd does.
            _ => {}
        }
        rest = &rest[4 + len..];
    }
    Some(m)
}

/// A well-formed query (at most [`MAX_QUERY`] bytes); `None` otherwise.
pub fn parse_query(b: &[u8]) -> Option<Message> {
    if b.len() > MAX_QUERY || *b.first()? != QUERY {
        return None;
    }
    options(b)
}

/// A well-formed answer; `None` otherwise.
pub fn parse_answer(b: &[u8]) -> Option<Message> {
    if *b.first()? != ANSWER {
        return None;
    }
    options(b)
}

/// Turns the query in `buf` into its answer, in place: same length.
pub fn answer_in_place(buf: &mut [u8]) {
    if let Some(t) = buf.first_mut() {
        *t = ANSWER;
    }
}

/// The group a server answers to by multicast: the one asked for, or
/// ssmping's SSM group of the client's family. As ssmpingd, only groups
/// of ssmping's form (see [`asm_group`]): a query cannot make the server
/// send to any other group.
pub fn reply_group(m: &Message, v6: bool) -> Option<IpAddr> {
    let g = m.group.unwrap_or(if v6 {
        IpAddr::V6(GROUP_V6)
    } else {
        IpAddr::V4(GROUP_V4)
    });
    (g.is_multicast() && g.is_ipv6() == v6 && asm_group(g) == g).then_some(g)
}

/// The group asmping uses for a group given: the last byte made 234
/// (IPv4) or the last 32 bits 4321:1234 (IPv6), the groups ssmpingd
/// answers on. ssmping's SSM groups are of that form too.
pub fn asm_group(g: IpAddr) -> IpAddr {
    match g {
        IpAddr::V4(a) => {
            let [x, y, z, _] = a.octets();
            IpAddr::V4(Ipv4Addr::new(x, y, z, 234))
        }
        IpAddr::V6(a) => {
            let mut s = a.segments();
            s[6] = 0x4321;
            s[7] = 0x1234;
            IpAddr::V6(Ipv6Addr::from(s))
        }
    }
}

/// Length of a query written by [`write_query`] for `group`'s family.
pub fn query_len(v6: bool) -> usize {
    1 + 8 + 8 + 12 + if v6 { 21 } else { 9 }
}

/// Writes a query like ssmping's into `buf` (at least [`query_len`]
/// bytes); returns its length.
pub fn write_query(buf: &mut [u8], id: u32, seq: u32, sent_ns: u64, group: IpAddr) -> usize {
    let n = query_len(group.is_ipv6());
    let Some(b) = buf.get_mut(..n) else {
        return 0;
    };
    b[0] = QUERY;
    let mut at = 1;
    let mut put = |kind: u16, value: &[u8]| {
        b[at..at + 2].copy_from_slice(&kind.to_be_bytes());
        b[at + 2..at + 4].copy_from_slice(&(value.len() as u16).to_be_bytes());
        b[at + 4..at + 4 + value.len()].copy_from_slice(value);
        at += 4 + value.len();
    };
    put(OPT_ID, &id.to_be_bytes());
    put(OPT_SEQ, &seq.to_be_bytes());
    let secs = (sent_ns / 1_000_000_000) as u32;
    let us = ((sent_ns % 1_000_000_000) / 1_000) as u32;
    let mut time = [0u8; 8];
    time[..4].copy_from_slice(&secs.to_be_bytes());
    time[4..].copy_from_slice(&us.to_be_bytes());
    put(OPT_TIME, &time);
    match group {
        IpAddr::V4(g) => {
            let mut v = [1u8; 5];
            v[1..].copy_from_slice(&g.octets());
            put(OPT_GROUP, &v);
        }
        IpAddr::V6(g) => {
            let mut v = [2u8; 17];
            v[1..].copy_from_slice(&g.octets());
            put(OPT_GROUP, &v);
        }
    }
    n
}

/// Hops from a received TTL, as ssmping guesses the sender's initial TTL
/// (64, 128 or 255).
pub fn distance(ttl: u8) -> u8 {
    match ttl {
        0..=64 => 64 - ttl,
        65..=128 => 128 - ttl,
        _ => 255 - ttl,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ssmping 0.9.1's first query, captured (IPv4).
    const QUERY_V4: [u8; 38] = [
        0x51, 0x00, 0x01, 0x00, 0x04, 0x00, 0x00, 0x1a, 0x6d, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00,
        0x00, 0x01, 0x00, 0x03, 0x00, 0x08, 0x6b, 0x0c, 0x8d, 0xd6, 0x00, 0x05, 0x29, 0xf0, 0x00,
        0x04, 0x00, 0x05, 0x01, 0xe8, 0x2b, 0xd3, 0xea,
    ];

    #[test]
    fn captured_query_parses() {
        let m = parse_query(&QUERY_V4).unwrap();
        assert_eq!(m.id, Some(0x1a6d));
        assert_eq!(m.seq, Some(1));
        assert_eq!(
            m.sent_ns,
            Some(0x6b0c_8dd6 * 1_000_000_000 + 0x0005_29f0 * 1_000)
        );
        assert_eq!(m.group, Some(IpAddr::V4(GROUP_V4)));
        assert_eq!(reply_group(&m, false), Some(IpAddr::V4(GROUP_V4)));
        assert_eq!(
            reply_group(&m, true),
            None,
            "an IPv4 group for an IPv6 client"
        );
    }

    #[test]
    fn our_query_is_byte_for_byte_ssmpings() {
        let mut buf = [0u8; 64];
        let sent = 0x6b0c_8dd6 * 1_000_000_000 + 0x0005_29f0 * 1_000 + 999;
        let n = write_query(&mut buf, 0x1a6d, 1, sent, IpAddr::V4(GROUP_V4));
        assert_eq!(&buf[..n], &QUERY_V4);
        let n = write_query(&mut buf, 7, 2, 0, IpAddr::V6(GROUP_V6));
        assert_eq!(n, 50, "as captured from ssmping -6");
        let m = parse_query(&buf[..n]).unwrap();
        assert_eq!(m.group, Some(IpAddr::V6(GROUP_V6)));
        answer_in_place(&mut buf[..n]);
        assert_eq!(parse_answer(&buf[..n]).unwrap(), m);
        assert_eq!(parse_query(&buf[..n]), None);
    }

    #[test]
    fn malformed_queries_are_refused() {
        assert_eq!(parse_query(b""), None);
        assert_eq!(parse_query(&QUERY_V4[..37]), None, "option cut short");
        assert_eq!(parse_query(&QUERY_V4[..3]), None);
        let mut b = QUERY_V4;
        b[31] = 0x40;
        assert_eq!(parse_query(&b), None, "length past the end");
        let mut b = QUERY_V4;
        b[33] = 9;
        assert_eq!(parse_query(&b), None, "unknown group family");
        let big = [b'Q'; MAX_QUERY + 1];
        assert_eq!(parse_query(&big), None, "oversized");
        assert_eq!(parse_query(b"Q"), Some(Message::default()), "no options");
        let mut unicast = QUERY_V4;
        unicast[34..38].copy_from_slice(&[192, 0, 2, 1]);
        let m = parse_query(&unicast).unwrap();
        assert_eq!(
            reply_group(&m, false),
            None,
            "never answer to a unicast address"
        );
    }

    #[test]
    fn only_ssmpings_groups_are_answered() {
        let ask = |g: &str| Message {
            group: Some(g.parse().unwrap()),
            ..Message::default()
        };
        assert_eq!(
            reply_group(&ask("239.1.2.234"), false),
            Some("239.1.2.234".parse().unwrap())
        );
        assert_eq!(reply_group(&ask("239.1.2.3"), false), None);
        assert_eq!(
            reply_group(&ask("ff15::4321:1234"), true),
            Some("ff15::4321:1234".parse().unwrap())
        );
        assert_eq!(reply_group(&ask("ff15::42:234"), true), None);
        assert_eq!(
            asm_group("239.1.2.3".parse().unwrap()),
            "239.1.2.234".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            asm_group("ff15::42:5".parse().unwrap()),
            "ff15::4321:1234".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            reply_group(&Message::default(), true),
            Some(IpAddr::V6(GROUP_V6))
        );
    }

    #[test]
    fn distance_guesses_the_initial_ttl() {
        assert_eq!(distance(64), 0);
        assert_eq!(distance(63), 1);
        assert_eq!(distance(127), 1);
        assert_eq!(distance(255), 0);
    }
}

//! IGMP (RFC 1112, 2236, 3376) and MLD (RFC 2710, 3810) messages from raw
//! bytes: pure functions, tested and fuzzed on buffers no kernel made.
//! Whatever the bytes, nothing here panics or reads out of bounds; what
//! does not parse is `None`, which the caller counts and passes over.
//!
//! The version of a query is not written in it: RFC 3376 §7.1 tells it
//! from the length (8 octets: v1 or v2, by a zero or non-zero Max Resp
//! Code; 12 or more: v3; anything else is ignored), RFC 3810 §8.1 likewise
//! for MLD (24 octets: v1, 28 or more: v2).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

/// The protocol and version a message speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    IgmpV1,
    IgmpV2,
    IgmpV3,
    MldV1,
    MldV2,
}

impl Version {
    pub fn name(self) -> &'static str {
        match self {
            Version::IgmpV1 => "IGMPv1",
            Version::IgmpV2 => "IGMPv2",
            Version::IgmpV3 => "IGMPv3",
            Version::MldV1 => "MLDv1",
            Version::MldV2 => "MLDv2",
        }
    }

    /// The number alone (1, 2, 3), as sysctls and `/proc/net/igmp` give it.
    pub fn number(self) -> u8 {
        match self {
            Version::IgmpV1 | Version::MldV1 => 1,
            Version::IgmpV2 | Version::MldV2 => 2,
            Version::IgmpV3 => 3,
        }
    }
}

/// A membership query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Query {
    pub version: Version,
    /// `None` for a general query; the group of a group-specific (or
    /// group-and-source-specific) query.
    pub group: Option<IpAddr>,
    /// How long hosts may wait before answering. IGMPv1 has none: the
    /// fixed 10 s of RFC 1112.
    pub max_resp: Duration,
    /// Querier's Robustness Variable (v3/MLDv2 only; 0 means "not given").
    pub qrv: Option<u8>,
    /// Querier's Query Interval from QQIC (v3/MLDv2 only).
    pub qqi: Option<Duration>,
    /// Suppress Router-Side Processing flag (v3/MLDv2).
    pub suppress: bool,
    /// Sources of a group-and-source-specific query.
    pub sources: u16,
}

/// One group a report speaks of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportedGroup {
    pub group: IpAddr,
    pub record: RecordType,
    /// How many sources the record lists (v3/MLDv2).
    pub sources: u16,
}

/// What a report record says of its group (RFC 3376 §4.2.12; v1/v2
/// reports are `Join`, leaves and MLD Done are `Leave`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordType {
    ModeIsInclude,
    ModeIsExclude,
    ChangeToInclude,
    ChangeToExclude,
    AllowNew,
    BlockOld,
    /// A v1/v2 report.
    Join,
    /// An IGMPv2 leave or MLDv1 done.
    Leave,
    Unknown(u8),
}

impl RecordType {
    fn from_v3(t: u8) -> Self {
        match t {
            1 => RecordType::ModeIsInclude,
            2 => RecordType::ModeIsExclude,
            3 => RecordType::ChangeToInclude,
            4 => RecordType::ChangeToExclude,
            5 => RecordType::AllowNew,
            6 => RecordType::BlockOld,
            other => RecordType::Unknown(other),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            RecordType::ModeIsInclude => "is-include",
            RecordType::ModeIsExclude => "is-exclude",
            RecordType::ChangeToInclude => "to-include",
            RecordType::ChangeToExclude => "to-exclude",
            RecordType::AllowNew => "allow",
            RecordType::BlockOld => "block",
            RecordType::Join => "join",
            RecordType::Leave => "leave",
            RecordType::Unknown(_) => "unknown",
        }
    }

    /// The host leaves the group (or asks for no source of it).
    pub fn is_leave(self) -> bool {
        // TO_IN({}) is a leave too, but its source count says so, not its type.
        matches!(self, RecordType::Leave)
    }
}

/// Most groups kept from one report: a v3 report can list hundreds, and
/// what is kept is only for showing who reported what.
pub const MAX_GROUPS: usize = 32;

/// A report (or leave/done) and the groups it names (at most
/// [`MAX_GROUPS`]; `total` counts them all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub version: Version,
    pub groups: Vec<ReportedGroup>,
    pub total: usize,
}

/// One IGMP or MLD message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Query(Query),
    Report(Report),
}

/// An IPv4 datagram carrying IGMP, as a raw IPv4 socket hands it over
/// (IP header included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ipv4Igmp {
    pub source: Ipv4Addr,
    pub dest: Ipv4Addr,
    pub ttl: u8,
    /// The Router Alert option (RFC 2113) was present, as IGMPv2/v3 require.
    pub router_alert: bool,
    pub message: Message,
}

/// IP protocol number of IGMP.
const PROTO_IGMP: u8 = 2;
/// IPv4 option type of Router Alert (copied flag set, class 0, number 20).
const OPT_ROUTER_ALERT: u8 = 0x94;

/// Parses an IPv4 header and the IGMP message after it. Checks what
/// matters for a safe parse (version, header length, total length) and
/// takes the IGMP message as long as the total length says, ignoring any
/// bytes past it.
pub fn parse_ipv4(bytes: &[u8]) -> Option<Ipv4Igmp> {
    let first = *bytes.first()?;
    if first >> 4 != 4 {
        return None;
    }
    let ihl = usize::from(first & 0x0f) * 4;
    if ihl < 20 || bytes.len() < ihl {
        return None;
    }
    let total = usize::from(u16::from_be_bytes([bytes[2], bytes[3]]));
    // Linux hands raw sockets the total length as sent; some stacks give
    // the payload length only: either way never read past the buffer.
    let end = if total >= ihl && total <= bytes.len() {
        total
    } else {
        bytes.len()
    };
    if bytes[9] != PROTO_IGMP {
        return None;
    }
    let source = Ipv4Addr::new(bytes[12], bytes[13], bytes[14], bytes[15]);
    let dest = Ipv4Addr::new(bytes[16], bytes[17], bytes[18], bytes[19]);
    let router_alert = has_router_alert(&bytes[20..ihl]);
    let message = parse_igmp(&bytes[ihl..end])?;
    Some(Ipv4Igmp {
        source,
        dest,
        ttl: bytes[8],
        router_alert,
        message,
    })
}

/// Walks IPv4 options (type, length, data) looking for Router Alert.
fn has_router_alert(mut opts: &[u8]) -> bool {
    while let Some(&kind) = opts.first() {
        match kind {
            0 => return false,
            1 => opts = &opts[1..],
            _ => {
                let Some(&len) = opts.get(1) else {
                    return false;
                };
                let len = usize::from(len);
                if len < 2 || len > opts.len() {
                    return false;
                }
                if kind == OPT_ROUTER_ALERT {
                    return true;
                }
                opts = &opts[len..];
            }
        }
    }
    false
}

/// Parses one IGMP message (without the IP header).
pub fn parse_igmp(b: &[u8]) -> Option<Message> {
    let kind = *b.first()?;
    match kind {
        0x11 => igmp_query(b).map(Message::Query),
        0x12 | 0x16 | 0x17 => {
            let group = IpAddr::V4(v4(b, 4)?);
            let (version, record) = match kind {
                0x12 => (Version::IgmpV1, RecordType::Join),
                0x16 => (Version::IgmpV2, RecordType::Join),
                _ => (Version::IgmpV2, RecordType::Leave),
            };
            Some(Message::Report(Report {
                version,
                groups: vec![ReportedGroup {
                    group,
                    record,
                    sources: 0,
                }],
                total: 1,
            }))
        }
        0x22 => v3_report(b, 8, 4, Version::IgmpV3).map(Message::Report),
        _ => None,
    }
}

fn igmp_query(b: &[u8]) -> Option<Query> {
    let mrc = *b.get(1)?;
    let group = v4(b, 4)?;
    let group = (!group.is_unspecified()).then_some(IpAddr::V4(group));
    match b.len() {
        8 if mrc == 0 => Some(Query {
            version: Version::IgmpV1,
            group,
            max_resp: Duration::from_secs(10),
            qrv: None,
            qqi: None,
            suppress: false,
            sources: 0,
        }),
        8 => Some(Query {
            version: Version::IgmpV2,
            group,
            max_resp: Duration::from_millis(u64::from(mrc) * 100),
            qrv: None,
            qqi: None,
            suppress: false,
            sources: 0,
        }),
        n if n >= 12 => {
            let flags = b[8];
            let sources = u16::from_be_bytes([b[10], b[11]]);
            // The sources must be there; a shorter message is cut off.
            if n < 12 + 4 * usize::from(sources) {
                return None;
            }
            Some(Query {
                version: Version::IgmpV3,
                group,
                max_resp: Duration::from_millis(float_code8(mrc) * 100),
                qrv: Some(flags & 0x07),
                qqi: Some(Duration::from_secs(float_code8(b[9]))),
                suppress: flags & 0x08 != 0,
                sources,
            })
        }
        _ => None,
    }
}

/// RFC 3376 §4.1.1 / §4.1.7: an 8-bit code below 128 is the value;
/// above, `1 exp(3) mant(4)` means `(mant | 0x10) << (exp + 3)`.
pub fn float_code8(code: u8) -> u64 {
    if code < 128 {
        u64::from(code)
    } else {
        let exp = (code >> 4) & 0x07;
        let mant = code & 0x0f;
        u64::from(mant | 0x10) << (exp + 3)
    }
}

/// RFC 3810 §5.1.3: a 16-bit Maximum Response Code below 32768 is the
/// value; above, `1 exp(3) mant(12)` means `(mant | 0x1000) << (exp + 3)`.
pub fn float_code16(code: u16) -> u64 {
    if code < 0x8000 {
        u64::from(code)
    } else {
        let exp = (code >> 12) & 0x07;
        let mant = code & 0x0fff;
        u64::from(mant | 0x1000) << (exp + 3)
    }
}

/// A v3 (or MLDv2) report: the record count at `count_at`, records from
/// `first_at`, each `type, aux len, nsrc, group, sources, aux` with
/// addresses of `addr_len` bytes.
fn v3_report(b: &[u8], first_at: usize, addr_len: usize, version: Version) -> Option<Report> {
    let count_at = first_at - 2;
    let count = usize::from(u16::from_be_bytes([
        *b.get(count_at)?,
        *b.get(count_at + 1)?,
    ]));
    let mut at = first_at;
    let mut groups = Vec::new();
    for _ in 0..count {
        let rec = b.get(at..at.checked_add(4 + addr_len)?)?;
        let sources = u16::from_be_bytes([rec[2], rec[3]]);
        let group = addr(&rec[4..], addr_len)?;
        let len = 4 + addr_len + usize::from(sources) * addr_len + usize::from(rec[1]) * 4;
        let end = at.checked_add(len)?;
        if end > b.len() {
            return None;
        }
        if groups.len() < MAX_GROUPS {
            groups.push(ReportedGroup {
                group,
                record: RecordType::from_v3(rec[0]),
                sources,
            });
        }
        at = end;
    }
    Some(Report {
        version,
        groups,
        total: count,
    })
}

/// Parses one MLD message (the ICMPv6 message; a raw ICMPv6 socket hands
/// it over without the IPv6 header).
pub fn parse_mld(b: &[u8]) -> Option<Message> {
    let kind = *b.first()?;
    match kind {
        130 => mld_query(b).map(Message::Query),
        131 | 132 => {
            let group = IpAddr::V6(v6(b, 8)?);
            let record = if kind == 131 {
                RecordType::Join
            } else {
                RecordType::Leave
            };
            Some(Message::Report(Report {
                version: Version::MldV1,
                groups: vec![ReportedGroup {
                    group,
                    record,
                    sources: 0,
                }],
                total: 1,
            }))
        }
        143 => v3_report(b, 8, 16, Version::MldV2).map(Message::Report),
        _ => None,
    }
}

fn mld_query(b: &[u8]) -> Option<Query> {
    let mrc = u16::from_be_bytes([*b.get(4)?, *b.get(5)?]);
    let group = v6(b, 8)?;
    let group = (!group.is_unspecified()).then_some(IpAddr::V6(group));
    match b.len() {
        24 => Some(Query {
            version: Version::MldV1,
            group,
            max_resp: Duration::from_millis(u64::from(mrc)),
            qrv: None,
            qqi: None,
            suppress: false,
            sources: 0,
        }),
        n if n >= 28 => {
            let flags = b[24];
            let sources = u16::from_be_bytes([b[26], b[27]]);
            if n < 28 + 16 * usize::from(sources) {
                return None;
            }
            Some(Query {
                version: Version::MldV2,
                group,
                max_resp: Duration::from_millis(float_code16(mrc)),
                qrv: Some(flags & 0x07),
                qqi: Some(Duration::from_secs(float_code8(b[25]))),
                suppress: flags & 0x08 != 0,
                sources,
            })
        }
        _ => None,
    }
}

/// An IPv6 packet with the network header (as a packet tap sees it)
/// carrying MLD after a hop-by-hop header (RFC 3810 §5: MLD messages carry
/// Router Alert in one): its source and the message.
pub fn parse_ipv6_mld(b: &[u8]) -> Option<(Ipv6Addr, Message)> {
    if b.first()? >> 4 != 6 {
        return None;
    }
    let payload = usize::from(u16::from_be_bytes([*b.get(4)?, *b.get(5)?]));
    let end = 40usize.checked_add(payload)?.min(b.len());
    let source = v6(b, 8)?;
    let mut next = *b.get(6)?;
    let mut at = 40;
    // Hop-by-hop (0), then ICMPv6 (58); other headers are not MLD's way.
    if next == 0 {
        next = *b.get(at)?;
        at = at.checked_add((usize::from(*b.get(at + 1)?) + 1) * 8)?;
    }
    if next != 58 || at > end {
        return None;
    }
    parse_mld(&b[at..end]).map(|m| (source, m))
}

fn addr(b: &[u8], len: usize) -> Option<IpAddr> {
    match len {
        4 => v4(b, 0).map(IpAddr::V4),
        _ => v6(b, 0).map(IpAddr::V6),
    }
}

fn v4(b: &[u8], at: usize) -> Option<Ipv4Addr> {
    let a: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(Ipv4Addr::from(a))
}

fn v6(b: &[u8], at: usize) -> Option<Ipv6Addr> {
    let a: [u8; 16] = b.get(at..at.checked_add(16)?)?.try_into().ok()?;
    Some(Ipv6Addr::from(a))
}

#[cfg(test)]
mod tests;

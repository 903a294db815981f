//! Linux's membership tables in `/proc/net` as pure functions over the
//! file text, so they are tested (and fuzzed) on captured contents on any
//! OS. Lines that do not parse are passed over, never a panic.
//!
//! The formats (net/ipv4/igmp.c, net/ipv6/mcast.c, net/ipv6/proc.c):
//! - `igmp`: a device line `IDX\tNAME: COUNT QUERIER` (`NAME` padded to
//!   10, longer names run on; `QUERIER` the compatibility mode `V1`..`V3`),
//!   then one indented line per group `GROUP USERS TIMER_ON:TIMER
//!   REPORTER`, the group as the kernel's `__be32` printed with `%08X`:
//!   host byte order (`010000E0` is 224.0.0.1 on x86).
//! - `igmp6`: `IDX NAME GROUP USERS FLAGS TIMER`, the group as 32 hex
//!   digits in network order.
//! - `mcfilter`: a header, then `IDX NAME 0xGROUP 0xSOURCE INC EXC`, the
//!   addresses in network order and `NAME` cut to 6 characters (so the
//!   index is what identifies the interface).
//! - `mcfilter6`: as `mcfilter` with 32-hex-digit addresses, no `0x`.
//! - `snmp6` and `dev_snmp6/IF`: `NAME VALUE` per line.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// One device of `/proc/net/igmp` and its groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgmpDevice {
    pub index: u32,
    pub name: String,
    /// The IGMP version the kernel speaks on it now (1, 2 or 3): 3 unless
    /// an older querier was heard recently or the version is forced.
    pub querier: Option<u8>,
    pub groups: Vec<IgmpGroup>,
}

/// One group line of `/proc/net/igmp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IgmpGroup {
    pub group: Ipv4Addr,
    /// Sockets holding it.
    pub users: u32,
    /// A report is scheduled (answering a query or repeating a join).
    pub timer_running: bool,
    /// This host sent the last report for it.
    pub reporter: bool,
}

/// Parses `/proc/net/igmp` written by a kernel of this machine's byte
/// order.
pub fn parse_igmp(text: &str) -> Vec<IgmpDevice> {
    parse_igmp_as(text, cfg!(target_endian = "little"))
}

/// [`parse_igmp`] for a file from a machine of the given byte order.
pub fn parse_igmp_as(text: &str, little_endian: bool) -> Vec<IgmpDevice> {
    let mut devices: Vec<IgmpDevice> = Vec::new();
    for line in text.lines() {
        if line.starts_with(char::is_whitespace) {
            let mut f = line.split_whitespace();
            let (Some(group), Some(users), Some(timer), Some(reporter)) =
                (f.next(), f.next(), f.next(), f.next())
            else {
                continue;
            };
            let (Ok(raw), Ok(users), Some(dev)) = (
                u32::from_str_radix(group, 16),
                users.parse(),
                devices.last_mut(),
            ) else {
                continue;
            };
            let bytes = if little_endian {
                raw.to_le_bytes()
            } else {
                raw.to_be_bytes()
            };
            dev.groups.push(IgmpGroup {
                group: Ipv4Addr::from(bytes),
                users,
                timer_running: timer.starts_with('1'),
                reporter: reporter == "1",
            });
        } else if let Some(dev) = igmp_device(line) {
            devices.push(dev);
        }
    }
    devices
}

/// `2\th0        :     1      V3`; the header line does not parse.
fn igmp_device(line: &str) -> Option<IgmpDevice> {
    let (index, rest) = line.split_once('\t')?;
    let index = index.trim().parse().ok()?;
    // Interface names cannot hold ':' (dev_valid_name), so the last one
    // ends the name whatever its length.
    let (name, rest) = rest.rsplit_once(':')?;
    let name = name.trim_end();
    if name.is_empty() {
        return None;
    }
    let querier = rest
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.strip_prefix('V'))
        .and_then(|v| v.parse().ok());
    Some(IgmpDevice {
        index,
        name: name.to_string(),
        querier,
        groups: Vec::new(),
    })
}

/// One line of `/proc/net/igmp6`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Igmp6Entry {
    pub index: u32,
    pub name: String,
    pub group: Ipv6Addr,
    pub users: u32,
}

pub fn parse_igmp6(text: &str) -> Vec<Igmp6Entry> {
    text.lines()
        .filter_map(|line| {
            let mut f = line.split_whitespace();
            let index = f.next()?.parse().ok()?;
            let name = f.next()?.to_string();
            let group = hex_v6(f.next()?)?;
            let users = f.next()?.parse().ok()?;
            Some(Igmp6Entry {
                index,
                name,
                group,
                users,
            })
        })
        .collect()
}

/// One source filter line of `/proc/net/mcfilter` or `/proc/net/mcfilter6`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFilter {
    pub index: u32,
    /// Cut to 6 characters by the kernel (IPv4): identify by `index`.
    pub name: String,
    pub group: IpAddr,
    pub source: IpAddr,
    /// Sockets that include this source.
    pub include: u64,
    /// Sockets that exclude it.
    pub exclude: u64,
}

/// Parses `/proc/net/mcfilter` (the header line does not parse).
pub fn parse_mcfilter(text: &str) -> Vec<SourceFilter> {
    source_filters(text, |s| {
        let hex = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X"))?;
        u32::from_str_radix(hex, 16)
            .ok()
            .map(|v| IpAddr::V4(Ipv4Addr::from(v)))
    })
}

/// Parses `/proc/net/mcfilter6`.
pub fn parse_mcfilter6(text: &str) -> Vec<SourceFilter> {
    source_filters(text, |s| hex_v6(s).map(IpAddr::V6))
}

fn source_filters(text: &str, addr: impl Fn(&str) -> Option<IpAddr>) -> Vec<SourceFilter> {
    text.lines()
        .filter_map(|line| {
            let mut f = line.split_whitespace();
            let index = f.next()?.parse().ok()?;
            let name = f.next()?.to_string();
            let group = addr(f.next()?)?;
            let source = addr(f.next()?)?;
            let include = f.next()?.parse().ok()?;
            let exclude = f.next()?.parse().ok()?;
            Some(SourceFilter {
                index,
                name,
                group,
                source,
                include,
                exclude,
            })
        })
        .collect()
}

/// 32 hex digits, network order.
fn hex_v6(s: &str) -> Option<Ipv6Addr> {
    if s.len() != 32 {
        return None;
    }
    u128::from_str_radix(s, 16).ok().map(Ipv6Addr::from)
}

/// A counter of `/proc/net/snmp6` or `/proc/net/dev_snmp6/IF`.
pub fn snmp6_counter(text: &str, name: &str) -> Option<u64> {
    text.lines().find_map(|line| {
        let mut f = line.split_whitespace();
        (f.next()? == name).then(|| f.next()?.parse().ok())?
    })
}

/// Any-source or source-specific, as the kernel's filter for a group on
/// an interface shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// EXCLUDE {}: every source (what an ASM join asks for).
    Any,
    /// INCLUDE these sources only (SSM joins).
    Include(Vec<IpAddr>),
    /// Every source but these.
    Exclude(Vec<IpAddr>),
}

impl Filter {
    pub fn mode(&self) -> &'static str {
        match self {
            Filter::Any => "ASM",
            Filter::Include(_) => "SSM",
            Filter::Exclude(_) => "ASM-exclude",
        }
    }

    pub fn sources(&self) -> &[IpAddr] {
        match self {
            Filter::Any => &[],
            Filter::Include(s) | Filter::Exclude(s) => s,
        }
    }
}

/// One group held on one interface, both tables merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub index: u32,
    pub iface: String,
    pub group: IpAddr,
    /// Sockets holding it.
    pub users: u32,
    pub filter: Filter,
}

/// Merges the membership tables and their source filters into one list,
/// by interface index then group.
///
/// The filter of a group is read from the per-source counts: a source
/// that some socket excludes makes the group EXCLUDE; otherwise, when
/// every socket holding the group names sources (the highest include
/// count reaches the users), it is INCLUDE those sources; otherwise some
/// socket joined for any source, and the group is open to all (an ASM
/// join merged with SSM ones is EXCLUDE {} in RFC 3376 §3.2).
pub fn memberships(
    igmp: &[IgmpDevice],
    igmp6: &[Igmp6Entry],
    filters: &[SourceFilter],
) -> Vec<Membership> {
    let mut out = Vec::new();
    for dev in igmp {
        for g in &dev.groups {
            let group = IpAddr::V4(g.group);
            out.push(Membership {
                index: dev.index,
                iface: dev.name.clone(),
                group,
                users: g.users,
                filter: filter_of(dev.index, group, g.users, filters),
            });
        }
    }
    for e in igmp6 {
        let group = IpAddr::V6(e.group);
        out.push(Membership {
            index: e.index,
            iface: e.name.clone(),
            group,
            users: e.users,
            filter: filter_of(e.index, group, e.users, filters),
        });
    }
    out.sort_by_key(|m| (m.index, m.group));
    out
}

fn filter_of(index: u32, group: IpAddr, users: u32, filters: &[SourceFilter]) -> Filter {
    let mine: Vec<&SourceFilter> = filters
        .iter()
        .filter(|f| f.index == index && f.group == group)
        .collect();
    let excluded: Vec<IpAddr> = mine
        .iter()
        .filter(|f| f.exclude > 0)
        .map(|f| f.source)
        .collect();
    if !excluded.is_empty() {
        return Filter::Exclude(excluded);
    }
    let most = mine.iter().map(|f| f.include).max().unwrap_or(0);
    if most > 0 && most >= u64::from(users) {
        Filter::Include(
            mine.iter()
                .filter(|f| f.include > 0)
                .map(|f| f.source)
                .collect(),
        )
    } else {
        Filter::Any
    }
}

#[cfg(test)]
mod tests;

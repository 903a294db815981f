//! `mcast ping` and `mcast pong`: what to probe or answer, how often, how
//! long, and what counts as success.

use std::net::IpAddr;
use std::time::Duration;

use anyhow::Result;

use super::{
    check_duration, check_optional_duration, parse_groups, parse_port, Group, Iface, IfaceTable,
};
use crate::cli;
use crate::ping::{ssmping, wire};
use crate::usage;

/// Most probes one run may send: every run is bounded.
pub const MAX_PROBES: u64 = 1_000_000;

#[derive(Debug, Clone)]
pub enum PingTarget {
    /// mcast's probes to a group (`--mesh`: probing and answering).
    Group { group: Group, mesh: bool },
    /// An ssmping client of `server`, replies asked on `group`.
    Ssmping {
        server: IpAddr,
        group: IpAddr,
        asm: bool,
    },
}

#[derive(Debug, Clone)]
pub struct PingConfig {
    pub target: PingTarget,
    pub iface: Option<Iface>,
    pub count: u64,
    pub interval: Duration,
    pub wait: Duration,
    pub ttl: u8,
    pub size: usize,
    pub expect: u64,
    pub max_loss: Option<f64>,
    pub multicast_reply: bool,
    pub name: String,
    pub json: bool,
}

#[derive(Debug, Clone)]
pub struct PongConfig {
    /// ASM groups are joined; SSM groups (a source or the SSM range) are
    /// answered on unicast, this host being their source.
    pub groups: Vec<Group>,
    /// The address SSM replies leave from, per family (IPv4, IPv6): the
    /// source the SSM groups name, or the kernel's choice.
    pub sources: [Option<IpAddr>; 2],
    pub iface: Option<Iface>,
    pub ttl: u8,
    pub multicast_reply: bool,
    pub rate: f64,
    pub ssmping: bool,
    pub name: String,
    pub duration: Option<Duration>,
    pub timeout: Option<Duration>,
}

fn ttl(n: u32) -> Result<u8> {
    match u8::try_from(n) {
        Ok(t) if t >= 1 => Ok(t),
        _ => Err(usage!("--ttl {n} is not valid; give 1 to 255")),
    }
}

/// Any-source groups, as `--asm` needs.
fn asm_group(text: &str, port: u16, what: &str) -> Result<Vec<Group>> {
    let groups = parse_groups(text, port)?;
    if let Some(g) = groups.iter().find(|g| g.source.is_some()) {
        return Err(usage!(
            "{what} {g} is source-specific; give an any-source group"
        ));
    }
    Ok(groups)
}

/// An SSM group is probed through its one source, the responder: it must
/// be named, and a mesh (every host a source) cannot use one.
fn ssm_probe_target(g: &Group, mesh: bool) -> Result<()> {
    if !g.is_ssm() {
        return Ok(());
    }
    if mesh {
        return Err(usage!(
            "GROUP {g} is source-specific; --mesh needs an any-source group, \
             since every host of a mesh sends to it"
        ));
    }
    if g.source.is_none() {
        return Err(usage!(
            "GROUP {g} is in the source-specific range; write RESPONDER,GROUP \
             (like 192.0.2.2,{g}) with the responder's address as the source"
        ));
    }
    Ok(())
}

/// The address a responder answers SSM groups from, per family: the one
/// source its SSM groups name, if any.
fn ssm_source(groups: &[Group], v6: bool) -> Result<Option<IpAddr>> {
    let mut sources = groups
        .iter()
        .filter(|g| g.is_ipv6() == v6)
        .filter_map(|g| g.source);
    let first = sources.next();
    if let (Some(a), Some(b)) = (first, sources.find(|s| Some(*s) != first)) {
        return Err(usage!(
            "sources {a} and {b} are both given; mcast pong answers SSM groups \
             from one address of its own per IP version"
        ));
    }
    Ok(first)
}

fn host_name(given: Option<&str>) -> Result<String> {
    match given {
        Some(n) if n.len() > wire::MAX_NAME || n.chars().any(char::is_control) => Err(usage!(
            "--name {} is not valid; give up to {} bytes without control characters",
            crate::escape::controls(n),
            wire::MAX_NAME
        )),
        Some(n) => Ok(n.to_string()),
        None => Ok(crate::platform::host_name()),
    }
}

pub fn ping(args: &cli::PingArgs) -> Result<PingConfig> {
    let port = parse_port(&args.port.to_string())?;
    let target = if args.ssmping {
        let server: IpAddr = args.target.parse().map_err(|_| {
            usage!(
                "SERVER {} is not valid; with --ssmping give the server's IP address, like 192.0.2.1",
                crate::escape::controls(&args.target)
            )
        })?;
        if server.is_multicast() || server.is_unspecified() {
            return Err(usage!(
                "SERVER {server} is not valid; give the ssmping server's unicast address"
            ));
        }
        let (group, asm) = match &args.asm {
            None if server.is_ipv6() => (IpAddr::V6(ssmping::GROUP_V6), false),
            None => (IpAddr::V4(ssmping::GROUP_V4), false),
            Some(text) => {
                let g = asm_group(text, port, "--asm")?;
                match g.as_slice() {
                    // As asmping: the form of group ssmpingd answers on.
                    [g] if g.is_ipv6() == server.is_ipv6() => (ssmping::asm_group(g.addr), true),
                    _ => {
                        return Err(usage!(
                            "--asm {} is not valid; give one group of the server's IP version",
                            crate::escape::controls(text)
                        ))
                    }
                }
            }
        };
        PingTarget::Ssmping { server, group, asm }
    } else {
        let groups = parse_groups(&args.target, port)?;
        let [group] = groups.as_slice() else {
            return Err(usage!(
                "GROUP {} names {} groups; mcast ping probes one",
                crate::escape::controls(&args.target),
                groups.len()
            ));
        };
        ssm_probe_target(group, args.mesh)?;
        PingTarget::Group {
            group: *group,
            mesh: args.mesh,
        }
    };
    if !(1..=MAX_PROBES).contains(&args.count) {
        return Err(usage!(
            "--count {} is not valid; give 1 to {MAX_PROBES} probes",
            args.count
        ));
    }
    let interval = check_duration("--interval", args.interval)?;
    if interval < Duration::from_millis(1) {
        return Err(usage!("--interval is too short; use 1ms or more"));
    }
    let wait = check_duration("--wait", args.wait)?;
    // The whole run must be a duration the clock can hold.
    let total = interval
        .checked_mul(u32::try_from(args.count).unwrap_or(u32::MAX))
        .and_then(|d| d.checked_add(wait));
    check_optional_duration("--count x --interval + --wait", total)?.ok_or_else(|| {
        usage!("--count x --interval + --wait is too long; give at most 100 years")
    })?;
    let size = usize::try_from(args.size).unwrap_or(usize::MAX);
    if !(wire::MIN_PROBE..=wire::MAX_PROBE).contains(&size) {
        return Err(usage!(
            "--size {} is not valid; give {} to {} bytes",
            args.size,
            wire::MIN_PROBE,
            wire::MAX_PROBE
        ));
    }
    if let Some(p) = args.max_loss.filter(|p| !(0.0..=100.0).contains(p)) {
        return Err(usage!(
            "--max-loss {p} is not valid; give a percentage from 0 to 100"
        ));
    }
    let ifaces = IfaceTable::load()?;
    Ok(PingConfig {
        target,
        iface: super::iface(args.iface.as_deref(), &ifaces)?,
        count: args.count,
        interval,
        wait,
        ttl: ttl(args.ttl)?,
        size,
        expect: args.expect,
        max_loss: args.max_loss,
        multicast_reply: args.reply == cli::ReplyPath::Multicast,
        name: host_name(args.name.as_deref())?,
        json: args.json,
    })
}

pub fn pong(args: &cli::PongArgs) -> Result<PongConfig> {
    let port = parse_port(&args.port.to_string())?;
    let mut groups = Vec::new();
    for text in &args.groups {
        for g in parse_groups(text, port)? {
            if groups.contains(&g) {
                return Err(usage!("group {g} is given twice; name each group once"));
            }
            groups.push(g);
        }
    }
    if groups.is_empty() && !args.ssmping {
        return Err(usage!(
            "no GROUP given; name the groups to answer on, or give --ssmping"
        ));
    }
    if !(args.rate.is_finite() && (0.1..=100_000.0).contains(&args.rate)) {
        return Err(usage!(
            "--rate {} is not valid; give 0.1 to 100000 replies per second per prober",
            args.rate
        ));
    }
    let sources = [ssm_source(&groups, false)?, ssm_source(&groups, true)?];
    let ifaces = IfaceTable::load()?;
    Ok(PongConfig {
        sources,
        groups,
        iface: super::iface(args.iface.as_deref(), &ifaces)?,
        ttl: ttl(args.ttl)?,
        multicast_reply: args.reply == cli::ReplyPath::Multicast,
        rate: args.rate,
        ssmping: args.ssmping,
        name: host_name(args.name.as_deref())?,
        duration: check_optional_duration("--duration", args.duration)?,
        timeout: check_optional_duration("--timeout", args.timeout)?,
    })
}

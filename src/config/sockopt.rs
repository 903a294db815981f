//! `mcast sockopt`: which families, which options to set, which groups to
//! join, and the table's format.

use anyhow::Result;

use super::{parse_groups, Group, Iface, IfaceTable};
use crate::cli;
use crate::usage;

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

pub fn sockopt(args: &cli::SockoptArgs) -> Result<SockoptConfig> {
    let ifaces = IfaceTable::load()?;
    let iface = super::iface(args.iface.as_deref(), &ifaces)?;
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
        joins.extend(parse_groups(j, cli::DEFAULT_PORT)?);
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

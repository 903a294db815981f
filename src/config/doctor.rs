//! `mcast doctor`: the groups to check (maybe none), the interface, the format.

use std::time::Duration;

use anyhow::Result;

use super::{iface, parse_groups, parse_port, Group, Iface, IfaceTable};
use crate::cli;
use crate::usage;

#[derive(Debug, Clone)]
pub struct DoctorConfig {
    pub groups: Vec<Group>,
    pub iface: Option<Iface>,
    pub ifaces: IfaceTable,
    pub json: bool,
    /// How long to listen for a querier; zero: not at all.
    pub querier_wait: Duration,
}

/// The longest `--querier-wait`: doctor is a quick look; `mcast querier`
/// watches for longer.
const MAX_QUERIER_WAIT: Duration = Duration::from_secs(600);

pub fn doctor(args: &cli::DoctorArgs) -> Result<DoctorConfig> {
    let port = parse_port(&args.port.to_string())?;
    let mut groups: Vec<Group> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for text in &args.groups {
        for g in parse_groups(text, port)? {
            if !seen.insert(g) {
                return Err(usage!("group {g} is given twice; name each group once"));
            }
            groups.push(g);
        }
    }
    if args.querier_wait > MAX_QUERIER_WAIT {
        return Err(usage!(
            "--querier-wait {} is too long for doctor; give at most 10m, or watch with \
             mcast querier -t DURATION",
            humantime::format_duration(args.querier_wait)
        ));
    }
    let ifaces = IfaceTable::load()?;
    Ok(DoctorConfig {
        iface: iface(args.iface.as_deref(), &ifaces)?,
        groups,
        ifaces,
        json: args.json,
        querier_wait: args.querier_wait,
    })
}

//! `mcast doctor`: the groups to check (maybe none), the interface, the format.

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
}

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
    let ifaces = IfaceTable::load()?;
    Ok(DoctorConfig {
        iface: iface(args.iface.as_deref(), &ifaces)?,
        groups,
        ifaces,
        json: args.json,
    })
}

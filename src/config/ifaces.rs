//! `mcast ifaces`: the groups whose routes to show, and the format.

use std::net::IpAddr;

use anyhow::Result;

use super::parse_groups;
use crate::cli;
use crate::routes::{PROBE_V4, PROBE_V6};

#[derive(Debug, Clone)]
pub struct IfacesConfig {
    /// Destinations whose route to show: the groups asked (each address
    /// once), else one probe group per family.
    pub probes: Vec<IpAddr>,
    pub json: bool,
}

pub fn ifaces(args: &cli::IfacesArgs) -> Result<IfacesConfig> {
    let mut probes: Vec<IpAddr> = Vec::new();
    for text in &args.groups {
        for g in parse_groups(text, cli::DEFAULT_PORT)? {
            if !probes.contains(&g.addr) {
                probes.push(g.addr);
            }
        }
    }
    if probes.is_empty() {
        probes = vec![PROBE_V4, PROBE_V6];
    }
    Ok(IfacesConfig {
        probes,
        json: args.json,
    })
}

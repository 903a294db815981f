//! `mcast querier`: which links and families to watch, and for how long.

use std::time::Duration;

use anyhow::Result;

use super::{check_duration, Iface, IfaceTable};
use crate::cli;
use crate::platform::Family;

#[derive(Debug, Clone)]
pub struct QuerierConfig {
    /// `-i`, when given.
    pub iface: Option<Iface>,
    /// The links to judge: the one of `-i`, else every up,
    /// multicast-capable interface but loopback.
    pub links: Vec<Iface>,
    pub families: Vec<Family>,
    pub timeout: Duration,
    pub json: bool,
}

pub fn querier(args: &cli::QuerierArgs) -> Result<QuerierConfig> {
    let timeout = check_duration("--timeout", args.timeout)?;
    let ifaces = IfaceTable::load()?;
    let iface = super::iface(args.iface.as_deref(), &ifaces)?;
    let links = match &iface {
        Some(i) => vec![i.clone()],
        None => ifaces
            .iter()
            .filter(|i| i.up && i.multicast && !i.loopback)
            .cloned()
            .collect(),
    };
    let families = match (args.ipv4, args.ipv6) {
        (true, false) => vec![Family::V4],
        (false, true) => vec![Family::V6],
        _ => vec![Family::V4, Family::V6],
    };
    Ok(QuerierConfig {
        iface,
        links,
        families,
        timeout,
        json: args.json,
    })
}

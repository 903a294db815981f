//! `mcast groups`: which interface and groups to show, once or watching.

use std::net::IpAddr;
use std::time::Duration;

use anyhow::Result;

use super::{check_duration, check_optional_duration, Iface, IfaceTable};
use crate::cli;
use crate::usage;

#[derive(Debug, Clone)]
pub struct GroupsConfig {
    pub iface: Option<Iface>,
    /// Only these groups; all when empty.
    pub groups: Vec<IpAddr>,
    pub json: bool,
    /// `--watch`: read again this often.
    pub watch: Option<Duration>,
    pub timeout: Option<Duration>,
}

pub fn host_groups(args: &cli::GroupsArgs) -> Result<GroupsConfig> {
    let mut groups = Vec::new();
    for text in &args.groups {
        let bare = text.trim_start_matches('[').trim_end_matches(']');
        let Ok(addr) = bare.parse::<IpAddr>() else {
            return Err(usage!(
                "group '{text}' is not an address; give a multicast address like 239.1.1.1 or ff15::1"
            ));
        };
        if !addr.is_multicast() {
            return Err(usage!(
                "{addr} is not a multicast address; IPv4 groups are 224.0.0.0/4, IPv6 ff00::/8"
            ));
        }
        groups.push(addr);
    }
    let watch = args
        .watch
        .map(|d| check_duration("--watch", d))
        .transpose()?;
    let timeout = check_optional_duration("--timeout", args.timeout)?;
    let iface = match args.iface.as_deref() {
        Some(spec) => Some(IfaceTable::load()?.resolve(spec)?),
        None => None,
    };
    Ok(GroupsConfig {
        iface,
        groups,
        json: args.json,
        watch,
        timeout,
    })
}

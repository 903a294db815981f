//! `mcast selftest`: one IPv4 any-source group on loopback, how many
//! packets and how long to wait.

use std::time::Duration;

use anyhow::Result;

use super::duration::check_duration;
use super::{parse_groups, Group, IfaceTable};
use crate::cli;
use crate::usage;

#[derive(Debug, Clone)]
pub struct SelftestConfig {
    pub group: Group,
    pub count: u64,
    pub timeout: Duration,
    pub ifaces: IfaceTable,
}

pub fn selftest(args: &cli::SelftestArgs) -> Result<SelftestConfig> {
    let mut groups = parse_groups(&args.group, cli::DEFAULT_PORT)?;
    let group = match groups.pop() {
        Some(g) if groups.is_empty() && !g.is_ipv6() && g.source.is_none() => g,
        _ => {
            return Err(usage!(
                "--group {} must be one IPv4 any-source group (the self-test runs on loopback)",
                args.group
            ))
        }
    };
    if args.count == 0 {
        return Err(usage!("--count 0 is not valid; use 1 or more packets"));
    }
    Ok(SelftestConfig {
        group,
        count: args.count,
        timeout: check_duration("--timeout", args.timeout)?,
        ifaces: IfaceTable::load()?,
    })
}

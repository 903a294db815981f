//! `mcast join`: the receive rules alone.

use anyhow::Result;

use super::receive::{receive, ReceiveConfig};
use crate::cli;

#[derive(Debug, Clone)]
pub struct JoinConfig {
    pub receive: ReceiveConfig,
}

pub fn join(args: &cli::JoinArgs) -> Result<JoinConfig> {
    Ok(JoinConfig {
        receive: receive(&args.groups, &args.receive)?,
    })
}

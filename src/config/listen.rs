//! `mcast listen`: what `join` takes, plus how packets are printed.

use anyhow::Result;

use super::receive::{receive, ReceiveConfig};
use crate::cli;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListenFormat {
    Text,
    Json,
    Raw,
    Hex,
    /// Summary only.
    None,
}

#[derive(Debug, Clone)]
pub struct ListenConfig {
    pub receive: ReceiveConfig,
    pub format: ListenFormat,
}

pub fn listen(args: &cli::ListenArgs) -> Result<ListenConfig> {
    let format = if args.json {
        ListenFormat::Json
    } else {
        match args.format {
            cli::ListenFormat::Text => ListenFormat::Text,
            cli::ListenFormat::Json => ListenFormat::Json,
            cli::ListenFormat::Raw => ListenFormat::Raw,
            cli::ListenFormat::Hex => ListenFormat::Hex,
            cli::ListenFormat::None => ListenFormat::None,
        }
    };
    Ok(ListenConfig {
        receive: receive(&args.groups, &args.receive)?,
        format,
    })
}

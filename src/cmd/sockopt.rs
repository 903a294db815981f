//! `mcast sockopt`: being written.

use anyhow::Result;

use crate::config::{SockoptConfig, Ui};
use crate::exit::Exit;

pub fn run(_cfg: SockoptConfig, _ui: Ui) -> Result<Exit> {
    Err(anyhow::anyhow!("sockopt is not implemented yet"))
}

//! `mcast monitor`: the driver in [`crate::monitor`] does the work.

use anyhow::Result;

use crate::config::{MonitorConfig, Ui};
use crate::exit::Exit;

pub fn run(cfg: MonitorConfig, ui: Ui) -> Result<Exit> {
    crate::monitor::run(cfg, ui)
}

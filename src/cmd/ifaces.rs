//! `mcast ifaces`: every interface with its state, flags, MTU and
//! addresses, and which one each family's multicast leaves by default.

use std::io::{self, Write};

use anyhow::{Context, Result};

use crate::config::{IfaceTable, IfacesConfig, Ui};
use crate::exit::Exit;
use crate::output::host::ifaces_text;
use crate::output::json::write_record;
use crate::platform;
use crate::record::{Interface, MulticastRoute};
use crate::routes::Route;

pub fn run(cfg: IfacesConfig, _ui: Ui) -> Result<Exit> {
    let infos = platform::interfaces().context("listing network interfaces")?;
    let table = IfaceTable::load()?;
    let routes: Vec<Route> = cfg.probes.iter().map(|d| Route::host(*d, &table)).collect();
    // `default_for` names the family's default: the first route asked of each family.
    let defaults: Vec<Route> = [true, false]
        .iter()
        .filter_map(|v4| routes.iter().find(|r| r.dest.is_ipv4() == *v4).cloned())
        .collect();
    let rows: Vec<Interface<'_>> = infos.iter().map(|i| Interface::new(i, &defaults)).collect();
    let route_records: Vec<MulticastRoute<'_>> = routes.iter().map(MulticastRoute::from).collect();
    let mut out = io::stdout().lock();
    if cfg.json {
        for r in &rows {
            write_record(&mut out, r)?;
        }
        for r in &route_records {
            write_record(&mut out, r)?;
        }
    } else {
        out.write_all(ifaces_text(&rows, &route_records).as_bytes())?;
    }
    out.flush()?;
    Ok(Exit::Success)
}

//! The validated configuration. Built once from the command line; the rest
//! of the program sees only these types, never clap's.
//!
//! One file per command's rules: `receive` (what `join` and `listen`
//! share), `listen`, `join`, `send`, `sockopt`, `selftest`, `ifaces`, `doctor`, and `ui` (how
//! every command talks to its user); `group` (the GROUP syntax) and `iface`
//! (interfaces) are the pieces they share. Everything is re-exported here,
//! so the rest of the program names it `config::...`.

mod doctor;
mod duration;
mod group;
mod groups;
mod groups_file;
mod iface;
mod ifaces;
mod join;
mod listen;
mod monitor;
mod ping;
mod querier;
mod receive;
mod sap;
mod selftest;
mod send;
mod sockopt;
mod ui;

use anyhow::Result;

pub use doctor::{doctor, DoctorConfig};
pub use duration::{check_duration, check_optional_duration, MAX_DURATION};
pub use group::{check_multicast, parse_groups, parse_port, Group, MAX_RANGE};
pub use groups::{host_groups, GroupsConfig};
pub use groups_file::{parse_groups_file, Listed, MAX_LABEL};
pub use iface::{Iface, IfaceTable};
pub use ifaces::{ifaces, IfacesConfig};
pub use join::{join, JoinConfig};
pub use listen::{listen, ListenConfig, ListenFormat};
pub use monitor::{monitor, parse_metrics_addr, MonitorConfig, MAX_SOURCES};
pub use ping::{ping, pong, PingConfig, PingTarget, PongConfig, MAX_PROBES};
pub use querier::{querier, QuerierConfig};
pub use receive::{parse_bytes, ReceiveConfig, StopRule};
pub use sap::{sap, SapConfig};
pub use selftest::{selftest, SelftestConfig};
pub use send::{send, Pace, Payload, SendConfig, DEFAULT_SEND_COUNT, MAX_DATAGRAM};
pub use sockopt::{sockopt, SockoptConfig, TableFormat};
pub use ui::{ui, Ui};

use crate::cli;
use crate::usage;

/// The groups of `GROUP...` with `--port`, each named once (`receive` and
/// `send`).
fn groups(args: &cli::GroupArgs) -> Result<Vec<Group>> {
    let port = parse_port(&args.port.to_string())?;
    let mut out = Vec::new();
    // A set, not a scan of `out`: `239.1.0.1+65536` is 65,536 groups.
    let mut seen = std::collections::HashSet::new();
    for text in &args.groups {
        for g in parse_groups(text, port)? {
            if !seen.insert(g) {
                return Err(usage!("group {g} is given twice; name each group once"));
            }
            out.push(g);
        }
    }
    Ok(out)
}

/// The interface `-i` names, if given, from the interfaces known at start.
fn iface(spec: Option<&str>, table: &IfaceTable) -> Result<Option<Iface>> {
    spec.map(|s| table.resolve(s)).transpose()
}

//! mcast: multicast diagnostics from the command line.
//!
//! Layers, top to bottom: `cli` (clap, nothing else sees it) → `config`
//! (validated once, one file per command) → `cmd::*` (one thin module per
//! subcommand) → the engines: `recv` (sockets, joins, the receive loop,
//! packet events) and `send` (sender set-up, test packets, the schedule)
//! → `analysis` (per-stream and per-group facts) → `record` (every record
//! mcast prints, typed once) and `output` (the renderers: text, JSON, hex,
//! raw, none, behind one trait) → `platform` (the only OS-specific code,
//! and the only `unsafe`, behind one contract). `sockopt` drives
//! `mcast sockopt` over the platform's option table; `routes` says which
//! interface the routes pick for a group, and `doctor` holds
//! `mcast doctor`'s checks as pure functions over the host's facts;
//! `monitor` drives `mcast monitor` (alarms, hooks, the live table) and
//! `metrics` serves Prometheus metrics; `ping` holds the probe, reply and
//! ssmping formats and the receive sink that answers and counts for
//! `mcast ping` and `mcast pong`.
#![deny(unsafe_code)]

pub mod analysis;
pub mod cli;
pub mod clock;
pub mod cmd;
pub mod config;
pub mod console;
pub mod doctor;
pub mod escape;
pub mod exit;
pub mod generate;
pub mod host;
pub mod logging;
pub mod media;
pub mod metrics;
pub mod monitor;
pub mod output;
pub mod ping;
pub mod platform;
pub mod querier;
pub mod record;
pub mod recv;
pub mod routes;
pub mod sap;
pub mod send;
pub mod signals;
pub mod sockopt;
pub mod testpacket;

use anyhow::Result;

use crate::exit::Exit;

/// Runs one parsed command line; errors carry their exit code via
/// [`exit::classify`].
pub fn run(cli: cli::Cli) -> Result<Exit> {
    let ui = config::ui(&cli);
    match cli.command {
        cli::Command::Join(args) => cmd::join::run(config::join(&args)?, ui),
        cli::Command::Listen(args) => cmd::listen::run(config::listen(&args)?, ui),
        cli::Command::Monitor(args) => cmd::monitor::run(config::monitor(&args)?, ui),
        cli::Command::Send(args) => cmd::send::run(config::send(&args)?, ui),
        cli::Command::Sockopt(args) => cmd::sockopt::run(config::sockopt(&args)?, ui),
        cli::Command::Ping(args) => cmd::ping::run(config::ping(&args)?, ui),
        cli::Command::Pong(args) => cmd::pong::run(config::pong(&args)?, ui),
        cli::Command::Selftest(args) => cmd::selftest::run(config::selftest(&args)?, ui),
        cli::Command::Querier(args) => cmd::querier::run(config::querier(&args)?, ui),
        cli::Command::Groups(args) => cmd::groups::run(config::host_groups(&args)?, ui),
        cli::Command::Ifaces(args) => cmd::ifaces::run(config::ifaces(&args)?, ui),
        cli::Command::Doctor(args) => cmd::doctor::run(config::doctor(&args)?, ui),
        cli::Command::Sap(args) => cmd::sap::run(config::sap(&args)?, ui),
        cli::Command::Completions { shell } => {
            generate::completion_to(shell, &mut std::io::stdout())?;
            Ok(Exit::Success)
        }
    }
}

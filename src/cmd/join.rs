//! `mcast join`: hold membership and show per-group counters on stderr.

use std::io::{self, Write};
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::config::{Group, JoinConfig, Ui};
use crate::exit::Exit;
use crate::recv::counters::Counters;
use crate::recv::{self, Packet, Receiver, Sink};

/// How often the live counters are printed.
const TICK: Duration = Duration::from_secs(1);
/// Beyond this many groups, the live view prints totals, not every group.
const LIVE_GROUPS: usize = 8;

struct JoinSink {
    groups: Vec<Group>,
    counters: Counters,
    quiet: bool,
}

impl Sink for JoinSink {
    fn packet(&mut self, p: &Packet<'_>) -> io::Result<()> {
        self.counters.record(p);
        Ok(())
    }

    fn tick(&mut self, now: Instant) -> io::Result<()> {
        let rates = self.counters.rates(now);
        if self.quiet {
            return Ok(());
        }
        let mut err = io::stderr().lock();
        if self.groups.len() > LIVE_GROUPS {
            let receiving = self
                .counters
                .groups
                .iter()
                .filter(|g| g.packets > 0)
                .count();
            let rate: f64 = rates.iter().sum();
            return writeln!(
                err,
                "{receiving}/{} groups receiving, {} packets, {rate:.1}/s",
                self.groups.len(),
                self.counters.total()
            );
        }
        for ((g, c), rate) in self.groups.iter().zip(&self.counters.groups).zip(rates) {
            let last = c
                .last_source
                .map_or_else(|| "-".to_string(), |a| a.ip().to_string());
            let ttl = c
                .last_ttl
                .map_or_else(|| "-".to_string(), |t| t.to_string());
            writeln!(
                err,
                "{:<30} {:>8} packets {:>9.1}/s  last {last} ttl {ttl}",
                g.to_string(),
                c.packets,
                rate
            )?;
        }
        Ok(())
    }
}

pub fn run(cfg: JoinConfig, ui: Ui) -> Result<Exit> {
    let recv_cfg = &cfg.receive;
    let mut rx = Receiver::open(&recv_cfg.groups, recv_cfg.iface.as_ref(), recv_cfg.rcvbuf)?;
    if !ui.quiet {
        eprintln!(
            "joined {} {} {} ({}); Ctrl-C to leave",
            super::listen::plural(recv_cfg.groups.len(), "group"),
            super::listen::group_list(&recv_cfg.groups),
            super::iface_text(recv_cfg.iface.as_ref()),
            super::listen::plural(rx.socket_count(), "socket")
        );
    }
    let mut sink = JoinSink {
        groups: recv_cfg.groups.clone(),
        counters: Counters::new(&rx),
        quiet: ui.quiet,
    };
    let outcome = recv::run(&mut rx, &recv_cfg.stop, Some(TICK), &mut sink)?;
    rx.leave_all();
    if !ui.quiet {
        eprint!("{}", sink.counters.summary_text(&rx, &outcome));
    }
    Ok(super::receive_exit(&outcome, &recv_cfg.stop))
}

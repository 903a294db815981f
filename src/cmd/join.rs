//! `mcast join`: hold membership and show a live per-group table on stderr:
//! redrawn in place on a terminal, plain periodic lines otherwise.

use std::io::{self, IsTerminal, Write};
use std::time::{Duration, Instant};

use anyhow::Result;

use super::report::{self, Diagnostics, KernelView};
use crate::config::{Group, JoinConfig, Ui};
use crate::exit::Exit;
use crate::output::phrases;
use crate::recv::{self, Packet, Receiver, Sink};

/// How often the live view is refreshed unless `--stats-interval` says.
const TICK: Duration = Duration::from_secs(1);
/// Rows in the live view; beyond this the busiest groups are shown.
const LIVE_ROWS: usize = 20;

struct JoinSink {
    groups: Vec<Group>,
    diag: Diagnostics,
    quiet: bool,
    terminal: bool,
    /// Lines drawn last time, to redraw over them.
    drawn: usize,
}

impl Sink for JoinSink {
    fn packet(&mut self, p: &Packet<'_>) -> io::Result<()> {
        self.diag.record(p);
        Ok(())
    }

    fn tick(&mut self, now: Instant) -> io::Result<()> {
        let rates = self.diag.counters.rates(now, self.diag.analyzer.tallies());
        if self.quiet {
            return Ok(());
        }
        let lines = self.table(&rates);
        let mut err = io::stderr().lock();
        if self.terminal && self.drawn > 0 {
            // Up to the first line drawn last time, and clear below it.
            write!(err, "\x1b[{}F\x1b[J", self.drawn)?;
        }
        for l in &lines {
            writeln!(err, "{l}")?;
        }
        if !self.terminal {
            writeln!(err)?;
        }
        self.drawn = lines.len();
        err.flush()
    }
}

impl JoinSink {
    fn table(&self, rates: &[f64]) -> Vec<String> {
        let views = self.diag.analyzer.group_views();
        let mut order: Vec<usize> = (0..self.groups.len()).collect();
        if order.len() > LIVE_ROWS {
            // Busiest first, so a large join still shows what is flowing.
            order.sort_by(|&a, &b| rates[b].total_cmp(&rates[a]).then(a.cmp(&b)));
        }
        let mut lines = vec![format!(
            "{:<40} {:>9} {:>9} {:>8}  {:<40} {:>3}",
            "GROUP", "PACKETS", "RATE/s", "LOSS", "LAST SOURCE", "TTL"
        )];
        for &i in order.iter().take(LIVE_ROWS) {
            let v = &views[i];
            let dash = || "-".to_string();
            lines.push(format!(
                "{:<40} {:>9} {:>9.1} {:>8}  {:<40} {:>3}",
                self.groups[i].to_string(),
                v.packets,
                rates[i],
                v.loss_pct.map_or_else(dash, |p| format!("{p:.1}%")),
                v.last_source.map_or_else(dash, |a| a.to_string()),
                v.last_ttl.map_or_else(dash, |t| t.to_string()),
            ));
        }
        if self.groups.len() > LIVE_ROWS {
            let receiving = views.iter().filter(|v| v.packets > 0).count();
            lines.push(format!(
                "... {} more groups; {receiving} of {} receiving, {:.1} packets/s in all",
                self.groups.len() - LIVE_ROWS,
                self.groups.len(),
                rates.iter().sum::<f64>()
            ));
        }
        lines
    }
}

pub fn run(cfg: JoinConfig, ui: Ui) -> Result<Exit> {
    let recv_cfg = &cfg.receive;
    let mut rx = Receiver::for_config(recv_cfg)?;
    if !ui.quiet {
        eprintln!(
            "joined {} {} {} ({}); Ctrl-C to leave",
            phrases::plural(recv_cfg.groups.len(), "group"),
            phrases::group_list(&recv_cfg.groups),
            phrases::iface_text(recv_cfg.iface.as_ref()),
            phrases::plural(rx.socket_count(), "socket")
        );
    }
    let mut sink = JoinSink {
        groups: recv_cfg.groups.clone(),
        diag: Diagnostics::new(&rx),
        quiet: ui.quiet,
        terminal: io::stderr().is_terminal(),
        drawn: 0,
    };
    let tick = recv_cfg.stats_interval.unwrap_or(TICK);
    let outcome = recv::run(&mut rx, &recv_cfg.stop, Some(tick), &mut sink)?;
    let kernel = KernelView::read(&rx);
    rx.leave_all();
    let (exit, why) = report::verdict(recv_cfg, &outcome, &sink.diag);
    if !ui.quiet {
        eprint!(
            "{}",
            report::summary_text(&sink.diag, &rx, &outcome, kernel)
        );
        if let Some(why) = why {
            eprintln!("mcast: check failed: {why}");
        }
    }
    Ok(exit)
}

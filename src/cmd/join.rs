//! `mcast join`: hold membership and show a live per-group table on stderr:
//! redrawn in place on a terminal, plain periodic lines otherwise.

use std::io::{self, IsTerminal, Write};
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::analysis::{Diagnostics, GroupRates, KernelView, SilenceChange, SilenceWatch, Verdict};
use crate::clock;
use crate::config::{Group, JoinConfig, Ui};
use crate::exit::Exit;
use crate::metrics;
use crate::output::{phrases, report};
use crate::querier::evidence::{self, ObservedQueries};
use crate::querier::Observer;
use crate::record::{SilenceRecord, Summary};
use crate::recv::{self, Packet, Receiver, Sink};

/// How often the live view is refreshed unless `--stats-interval` says.
const TICK: Duration = Duration::from_secs(1);

struct JoinSink {
    groups: Vec<Group>,
    diag: Diagnostics,
    rates: GroupRates,
    quiet: bool,
    terminal: bool,
    /// Lines drawn last time, to redraw over them.
    drawn: usize,
    silence: SilenceWatch,
    /// Silence lines waiting for the next redraw, so they print above the table.
    said: Vec<String>,
    changes: Vec<SilenceChange>,
    metrics: Option<metrics::Endpoint>,
    iface: String,
    /// Queries seen since the join, asked when a silence begins.
    queries: Option<ObservedQueries<Observer>>,
}

impl JoinSink {
    fn note_silence(&mut self, change: &SilenceChange) {
        if let Some(rec) =
            SilenceRecord::new(change, &self.groups, clock::now()).map(|r| r.on_iface(&self.iface))
        {
            self.said.push(phrases::silence(&rec));
        }
    }
}

impl Sink for JoinSink {
    fn packet(&mut self, p: &Packet<'_>) -> io::Result<()> {
        self.diag.record(p);
        if let Some(m) = &mut self.metrics {
            m.drops.packet(p);
        }
        if let Some(ended) = p.group.and_then(|g| self.silence.arrived(g, p.time)) {
            self.note_silence(&ended);
        }
        Ok(())
    }

    fn tick(&mut self, now: Instant) -> io::Result<()> {
        let mut changes = std::mem::take(&mut self.changes);
        let queries = evidence::or_none(self.queries.as_ref());
        self.silence.check_with(clock::now(), queries, &mut changes);
        for c in changes.drain(..) {
            self.note_silence(&c);
        }
        self.changes = changes;
        if let Some(m) = &mut self.metrics {
            let kernel_drops = m.drops.total();
            m.publish_due(now, || {
                metrics::Facts {
                    groups: &self.groups,
                    labels: &[],
                    analyzer: &self.diag.analyzer,
                    joins: &self.diag.joins,
                    silence: &self.silence,
                    alarms: &[],
                    silent: &[],
                    iface: &self.iface,
                    kernel_drops,
                }
                .snapshot(metrics::group_sums(&self.diag.analyzer))
            });
        }
        let rates = self.rates.rates(now, self.diag.analyzer.tallies());
        if self.quiet {
            self.said.clear();
            return Ok(());
        }
        let lines = report::live_table(&self.groups, &self.diag.analyzer.group_views(), &rates);
        let mut err = io::stderr().lock();
        if self.terminal && self.drawn > 0 {
            // Up to the first line drawn last time, and clear below it.
            write!(err, "\x1b[{}F\x1b[J", self.drawn)?;
        }
        for line in self.said.drain(..) {
            writeln!(err, "{line}")?;
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

pub fn run(cfg: JoinConfig, ui: Ui) -> Result<Exit> {
    let recv_cfg = &cfg.receive;
    let mut metrics = metrics::Endpoint::start(recv_cfg.metrics)?;
    // Before the join, so that every query since is seen.
    let queries = evidence::for_receive(recv_cfg);
    let mut rx = Receiver::for_config(recv_cfg)?;
    if let Some(m) = &mut metrics {
        m.watch(&rx);
    }
    // Interrupted while joining: the receiver already said how far it got.
    if !ui.quiet && rx.all_joined() {
        crate::say!(
            "{}",
            phrases::joined(&recv_cfg.groups, recv_cfg.iface.as_ref(), rx.socket_count())
        )?;
        if let Some(m) = &metrics {
            crate::say!("{}", m.describe())?;
        }
    }
    let mut sink = JoinSink {
        groups: recv_cfg.groups.clone(),
        diag: Diagnostics::new(&rx).with_media(recv_cfg.media),
        rates: GroupRates::new(recv_cfg.groups.len()),
        quiet: ui.quiet,
        terminal: io::stderr().is_terminal(),
        drawn: 0,
        silence: SilenceWatch::for_receiver(recv_cfg.silence, &rx, false),
        said: Vec::new(),
        changes: Vec::new(),
        metrics,
        iface: recv_cfg
            .iface
            .as_ref()
            .map_or_else(String::new, |i| i.name.clone()),
        queries,
    };
    let tick = recv_cfg.stats_interval.unwrap_or(TICK);
    let outcome = recv::run(&mut rx, &recv_cfg.stop, Some(tick), &mut sink)?;
    let kernel = KernelView::read(&rx);
    rx.leave_all();
    let verdict = Verdict::of(recv_cfg, &outcome, &sink.diag.analyzer);
    if !ui.quiet {
        let summary = Summary::new(&sink.diag, &recv_cfg.groups, &outcome, kernel, verdict)
            .with_silences(&sink.silence);
        crate::say_raw!("{}", report::summary_text(&summary))?;
        for shared in &summary.analysis.shared_senders {
            crate::say!("{shared}")?;
        }
        if verdict != Verdict::Met {
            crate::say!("mcast: check failed: {verdict}")?;
        }
    }
    Ok(verdict.exit())
}

//! `mcast listen`: one record per received packet on stdout.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::analysis::{Diagnostics, KernelView, SilenceChange, SilenceWatch, Verdict};
use crate::clock;
use crate::config::{ListenConfig, Ui};
use crate::exit::Exit;
use crate::metrics;
use crate::output::{self, phrases, IfNames, Labels, Render};
use crate::platform;
use crate::querier::evidence::{self, ObservedQueries};
use crate::querier::Observer;
use crate::record::{IfaceChange, SilenceRecord, Start, Stats, Summary};
use crate::recv::{self, Packet, Receiver, Sink};

/// How often silences are looked for (and the stats interval checked).
const SILENCE_CHECK: Duration = Duration::from_millis(200);

/// The engine's tick with `--stats-interval` `stats`: at most
/// [`SILENCE_CHECK`], and dividing it evenly, so stats records stay on time.
fn check_every(stats: Duration) -> Duration {
    let n = stats.as_nanos().div_ceil(SILENCE_CHECK.as_nanos()).max(1);
    stats / u32::try_from(n).unwrap_or(u32::MAX)
}

/// Large enough that a burst is written in few syscalls.
const OUT_BUF: usize = 64 * 1024;

struct ListenSink<W: Write> {
    out: BufWriter<W>,
    render: Box<dyn Render<BufWriter<W>>>,
    labels: Labels,
    diag: Diagnostics,
    quiet: bool,
    silence: SilenceWatch,
    changes: Vec<SilenceChange>,
    /// `--stats-interval`, and when the next stats record is due.
    stats_every: Option<Duration>,
    next_stats: Option<Instant>,
    metrics: Option<metrics::Endpoint>,
    iface: String,
    /// Queries seen since the join, asked when a silence begins.
    queries: Option<ObservedQueries<Observer>>,
}

impl<W: Write> ListenSink<W> {
    /// Where reports in text go: stderr, or nowhere with `--quiet`.
    fn log(&self) -> Box<dyn Write> {
        log(self.quiet)
    }

    fn report_silence(&mut self, change: &SilenceChange) -> io::Result<()> {
        if let Some(rec) = SilenceRecord::new(change, &self.labels.groups, clock::now())
            .map(|r| r.on_iface(&self.iface))
        {
            let mut log = log(self.quiet);
            self.render.silence(&mut self.out, &mut log, &rec)?;
        }
        Ok(())
    }
}

fn log(quiet: bool) -> Box<dyn Write> {
    if quiet {
        Box::new(io::sink())
    } else {
        Box::new(Named {
            inner: io::stderr(),
            name: "stderr",
        })
    }
}

/// A stream whose write errors name it ("writing to stdout: No space left
/// on device"), as `say!`/`out!` do; the error kind is kept, so a closed
/// pipe still ends quietly. Only reached when a buffer is written out, so
/// packets cost nothing more.
struct Named<W> {
    inner: W,
    name: &'static str,
}

impl<W: Write> Named<W> {
    fn named(&self, e: io::Error) -> io::Error {
        io::Error::new(e.kind(), format!("writing to {}: {e}", self.name))
    }
}

impl<W: Write> Write for Named<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf).map_err(|e| self.named(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush().map_err(|e| self.named(e))
    }
}

impl<W: Write> Sink for ListenSink<W> {
    fn packet(&mut self, p: &Packet<'_>) -> io::Result<()> {
        self.diag.record(p);
        if let Some(m) = &mut self.metrics {
            m.drops.packet(p);
        }
        if let Some(ended) = p.group.and_then(|g| self.silence.arrived(g, p.time)) {
            self.report_silence(&ended)?;
        }
        self.labels.rtp = self.diag.analyzer.last_is_rtp();
        self.render.packet(&mut self.out, p, &mut self.labels)
    }

    /// Flushed when the sockets are drained (or at most a millisecond
    /// later while packets stream in): each record reaches a pipe at once,
    /// yet a burst is one write.
    fn idle(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn pending(&self) -> bool {
        !self.out.buffer().is_empty()
    }

    fn iface_event(&mut self, event: &recv::IfaceEvent) -> io::Result<()> {
        self.render.iface(&mut self.out, &IfaceChange::from(event))
    }

    /// Silences as they begin; and every `--stats-interval` a `stats`
    /// record in JSON, a table on stderr otherwise.
    fn tick(&mut self, now: Instant) -> io::Result<()> {
        let mut changes = std::mem::take(&mut self.changes);
        let queries = evidence::or_none(self.queries.as_ref());
        self.silence.check_with(clock::now(), queries, &mut changes);
        for c in changes.drain(..) {
            self.report_silence(&c)?;
        }
        self.changes = changes;
        if let Some(m) = &mut self.metrics {
            let kernel_drops = m.drops.total();
            m.publish_due(now, || {
                metrics::Facts {
                    groups: &self.labels.groups,
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
        let (Some(every), Some(due)) = (self.stats_every, self.next_stats) else {
            return Ok(());
        };
        if now < due {
            return Ok(());
        }
        // On schedule; after a stall, from now (as the engine's ticks do).
        self.next_stats = due
            .checked_add(every)
            .map(|next| if next <= now { now + every } else { next });
        let interval = self.diag.analyzer.take_interval(now);
        let stats = Stats::new(&self.diag.analyzer, &interval);
        let mut log = self.log();
        self.render.stats(&mut self.out, &mut log, &stats)
    }
}

pub fn run(cfg: ListenConfig, ui: Ui) -> Result<Exit> {
    let recv_cfg = &cfg.receive;
    let mut metrics = metrics::Endpoint::start(recv_cfg.metrics)?;
    // Before the join, so that every query since is seen.
    let queries = evidence::for_receive(recv_cfg);
    let mut rx = Receiver::for_config(recv_cfg)?;
    if let Some(m) = &mut metrics {
        m.watch(&rx);
    }
    let mut sink = ListenSink {
        out: BufWriter::with_capacity(
            OUT_BUF,
            Named {
                inner: platform::raw_stdout()?,
                name: "stdout",
            },
        ),
        render: output::renderer(cfg.format),
        labels: Labels {
            rtp: false,
            groups: recv_cfg.groups.clone(),
            names: IfNames::new(&recv_cfg.ifaces),
        },
        diag: Diagnostics::new(&rx).with_media(recv_cfg.media),
        quiet: ui.quiet,
        silence: SilenceWatch::for_receiver(recv_cfg.silence, &rx, false),
        changes: Vec::new(),
        stats_every: recv_cfg.stats_interval,
        next_stats: recv_cfg
            .stats_interval
            .and_then(|d| Instant::now().checked_add(d)),
        metrics,
        iface: recv_cfg
            .iface
            .as_ref()
            .map_or_else(String::new, |i| i.name.clone()),
        queries,
    };
    let start = Start::listen(&recv_cfg.groups, recv_cfg.iface.as_ref(), rx.rcvbuf());
    let terminal = io::stdout().is_terminal();
    sink.render.start(&mut sink.out, &start, terminal)?;
    sink.out.flush()?;
    // Interrupted while joining: the receiver already said how far it got.
    if !ui.quiet && rx.all_joined() {
        crate::say!(
            "{}",
            phrases::listening(&recv_cfg.groups, recv_cfg.iface.as_ref(), rx.rcvbuf())
        )?;
        if let Some(m) = &sink.metrics {
            crate::say!("{}", m.describe())?;
        }
    }
    let tick = recv_cfg.stats_interval.map_or(SILENCE_CHECK, check_every);
    let outcome = recv::run(&mut rx, &recv_cfg.stop, Some(tick), &mut sink)?;
    let kernel = KernelView::read(&rx);
    rx.leave_all();
    let verdict = Verdict::of(recv_cfg, &outcome, &sink.diag.analyzer);
    let summary = Summary::new(&sink.diag, &recv_cfg.groups, &outcome, kernel, verdict)
        .with_silences(&sink.silence);
    sink.render
        .summary(&mut sink.out, &mut log(ui.quiet), &summary)?;
    if !ui.quiet {
        for shared in &summary.analysis.shared_senders {
            crate::say!("{shared}")?;
        }
    }
    if verdict != Verdict::Met && !ui.quiet {
        crate::say!("mcast: check failed: {verdict}")?;
    }
    Ok(verdict.exit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_divide_the_stats_interval() {
        let ms = |n| Duration::from_millis(n);
        assert_eq!(check_every(ms(1000)), ms(200));
        assert_eq!(check_every(ms(250)), ms(125));
        assert_eq!(check_every(ms(50)), ms(50));
        assert_eq!(check_every(ms(1500)), Duration::from_micros(187_500));
    }
}

//! `mcast listen`: one record per received packet on stdout.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::time::Instant;

use anyhow::Result;

use crate::analysis::{Diagnostics, KernelView, Verdict};
use crate::config::{ListenConfig, Ui};
use crate::exit::Exit;
use crate::output::{self, phrases, IfNames, Labels, Render};
use crate::platform;
use crate::record::{IfaceChange, Start, Stats, Summary};
use crate::recv::{self, Packet, Receiver, Sink};

/// Large enough that a burst is written in few syscalls.
const OUT_BUF: usize = 64 * 1024;

struct ListenSink<W: Write> {
    out: BufWriter<W>,
    render: Box<dyn Render<BufWriter<W>>>,
    labels: Labels,
    diag: Diagnostics,
    quiet: bool,
}

impl<W: Write> ListenSink<W> {
    /// Where reports in text go: stderr, or nowhere with `--quiet`.
    fn log(&self) -> Box<dyn Write> {
        log(self.quiet)
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

    /// `--stats-interval`: a `stats` record in JSON, a table on stderr otherwise.
    fn tick(&mut self, now: Instant) -> io::Result<()> {
        let interval = self.diag.analyzer.take_interval(now);
        let stats = Stats::new(&self.diag.analyzer, &interval);
        let mut log = self.log();
        self.render.stats(&mut self.out, &mut log, &stats)
    }
}

pub fn run(cfg: ListenConfig, ui: Ui) -> Result<Exit> {
    let recv_cfg = &cfg.receive;
    let mut rx = Receiver::for_config(recv_cfg)?;
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
    }
    let outcome = recv::run(&mut rx, &recv_cfg.stop, recv_cfg.stats_interval, &mut sink)?;
    let kernel = KernelView::read(&rx);
    rx.leave_all();
    let verdict = Verdict::of(recv_cfg, &outcome, &sink.diag.analyzer);
    let summary = Summary::new(&sink.diag, &recv_cfg.groups, &outcome, kernel, verdict);
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

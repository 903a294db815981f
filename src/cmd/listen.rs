//! `mcast listen`: one record per received packet on stdout.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::time::Instant;

use anyhow::Result;
use serde_json::json;

use super::report::{self, Diagnostics, KernelView};
use crate::config::{Group, ListenConfig, ListenFormat, Ui};
use crate::exit::Exit;
use crate::output::{self, json as jsonl, phrases, IfNames};
use crate::platform;
use crate::recv::{self, Packet, Receiver, Sink};

/// Large enough that a burst is written in few syscalls.
const OUT_BUF: usize = 64 * 1024;

struct ListenSink<W: Write> {
    out: BufWriter<W>,
    format: ListenFormat,
    groups: Vec<Group>,
    names: IfNames,
    diag: Diagnostics,
    quiet: bool,
}

impl<W: Write> Sink for ListenSink<W> {
    fn packet(&mut self, p: &Packet<'_>) -> io::Result<()> {
        self.diag.record(p);
        let out = &mut self.out;
        match self.format {
            ListenFormat::Text => output::text::write_packet(out, p, &self.groups, &mut self.names),
            ListenFormat::Json => jsonl::write_packet(out, p, &self.groups, &mut self.names),
            ListenFormat::Hex => output::hex::write_packet(out, p, &self.groups, &mut self.names),
            ListenFormat::Raw => out.write_all(p.payload),
            ListenFormat::None => Ok(()),
        }
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

    /// Scripts reading JSON see interface changes in the stream itself.
    fn iface_event(&mut self, event: &recv::IfaceEvent) -> io::Result<()> {
        if self.format != ListenFormat::Json {
            return Ok(());
        }
        let (iface, state, index) = match event {
            recv::IfaceEvent::Down(n) => (n, "down", None),
            recv::IfaceEvent::Up(n) => (n, "up", None),
            recv::IfaceEvent::Gone(n) => (n, "gone", None),
            recv::IfaceEvent::Rejoined { name, index } => (name, "rejoined", Some(*index)),
        };
        let record = json!({"type": "iface", "iface": iface, "state": state, "index": index});
        jsonl::write_record(&mut self.out, &record)?;
        self.out.flush()
    }

    /// `--stats-interval`: a `stats` record in JSON, a table on stderr otherwise.
    fn tick(&mut self, now: Instant) -> io::Result<()> {
        if self.format == ListenFormat::Json {
            let stats = self.diag.stats_json(now);
            jsonl::write_record(&mut self.out, &stats)
        } else {
            self.diag.analyzer.stats_json(now);
            if !self.quiet {
                eprint!("{}", self.diag.analyzer.summary_text());
            }
            Ok(())
        }
    }
}

pub fn run(cfg: ListenConfig, ui: Ui) -> Result<Exit> {
    let recv_cfg = &cfg.receive;
    let mut rx = Receiver::for_config(recv_cfg)?;
    let terminal = io::stdout().is_terminal();
    let mut sink = ListenSink {
        out: BufWriter::with_capacity(OUT_BUF, platform::raw_stdout()?),
        format: cfg.format,
        groups: recv_cfg.groups.clone(),
        names: IfNames::new(&recv_cfg.ifaces),
        diag: Diagnostics::new(&rx),
        quiet: ui.quiet,
    };
    match cfg.format {
        ListenFormat::Json => {
            let start = json!({
                "type": "start",
                "schema": jsonl::SCHEMA,
                "mcast": env!("CARGO_PKG_VERSION"),
                "command": "listen",
                "groups": recv_cfg.groups.iter().map(jsonl::group_json).collect::<Vec<_>>(),
                "iface": recv_cfg.iface.as_ref().map(|i| i.name.clone()),
                "rcvbuf": rx.rcvbuf(),
            });
            jsonl::write_record(&mut sink.out, &start)?;
        }
        ListenFormat::Text if terminal => sink.out.write_all(output::text::HEADER.as_bytes())?,
        _ => {}
    }
    sink.out.flush()?;
    if !ui.quiet {
        eprintln!(
            "listening for {} {} {} (receive buffer {} KiB)",
            phrases::plural(recv_cfg.groups.len(), "group"),
            phrases::group_list(&recv_cfg.groups),
            phrases::iface_text(recv_cfg.iface.as_ref()),
            rx.rcvbuf() / 1024
        );
    }
    let outcome = recv::run(&mut rx, &recv_cfg.stop, recv_cfg.stats_interval, &mut sink)?;
    let kernel = KernelView::read(&rx);
    rx.leave_all();
    let (exit, why) = report::verdict(recv_cfg, &outcome, &sink.diag);
    if cfg.format == ListenFormat::Json {
        let mut summary = report::summary_json(&sink.diag, &rx, &outcome, kernel);
        summary["verdict"] = json!(why.as_deref().unwrap_or("ok"));
        jsonl::write_record(&mut sink.out, &summary)?;
        sink.out.flush()?;
    } else if !ui.quiet {
        sink.out.flush()?;
        eprint!(
            "{}",
            report::summary_text(&sink.diag, &rx, &outcome, kernel)
        );
    }
    if let Some(why) = why {
        if !ui.quiet {
            eprintln!("mcast: check failed: {why}");
        }
    }
    Ok(exit)
}

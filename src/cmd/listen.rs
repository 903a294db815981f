//! `mcast listen`: one record per received packet on stdout.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::time::Instant;

use anyhow::Result;
use serde_json::json;

use crate::config::{Group, ListenConfig, ListenFormat, Ui};
use crate::exit::Exit;
use crate::output::{self, json as jsonl, IfNames};
use crate::recv::counters::Counters;
use crate::recv::{self, Packet, Receiver, Sink};

/// Large enough that a burst is written in few syscalls.
const OUT_BUF: usize = 64 * 1024;

struct ListenSink<W: Write> {
    out: W,
    format: ListenFormat,
    groups: Vec<Group>,
    names: IfNames,
    counters: Counters,
}

impl<W: Write> Sink for ListenSink<W> {
    fn packet(&mut self, p: &Packet<'_>) -> io::Result<()> {
        self.counters.record(p);
        let out = &mut self.out;
        match self.format {
            ListenFormat::Text => output::text::write_packet(out, p, &self.groups, &mut self.names),
            ListenFormat::Json => jsonl::write_packet(out, p, &self.groups, &mut self.names),
            ListenFormat::Hex => output::hex::write_packet(out, p, &self.groups, &mut self.names),
            ListenFormat::Raw => out.write_all(p.payload),
        }
    }

    /// Flushing only when the sockets are drained delivers each record to
    /// a pipe at once, yet writes a burst in one go.
    fn idle(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn tick(&mut self, _now: Instant) -> io::Result<()> {
        Ok(())
    }
}

pub fn run(cfg: ListenConfig, ui: Ui) -> Result<Exit> {
    let recv_cfg = &cfg.receive;
    let mut rx = Receiver::open(&recv_cfg.groups, recv_cfg.iface.as_ref(), recv_cfg.rcvbuf)?;
    let stdout = io::stdout();
    let terminal = stdout.is_terminal();
    let mut sink = ListenSink {
        out: BufWriter::with_capacity(OUT_BUF, stdout.lock()),
        format: cfg.format,
        groups: recv_cfg.groups.clone(),
        names: IfNames::new(&recv_cfg.ifaces),
        counters: Counters::new(&rx),
    };
    let listening = format!(
        "listening for {} {} {}",
        plural(recv_cfg.groups.len(), "group"),
        group_list(&recv_cfg.groups),
        super::iface_text(recv_cfg.iface.as_ref())
    );
    match cfg.format {
        ListenFormat::Json => {
            let start = json!({
                "type": "start",
                "schema": jsonl::SCHEMA,
                "mcast": env!("CARGO_PKG_VERSION"),
                "command": "listen",
                "groups": recv_cfg.groups.iter().map(jsonl::group_json).collect::<Vec<_>>(),
                "iface": recv_cfg.iface.as_ref().map(|i| i.name.clone()),
            });
            jsonl::write_record(&mut sink.out, &start)?;
        }
        ListenFormat::Text if terminal => sink.out.write_all(output::text::HEADER.as_bytes())?,
        _ => {}
    }
    sink.out.flush()?;
    if !ui.quiet {
        eprintln!("{listening}");
    }
    let outcome = recv::run(&mut rx, &recv_cfg.stop, None, &mut sink)?;
    rx.leave_all();
    if cfg.format == ListenFormat::Json {
        jsonl::write_record(&mut sink.out, &sink.counters.summary_json(&rx, &outcome))?;
        sink.out.flush()?;
    } else if !ui.quiet {
        sink.out.flush()?;
        eprint!("{}", sink.counters.summary_text(&rx, &outcome));
    }
    Ok(super::receive_exit(&outcome, &recv_cfg.stop))
}

pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The first few groups by name; a long list is cut.
pub fn group_list(groups: &[Group]) -> String {
    const SHOWN: usize = 4;
    let mut names: Vec<String> = groups.iter().take(SHOWN).map(Group::to_string).collect();
    if groups.len() > SHOWN {
        names.push(format!("and {} more", groups.len() - SHOWN));
    }
    names.join(", ")
}

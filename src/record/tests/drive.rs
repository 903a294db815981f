//! How the golden tests reach the code that prints. The only part of the
//! golden tests that follows a refactoring.

use std::io::Write;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::analysis::{Analyzer, Diagnostics, JoinLatency, KernelView, Verdict};
use crate::config::{Group, Iface, ListenFormat};
use crate::output::{self, json::write_record, phrases, report, IfNames, Labels};
use crate::record::{IfaceChange, Start, Stats, Summary};
use crate::recv::{IfaceEvent, Outcome, Packet};

pub fn packets(format: ListenFormat, groups: &[Group], packets: &[Packet<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut labels = Labels {
        rtp: false,
        groups: groups.to_vec(),
        names: IfNames::default(),
    };
    let render = output::renderer::<Vec<u8>>(format);
    for p in packets {
        render.packet(&mut out, p, &mut labels).unwrap();
    }
    out
}

/// What `listen` writes to stdout before the first packet.
pub fn listen_start(
    format: ListenFormat,
    terminal: bool,
    groups: &[Group],
    iface: Option<&Iface>,
    rcvbuf: usize,
) -> Vec<u8> {
    let mut out = Vec::new();
    output::renderer::<Vec<u8>>(format)
        .start(&mut out, &Start::listen(groups, iface, rcvbuf), terminal)
        .unwrap();
    out
}

pub fn listening_line(groups: &[Group], iface: Option<&Iface>, rcvbuf: usize) -> String {
    format!("{}\n", phrases::listening(groups, iface, rcvbuf))
}

pub fn joined_line(groups: &[Group], iface: Option<&Iface>, sockets: usize) -> String {
    format!("{}\n", phrases::joined(groups, iface, sockets))
}

pub fn send_start(
    groups: &[Group],
    iface: Option<&Iface>,
    source: Option<SocketAddr>,
    ttl: u32,
    loopback: bool,
    sender: u64,
    count: Option<u64>,
) -> Vec<u8> {
    let mut out = Vec::new();
    let start = Start::send(groups, iface, source, ttl, loopback, sender, count);
    write_record(&mut out, &start).unwrap();
    out
}

pub fn iface(format: ListenFormat, events: &[IfaceEvent]) -> Vec<u8> {
    let mut out = Vec::new();
    let render = output::renderer::<Vec<u8>>(format);
    for event in events {
        render.iface(&mut out, &IfaceChange::from(event)).unwrap();
    }
    out
}

/// One `--stats-interval` tick: the JSON record, or the text table.
pub fn stats(format: ListenFormat, a: &mut Analyzer, now: Instant) -> Vec<u8> {
    let mut out = Vec::new();
    let mut log = Vec::new();
    let interval = a.take_interval(now);
    output::renderer::<Vec<u8>>(format)
        .stats(&mut out, &mut log, &Stats::new(a, &interval))
        .unwrap();
    out.extend(log);
    out
}

#[allow(clippy::too_many_arguments)]
pub fn summary(
    format: ListenFormat,
    a: &Analyzer,
    first_after: Vec<Option<Duration>>,
    groups: &[Group],
    outcome: &Outcome,
    drops: Option<u64>,
    rcvbuf: usize,
    verdict: Option<&str>,
) -> Vec<u8> {
    let diag = Diagnostics {
        joins: {
            let mut j = JoinLatency::since(vec![Instant::now(); first_after.len()]);
            j.first_after = first_after;
            j
        },
        analyzer: a.clone(),
    };
    let kernel = KernelView { drops, rcvbuf };
    let verdict = match verdict {
        None => Verdict::Met,
        Some("1.00% of test packets lost, more than --max-loss 0.5%") => Verdict::TooLossy {
            loss: 1.0,
            max: 0.5,
        },
        Some("0 of 1 packets arrived within the timeout") => Verdict::TooFew { got: 0, need: 1 },
        Some(other) => panic!("no verdict for {other}"),
    };
    let summary = Summary::new(&diag, groups, outcome, kernel, verdict);
    let mut out = Vec::new();
    let mut log = Vec::new();
    output::renderer::<Vec<u8>>(format)
        .summary(&mut out, &mut log, &summary)
        .unwrap();
    out.extend(log);
    if verdict != Verdict::Met && format != ListenFormat::Json {
        out.extend(format!("mcast: check failed: {verdict}\n").into_bytes());
    }
    out
}

pub fn live_table(groups: &[Group], a: &Analyzer, rates: &[f64]) -> Vec<u8> {
    let lines = report::live_table(groups, &a.group_views(), rates);
    let mut out = Vec::new();
    for l in lines {
        writeln!(out, "{l}").unwrap();
    }
    out
}

/// `silence` records as `listen` renders them in `format`: stdout, then
/// what went to stderr. The second record names interface `eth0`.
pub fn silence(
    format: ListenFormat,
    groups: &[Group],
    changes: &[crate::analysis::SilenceChange],
    now: Duration,
) -> Vec<u8> {
    let (mut out, mut log) = (Vec::new(), Vec::new());
    let render = output::renderer::<Vec<u8>>(format);
    for (i, c) in changes.iter().enumerate() {
        let mut rec = crate::record::SilenceRecord::new(c, groups, now).unwrap();
        if i == 1 {
            rec = rec.on_iface("eth0");
        }
        render.silence(&mut out, &mut log, &rec).unwrap();
    }
    out.extend_from_slice(b"-- stderr --\n");
    out.extend(log);
    out
}

/// `monitor`'s alarm records: JSON, then the stderr line, per change.
pub fn alarms(
    groups: &[Group],
    labels: &[Option<&str>],
    changes: &[crate::analysis::alarm::AlarmChange],
    now: Duration,
) -> Vec<u8> {
    let mut out = Vec::new();
    for c in changes {
        let rec = crate::record::AlarmRecord::new(c, &groups[c.group], labels[c.group], now);
        write_record(&mut out, &rec).unwrap();
        writeln!(out, "{}", phrases::alarm(&rec)).unwrap();
    }
    out
}

/// Packets as `listen` prints them, RTP headers shown once the analysis
/// knows a stream is RTP (as `cmd::listen` does per packet).
pub fn media_packets(format: ListenFormat, groups: &[Group], packets: &[Packet<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut labels = Labels {
        rtp: false,
        groups: groups.to_vec(),
        names: IfNames::default(),
    };
    let mut a = Analyzer::new(groups);
    let render = output::renderer::<Vec<u8>>(format);
    for p in packets {
        a.record(p);
        labels.rtp = a.last_is_rtp();
        render.packet(&mut out, p, &mut labels).unwrap();
    }
    out
}

//! `mcast monitor`'s driver: the receive engine's sink that keeps per-group
//! state for as long as it runs, judges the alarms every `--interval`,
//! reports (JSON Lines or a live table), runs `--on-alarm` hooks, and
//! publishes the metrics snapshot. Rereads `--groups-file` on SIGHUP,
//! keeping what it knows of the groups that stay.
//!
//! Memory is bounded: per group fixed-size state, and at most
//! `--max-sources` analysed streams per group (the analyser's cap).

mod hooks;
mod table;

use std::collections::HashMap;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::analysis::alarm::{AlarmBoard, AlarmChange, IntervalFacts, Reason};
use crate::analysis::{Analyzer, JoinLatency, SilenceChange, SilenceWatch};
use crate::clock;
use crate::config::{Group, MonitorConfig, Ui};
use crate::exit::Exit;
use crate::metrics::{
    group_sums, Facts, GroupSums, KernelDrops, MetricsServer, Published, Snapshot,
};
use crate::output::json::write_record;
use crate::output::phrases;
use crate::record::{
    AlarmRecord, GroupRef, GroupStatus, MediaSource, MediaTotalsRecord, MonitorSummary, Start,
};
use crate::recv::{self, Ending, IfaceEvent, Packet, Receiver, Sink};
use crate::signals;

/// Rows of the live table.
const TABLE_ROWS: usize = 30;
/// How long hooks may still run at exit.
const HOOKS_AT_EXIT: Duration = Duration::from_secs(10);

/// Counts at the end of the previous interval.
#[derive(Debug, Clone, Copy, Default)]
struct Mark {
    packets: u64,
    bytes: u64,
    expected: u64,
    lost: u64,
    cc_errors: u64,
}

struct MonitorSink {
    groups: Vec<Group>,
    labels: Vec<Option<String>>,
    analyzer: Analyzer,
    joins: JoinLatency,
    silence: SilenceWatch,
    board: AlarmBoard,
    marks: Vec<Mark>,
    last_tick: Instant,
    drops: KernelDrops,
    rejoins: u64,
    alarms_raised: u64,
    hooks: Option<hooks::Hooks>,
    published: Option<Arc<Published>>,
    iface: String,
    out: BufWriter<std::fs::File>,
    json: bool,
    quiet: bool,
    reload: bool,
    /// Lines of the table drawn last time, and alarm lines waiting to be
    /// printed above the next one.
    drawn: usize,
    said: Vec<String>,
    scratch: Vec<SilenceChange>,
}

impl MonitorSink {
    fn new(cfg: &MonitorConfig, rx: &Receiver, json: bool, quiet: bool) -> Result<Self> {
        let groups = cfg.receive.groups.clone();
        let mut analyzer = Analyzer::new(&groups);
        analyzer.set_max_per_group(cfg.max_sources);
        analyzer.set_media(cfg.receive.media);
        Ok(Self {
            labels: cfg.labels.clone(),
            joins: JoinLatency::new(rx),
            silence: SilenceWatch::for_receiver(cfg.receive.silence, rx, true),
            board: AlarmBoard::new(cfg.rules, groups.len()),
            marks: vec![Mark::default(); groups.len()],
            last_tick: Instant::now(),
            drops: KernelDrops::new(rx),
            rejoins: 0,
            alarms_raised: 0,
            hooks: cfg.on_alarm.clone().map(hooks::Hooks::new),
            published: None,
            iface: cfg
                .receive
                .iface
                .as_ref()
                .map_or_else(String::new, |i| i.name.clone()),
            out: BufWriter::with_capacity(64 * 1024, crate::platform::raw_stdout()?),
            json,
            quiet,
            reload: false,
            drawn: 0,
            said: Vec::new(),
            scratch: Vec::new(),
            analyzer,
            groups,
        })
    }

    fn label(&self, g: usize) -> Option<&str> {
        self.labels.get(g).and_then(|l| l.as_deref())
    }

    /// One `--interval`: judge, report, publish.
    fn interval(&mut self, now: Instant) -> io::Result<()> {
        let t = clock::now();
        let secs = now.duration_since(self.last_tick).as_secs_f64().max(1e-3);
        self.last_tick = now;
        self.silence.check(t, &mut self.scratch);
        self.scratch.clear();
        let views = self.analyzer.group_views();
        let aggs = group_sums(&self.analyzer);
        let mut changes = Vec::new();
        let mut statuses = Vec::with_capacity(self.groups.len());
        for (g, (v, agg)) in views.iter().zip(&aggs).enumerate() {
            let m = self.marks[g];
            let cc_errors = agg.media.ts_cc_errors;
            let facts = IntervalFacts {
                silent: self.silence.is_silent(g),
                packets: v.packets - m.packets,
                secs,
                expected: v.expected.saturating_sub(m.expected),
                lost: v.lost.saturating_sub(m.lost),
                // A stream past --max-sources leaves: counts may step back.
                cc_errors: cc_errors.saturating_sub(m.cc_errors),
            };
            self.board.judge(g, &facts, &mut changes);
            statuses.push((facts, v.bytes - m.bytes));
            self.marks[g] = Mark {
                packets: v.packets,
                bytes: v.bytes,
                expected: v.expected,
                lost: v.lost,
                cc_errors,
            };
        }
        for c in &changes {
            self.alarm(c, t)?;
        }
        if self.json {
            for (g, ((facts, bytes), agg)) in statuses.iter().zip(&aggs).enumerate() {
                let v = &views[g];
                let alarms = self.active(g);
                let rec = GroupStatus {
                    group: GroupRef(&self.groups[g]),
                    label: self.labels.get(g).and_then(|l| l.as_deref()),
                    time: t,
                    packets: v.packets,
                    bytes: v.bytes,
                    interval_packets: facts.packets,
                    rate_pps: facts.packets as f64 / secs,
                    rate_bps: *bytes as f64 * 8.0 / secs,
                    interval_loss_pct: (facts.expected > 0)
                        .then(|| facts.lost as f64 * 100.0 / facts.expected as f64),
                    lost: agg.lost,
                    duplicates: agg.duplicates,
                    reordered: agg.reordered,
                    foreign_packets: agg.foreign_packets,
                    foreign_sources: agg.foreign_sources,
                    sources: agg.sources.len(),
                    sources_overflow_packets: self.analyzer.group_overflow()[g],
                    last_packet_age_s: self.silence.last_age(g, t).map(|d| d.as_secs_f64()),
                    join_latency_s: self.joins.first_after[g].map(|d| d.as_secs_f64()),
                    rejoins: self.rejoins,
                    silent: self.board.is_active(g, Reason::Silent),
                    alarms,
                    interval_cc_errors: (agg.media.ts_streams > 0).then_some(facts.cc_errors),
                    media: MediaTotalsRecord::new(&agg.media),
                    media_sources: agg
                        .sources
                        .iter()
                        .filter_map(|s| {
                            Some(MediaSource {
                                source: s.source,
                                format: s.format?,
                                rtp: s.rtp.as_ref(),
                                ts: s.ts.as_ref(),
                            })
                        })
                        .collect(),
                };
                write_record(&mut self.out, &rec)?;
            }
            self.out.flush()?;
        } else if !self.quiet {
            let rows = statuses
                .iter()
                .enumerate()
                .map(|(g, (facts, _))| table::Row {
                    format: aggs[g].sources.iter().find_map(|s| s.format),
                    cc_errors: (aggs[g].media.ts_streams > 0).then_some(aggs[g].media.ts_cc_errors),
                    name: self.groups[g].to_string(),
                    label: self.label(g).unwrap_or("").to_string(),
                    packets: views[g].packets,
                    rate_pps: facts.packets as f64 / secs,
                    loss_pct: views[g].loss_pct,
                    last_age_s: self.silence.last_age(g, t).map(|d| d.as_secs_f64()),
                    silent: self.silent(g),
                    alarms: self.active(g),
                })
                .collect();
            self.draw(table::lines(rows, TABLE_ROWS))?;
        }
        if let Some(p) = &self.published {
            p.publish(self.snapshot(aggs));
        }
        if let Some(h) = &mut self.hooks {
            h.reap();
        }
        Ok(())
    }

    /// Silent as the alarm judges it (time, or N of M intervals).
    fn silent(&self, g: usize) -> bool {
        self.board.is_active(g, Reason::Silent)
    }

    fn active(&self, g: usize) -> Vec<&'static str> {
        Reason::ALL
            .iter()
            .filter(|r| self.board.is_active(g, **r))
            .map(|r| r.name())
            .collect()
    }

    /// Redraws the table on stdout (a terminal), alarm lines above it.
    fn draw(&mut self, lines: Vec<String>) -> io::Result<()> {
        if self.drawn > 0 {
            write!(self.out, "\x1b[{}F\x1b[J", self.drawn)?;
            self.out.flush()?;
        }
        if !self.said.is_empty() {
            let mut err = io::stderr().lock();
            for l in self.said.drain(..) {
                writeln!(err, "{l}")?;
            }
            err.flush()?;
        }
        for l in &lines {
            writeln!(self.out, "{l}")?;
        }
        self.drawn = lines.len();
        self.out.flush()
    }

    /// One transition: record, line, hook.
    fn alarm(&mut self, c: &AlarmChange, t: Duration) -> io::Result<()> {
        let g = c.group;
        let mut c = *c;
        if c.reason == Reason::Silent && c.value.is_none() {
            let since = self.silence.last_age(g, t);
            c.value = since.map(|d| d.as_secs_f64());
            c.threshold = self.silence.threshold(g).map(|d| d.as_secs_f64());
        }
        if c.raised {
            self.alarms_raised += 1;
        }
        let label = self.labels.get(g).and_then(|l| l.as_deref());
        let rec = AlarmRecord::new(&c, &self.groups[g], label, t);
        if self.json {
            write_record(&mut self.out, &rec)?;
            self.out.flush()?;
        }
        if !self.quiet {
            let line = phrases::alarm(&rec);
            if self.json || self.drawn == 0 {
                writeln!(io::stderr(), "{line}")?;
            } else {
                self.said.push(line);
            }
        }
        if let Some(h) = &mut self.hooks {
            let json = serde_json::to_string(&rec).unwrap_or_default();
            let group = &self.groups[g];
            h.fire(vec![
                ("MCAST_ALARM", json),
                ("MCAST_ALARM_STATE", rec.state.to_string()),
                ("MCAST_ALARM_REASON", c.reason.name().to_string()),
                ("MCAST_ALARM_GROUP", group.addr.to_string()),
                ("MCAST_ALARM_PORT", group.port.to_string()),
                (
                    "MCAST_ALARM_SOURCE",
                    group.source.map(|s| s.to_string()).unwrap_or_default(),
                ),
                ("MCAST_ALARM_LABEL", label.unwrap_or("").to_string()),
                (
                    "MCAST_ALARM_VALUE",
                    c.value.map(|v| v.to_string()).unwrap_or_default(),
                ),
                (
                    "MCAST_ALARM_THRESHOLD",
                    c.threshold.map(|v| v.to_string()).unwrap_or_default(),
                ),
            ]);
        }
        Ok(())
    }

    fn snapshot(&self, sums: Vec<GroupSums>) -> Snapshot {
        let alarms: Vec<bool> = (0..self.groups.len())
            .map(|g| self.board.any_active(g))
            .collect();
        let silent: Vec<bool> = (0..self.groups.len()).map(|g| self.silent(g)).collect();
        Facts {
            groups: &self.groups,
            labels: &self.labels,
            analyzer: &self.analyzer,
            joins: &self.joins,
            silence: &self.silence,
            alarms: &alarms,
            silent: &silent,
            iface: &self.iface,
            kernel_drops: self.drops.total(),
        }
        .snapshot(sums)
    }

    /// The groups changed: keep the state of those that stay. Returns
    /// how many were added and removed.
    fn regroup(
        &mut self,
        groups: Vec<Group>,
        labels: Vec<Option<String>>,
        next: &Receiver,
    ) -> (usize, usize) {
        let old: HashMap<Group, usize> = self
            .groups
            .iter()
            .enumerate()
            .map(|(i, g)| (*g, i))
            .collect();
        let map: Vec<Option<usize>> = groups.iter().map(|g| old.get(g).copied()).collect();
        let kept = map.iter().flatten().count();
        let (added, removed) = (groups.len() - kept, self.groups.len() - kept);
        self.analyzer.regroup(&groups, &map);
        self.joins.regroup(&map);
        self.silence.regroup(&map, clock::now());
        self.board.regroup(&map);
        self.marks = map
            .iter()
            .map(|m| m.map(|i| self.marks[i]).unwrap_or_default())
            .collect();
        self.drops.regroup(next);
        self.groups = groups;
        self.labels = labels;
        (added, removed)
    }
}

impl Sink for MonitorSink {
    fn packet(&mut self, p: &Packet<'_>) -> io::Result<()> {
        self.analyzer.record(p);
        self.joins.record(p);
        self.drops.packet(p);
        if let Some(g) = p.group {
            // Ends of silences are judged once per interval, with the rest.
            let _ = self.silence.arrived(g, p.time);
        }
        Ok(())
    }

    fn tick(&mut self, now: Instant) -> io::Result<()> {
        self.interval(now)
    }

    fn wants_end(&mut self) -> bool {
        self.reload && signals::reload_requested()
    }

    fn iface_event(&mut self, event: &IfaceEvent) -> io::Result<()> {
        if matches!(event, IfaceEvent::Rejoined { .. }) {
            self.rejoins += 1;
        }
        if self.json {
            write_record(&mut self.out, &crate::record::IfaceChange::from(event))?;
            self.out.flush()?;
        }
        Ok(())
    }
}

pub fn run(cfg: MonitorConfig, ui: Ui) -> Result<Exit> {
    // The port first: a port in use fails before any group is joined.
    let published = cfg.receive.metrics.map(|_| Arc::new(Published::default()));
    let server = match (cfg.receive.metrics, &published) {
        (Some(addr), Some(p)) => Some(MetricsServer::start(addr, Arc::clone(p))?),
        _ => None,
    };
    let reload = cfg.groups_file.is_some()
        && match signals::install_reload_handler() {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!("{e}; --groups-file is read once");
                false
            }
        };
    let start = Instant::now();
    let deadline = cfg.receive.stop.duration.and_then(|d| start.checked_add(d));
    let mut recv_cfg = cfg.receive.clone();
    let mut rx = Receiver::for_config(&recv_cfg)?;
    let json = cfg.json || !io::stdout().is_terminal();
    let mut sink = MonitorSink::new(&cfg, &rx, json, ui.quiet)?;
    sink.published = published;
    sink.reload = reload;
    if let Some(p) = &sink.published {
        p.publish(sink.snapshot(group_sums(&sink.analyzer)));
    }
    if json {
        let start = Start::monitor(&recv_cfg.groups, recv_cfg.iface.as_ref(), rx.rcvbuf());
        write_record(&mut sink.out, &start)?;
        sink.out.flush()?;
    }
    if !ui.quiet && rx.all_joined() {
        let metrics = server
            .as_ref()
            .map(|s| format!("; metrics at http://{}/metrics", s.addr()))
            .unwrap_or_default();
        crate::say!(
            "monitoring {} {} ({}){metrics}; Ctrl-C to stop",
            phrases::plural(recv_cfg.groups.len(), "group"),
            phrases::iface_text(recv_cfg.iface.as_ref()),
            phrases::plural(rx.socket_count(), "socket"),
        )?;
    }
    let mut packets = 0;
    let mut reloads = 0;
    loop {
        recv_cfg.stop.duration = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        let outcome = recv::run(&mut rx, &recv_cfg.stop, Some(cfg.interval), &mut sink)?;
        packets += outcome.packets;
        if outcome.ending != Ending::Asked {
            break;
        }
        let (groups, labels) = match cfg.reread() {
            Ok(x) => x,
            Err(e) => {
                tracing::warn!(
                    "{}; still monitoring the same {} groups",
                    crate::escape::controls(&format!("{e:#}")),
                    sink.groups.len()
                );
                continue;
            }
        };
        let mut next_cfg = recv_cfg.clone();
        next_cfg.groups = groups.clone();
        // The new sockets join before the old ones leave: groups that stay
        // never lose their membership.
        let next = match Receiver::for_config(&next_cfg) {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!(
                    "groups file reread, but joining failed ({}); still monitoring the same {} groups",
                    crate::escape::controls(&format!("{e:#}")),
                    sink.groups.len()
                );
                continue;
            }
        };
        let (added, removed) = sink.regroup(groups, labels, &next);
        rx.leave_all();
        rx = next;
        recv_cfg = next_cfg;
        reloads += 1;
        if !ui.quiet {
            crate::say!(
                "groups file reread: {} ({added} added, {removed} removed); counters of the others kept",
                phrases::plural(sink.groups.len(), "group")
            )?;
        }
    }
    rx.leave_all();
    let hooks_dropped = match &mut sink.hooks {
        Some(h) => {
            h.finish(HOOKS_AT_EXIT);
            h.dropped
        }
        None => 0,
    };
    let active = (0..sink.groups.len())
        .map(|g| sink.active(g).len() as u64)
        .sum();
    let summary = MonitorSummary {
        command: "monitor",
        elapsed_s: start.elapsed().as_secs_f64(),
        groups: sink.groups.len(),
        packets,
        alarms_raised: sink.alarms_raised,
        alarms_active: active,
        reloads,
        hooks_dropped,
    };
    if json {
        write_record(&mut sink.out, &summary)?;
        sink.out.flush()?;
    }
    if !ui.quiet {
        crate::say!(
            "{} packets in {:.1} s; {} alarms raised, {} still active at the end",
            summary.packets,
            summary.elapsed_s,
            summary.alarms_raised,
            summary.alarms_active
        )?;
    }
    drop(server);
    Ok(Exit::Success)
}

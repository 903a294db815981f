//! `mcast sap`: listen for SAP announcements, keep the session directory,
//! print what changes, and with `--join` receive every announced stream
//! on a thread of its own (the receive engine and analysis `listen` uses).

use std::io::{self, Write};
use std::net::IpAddr;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::analysis::media::MediaOptions;
use crate::analysis::{Diagnostics, KernelView, Verdict};
use crate::clock;
use crate::config::{Group, Iface, SapConfig, StopRule, Ui};
use crate::escape;
use crate::exit::Exit;
use crate::media::sap::SapPacket;
use crate::media::sdp::Announced;
use crate::output::{phrases, report};
use crate::record::{Refusal, SapEvent, SapJoin, SapSummary, SessionRecord, Summary};
use crate::recv::{self, Outcome, Packet, Receiver, Sink};
use crate::sap::{Directory, Event};

/// SAP is a few packets a minute: a small buffer is plenty.
const RCVBUF: usize = 1 << 20;
/// Streams of `--join` get what `listen` asks for.
const JOIN_RCVBUF: usize = 4 << 20;
/// Timeouts are looked for this often.
const TICK: Duration = Duration::from_secs(1);
/// Kinds of unreadable SAP packets remembered (per sender and reason).
const MAX_REFUSALS: usize = 64;

/// What one `--join` thread hands back.
struct Joined {
    session: usize,
    groups: Vec<Group>,
    diag: Diagnostics,
    outcome: Outcome,
    kernel: KernelView,
}

struct SapSink {
    dir: Directory,
    json: bool,
    quiet: bool,
    packets: u64,
    refused: Vec<Refusal>,
    /// `--join`: how to receive, until when, and the threads doing it.
    join: Option<JoinPlan>,
    threads: Vec<JoinHandle<Result<Joined>>>,
}

#[derive(Clone)]
struct JoinPlan {
    iface: Option<Iface>,
    until: Option<Instant>,
    media: MediaOptions,
    /// Sessions already being received.
    started: Vec<usize>,
}

impl SapSink {
    fn refuse(&mut self, sender: IpAddr, reason: String) {
        if let Some(r) = self
            .refused
            .iter_mut()
            .find(|r| r.sender == sender && r.reason == reason)
        {
            r.count += 1;
            return;
        }
        if self.refused.len() < MAX_REFUSALS {
            tracing::warn!("SAP packet from {sender} skipped: {reason}");
            self.refused.push(Refusal {
                sender,
                reason,
                count: 1,
            });
        }
    }

    fn event(&mut self, name: &'static str, i: usize, now: Duration) -> io::Result<()> {
        let Some(s) = self.dir.sessions().get(i) else {
            return Ok(());
        };
        let e = SapEvent {
            event: name,
            time: now,
            session: SessionRecord::new(s, now),
        };
        let line = if self.json {
            serde_json::to_string(&e).map_err(io::Error::other)?
        } else if self.quiet {
            return Ok(());
        } else {
            e.text()
        };
        // io errors keep their kind, so a closed pipe ends quietly.
        let named = |e: io::Error| io::Error::new(e.kind(), format!("writing to stdout: {e}"));
        let mut out = io::stdout().lock();
        writeln!(out, "{line}").map_err(named)?;
        if !self.json {
            for n in e.session.notes {
                writeln!(out, "  note: {n}").map_err(named)?;
            }
        }
        out.flush().map_err(named)
    }

    fn start_join(&mut self, i: usize) {
        let Some(plan) = self.join.as_mut() else {
            return;
        };
        if plan.started.contains(&i) {
            return;
        }
        let Some(s) = self.dir.sessions().get(i) else {
            return;
        };
        let streams = s.sdp.announced();
        if streams.is_empty() {
            return;
        }
        plan.started.push(i);
        let plan = plan.clone();
        let name = escape::controls(&s.sdp.name).into_owned();
        let name_in = name.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("sap-join-{i}"))
            .spawn(move || {
                // Said at once, not at the end: the user may be waiting for it.
                let r = receive_session(i, &streams, &plan);
                if let Err(e) = &r {
                    tracing::warn!("cannot receive session \"{name_in}\": {e:#}");
                }
                r
            });
        match spawned {
            Ok(t) => self.threads.push(t),
            Err(e) => tracing::warn!("cannot start receiving session \"{name}\": {e}"),
        }
    }
}

impl Sink for SapSink {
    fn packet(&mut self, p: &Packet<'_>) -> io::Result<()> {
        self.packets += 1;
        let sap = match SapPacket::parse(p.payload) {
            Ok(sap) if sap.is_sdp() => sap,
            Ok(sap) => {
                let why = format!(
                    "payload type \"{}\" is not application/sdp",
                    escape::controls(sap.payload_type)
                );
                self.refuse(p.source.ip(), why);
                return Ok(());
            }
            Err(e) => {
                self.refuse(p.source.ip(), e.to_string());
                return Ok(());
            }
        };
        match self.dir.receive(&sap, p.source, p.dest, p.time) {
            Event::New(i) => {
                self.event("new", i, p.time)?;
                self.start_join(i);
            }
            Event::Changed(i) => self.event("changed", i, p.time)?,
            Event::Deleted(i) => self.event("deleted", i, p.time)?,
            Event::Repeated(_) | Event::TimedOut(_) => {}
            Event::UnknownDeletion => {
                tracing::info!(
                    "deletion of a session not seen here, from {}",
                    p.source.ip()
                );
            }
            Event::Overflow => {}
        }
        Ok(())
    }

    fn tick(&mut self, _now: Instant) -> io::Result<()> {
        let now = clock::now();
        for i in self.dir.expire(now) {
            self.event("timeout", i, now)?;
        }
        Ok(())
    }
}

/// A `--join` thread: the session's streams through the receive engine
/// until the run ends (its `--timeout`, or Ctrl-C).
fn receive_session(session: usize, streams: &[Announced], plan: &JoinPlan) -> Result<Joined> {
    let mut groups: Vec<Group> = Vec::new();
    let mut clocks: Vec<Option<u32>> = Vec::new();
    for a in streams {
        let g = Group {
            addr: a.group,
            port: a.port,
            source: a.source,
        };
        if !groups.contains(&g) {
            groups.push(g);
            clocks.push(a.clock_rate);
        }
    }
    let mut rx = Receiver::open(&groups, plan.iface.as_ref(), JOIN_RCVBUF, false)?;
    let mut diag = Diagnostics::new(&rx).with_media(plan.media);
    for (i, hz) in clocks.iter().enumerate() {
        if let Some(hz) = hz {
            diag.analyzer.set_clock(i, *hz);
        }
    }
    let mut sink = Analyse { diag };
    let rule = StopRule {
        duration: plan
            .until
            .map(|u| u.saturating_duration_since(Instant::now())),
        ..StopRule::default()
    };
    let outcome = recv::run(&mut rx, &rule, None, &mut sink)?;
    let kernel = KernelView::read(&rx);
    rx.leave_all();
    Ok(Joined {
        session,
        groups,
        diag: sink.diag,
        outcome,
        kernel,
    })
}

/// Analysis only, as `join` does without its live view.
struct Analyse {
    diag: Diagnostics,
}

impl Sink for Analyse {
    fn packet(&mut self, p: &Packet<'_>) -> io::Result<()> {
        self.diag.record(p);
        Ok(())
    }
}

pub fn run(cfg: SapConfig, ui: Ui) -> Result<Exit> {
    let started = Instant::now();
    let mut rx = Receiver::open(&cfg.groups, cfg.iface.as_ref(), RCVBUF, false)?;
    if !ui.quiet && rx.all_joined() {
        crate::say!(
            "listening for SAP announcements on {} {}{}",
            phrases::group_list(&cfg.groups),
            phrases::iface_text(cfg.iface.as_ref()),
            if cfg.join {
                "; joining every announced stream"
            } else {
                ""
            }
        )?;
    }
    let mut sink = SapSink {
        dir: Directory::new(),
        json: cfg.json,
        quiet: ui.quiet,
        packets: 0,
        refused: Vec::new(),
        join: cfg.join.then(|| JoinPlan {
            iface: cfg.iface.clone(),
            until: cfg.timeout.and_then(|t| started.checked_add(t)),
            media: cfg.media,
            started: Vec::new(),
        }),
        threads: Vec::new(),
    };
    let rule = StopRule {
        duration: cfg.timeout,
        ..StopRule::default()
    };
    let outcome = recv::run(&mut rx, &rule, Some(TICK), &mut sink)?;
    rx.leave_all();
    let now = clock::now();
    let summary = SapSummary {
        command: "sap",
        elapsed_s: outcome.elapsed.as_secs_f64(),
        packets: sink.packets,
        sessions: sink
            .dir
            .sessions()
            .iter()
            .map(|s| SessionRecord::new(s, now))
            .collect(),
        active: sink.dir.active(),
        refused: &sink.refused,
        overflow: sink.dir.overflow,
    };
    if cfg.json {
        crate::out!("{}", serde_json::to_string(&summary)?)?;
    } else if !ui.quiet {
        crate::out!("{}", summary.text().trim_end())?;
    }
    for t in std::mem::take(&mut sink.threads) {
        let joined = match t.join() {
            Ok(Ok(j)) => j,
            Ok(Err(_)) => continue,
            Err(_) => {
                tracing::warn!("receiving an announced session failed");
                continue;
            }
        };
        let Some(s) = sink.dir.sessions().get(joined.session) else {
            continue;
        };
        let summary = Summary::new(
            &joined.diag,
            &joined.groups,
            &joined.outcome,
            joined.kernel,
            Verdict::Met,
        );
        if cfg.json {
            let record = SapJoin {
                name: &s.sdp.name,
                origin: s.origin,
                summary,
            };
            crate::out!("{}", serde_json::to_string(&record)?)?;
        } else if !ui.quiet {
            crate::say_raw!(
                "\nsession \"{}\" from {}, {}:\n{}",
                escape::controls(&s.sdp.name),
                s.origin,
                phrases::group_list(&joined.groups),
                report::summary_text(&summary)
            )?;
        }
    }
    if cfg.timeout.is_some() && sink.dir.sessions().is_empty() {
        if !ui.quiet {
            crate::say!(
                "mcast: check failed: no session was announced within {}",
                humantime::format_duration(cfg.timeout.unwrap_or_default())
            )?;
        }
        return Ok(Exit::NotDelivered);
    }
    Ok(Exit::Success)
}

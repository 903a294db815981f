//! `mcast ping`: probes a group (or an ssmping server) from one socket
//! that also hears the replies, unicast and multicast; a line per reply,
//! a table per responder, exit 1 when fewer than `--expect` answered or
//! one lost more than `--max-loss`.

use std::io::{BufWriter, Write};
use std::net::SocketAddr;

use anyhow::Result;

use crate::config::{Group, Pace, PingConfig, PingTarget, StopRule, Ui};
use crate::exit::Exit;
use crate::output::ping::{mesh_matrix, responders, Replies};
use crate::ping::mesh::{Mesh, Reporter, REPORT_EVERY};
use crate::ping::tally::{ResponderTally, Tally};
use crate::ping::{family_index, ssmping, Answerer, Pinger, Probing, UNICAST_TTL};
use crate::platform::{self, Family};
use crate::record::ping::{MeshPair, MeshPath, PingStart, PingSummary, Rtt};
use crate::record::SenderId;
use crate::recv::{self, Receiver};
use crate::send::{sender_id, Content, Limit, Schedule, Sender, SenderSetup};

const RCVBUF: usize = 1 << 20;

/// The worst loss over the paths asked for.
fn worst_loss(r: &ResponderTally, sent: u64, multicast: bool) -> f64 {
    let u = r.unicast.loss_pct(sent);
    if multicast {
        u.max(r.multicast.loss_pct(sent))
    } else {
        u
    }
}

pub fn run(cfg: PingConfig, ui: Ui) -> Result<Exit> {
    let me = sender_id();
    let (group, target, content, probing, mesh) = match cfg.target {
        PingTarget::Group { group, mesh } => {
            // A mesh probes from the group's own port, where every host's
            // replies to the group are heard by all; a lone ping from a
            // port of its own, so other pings' replies stay apart.
            let listen = Group {
                port: if mesh { group.port } else { 0 },
                ..group
            };
            // SSM: the responder is the channel's source; probes go to it
            // by unicast, naming the group (see `ping::wire`).
            let target = group
                .source
                .map_or_else(|| group.socket_addr(), |s| SocketAddr::new(s, group.port));
            let content = Content::Probe {
                size: cfg.size,
                sender: me,
                initial_ttl: cfg.ttl,
                multicast_reply: cfg.multicast_reply,
                ssm_group: group.source.map(|_| group.addr),
            };
            (
                listen,
                target,
                content,
                Probing::Native { sender: me },
                mesh,
            )
        }
        PingTarget::Ssmping { server, group, asm } => {
            let listen = Group {
                addr: group,
                port: 0,
                source: (!asm).then_some(server),
            };
            let id = (me >> 32) as u32;
            let content = Content::Ssmping { id, group };
            (
                listen,
                SocketAddr::new(server, ssmping::PORT),
                content,
                Probing::Ssmping { id },
                false,
            )
        }
    };
    let family = Family::of(group.addr);
    let mut rx = Receiver::open(
        std::slice::from_ref(&group),
        cfg.iface.as_ref(),
        RCVBUF,
        false,
    )?;
    let port = if mesh {
        rx.add_unicast(family, group.port)?
    } else {
        // The port the kernel picked for the group's socket.
        rx.groups()
            .first()
            .map(|g| g.port)
            .ok_or_else(|| anyhow::anyhow!("no socket for {}", group.addr))?
    };
    let setup = SenderSetup {
        family,
        iface: cfg.iface.as_ref(),
        bind: None,
        ttl: Some(cfg.ttl),
        // The OS default (on): a responder on this host answers too.
        loopback: None,
    };
    let mut tx = Sender::adopt(rx.socket_on(family, port)?, &setup)?;
    tx.set_unicast_ttl(UNICAST_TTL)?;
    tx.aim_unconnected(&[target]);
    let answerer = mesh.then(|| {
        let mut a = Answerer::new(me, cfg.name.clone(), cfg.ttl, cfg.multicast_reply, 1000.0);
        a.tx[family_index(family)] = mesh_reply_sender(&rx, family, port, &setup);
        a
    });
    if !ui.quiet {
        let via = cfg
            .iface
            .as_ref()
            .map_or_else(String::new, |i| format!(" via {i}"));
        let what = match probing {
            Probing::Native { .. } => format!(
                "{} probes of {} B to {target}{}{via}, TTL {}, every {}",
                cfg.count,
                cfg.size,
                group
                    .source
                    .map_or_else(String::new, |s| format!(" for ({s}, {})", group.addr)),
                cfg.ttl,
                humantime::format_duration(cfg.interval)
            ),
            Probing::Ssmping { .. } => format!(
                "{} ssmping queries to {target}{via}, replies on {} from port {port}",
                cfg.count, group.addr
            ),
        };
        crate::say!("ping: {what}{}", if mesh { " (mesh)" } else { "" })?;
    }
    let stdout = platform::raw_stdout()?;
    let mut replies = Replies {
        out: BufWriter::new(stdout),
        json: cfg.json,
    };
    if cfg.json {
        let mode = match (probing, mesh) {
            (Probing::Ssmping { .. }, _) => "ssmping",
            (_, true) => "mesh",
            _ => "mcast",
        };
        let start = PingStart::new(
            target.to_string(),
            mode,
            cfg.iface.as_ref().map(|i| i.name.clone()),
            port,
            cfg.count,
            cfg.interval.as_secs_f64(),
            cfg.ttl,
            content.len(),
            me,
        );
        serde_json::to_writer(&mut replies.out, &start)?;
        replies.out.write_all(b"\n")?;
        replies.out.flush()?;
    }
    let mut pinger = Pinger::new(answerer, Some(probing), Some(&mut replies));
    if mesh {
        pinger.mesh = Some(Mesh::default());
        pinger.reporter = mesh_reply_sender(&rx, family, port, &setup).map(|tx| {
            Reporter::new(
                tx,
                group.socket_addr(),
                me,
                cfg.name.clone(),
                cfg.interval,
                cfg.count,
            )
        });
    }
    let limit = Limit {
        count: Some(cfg.count),
        duration: None,
    };
    let rate = 1.0 / cfg.interval.as_secs_f64();
    // Counted from the start: the last probe goes at (count - 1) x interval.
    let span = cfg
        .interval
        .saturating_mul(u32::try_from(cfg.count - 1).unwrap_or(u32::MAX));
    let rule = StopRule {
        count: None,
        timeout: None,
        duration: Some(span + cfg.wait),
    };
    let (sent, outcome) = std::thread::scope(|s| {
        let sender = s.spawn(|| tx.run(&content, Schedule::new(Pace::Rate(rate)), &limit));
        let tick = mesh.then_some(REPORT_EVERY);
        let outcome = recv::run(&mut rx, &rule, tick, &mut pinger);
        (sender.join(), outcome)
    });
    let stats = sent
        .map_err(|_| anyhow::anyhow!("the sending thread panicked"))?
        .map_err(|r| anyhow::Error::new(r.error).context(format!("sending probes to {target}")))?;
    outcome?;
    rx.leave_all();
    let probes = stats.packets;
    let tally = std::mem::take(&mut pinger.tally);
    let mesh_seen = pinger.mesh.take();
    let reports_sent = pinger.reporter.as_ref().map_or(0, |r| r.sent);
    drop(pinger);
    let mut out = replies.out;
    if let Some(m) = mesh_seen {
        let run = MeshRun {
            me,
            probes,
            reports_sent,
        };
        return mesh_end(&mut out, &cfg, ui, &run, &tally, &m);
    }
    let answered: Vec<&ResponderTally> = tally
        .responders
        .iter()
        .filter(|r| r.unicast.received + r.multicast.received > 0)
        .collect();
    let over_loss = answered
        .iter()
        .filter(|r| {
            cfg.max_loss
                .is_some_and(|m| worst_loss(r, probes, cfg.multicast_reply) > m)
        })
        .count();
    let ok = answered.len() as u64 >= cfg.expect && over_loss == 0;
    let summary = PingSummary {
        target: target.to_string(),
        probes,
        responders: answered.len(),
        expect: cfg.expect,
        max_loss_pct: cfg.max_loss,
        over_loss,
        ok,
    };
    if cfg.json {
        responders(&mut out, true, &tally.responders, probes)?;
        serde_json::to_writer(&mut out, &summary)?;
        out.write_all(b"\n")?;
    } else {
        writeln!(
            out,
            "--- {target} ping: {probes} probes sent, {} responder{} ---",
            answered.len(),
            if answered.len() == 1 { "" } else { "s" }
        )?;
        responders(&mut out, false, &tally.responders, probes)?;
    }
    out.flush()?;
    if !ok && !ui.quiet {
        let why = if (answered.len() as u64) < cfg.expect {
            format!(
                "{} of {} expected responders answered",
                answered.len(),
                cfg.expect
            )
        } else {
            format!(
                "{over_loss} responder(s) lost more than {}% of replies",
                cfg.max_loss.unwrap_or(100.0)
            )
        };
        crate::say!("mcast: check failed: {why}")?;
    }
    Ok(if ok {
        Exit::Success
    } else {
        Exit::NotDelivered
    })
}

/// This host's side of a mesh run.
struct MeshRun {
    me: u64,
    probes: u64,
    reports_sent: u64,
}

/// A row's cell from the prober's own figures: this host's tally, or
/// what another host reported of its probes (`None`: no entry for `to`).
fn measured(
    received: (u64, u64),
    rtt: (Option<Rtt>, Option<Rtt>),
    probes: u64,
) -> (MeshPath, Option<MeshPath>) {
    (
        MeshPath::new(received.0, probes, rtt.0),
        Some(MeshPath::new(received.1, probes, rtt.1)),
    )
}

/// The mesh's pairs, matrix and verdict: every ordered pair of the hosts
/// heard must have been reached by multicast, and there must be at least
/// `--expect` hosts (this one included). This host's row comes from its
/// own probes; another host's row from that host's reports when heard,
/// else from the replies and probes overheard (counts only).
fn mesh_end(
    out: &mut impl Write,
    cfg: &PingConfig,
    ui: Ui,
    run: &MeshRun,
    tally: &Tally,
    mesh: &Mesh,
) -> Result<Exit> {
    let me = run.me;
    let mut hosts: Vec<(u64, String)> = vec![(me, cfg.name.clone())];
    for h in mesh.hosts.iter().filter(|h| h.id != me) {
        let label = if h.name.is_empty() {
            h.addr.to_string()
        } else {
            crate::escape::escaped(&h.name)
        };
        hosts.push((h.id, label));
    }
    let mut pairs = Vec::new();
    for (x, from) in &hosts {
        for (y, to) in &hosts {
            if x == y {
                continue;
            }
            let ((multicast, unicast), sent, seen) = if *x == me {
                let r = tally.responders.iter().find(|r| r.id == *y);
                let got = r.map_or((0, 0), |r| (r.multicast.received, r.unicast.received));
                let rtt = r.map_or((None, None), |r| {
                    (Rtt::of(&r.multicast), Rtt::of(&r.unicast))
                });
                (measured(got, rtt, run.probes), run.probes, "own probes")
            } else if let Some(sent) = mesh.reported_probes(*x) {
                let e = mesh.reported_cell(*x, *y).map(|c| c.entry);
                let got = e.map_or((0, 0), |e| (e.multicast.into(), e.unicast.into()));
                let rtt = e.map_or((None, None), |e| (e.multicast_rtt, e.unicast_rtt));
                (measured(got, rtt, sent), sent, "reported")
            } else {
                let sent = mesh.probes_of(*x);
                let got = mesh.cell(*x, *y).map_or(0, |c| c.received);
                let seen = if *y == me { "own answers" } else { "overheard" };
                ((MeshPath::new(got, sent, None), None), sent, seen)
            };
            // Any reply proves the probe got there by multicast; the
            // multicast path alone also needs the way back.
            let reached =
                multicast.received > 0 || unicast.as_ref().is_some_and(|u| u.received > 0);
            pairs.push(MeshPair {
                from: from.clone(),
                from_id: SenderId(*x),
                to: to.clone(),
                to_id: SenderId(*y),
                probes: sent,
                reached,
                multicast,
                unicast,
                seen,
            });
        }
    }
    let missing = pairs.iter().filter(|p| !p.reached).count();
    let ok = hosts.len() as u64 >= cfg.expect && missing == 0;
    if cfg.json {
        for p in &pairs {
            serde_json::to_writer(&mut *out, p)?;
            out.write_all(b"\n")?;
        }
    } else {
        writeln!(
            out,
            "--- mesh seen from {}: {} hosts, {} of {} pairs reached by multicast; \
             {} reports sent, {} heard ---",
            crate::escape::controls(&cfg.name),
            hosts.len(),
            pairs.len() - missing,
            pairs.len(),
            run.reports_sent,
            mesh.reports_heard
        )?;
        let labels: Vec<String> = hosts.iter().map(|(_, l)| l.clone()).collect();
        mesh_matrix(out, &labels, &pairs)?;
    }
    out.flush()?;
    if !ok && !ui.quiet {
        let why = if (hosts.len() as u64) < cfg.expect {
            format!("{} of {} expected hosts heard", hosts.len(), cfg.expect)
        } else {
            let list: Vec<String> = pairs
                .iter()
                .filter(|p| !p.reached)
                .map(|p| format!("{} -> {}", p.from, p.to))
                .collect();
            format!("not reached by multicast: {}", list.join(", "))
        };
        crate::say!("mcast: check failed: {why}")?;
    }
    Ok(if ok {
        Exit::Success
    } else {
        Exit::NotDelivered
    })
}

/// The mesh answers from the socket it probes from, so its replies to the
/// group come from the group's port.
fn mesh_reply_sender(
    rx: &Receiver,
    family: Family,
    port: u16,
    setup: &SenderSetup<'_>,
) -> Option<Sender> {
    let sock = rx.socket_on(family, port).ok()?;
    let tx = Sender::adopt(sock, setup).ok()?;
    tx.set_unicast_ttl(UNICAST_TTL).ok()?;
    Some(tx)
}

//! `mcast pong`: answers probes on the groups (and ssmping queries on UDP
//! 4321 with `--ssmping`) until stopped, with a live count of probers.

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::clock;
use crate::config::{Group, PongConfig, StopRule, Ui};
use crate::exit::Exit;
use crate::output::phrases;
use crate::ping::{family_index, ssmping, Answerer, Pinger, UNICAST_TTL};
use crate::platform::Family;
use crate::recv::{self, Packet, Receiver, Sink};
use crate::send::{sender_id, Sender, SenderSetup};

/// Receive buffer per socket: probes are small and answered at once.
const RCVBUF: usize = 1 << 20;
/// How often the live prober count is looked at.
const LIVE_EVERY: Duration = Duration::from_secs(1);

struct PongSink<'o> {
    pinger: Pinger<'o>,
    quiet: bool,
    last_live: usize,
}

impl Sink for PongSink<'_> {
    fn packet(&mut self, p: &Packet<'_>) -> io::Result<()> {
        self.pinger.packet(p)
    }

    /// The live count, on stderr, whenever it changes.
    fn tick(&mut self, _now: Instant) -> io::Result<()> {
        let Some(a) = self.pinger.answerer.as_ref() else {
            return Ok(());
        };
        let live = a.limiter.live(clock::now());
        if live != self.last_live && !self.quiet {
            crate::say!(
                "{} live; {} sent",
                phrases::plural(live, "prober"),
                replies(a.answered)
            )
            .map_err(io::Error::other)?;
        }
        self.last_live = live;
        Ok(())
    }
}

fn replies(n: u64) -> String {
    if n == 1 {
        "1 reply".to_string()
    } else {
        format!("{n} replies")
    }
}

fn reply_sender(cfg: &PongConfig, family: Family, ttl: u8) -> Result<Sender> {
    let tx = Sender::open(&SenderSetup {
        family,
        iface: cfg.iface.as_ref(),
        // SSM replies must come from the source the probers joined.
        bind: cfg.sources[family_index(family)].map(|s| SocketAddr::new(s, 0)),
        ttl: Some(ttl),
        loopback: None,
    })?;
    tx.set_unicast_ttl(UNICAST_TTL)?;
    Ok(tx)
}

pub fn run(cfg: PongConfig, ui: Ui) -> Result<Exit> {
    // This host is the source of its SSM groups: nothing to join there,
    // their probes come by unicast to the group's port.
    let (ssm, asm): (Vec<Group>, Vec<Group>) = cfg.groups.iter().partition(|g| g.is_ssm());
    let mut rx = Receiver::open(&asm, cfg.iface.as_ref(), RCVBUF, false)?;
    let mut ssm_ports: Vec<(Family, u16)> = Vec::new();
    for g in &ssm {
        let at = (Family::of(g.addr), g.port);
        if !ssm_ports.contains(&at) {
            rx.add_unicast(at.0, at.1)
                .with_context(|| format!("answering probes for {g}"))?;
            ssm_ports.push(at);
        }
    }
    let mut answerer = Answerer::new(
        sender_id(),
        cfg.name.clone(),
        cfg.ttl,
        cfg.multicast_reply,
        cfg.rate,
    );
    answerer.ssm_groups = ssm.iter().map(|g| (g.addr, g.port)).collect();
    for family in [Family::V4, Family::V6] {
        if cfg.groups.iter().any(|g| Family::of(g.addr) == family) {
            answerer.tx[family_index(family)] = Some(reply_sender(&cfg, family, cfg.ttl)?);
        }
    }
    if cfg.ssmping {
        answerer.ssmping_port = Some(ssmping::PORT);
        for family in [Family::V4, Family::V6] {
            rx.add_unicast(family, ssmping::PORT)
                .with_context(|| format!("answering ssmping on UDP {}", ssmping::PORT))?;
            let sock = rx.socket_on(family, ssmping::PORT)?;
            let tx = Sender::adopt(
                sock,
                &SenderSetup {
                    family,
                    iface: cfg.iface.as_ref(),
                    bind: None,
                    ttl: Some(ssmping::SERVER_TTL),
                    loopback: None,
                },
            )?;
            tx.set_unicast_ttl(ssmping::SERVER_TTL)?;
            answerer.ssmping_tx[family_index(family)] = Some(tx);
        }
    }
    if !ui.quiet && rx.all_joined() {
        let mut what = Vec::new();
        if !cfg.groups.is_empty() {
            what.push(format!(
                "mcast ping probes on {}",
                phrases::group_list(&cfg.groups)
            ));
        }
        if cfg.ssmping {
            what.push(format!("ssmping and asmping on UDP {}", ssmping::PORT));
        }
        let iface = cfg
            .iface
            .as_ref()
            .map_or_else(String::new, |i| format!(" on {i}"));
        crate::say!(
            "answering {}{iface} as {:?}, replies to the group with TTL {}{}; Ctrl-C stops",
            what.join(" and "),
            crate::escape::controls(&cfg.name),
            cfg.ttl,
            if cfg.multicast_reply {
                ", by unicast and to the group"
            } else {
                ", by unicast only"
            }
        )?;
    }
    let rule = StopRule {
        count: None,
        timeout: None,
        duration: cfg.timeout.or(cfg.duration),
    };
    let mut sink = PongSink {
        pinger: Pinger::new(Some(answerer), None, None),
        quiet: ui.quiet,
        last_live: 0,
    };
    recv::run(&mut rx, &rule, Some(LIVE_EVERY), &mut sink)?;
    rx.leave_all();
    let Some(a) = sink.pinger.answerer.as_ref() else {
        return Ok(Exit::Success);
    };
    if !ui.quiet {
        let seen = a.limiter.seen();
        crate::say!(
            "{} sent to {}; {} {} not valid probes (ignored); {} over the rate limit; \
             {} could not be sent",
            replies(a.answered),
            phrases::plural(seen, "prober"),
            phrases::plural(a.ignored as usize, "datagram"),
            if a.ignored == 1 { "was" } else { "were" },
            phrases::plural(a.limiter.limited as usize, "probe"),
            replies(a.send_errors),
        )?;
    }
    Ok(if cfg.timeout.is_some() && a.answered == 0 {
        Exit::NotDelivered
    } else {
        Exit::Success
    })
}

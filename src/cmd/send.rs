//! `mcast send`: test packets (or the user's payload) to groups, paced,
//! bounded in count and time. The sending itself is the send engine's
//! ([`crate::send`]); this module reads the configuration and prints.

use std::io::{self, Write};

use anyhow::Result;
use tracing::warn;

use crate::config::{Group, Pace, Payload, SendConfig, Ui};
use crate::exit::Exit;
use crate::output::json::write_record;
use crate::output::phrases;
use crate::platform::{self, Family};
use crate::record::{SendSummary, Start};
use crate::send::{self, Content, Effective, Limit, Schedule, Sender, SenderSetup, Stats};

pub fn run(cfg: SendConfig, ui: Ui) -> Result<Exit> {
    let mut tx = Sender::open(&SenderSetup {
        family: Family::of(cfg.groups[0].addr),
        iface: cfg.iface.as_ref(),
        bind: cfg.bind,
        ttl: cfg.ttl,
        loopback: cfg.loopback,
    })?;
    let targets: Vec<_> = cfg.groups.iter().map(Group::socket_addr).collect();
    tx.aim(&targets)
        .map_err(|e| send_error(e, &cfg.groups[0]))?;
    let eff = tx.effective()?;
    let sender = send::sender_id();
    announce(&cfg, &eff, sender, ui)?;
    let schedule = Schedule::new(cfg.pace);
    let limit = Limit {
        count: cfg.count,
        duration: cfg.duration,
    };
    let stats = match &cfg.payload {
        Payload::Stdin => tx.run_lines(&mut io::stdin().lock(), "stdin", schedule, &limit)?,
        Payload::Test { size } => {
            let content = Content::Test {
                size: *size,
                sender,
            };
            tx.run(&content, schedule, &limit)?
        }
        Payload::Fixed(p) => tx.run(&Content::Fixed(p), schedule, &limit)?,
    };
    report(&cfg, &stats, ui)?;
    Ok(Exit::Success)
}

fn announce(cfg: &SendConfig, eff: &Effective, sender: u64, ui: Ui) -> Result<()> {
    let what = match &cfg.payload {
        Payload::Test { size } => format!("test packets of {size} B"),
        Payload::Fixed(p) => format!("packets of {} B (--payload)", p.len()),
        Payload::Stdin => "one packet per line of stdin".to_string(),
    };
    let count = cfg
        .count
        .map_or_else(|| "unbounded".to_string(), |n| n.to_string());
    let pace = match cfg.pace {
        Pace::Rate(r) => format!("{r}/s"),
        Pace::Max => "full speed".to_string(),
    };
    let via = phrases::iface_name(cfg.iface.as_ref());
    let from = eff
        .source
        .map_or_else(|| "-".to_string(), |s| s.to_string());
    let ttl_name = if cfg.groups[0].is_ipv6() {
        "hop limit"
    } else {
        "TTL"
    };
    if cfg.json {
        let start = Start::send(
            &cfg.groups,
            cfg.iface.as_ref(),
            eff.source,
            eff.ttl,
            eff.loopback,
            sender,
            cfg.count,
        );
        let mut out = io::stdout().lock();
        write_record(&mut out, &start)?;
        out.flush()?;
    } else if !ui.quiet {
        crate::say!(
            "sending {count} {what} to {} at {pace}\n  from {from} via {via}, {ttl_name} {}{}, loopback {}",
            phrases::group_list(&cfg.groups),
            eff.ttl,
            if cfg.ttl.is_none() { " (OS default)" } else { "" },
            if eff.loopback { "on" } else { "off" },
        )?;
    }
    if cfg.ttl.is_none() && eff.ttl <= 1 && cfg.groups.iter().any(|g| !g.is_link_local_scope()) {
        warn!(
            "{ttl_name} is {} (the OS default): no router will forward these packets; \
             give --ttl N to cross N-1 routers",
            eff.ttl
        );
    }
    Ok(())
}

fn report(cfg: &SendConfig, stats: &Stats, ui: Ui) -> Result<()> {
    let secs = stats.elapsed.as_secs_f64();
    let rate = stats.rate(cfg.groups.len());
    if cfg.json {
        let rec = SendSummary::new(stats.packets, stats.bytes, stats.errors, secs, rate);
        let mut out = io::stdout().lock();
        write_record(&mut out, &rec)?;
        out.flush()?;
    } else if !ui.quiet {
        crate::say!(
            "sent {} packets ({} B) in {secs:.2} s, {rate:.1} packets/s{}",
            stats.packets,
            stats.bytes,
            if stats.errors > 0 {
                format!(", {} send errors", stats.errors)
            } else {
                String::new()
            }
        )?;
    }
    Ok(())
}

fn send_error(e: io::Error, g: &Group) -> anyhow::Error {
    let hint = platform::hint(&e, platform::Doing::Send);
    let errno = platform::errno_name(&e).unwrap_or_default();
    anyhow::Error::new(e).context(format!("sending to {g}: {errno}{hint}"))
}

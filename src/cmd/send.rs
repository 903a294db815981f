//! `mcast send`: test packets (or the user's payload) to groups, paced,
//! bounded in count and time. The sending itself is the send engine's
//! ([`crate::send`]); this module reads the configuration and prints.

use std::io::{self, Write};
use std::time::Duration;

use anyhow::{Context, Result};
use tracing::warn;

use crate::config::{Group, Pace, Payload, SendConfig, Ui};
use crate::exit::Exit;
use crate::output::json::write_record;
use crate::output::phrases;
use crate::platform::{self, Family};
use crate::record::{SendSummary, Start};
use crate::send::{self, Content, Effective, Limit, Refused, Schedule, Sender, SenderSetup, Stats};

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
        .map_err(|e| send_error(e, &cfg, &cfg.groups[0]))?;
    let eff = tx.effective()?;
    let sender = send::sender_id();
    announce(&cfg, &eff, sender, ui)?;
    let schedule = Schedule::new(cfg.pace);
    let limit = Limit {
        count: cfg.count,
        duration: cfg.duration,
    };
    let refused = |r: Refused| {
        let g = cfg
            .groups
            .iter()
            .find(|g| Some(g.socket_addr()) == r.to)
            .unwrap_or(&cfg.groups[0]);
        send_error(r.error, &cfg, g)
    };
    let stats = match &cfg.payload {
        Payload::Stdin => tx
            .run_lines(
                &mut io::stdin().lock(),
                "stdin",
                schedule,
                &limit,
                cfg.max_datagram,
            )
            .map_err(|e| e.downcast::<Refused>().map_or_else(|e| e, refused))?,
        Payload::Test { size } => {
            let content = Content::Test {
                size: *size,
                sender,
            };
            tx.run(&content, schedule, &limit).map_err(refused)?
        }
        Payload::Fixed(p) => tx
            .run(&Content::Fixed(p), schedule, &limit)
            .map_err(refused)?,
    };
    report(&cfg, &stats, ui)?;
    if stats.errors > 0 {
        return Err(failed_after_start(&cfg, &stats));
    }
    Ok(Exit::Success)
}

/// What bounds a run, for the start line: ` for 2s`, ` for 100 packets
/// or 2s, whichever first`, `, unbounded (Ctrl-C stops)`. `None` for a
/// count alone, which the line puts first ("sending 3 test packets ...").
fn bounds(count: Option<u64>, duration: Option<Duration>, stdin: bool) -> Option<String> {
    let unit = if stdin { "lines" } else { "packets" };
    match (count, duration) {
        (Some(_), None) if !stdin => None,
        (Some(n), None) => Some(format!(" for {n} {unit}")),
        (None, Some(d)) => Some(format!(" for {}", humantime::format_duration(d))),
        (Some(n), Some(d)) => Some(format!(
            " for {n} {unit} or {}, whichever first",
            humantime::format_duration(d)
        )),
        (None, None) if stdin => Some(" until stdin ends".to_string()),
        (None, None) => Some(", unbounded (Ctrl-C stops)".to_string()),
    }
}

fn announce(cfg: &SendConfig, eff: &Effective, sender: u64, ui: Ui) -> Result<()> {
    let packets = if cfg.count == Some(1) && cfg.duration.is_none() {
        "packet"
    } else {
        "packets"
    };
    let what = match &cfg.payload {
        Payload::Test { size } => format!("test {packets} of {size} B"),
        Payload::Fixed(p) => format!("{packets} of {} B (--payload)", p.len()),
        Payload::Stdin => "one packet per line of stdin".to_string(),
    };
    let stdin = cfg.payload == Payload::Stdin;
    let (count, bound) = match bounds(cfg.count, cfg.duration, stdin) {
        Some(b) => (String::new(), b),
        None => (format!("{} ", cfg.count.unwrap_or_default()), String::new()),
    };
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
        )
        .for_duration(cfg.duration);
        json_line(&start)?;
    } else if !ui.quiet {
        crate::say!(
            "sending {count}{what} to {} at {pace}{bound}\n  from {from} via {via}, {ttl_name} {}{}, loopback {}",
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

/// The summary on stderr (or as JSON on stdout). `-q` silences it unless
/// lines of stdin were skipped: data not sent is worth a line.
fn report(cfg: &SendConfig, stats: &Stats, ui: Ui) -> Result<()> {
    let secs = stats.elapsed.as_secs_f64();
    let rate = stats.rate(cfg.groups.len());
    if cfg.json {
        let mut rec = SendSummary::new(stats.packets, stats.bytes, stats.errors, secs, rate);
        if cfg.payload == Payload::Stdin {
            rec.lines_skipped = Some(stats.lines_skipped);
        }
        json_line(&rec)?;
    } else if !ui.quiet || stats.lines_skipped > 0 {
        let errors = if stats.errors > 0 {
            format!(", {} send errors", stats.errors)
        } else {
            String::new()
        };
        let skipped = if stats.lines_skipped > 0 {
            format!(
                ", {} of stdin skipped (longer than {} bytes)",
                phrases::plural(
                    usize::try_from(stats.lines_skipped).unwrap_or(usize::MAX),
                    "line"
                ),
                cfg.max_datagram
            )
        } else {
            String::new()
        };
        crate::say!(
            "sent {} ({} B) in {secs:.2} s, {rate:.1} packets/s{errors}{skipped}",
            phrases::plural(
                usize::try_from(stats.packets).unwrap_or(usize::MAX),
                "packet"
            ),
            stats.bytes,
        )?;
    }
    Ok(())
}

/// One JSON record on stdout, flushed; a failed write names the stream.
fn json_line(record: &impl serde::Serialize) -> Result<()> {
    let mut out = io::stdout().lock();
    write_record(&mut out, record)
        .and_then(|()| out.flush())
        .context("writing to stdout")
}

/// `sending to G: ERRNO (hint)`, the hint from what the OS says about
/// the interface given, if any.
fn send_error(e: io::Error, cfg: &SendConfig, g: &Group) -> anyhow::Error {
    let hint = platform::hint(&e, doing(cfg, g));
    let errno = platform::errno_name(&e).unwrap_or_default();
    anyhow::Error::new(e).context(format!("sending to {g}: {errno}{hint}"))
}

/// The kernel refused datagrams after it had taken the first: the run
/// went on, and now fails (exit 3) saying how many and why.
fn failed_after_start(cfg: &SendConfig, stats: &Stats) -> anyhow::Error {
    let total = stats.packets + stats.errors;
    let why = match stats.first_error.filter(|&code| code != 0) {
        Some(code) => {
            let e = io::Error::from_raw_os_error(code);
            let errno = platform::errno_name(&e).unwrap_or_default();
            let hint = platform::hint(&e, doing(cfg, &cfg.groups[0]));
            format!("; first error: {errno}{hint}")
        }
        None => " (the kernel took only part of a batch, without saying why)".to_string(),
    };
    anyhow::anyhow!(
        "{} of {total} packets could not be sent after the start{why}",
        stats.errors
    )
}

fn doing<'a>(cfg: &'a SendConfig, g: &Group) -> platform::Doing<'a> {
    platform::Doing::Send {
        group: g.addr,
        iface: cfg.iface.as_ref().map(|i| (i.index, i.name.as_str())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_start_line_says_what_bounds_the_run() {
        let s = Duration::from_secs(2);
        let cases = [
            (None, Some(s), false, " for 2s"),
            (
                Some(100),
                Some(s),
                false,
                " for 100 packets or 2s, whichever first",
            ),
            (None, None, false, ", unbounded (Ctrl-C stops)"),
            (None, None, true, " until stdin ends"),
            (Some(5), None, true, " for 5 lines"),
            (
                None,
                Some(Duration::from_millis(1500)),
                true,
                " for 1s 500ms",
            ),
        ];
        for (count, duration, stdin, want) in cases {
            assert_eq!(bounds(count, duration, stdin).unwrap(), want);
        }
        assert_eq!(
            bounds(Some(10), None, false),
            None,
            "a count alone goes first"
        );
    }
}

//! `mcast send`: test packets (or the user's payload) to groups, paced,
//! bounded in count and time.

use std::hash::{BuildHasher, Hasher};
use std::io::{self, BufRead, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde_json::json;
use socket2::{SockAddr, Socket};
use tracing::warn;

use crate::clock;
use crate::config::{Group, Pace, Payload, SendConfig, Ui};
use crate::exit::Exit;
use crate::output::{json as jsonl, phrases};
use crate::platform::{self, Family};
use crate::signals;
use crate::testpacket;

/// Longest sleep between stop-flag checks.
const MAX_SLEEP: Duration = Duration::from_millis(100);
/// The shortest sleep: at 100k packets/s this sends bursts of about ten,
/// smooth at a millisecond scale, for a tenth of the wake-ups.
const MIN_SLEEP: Duration = Duration::from_micros(100);

/// What the socket really does, read back after setting it up.
struct Effective {
    ttl: u32,
    loopback: bool,
    source: Option<SocketAddr>,
}

pub fn run(cfg: SendConfig, ui: Ui) -> Result<Exit> {
    let family = Family::of(cfg.groups[0].addr);
    let sock = setup(&cfg, family)?;
    let eff = effective(&sock, family, &cfg)?;
    let sender = sender_id();
    announce(&cfg, &eff, sender, ui)?;
    let targets: Vec<SockAddr> = cfg.groups.iter().map(|g| g.socket_addr().into()).collect();
    let stats = match &cfg.payload {
        Payload::Stdin => send_stdin(&sock, &cfg, &targets)?,
        _ => send_paced(&sock, &cfg, &targets, sender)?,
    };
    report(&cfg, &stats, ui)?;
    Ok(Exit::Success)
}

fn setup(cfg: &SendConfig, family: Family) -> Result<Socket> {
    let sock = platform::open_sender(family, cfg.bind).with_context(|| match cfg.bind {
        Some(b) => format!("binding the sending socket to {b}"),
        None => "opening the sending socket".to_string(),
    })?;
    if let Some(iface) = &cfg.iface {
        platform::set_multicast_iface(&sock, family, iface.index, iface.first_v4())
            .with_context(|| format!("choosing {iface} for outgoing multicast"))?;
    }
    if let Some(ttl) = cfg.ttl {
        match family {
            Family::V4 => sock.set_multicast_ttl_v4(ttl.into()),
            Family::V6 => sock.set_multicast_hops_v6(ttl.into()),
        }
        .with_context(|| format!("setting the multicast TTL to {ttl}"))?;
        tracing::debug!("setsockopt multicast TTL/hops = {ttl}");
    }
    if let Some(on) = cfg.loopback {
        match family {
            Family::V4 => sock.set_multicast_loop_v4(on),
            Family::V6 => sock.set_multicast_loop_v6(on),
        }
        .context("setting multicast loopback")?;
        tracing::debug!("setsockopt multicast loop = {}", on as u8);
    }
    if let [only] = cfg.groups.as_slice() {
        // Connecting fixes the route once (not per packet) and tells us the
        // source address the kernel picked.
        sock.connect(&only.socket_addr().into())
            .map_err(|e| send_error(e, only))?;
    }
    Ok(sock)
}

fn effective(sock: &Socket, family: Family, cfg: &SendConfig) -> Result<Effective> {
    let (ttl, loopback) = match family {
        Family::V4 => (sock.multicast_ttl_v4()?, sock.multicast_loop_v4()?),
        Family::V6 => (sock.multicast_hops_v6()?, sock.multicast_loop_v6()?),
    };
    let source = sock
        .local_addr()
        .ok()
        .and_then(|a| a.as_socket())
        .filter(|a| cfg.groups.len() == 1 || cfg.bind.is_some() || a.port() != 0);
    Ok(Effective {
        ttl,
        loopback,
        source,
    })
}

/// A random id per run, so receivers can tell senders (and restarts) apart.
fn sender_id() -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.write_u128(clock::now().as_nanos());
    h.finish()
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
        let rec = json!({
            "type": "start",
            "schema": jsonl::SCHEMA,
            "mcast": env!("CARGO_PKG_VERSION"),
            "command": "send",
            "groups": cfg.groups.iter().map(jsonl::group_json).collect::<Vec<_>>(),
            "iface": cfg.iface.as_ref().map(|i| i.name.clone()),
            "source": eff.source.map(|s| s.to_string()),
            "ttl": eff.ttl,
            "loop": eff.loopback,
            "sender": format!("{sender:016x}"),
            "count": cfg.count,
        });
        let mut out = io::stdout().lock();
        jsonl::write_record(&mut out, &rec)?;
        out.flush()?;
    } else if !ui.quiet {
        eprintln!(
            "sending {count} {what} to {} at {pace}\n  from {from} via {via}, {ttl_name} {}{}, loopback {}",
            phrases::group_list(&cfg.groups),
            eff.ttl,
            if cfg.ttl.is_none() { " (OS default)" } else { "" },
            if eff.loopback { "on" } else { "off" },
        );
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

#[derive(Debug, Default)]
struct Stats {
    packets: u64,
    bytes: u64,
    errors: u64,
    elapsed: Duration,
    /// From the first send to the last, for the achieved rate.
    span: Duration,
}

impl Stats {
    /// Packets per second between the first and the last send: counting
    /// the whole run would include the wait after the last packet.
    fn rate(&self, sends_per_tick: usize) -> f64 {
        let ticks = self.packets / sends_per_tick.max(1) as u64;
        let secs = self.span.as_secs_f64();
        if ticks >= 2 && secs > 0.0 {
            (ticks - 1) as f64 * sends_per_tick as f64 / secs
        } else {
            0.0
        }
    }
}

fn send_one(
    sock: &Socket,
    cfg: &SendConfig,
    to: &SockAddr,
    buf: &[u8],
    stats: &mut Stats,
) -> Result<()> {
    let res = if cfg.groups.len() == 1 {
        sock.send(buf)
    } else {
        sock.send_to(buf, to)
    };
    match res {
        Ok(n) => {
            stats.packets += 1;
            stats.bytes += n as u64;
        }
        // A full queue or a transient refusal after the first packet is a
        // finding to report, not a reason to stop.
        Err(e) if stats.packets > 0 => {
            if stats.errors == 0 {
                warn!("send failed ({e}); counting further failures silently");
            }
            stats.errors += 1;
        }
        Err(e) => {
            let g = to
                .as_socket()
                .map_or_else(|| "?".to_string(), |a| a.to_string());
            return Err(anyhow::Error::new(e).context(format!("sending to {g}")));
        }
    }
    Ok(())
}

/// Sends test or fixed packets on schedule. The schedule is absolute (tick
/// k is due at start + k/rate), so sleeping late never drifts the rate:
/// whatever fell due meanwhile goes out in one `sendmmsg` burst.
fn send_paced(sock: &Socket, cfg: &SendConfig, targets: &[SockAddr], sender: u64) -> Result<Stats> {
    let (size, test) = match &cfg.payload {
        Payload::Test { size } => (*size, true),
        Payload::Fixed(p) => (p.len(), false),
        Payload::Stdin => (0, false),
    };
    let mut batch = platform::SendBatch::new(size.max(1));
    if let Payload::Fixed(p) = &cfg.payload {
        for i in 0..platform::BATCH {
            batch.slot_mut(i)[..p.len()].copy_from_slice(p);
        }
    }
    let len = u32::try_from(size).unwrap_or(u32::MAX);
    // A connected socket needs no address per datagram (see `setup`).
    let connected = targets.len() == 1;
    let start = Instant::now();
    let end = cfg.duration.map(|d| start + d);
    let count = cfg.count.unwrap_or(u64::MAX);
    let mut stats = Stats::default();
    let mut seq = 0u64;
    let mut first = None;
    while seq < count && !signals::stop_requested() {
        let now = Instant::now();
        if end.is_some_and(|e| now >= e) {
            break;
        }
        let due = match cfg.pace {
            Pace::Rate(r) => ((now - start).as_secs_f64() * r) as u64 + 1,
            Pace::Max => u64::MAX,
        }
        .min(count);
        if seq >= due {
            if let Pace::Rate(r) = cfg.pace {
                let next = start + Duration::from_secs_f64(seq as f64 / r);
                if !wait_until(next, end) {
                    break;
                }
            }
            continue;
        }
        let stamp = clock::now_ns();
        first.get_or_insert(now);
        // One burst: everything due, up to one batch of ticks.
        while seq < due {
            for to in targets {
                if batch.is_full() {
                    flush(sock, &mut batch, &mut stats, len)?;
                }
                let dest = (!connected).then_some(to);
                if let Some(buf) = batch.push(size, dest) {
                    if test {
                        testpacket::write_header(buf, sender, seq, stamp, len);
                        testpacket::fill_padding(buf, seq);
                    }
                }
            }
            seq += 1;
            if batch.is_full() {
                break;
            }
        }
        flush(sock, &mut batch, &mut stats, len)?;
        stats.span = first.map_or(Duration::ZERO, |f: Instant| f.elapsed());
    }
    stats.elapsed = start.elapsed();
    Ok(stats)
}

/// Hands the batch to the kernel. A refusal of the very first packet is an
/// error worth stopping for (no route, bad source); later ones are
/// counted and reported in the summary.
fn flush(
    sock: &Socket,
    batch: &mut platform::SendBatch,
    stats: &mut Stats,
    len: u32,
) -> Result<()> {
    let n = batch.len() as u64;
    match batch.send(sock) {
        Ok(sent) => {
            stats.packets += sent as u64;
            stats.bytes += sent as u64 * u64::from(len);
            stats.errors += n - sent as u64;
        }
        Err(e) if stats.packets > 0 => {
            if stats.errors == 0 {
                warn!("send failed ({e}); counting further failures silently");
            }
            stats.errors += n;
        }
        Err(e) => {
            let errno = platform::errno_name(&e).unwrap_or_default();
            return Err(anyhow::Error::new(e).context(format!("sending: {errno}")));
        }
    }
    Ok(())
}

/// Sleeps until `due` in short steps, watching the stop flag and the end
/// of the run. False when the run should stop instead.
fn wait_until(due: Instant, end: Option<Instant>) -> bool {
    loop {
        let now = Instant::now();
        if end.is_some_and(|e| now >= e) || signals::stop_requested() {
            return false;
        }
        let Some(left) = due.checked_duration_since(now) else {
            return true;
        };
        // Sleeping less than MIN_SLEEP is not worth a wake-up: at high
        // rates what falls due meanwhile goes out as one small burst.
        std::thread::sleep(left.clamp(MIN_SLEEP, MAX_SLEEP));
        if left <= MAX_SLEEP {
            return true;
        }
    }
}

fn send_stdin(sock: &Socket, cfg: &SendConfig, targets: &[SockAddr]) -> Result<Stats> {
    let start = Instant::now();
    let end = cfg.duration.map(|d| start + d);
    let interval = cfg.pace.interval();
    let mut stats = Stats::default();
    let mut line = Vec::new();
    let mut stdin = io::stdin().lock();
    let mut seq = 0u64;
    let mut first = start;
    while cfg.count.is_none_or(|n| seq < n) && !signals::stop_requested() {
        line.clear();
        if stdin
            .read_until(b'\n', &mut line)
            .context("reading stdin")?
            == 0
        {
            break;
        }
        if line.last() == Some(&b'\n') {
            line.pop();
        }
        if line.len() > crate::config::MAX_DATAGRAM {
            warn!(
                "line {} is {} bytes, longer than a datagram; skipped",
                seq + 1,
                line.len()
            );
            continue;
        }
        if let Some(iv) = interval {
            if !wait_until(start + iv.mul_f64(seq as f64), end) {
                break;
            }
        } else if end.is_some_and(|e| Instant::now() >= e) {
            break;
        }
        if seq == 0 {
            first = Instant::now();
        }
        stats.span = first.elapsed();
        for to in targets {
            send_one(sock, cfg, to, &line, &mut stats)?;
        }
        seq += 1;
    }
    stats.elapsed = start.elapsed();
    Ok(stats)
}

fn report(cfg: &SendConfig, stats: &Stats, ui: Ui) -> Result<()> {
    let secs = stats.elapsed.as_secs_f64();
    let rate = stats.rate(cfg.groups.len());
    if cfg.json {
        let rec = json!({
            "type": "summary",
            "command": "send",
            "packets": stats.packets,
            "bytes": stats.bytes,
            "errors": stats.errors,
            "elapsed_s": secs,
            "rate_pps": rate,
        });
        let mut out = io::stdout().lock();
        jsonl::write_record(&mut out, &rec)?;
        out.flush()?;
    } else if !ui.quiet {
        eprintln!(
            "sent {} packets ({} B) in {secs:.2} s, {rate:.1} packets/s{}",
            stats.packets,
            stats.bytes,
            if stats.errors > 0 {
                format!(", {} send errors", stats.errors)
            } else {
                String::new()
            }
        );
    }
    Ok(())
}

fn send_error(e: io::Error, g: &Group) -> anyhow::Error {
    let hint = platform::hint(&e, platform::Doing::Send);
    let errno = platform::errno_name(&e).unwrap_or_default();
    anyhow::Error::new(e).context(format!("sending to {g}: {errno}{hint}"))
}

//! The receive engine shared by `join`, `listen` and `selftest`: opens the
//! sockets, joins the groups, and turns datagrams into [`Packet`] events for
//! a [`Sink`], flushing it whenever nothing more is queued.

mod nap;
mod sockets;

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::clock;
use crate::config::StopRule;
use crate::platform::{self, RecvMeta};
use crate::signals;
use crate::testpacket::TestHeader;
use nap::Napper;

pub use sockets::{IfaceEvent, Joined, Receiver};

/// One received datagram, borrowed from the receive buffer.
#[derive(Debug, Clone, Copy)]
pub struct Packet<'a> {
    /// Kernel receive time when available (see `kernel_time`), else ours;
    /// since the Unix epoch (see [`crate::clock`]).
    pub time: Duration,
    pub kernel_time: bool,
    pub source: SocketAddr,
    /// Destination address from packet info: the group.
    pub dest: Option<IpAddr>,
    /// The local port the datagram arrived on.
    pub port: u16,
    /// Index of the configured group it matched, if any.
    pub group: Option<usize>,
    pub ifindex: u32,
    pub ttl: Option<u8>,
    pub payload: &'a [u8],
    /// The datagram was larger than the receive buffer.
    pub truncated: bool,
    /// Parsed when the payload is an mcast test packet.
    pub test: Option<TestHeader>,
    /// The socket's kernel drop counter, when the kernel sent it.
    pub drops: Option<u32>,
}

#[cfg(test)]
impl<'a> Packet<'a> {
    /// A datagram for tests: test header parsed from `payload`, from
    /// 192.0.2.1:4000 to 239.1.1.1:5000, TTL 1, at 2027-01-15 08:00 UTC;
    /// change what a test needs with struct update syntax.
    pub(crate) fn sample(payload: &'a [u8]) -> Self {
        Packet {
            time: Duration::from_secs(1_800_000_000),
            kernel_time: true,
            source: SocketAddr::from(([192, 0, 2, 1], 4000)),
            dest: Some(IpAddr::from([239, 1, 1, 1])),
            port: 5000,
            group: None,
            ifindex: 0,
            ttl: Some(1),
            payload,
            truncated: false,
            test: TestHeader::parse(payload),
            drops: None,
        }
    }
}

/// Where packets go: a renderer, a set of counters, or both.
pub trait Sink {
    fn packet(&mut self, p: &Packet<'_>) -> io::Result<()>;
    /// Nothing more is queued: a good time to flush buffered output.
    fn idle(&mut self) -> io::Result<()> {
        Ok(())
    }
    /// Output is buffered, waiting for `idle`.
    fn pending(&self) -> bool {
        false
    }
    /// Called about once per `tick` interval, for live views.
    fn tick(&mut self, _now: Instant) -> io::Result<()> {
        Ok(())
    }
    /// Asked at every turn of the loop: end it now ([`Ending::Asked`]),
    /// e.g. to change the groups (`monitor` rereading its file).
    fn wants_end(&mut self) -> bool {
        false
    }
    /// The joined interface went down, came back, or was replaced.
    fn iface_event(&mut self, _event: &IfaceEvent) -> io::Result<()> {
        Ok(())
    }
}

/// How often the joined interface is checked for flaps.
const IFACE_CHECK: Duration = Duration::from_secs(1);

/// Why the receive loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// `--count` packets arrived.
    Count,
    /// `--timeout` passed first.
    Timeout,
    /// `--duration` passed.
    Duration,
    /// Ctrl-C or SIGTERM.
    Interrupted,
    /// The sink asked ([`Sink::wants_end`]).
    Asked,
}

#[derive(Debug, Clone, Copy)]
pub struct Outcome {
    pub ending: Ending,
    pub packets: u64,
    /// Datagrams that arrived on another interface than the one joined
    /// (ignored: see `run`).
    pub other_iface: u64,
    /// Kernel drops that happened before the last packet read on each
    /// socket (`SO_RXQ_OVFL`): the ones that left sequence gaps.
    pub drops_between: u64,
    pub elapsed: Duration,
}

impl Outcome {
    /// Whether the `--count`/`--timeout` check (if any) was met.
    pub fn met(&self, rule: &StopRule) -> bool {
        rule.required().is_none_or(|n| self.packets >= n)
    }
}

/// Room for the largest UDP datagram, plus one byte so a cut one shows.
const BUF_LEN: usize = 65_536;
/// Longest sleep between stop-flag checks: Ctrl-C is seen this fast.
const MAX_WAIT: Duration = Duration::from_millis(100);
/// With a single socket, a blocking receive with this timeout replaces
/// poll: one syscall per wake-up instead of two. Deadlines and ticks are
/// then seen at most this late.
const SINGLE_WAIT: Duration = Duration::from_millis(20);
/// Batches taken from one socket before serving the next, so one busy
/// group cannot starve the others.
const BURST: usize = 4;
/// While packets keep coming, output is flushed at most this often: at
/// 100k packets/s arriving one by one, a write (and a wake-up of the
/// reader) per packet would cost more than everything else. A packet after
/// a quiet spell is flushed at once; none waits longer than this.
const LINGER: Duration = Duration::from_millis(1);

/// Receives until the stop rule says so. `tick` drives live views.
pub fn run(
    rx: &mut Receiver,
    rule: &StopRule,
    tick: Option<Duration>,
    sink: &mut dyn Sink,
) -> Result<Outcome> {
    let start = Instant::now();
    // Config caps durations (config::MAX_DURATION); one past what the
    // clock can hold would simply never come.
    let timeout_at = rule.timeout.and_then(|d| start.checked_add(d));
    let duration_at = rule.duration.and_then(|d| start.checked_add(d));
    let mut next_tick = tick.and_then(|t| start.checked_add(t));
    let mut next_check = start + IFACE_CHECK;
    let mut batch = platform::RecvBatch::new(BUF_LEN);
    let mut napper = Napper::new(platform::BATCH, rx.rcvbuf());
    let mut ready = Vec::new();
    let mut waiter = rx.waiter();
    let sockets = rx.socket_count();
    let single = sockets == 1;
    if single {
        let sock = rx.socket(0);
        sock.set_nonblocking(false)?;
        sock.set_read_timeout(Some(SINGLE_WAIT))?;
    }
    let mut packets = 0u64;
    let mut other_iface = 0u64;
    // Per socket, the kernel's drop count as of the last packet read: drops
    // up to then sit between packets, so they show as sequence gaps.
    let mut drops_seen = vec![0u32; sockets];
    let mut last_flush = start;
    let mut single_wait = SINGLE_WAIT;
    let ending = 'outer: loop {
        let mut now = Instant::now();
        if sink.pending() && now >= last_flush + LINGER {
            sink.idle()?;
            last_flush = now;
            now = Instant::now();
        }
        if signals::stop_requested() {
            break Ending::Interrupted;
        }
        if sink.wants_end() {
            break Ending::Asked;
        }
        if duration_at.is_some_and(|t| now >= t) {
            break Ending::Duration;
        }
        if timeout_at.is_some_and(|t| now >= t) {
            break Ending::Timeout;
        }
        if let (Some(at), Some(every)) = (next_tick, tick) {
            if now >= at {
                sink.tick(now)?;
                let due = now.checked_sub(every).map_or(at, |t| at.max(t));
                next_tick = due.checked_add(every);
            }
        }
        if now >= next_check {
            next_check = now + IFACE_CHECK;
            if let Some(event) = rx.check_iface() {
                report_event(&event);
                sink.iface_event(&event)?;
            }
        }
        let linger = sink.pending().then_some(last_flush + LINGER);
        let wait = [timeout_at, duration_at, next_tick, Some(next_check), linger]
            .into_iter()
            .flatten()
            .map(|t| t.saturating_duration_since(now))
            .fold(MAX_WAIT, Duration::min);
        // At high rates, let a batch queue up rather than wake per packet.
        let napped = match napper.nap() {
            Some(nap) if !wait.is_zero() => {
                std::thread::sleep(nap.min(wait));
                true
            }
            _ => false,
        };
        if single {
            // A blocking receive that times out when output should be flushed.
            let want = if linger.is_some() {
                LINGER
            } else {
                SINGLE_WAIT
            };
            if want != single_wait {
                rx.socket(0).set_read_timeout(Some(want))?;
                single_wait = want;
            }
            ready.clear();
            ready.push(0);
        } else {
            let wait = if napped { Duration::ZERO } else { wait };
            waiter.wait(wait, &mut ready)?;
        }
        // After the interface check: a recreated interface has a new index.
        let joined_on = rx.ifindex();
        for &i in &ready {
            for round in 0..BURST {
                let block = single && round == 0 && !napped;
                let vlen = napper.vlen();
                let n = match platform::recv_batch(rx.socket(i), &mut batch, block, vlen) {
                    Ok(n) => n,
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                        if round == 0 {
                            napper.found_nothing();
                        }
                        break;
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => break,
                    Err(e) => return Err(anyhow::Error::new(e).context("receiving")),
                };
                // One clock read per batch, for pacing and packets the
                // kernel did not stamp.
                let read_at = clock::now();
                for (k, meta) in batch.metas().iter().enumerate() {
                    // Linux matches an IPv6 socket's memberships by group
                    // only, not by the interface joined on: keep to --iface.
                    if joined_on != 0 && meta.info.ifindex != 0 && meta.info.ifindex != joined_on {
                        other_iface += 1;
                        tracing::debug!(
                            "ignored a datagram from {} on interface index {} (joined on {joined_on})",
                            meta.source,
                            meta.info.ifindex
                        );
                        continue;
                    }
                    if let Some(d) = meta.info.drops {
                        drops_seen[i] = drops_seen[i].max(d);
                    }
                    let p = rx.packet(i, meta, batch.payload(k), read_at);
                    sink.packet(&p)?;
                    packets += 1;
                    if rule.count.is_some_and(|n| packets >= n) {
                        break 'outer Ending::Count;
                    }
                }
                napper.after(&batch_facts(batch.metas(), vlen), read_at);
                if n < vlen || vlen == 1 {
                    break;
                }
            }
        }
    };
    sink.idle()?;
    Ok(Outcome {
        ending,
        packets,
        other_iface,
        drops_between: drops_seen.iter().map(|&d| u64::from(d)).sum(),
        elapsed: start.elapsed(),
    })
}

/// What the napper learns from one receive.
fn batch_facts(metas: &[RecvMeta], asked: usize) -> nap::Batch {
    nap::Batch {
        asked,
        got: metas.len(),
        first: metas.first().and_then(|m| m.info.kernel_time),
        last: metas.last().and_then(|m| m.info.kernel_time),
        max_len: metas.iter().map(|m| m.len).max().unwrap_or(0),
    }
}

fn report_event(event: &IfaceEvent) {
    use crate::escape::name as shown;
    match event {
        IfaceEvent::Down(n) => {
            tracing::warn!(
                "{} is down: nothing can arrive until it is up again",
                shown(n)
            )
        }
        IfaceEvent::Up(n) => tracing::warn!("{} is up again; memberships kept", shown(n)),
        IfaceEvent::Gone(n) => {
            tracing::warn!("{} was removed; waiting for it to come back", shown(n))
        }
        IfaceEvent::Rejoined { name, index } => tracing::warn!(
            "{} is back (index {index}); groups joined again",
            shown(name)
        ),
    }
}

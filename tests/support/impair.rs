//! Real network impairments for root tests, all inside a [`Netns`]: random
//! loss (nftables; this kernel has no netem), a relay that duplicates,
//! reorders and delays (`relay.py`), and pausing a process so its socket
//! buffer overflows. Each reports exactly what it did, so a test can compare
//! that with what `mcast` reports.

use std::io;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use super::{run, Netns, Running, JOIN_TIMEOUT};

/// Random loss of UDP at a device's ingress, from an nftables `netdev`
/// table: `meta l4proto udp numgen random mod 100 < N counter drop`. Only
/// UDP, so IGMP/MLD reports (joins) still flow. Removed on drop (and gone
/// with the namespace anyway).
#[derive(Debug)]
pub struct Loss<'a> {
    ns: &'a Netns,
    table: String,
}

impl<'a> Loss<'a> {
    /// Drops about `percent`% of the UDP datagrams arriving on `dev`.
    pub fn install(ns: &'a Netns, dev: &str, percent: u8) -> io::Result<Self> {
        Self::install_matching(ns, dev, percent, "")
    }

    /// As [`Loss::install`], for UDP to destination `port` only (say, one
    /// hop of a relay path that crosses `dev` twice).
    pub fn install_on_port(ns: &'a Netns, dev: &str, percent: u8, port: u16) -> io::Result<Self> {
        Self::install_matching(ns, dev, percent, &format!("udp dport {port}"))
    }

    /// Drops every IPv4 multicast datagram arriving on `dev` (unicast
    /// still passes): a host whose multicast is blocked.
    pub fn install_multicast(ns: &'a Netns, dev: &str) -> io::Result<Self> {
        Self::install_matching(ns, dev, 100, "ip daddr 224.0.0.0/4")
    }

    fn install_matching(ns: &'a Netns, dev: &str, percent: u8, matches: &str) -> io::Result<Self> {
        if percent > 100 {
            return Err(io::Error::other(format!("loss of {percent}%")));
        }
        // One table per device: a second Loss on the same device fails
        // loudly instead of silently stacking.
        let table = format!("mcast_loss_{dev}");
        nft(ns, &["add", "table", "netdev", &table])?;
        let loss = Self { ns, table };
        let hook =
            format!("{{ type filter hook ingress device \"{dev}\" priority 0; policy accept; }}");
        nft(ns, &["add", "chain", "netdev", &loss.table, "in", &hook])?;
        // nft rejects `< 100` (numgen mod 100 is 0-99): all means no numgen.
        let chance = if percent == 100 {
            String::new()
        } else {
            format!("numgen random mod 100 < {percent}")
        };
        let rule = format!("meta l4proto udp {matches} {chance} counter drop");
        nft(ns, &["add", "rule", "netdev", &loss.table, "in", &rule])?;
        Ok(loss)
    }

    /// Datagrams the rule has dropped so far (its nftables counter).
    pub fn dropped(&self) -> io::Result<u64> {
        let listing = nft(self.ns, &["list", "table", "netdev", &self.table])?;
        parse_counter(&listing).ok_or_else(|| io::Error::other(format!("no counter in: {listing}")))
    }
}

impl Drop for Loss<'_> {
    fn drop(&mut self) {
        let _ = nft(self.ns, &["delete", "table", "netdev", &self.table]);
    }
}

fn nft(ns: &Netns, args: &[&str]) -> io::Result<String> {
    run(ns.command("nft").args(args))
}

/// The packet count of the first `counter packets N bytes M` in `nft list`.
pub fn parse_counter(listing: &str) -> Option<u64> {
    let mut words = listing.split_whitespace();
    while let Some(w) = words.next() {
        if w == "counter" && words.next() == Some("packets") {
            return words.next()?.parse().ok();
        }
    }
    None
}

/// Where `relay.py` lives (run with `python3`).
pub fn relay_script() -> &'static str {
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/relay.py")
}

/// What the relay should do; see `relay.py` for the exact semantics.
/// [`Relay::standard`] fits the [`Netns::new`] lab.
#[derive(Debug, Clone)]
pub struct Relay {
    /// Group and port to join.
    pub input: SocketAddrV4,
    /// Address of the interface to join on.
    pub in_iface: Ipv4Addr,
    /// Group and port to re-send to.
    pub output: SocketAddrV4,
    /// Address of the interface to send out of.
    pub out_iface: Ipv4Addr,
    /// Send every Nth received packet twice (0: never).
    pub dup_every: u32,
    /// Swap every Mth pair of received packets (0: never).
    pub swap_every: u32,
    /// Fixed delay from kernel arrival to re-send.
    pub delay: Duration,
    /// Stop after this many packets received (0: no limit).
    pub count: u64,
    /// Stop after this long without a packet (counted from start too).
    pub idle: Duration,
    /// Stop after this long in all.
    pub max: Duration,
}

impl Relay {
    /// Joins `input` on mc1 and sends to `output` out of mc0, so a sender
    /// out of mc0 reaches the relay and the relay reaches a listener on mc1
    /// over the same veth pair, just as `mcast send`/`listen` do directly.
    /// Give `input` and `output` different ports: then neither the relay nor
    /// the listener can see the other's group even by accident.
    pub fn standard(input: SocketAddrV4, output: SocketAddrV4) -> Self {
        Self {
            input,
            in_iface: super::MC1_V4,
            output,
            out_iface: super::MC0_V4,
            dup_every: 0,
            swap_every: 0,
            delay: Duration::ZERO,
            count: 0,
            idle: Duration::from_secs(2),
            max: Duration::from_secs(20),
        }
    }

    /// Starts the relay in `ns` and returns once it has joined its group.
    pub fn start(&self, ns: &Netns) -> io::Result<RelayRunning> {
        let mut cmd = ns.command("python3");
        cmd.arg(relay_script())
            .args(["--in", &self.input.to_string()])
            .args(["--in-iface", &self.in_iface.to_string()])
            .args(["--out", &self.output.to_string()])
            .args(["--out-iface", &self.out_iface.to_string()])
            .args(["--dup-every", &self.dup_every.to_string()])
            .args(["--swap-every", &self.swap_every.to_string()])
            .args(["--delay-ms", &ms(self.delay).to_string()])
            .args(["--count", &self.count.to_string()])
            .args(["--idle-ms", &ms(self.idle).to_string()])
            .args(["--max-ms", &ms(self.max).to_string()]);
        let mut running = ns.spawn(cmd)?;
        running.wait_for_group(ns, (*self.input.ip()).into(), JOIN_TIMEOUT)?;
        // The relay stops itself by `max` at the latest (plus its delay for
        // queued packets): past that it is hung.
        let limit = self.max + self.delay + Duration::from_secs(3);
        Ok(RelayRunning { running, limit })
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A started relay.
#[derive(Debug)]
pub struct RelayRunning {
    running: Running,
    limit: Duration,
}

impl RelayRunning {
    /// Waits for the relay to stop by itself and returns its counts.
    pub fn finish(mut self) -> io::Result<RelayReport> {
        let done = self.running.finish(self.limit)?;
        if done.timed_out || done.code() != Some(0) {
            return Err(io::Error::other(format!(
                "relay failed ({}, timed out: {}): {}",
                done.status, done.timed_out, done.stderr
            )));
        }
        RelayReport::parse(&done.stdout)
    }
}

/// What the relay did, exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayReport {
    pub received: u64,
    /// Datagrams sent: `received + duplicates`.
    pub sent: u64,
    pub duplicates: u64,
    pub swaps: u64,
    /// Test-packet sequence number of each datagram sent, in send order
    /// (`None` for other payloads).
    pub seqs: Vec<Option<u64>>,
}

impl RelayReport {
    /// Parses the relay's final JSON line (the last line of its stdout).
    pub fn parse(stdout: &str) -> io::Result<Self> {
        let bad = |why: &str| io::Error::other(format!("relay report {why}: {stdout:?}"));
        let line = stdout.lines().last().ok_or_else(|| bad("missing"))?;
        let v: Value = serde_json::from_str(line).map_err(|e| bad(&e.to_string()))?;
        let num = |key: &str| v[key].as_u64().ok_or_else(|| bad(key));
        let seqs = v["seqs"]
            .as_array()
            .ok_or_else(|| bad("seqs"))?
            .iter()
            .map(Value::as_u64)
            .collect();
        Ok(Self {
            received: num("received")?,
            sent: num("sent")?,
            duplicates: num("duplicates")?,
            swaps: num("swaps")?,
            seqs,
        })
    }
}

/// A process stopped with SIGSTOP (say, a listener, so its socket buffer
/// fills and the kernel drops); continued with SIGCONT on drop, so a
/// failing test never leaves it stopped.
#[derive(Debug)]
pub struct Paused {
    pid: u32,
    resumed: bool,
}

/// Stops process `pid` (e.g. [`Running::id`]) until [`Paused::resume`];
/// returns once it is stopped (a process with several threads, such as
/// `listen` with its querier watch, takes a moment to stop them all).
pub fn pause(pid: u32) -> io::Result<Paused> {
    signal(pid, "STOP")?;
    let paused = Paused {
        pid,
        resumed: false,
    };
    super::wait_until("the process to stop", JOIN_TIMEOUT, || {
        Ok(process_state(pid)? == 'T')
    })?;
    Ok(paused)
}

impl Paused {
    pub fn resume(mut self) -> io::Result<()> {
        self.resumed = true;
        signal(self.pid, "CONT")
    }
}

impl Drop for Paused {
    fn drop(&mut self) {
        if !self.resumed {
            let _ = signal(self.pid, "CONT");
        }
    }
}

/// kill(1) rather than libc::kill: no unsafe in tests.
fn signal(pid: u32, name: &str) -> io::Result<()> {
    run(Command::new("kill").args(["-s", name, &pid.to_string()])).map(drop)
}

/// The state letter of `pid` from `/proc/PID/stat` (`T` when stopped).
pub fn process_state(pid: u32) -> io::Result<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // The command name (field 2) is in parentheses and may hold spaces.
    stat.rsplit_once(')')
        .and_then(|(_, rest)| rest.trim_start().chars().next())
        .ok_or_else(|| io::Error::other(format!("odd /proc/{pid}/stat: {stat}")))
}

/// Datagrams the kernel dropped for want of socket buffer space, summed
/// over every UDP socket now open in `ns` (the last column of
/// `/proc/net/udp`, per namespace). Read it while the socket is still open.
pub fn udp_drops(ns: &Netns) -> io::Result<u64> {
    let table = run(ns.command("cat").arg("/proc/net/udp"))?;
    Ok(parse_udp_drops(&table, None))
}

/// As [`udp_drops`], for the sockets bound to local `port` only.
pub fn udp_drops_on_port(ns: &Netns, port: u16) -> io::Result<u64> {
    let table = run(ns.command("cat").arg("/proc/net/udp"))?;
    Ok(parse_udp_drops(&table, Some(port)))
}

/// Sums the `drops` column of a `/proc/net/udp` listing, over the sockets
/// bound to local `port` (`ADDR:PORT` in hex) or over all of them.
pub fn parse_udp_drops(table: &str, port: Option<u16>) -> u64 {
    let wanted = port.map(|p| format!(":{p:04X}"));
    table
        .lines()
        .skip(1)
        .filter(|l| {
            let local = l.split_whitespace().nth(1).unwrap_or_default();
            wanted.as_deref().is_none_or(|w| local.ends_with(w))
        })
        .filter_map(|l| l.split_whitespace().last()?.parse::<u64>().ok())
        .sum()
}

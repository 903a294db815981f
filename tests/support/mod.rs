//! Helpers shared by every integration test (`tests/all.rs` declares this
//! module once; the test modules `use crate::support::...`).
//!
//! The heart is [`Netns`]: a private network namespace, so that no packet a
//! test sends can reach a real network. Tests that need one are root-only:
//! mark them `#[ignore = "needs root: creates network namespaces"]`, name
//! them `root_*`, and start them with [`require_root!`].
//!
//! [`Netns::new`] gives the standard single-host lab (mirroring
//! `shared/bin/netns-run`); [`Netns::bare`] plus [`link`] build bigger
//! topologies (several hosts and a router) from the same pieces.
//!
//! Tests wait for events, never for time: a join shows in `/proc/net/igmp`
//! ([`Running::wait_for_group`]), a message on a child's output
//! ([`Running::wait_for_line`]), a datagram in the namespace's UDP counters
//! ([`Netns::wait_for_udp`]), anything else with [`wait_until`]. Each
//! wait has a deadline that matters only when something is broken.

pub mod impair;
pub mod lab;
pub mod wine;

use std::io::{self, Read};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddrV4};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Addresses of the standard lab built by [`Netns::new`] (all named, some
/// unused).
pub const MC0_V4: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
pub const MC1_V4: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 2);
#[allow(dead_code)]
pub const MC0_V6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);
#[allow(dead_code)]
pub const MC1_V6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2);

/// Deadline for one `mcast` run to finish, or for something a test waits
/// for to happen; each normally takes well under a second, so this only
/// matters when something is broken.
pub const WAIT: Duration = Duration::from_secs(10);

/// How long [`Running::wait_for_group`] waits by default: joins take
/// milliseconds, so this only matters when something is broken.
pub const JOIN_TIMEOUT: Duration = Duration::from_secs(5);

/// How often the waits look again.
const POLL: Duration = Duration::from_millis(10);

/// The `mcast` binary cargo built for this test run.
pub fn mcast_bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_mcast"))
}

/// The `mcast` under test for tests that mean to send nothing (bad input,
/// options on an unbound socket), with `RUST_LOG` unset and `NO_COLOR=1`
/// so its output is plain. Where this user may create a network namespace
/// (root, or unprivileged user namespaces), it runs in an empty one of its
/// own (`unshare --net`, with only `lo`), so that even a regression that
/// let bad input through could send nothing on a real network.
pub fn host_mcast() -> assert_cmd::Command {
    let mut cmd = if can_unshare_net() {
        let mut c = assert_cmd::Command::new("unshare");
        c.args(unshare_args())
            .args(["--", "sh", "-c", "ip link set lo up && exec \"$0\" \"$@\""])
            .arg(mcast_bin());
        c
    } else {
        assert_cmd::Command::new(mcast_bin())
    };
    cmd.env_remove("RUST_LOG").env("NO_COLOR", "1");
    cmd
}

fn unshare_args() -> &'static [&'static str] {
    if is_root() {
        &["--net"]
    } else {
        &["--net", "--map-root-user"]
    }
}

/// Whether `unshare --net` works here (checked once).
fn can_unshare_net() -> bool {
    static OK: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *OK.get_or_init(|| {
        Command::new("unshare")
            .args(unshare_args())
            .args(["--", "ip", "link", "set", "lo", "up"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// Peak resident memory of a running process (`VmHWM`), in KiB.
pub fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_else(|e| panic!("reading /proc/{pid}/status: {e}"));
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no VmHWM in {status}"))
}

/// Parses an IP address written in a test; panics on a typo.
pub fn ip(s: &str) -> IpAddr {
    s.parse()
        .unwrap_or_else(|e| panic!("{s:?} is not an IP address: {e}"))
}

/// Parses an IPv4 `ADDR:PORT` written in a test; panics on a typo.
pub fn v4(s: &str) -> SocketAddrV4 {
    s.parse()
        .unwrap_or_else(|e| panic!("{s:?} is not an IPv4 ADDR:PORT: {e}"))
}

/// The address of a group as `mcast` takes it, without port or source:
/// `239.1.1.1`, `239.1.1.1:5000`, `[ff15::1]:5000`, `ff15::1` and
/// `192.0.2.1,239.1.1.1:5000` all name their group address.
pub fn addr_of(group: &str) -> IpAddr {
    let group = group.rsplit_once(',').map_or(group, |(_source, g)| g);
    let host = if let Some(rest) = group.strip_prefix('[') {
        rest.split_once(']').map_or(rest, |(addr, _port)| addr)
    } else if group.matches(':').count() == 1 {
        group.split_once(':').map_or(group, |(addr, _port)| addr)
    } else {
        group
    };
    ip(host)
}

/// Parses JSON Lines output (`listen --json`, `send --json`, `sockopt
/// --format json`): one record per line; panics naming any line that is
/// not JSON.
pub fn json_lines(output: impl AsRef<[u8]>) -> Vec<Value> {
    String::from_utf8_lossy(output.as_ref())
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// The records of one `type` (`"packet"`, `"join"`, `"iface"`, ...), in
/// order.
pub fn records_of<'a>(records: &'a [Value], kind: &str) -> Vec<&'a Value> {
    records.iter().filter(|r| r["type"] == kind).collect()
}

/// The `packet` records of `listen --json` output, in arrival order.
pub fn packets(output: impl AsRef<[u8]>) -> Vec<Value> {
    json_lines(output)
        .into_iter()
        .filter(|r| r["type"] == "packet")
        .collect()
}

/// The `summary` record of JSON Lines output; panics unless it is the
/// last line.
pub fn summary_of(output: impl AsRef<[u8]>) -> Value {
    let last = json_lines(output).pop().expect("no output");
    assert_eq!(last["type"], "summary", "last line: {last}");
    last
}

/// Polls `ready` every 10 ms until it says true, failing after `timeout`
/// with "timed out after T waiting for WHAT" (or at once with `ready`'s
/// error).
pub fn wait_until(
    what: &str,
    timeout: Duration,
    mut ready: impl FnMut() -> io::Result<bool>,
) -> io::Result<()> {
    let deadline = Instant::now() + timeout;
    loop {
        if ready()? {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("timed out after {timeout:?} waiting for {what}"),
            ));
        }
        thread::sleep(POLL);
    }
}

/// True when running with effective uid 0 (needed for `ip netns add`).
pub fn is_root() -> bool {
    // Read from /proc rather than calling geteuid: no unsafe in tests.
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("Uid:"))?;
            // Uid: real effective saved fs
            line.split_whitespace().nth(2).map(|euid| euid == "0")
        })
        .unwrap_or(false)
}

/// Fails the test at once, saying how to run it, unless running as root.
/// Root tests are `#[ignore]`d, so they run only when asked for
/// (`--include-ignored`); asked for but impossible, they must fail loudly
/// rather than pass without testing anything, or fail later with a
/// confusing `ip netns` error.
macro_rules! require_root {
    () => {
        assert!(
            $crate::support::is_root(),
            "needs root to create network namespaces: run as root, or leave out --include-ignored"
        );
    };
}

/// A network namespace, deleted on drop (also when a test panics).
#[derive(Debug)]
pub struct Netns {
    name: String,
}

impl Netns {
    /// The standard lab: `lo` up and multicast-capable with `224.0.0.0/4`
    /// routed to it, and a veth pair `mc0` (192.0.2.1/24, 2001:db8::1/64)
    /// <-> `mc1` (192.0.2.2/24, 2001:db8::2/64), both up. A packet sent out
    /// of one end arrives on the other.
    pub fn new() -> io::Result<Self> {
        let ns = Self::bare()?;
        ns.ip(&["link", "set", "lo", "multicast", "on"])?;
        ns.ip(&["route", "add", "224.0.0.0/4", "dev", "lo"])?;
        ns.ip(&["link", "add", "mc0", "type", "veth", "peer", "name", "mc1"])?;
        ns.add_addr("mc0", "192.0.2.1/24")?;
        ns.add_addr("mc1", "192.0.2.2/24")?;
        ns.add_addr("mc0", "2001:db8::1/64")?;
        ns.add_addr("mc1", "2001:db8::2/64")?;
        ns.ip(&["link", "set", "mc0", "up"])?;
        ns.ip(&["link", "set", "mc1", "up"])?;
        // Both veth ends live here, so IPv4 arriving on one end carries a
        // source address local to this namespace: accept it, do not drop it.
        for dev in ["all", "mc0", "mc1"] {
            ns.sysctl(&format!("net.ipv4.conf.{dev}.accept_local"), "1")?;
        }
        Ok(ns)
    }

    /// An empty namespace with only `lo` up, named `mcast-t-<pid>-<n>`.
    pub fn bare() -> io::Result<Self> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = format!("mcast-t-{}-{n}", std::process::id());
        run(Command::new("ip").args(["netns", "add", &name]))?;
        // From here on Drop cleans up, whatever fails next.
        let ns = Self { name };
        ns.ip(&["link", "set", "lo", "up"])?;
        Ok(ns)
    }

    /// The namespace's name, as `ip netns list` shows it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `program` run inside this namespace (`ip netns exec NAME program`).
    /// `ip` execs the program, so the child's pid is the program's own.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", &self.name]).arg(program);
        cmd
    }

    /// The `mcast` under test, inside this namespace.
    pub fn mcast(&self) -> Command {
        self.command(mcast_bin())
    }

    /// The `mcast` under test without CAP_NET_RAW (as a user would run
    /// it), through `setpriv`.
    pub fn mcast_without_net_raw(&self) -> Command {
        let mut cmd = self.command("setpriv");
        cmd.args(["--inh-caps=-net_raw", "--bounding-set=-net_raw"])
            .arg(mcast_bin());
        cmd
    }

    /// `ip -n NAME ARGS...`, failing with ip's message.
    pub fn ip(&self, args: &[&str]) -> io::Result<String> {
        run(Command::new("ip").args(["-n", &self.name]).args(args))
    }

    /// Adds an address; IPv6 ones skip duplicate address detection so they
    /// are usable at once.
    pub fn add_addr(&self, dev: &str, cidr: &str) -> io::Result<()> {
        let mut args = vec!["addr", "add", cidr, "dev", dev];
        if cidr.contains(':') {
            args.push("nodad");
        }
        self.ip(&args).map(drop)
    }

    /// Sets a sysctl inside this namespace (`net.*` keys are per namespace).
    pub fn sysctl(&self, key: &str, value: &str) -> io::Result<()> {
        run(self
            .command("sysctl")
            .args(["-qw", &format!("{key}={value}")]))
        .map(drop)
    }

    /// True when `dev` is operationally up (`state UP` in `ip link`): up,
    /// and for a veth, its peer up too, so packets can cross.
    pub fn link_is_up(&self, dev: &str) -> io::Result<bool> {
        Ok(self
            .ip(&["-o", "link", "show", "dev", dev])?
            .contains(" state UP "))
    }

    /// Waits until every device of `devs` is operationally up.
    pub fn wait_for_links_up(&self, devs: &[&str]) -> io::Result<()> {
        let what = format!("{devs:?} to be up in {}", self.name);
        wait_until(&what, WAIT, || {
            for dev in devs {
                if !self.link_is_up(dev)? {
                    return Ok(false);
                }
            }
            Ok(true)
        })
    }

    /// Multicast groups joined on any interface here, from `/proc/net/igmp`
    /// and `/proc/net/igmp6`, as (interface, group).
    pub fn memberships(&self) -> io::Result<Vec<(String, IpAddr)>> {
        let v4 = run(self.command("cat").arg("/proc/net/igmp"))?;
        let v6 = run(self.command("cat").arg("/proc/net/igmp6"))?;
        let mut groups = parse_igmp(&v4);
        groups.extend(parse_igmp6(&v6));
        Ok(groups)
    }

    /// True when some socket here holds `group` on any interface.
    pub fn has_group(&self, group: IpAddr) -> io::Result<bool> {
        Ok(self.memberships()?.iter().any(|(_, g)| *g == group))
    }

    /// The namespace's UDP counters (`/proc/net/snmp` is per namespace).
    pub fn udp_mib(&self) -> io::Result<UdpMib> {
        UdpMib::parse(&run(self.command("cat").arg("/proc/net/snmp"))?)
    }

    /// Waits until the namespace's UDP counters satisfy `ready`, say
    /// until every datagram sent is read or dropped; `what` names that
    /// for the error, which also shows the last counters read.
    pub fn wait_for_udp(
        &self,
        what: &str,
        mut ready: impl FnMut(UdpMib) -> io::Result<bool>,
    ) -> io::Result<()> {
        let mut last = None;
        let waited = wait_until(what, WAIT, || {
            let mib = self.udp_mib()?;
            last = Some(mib);
            ready(mib)
        });
        waited.map_err(|e| io::Error::new(e.kind(), format!("{e}: {last:?}")))
    }

    /// Spawns `cmd` (usually from [`Netns::mcast`]) with stdout and stderr
    /// captured; it is killed if the returned handle is dropped.
    pub fn spawn(&self, cmd: Command) -> io::Result<Running> {
        Running::spawn(cmd)
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        // Processes still inside keep the namespace alive but unnamed; the
        // name is gone either way, so reruns never collide.
        if let Err(e) = run(Command::new("ip").args(["netns", "del", &self.name])) {
            eprintln!("warning: could not delete namespace {}: {e}", self.name);
        }
    }
}

/// The IPv4 UDP counters of a namespace that tell where datagrams went,
/// counted over all its sockets since it was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UdpMib {
    /// Datagrams read by sockets (counted by recvmsg, not on arrival).
    pub in_datagrams: u64,
    /// Datagrams dropped on a full receive queue.
    pub rcvbuf_errors: u64,
}

impl UdpMib {
    /// Reads the two `Udp:` lines (names, then values) of `/proc/net/snmp`.
    pub fn parse(snmp: &str) -> io::Result<Self> {
        let mut udp = snmp.lines().filter(|l| l.starts_with("Udp: "));
        let (Some(names), Some(values)) = (udp.next(), udp.next()) else {
            return Err(io::Error::other(format!("no Udp lines in {snmp}")));
        };
        let get = |key: &str| {
            names
                .split_whitespace()
                .zip(values.split_whitespace())
                .find(|(n, _)| *n == key)
                .and_then(|(_, v)| v.parse().ok())
                .ok_or_else(|| io::Error::other(format!("no {key} in {snmp}")))
        };
        Ok(Self {
            in_datagrams: get("InDatagrams")?,
            rcvbuf_errors: get("RcvbufErrors")?,
        })
    }
}

/// True when `ip netns list` shows a namespace called `name`.
pub fn netns_exists(name: &str) -> io::Result<bool> {
    let list = run(Command::new("ip").args(["netns", "list"]))?;
    Ok(list
        .lines()
        .any(|l| l.split_whitespace().next() == Some(name)))
}

/// Joins two namespaces with a veth pair `a_dev` (in `a`) <-> `b_dev` (in
/// `b`), both up. Add addresses with [`Netns::add_addr`].
pub fn link(a: &Netns, a_dev: &str, b: &Netns, b_dev: &str) -> io::Result<()> {
    a.ip(&[
        "link", "add", a_dev, "type", "veth", "peer", "name", b_dev, "netns", &b.name,
    ])?;
    a.ip(&["link", "set", a_dev, "up"])?;
    b.ip(&["link", "set", b_dev, "up"])?;
    Ok(())
}

/// Runs a setup command to completion; a failure carries its stderr.
fn run(cmd: &mut Command) -> io::Result<String> {
    let out = cmd.stdin(Stdio::null()).output()?;
    if out.status.success() {
        return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    Err(io::Error::other(format!(
        "{cmd:?} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr).trim()
    )))
}

/// Parses `/proc/net/igmp`: an interface line (`2\tmc0 : 1 V3`) followed by
/// indented group lines whose first field is the group as a native-endian
/// hex u32 (`030201EF` is 239.1.2.3 on little-endian machines).
pub fn parse_igmp(text: &str) -> Vec<(String, IpAddr)> {
    let mut dev = String::new();
    let mut groups = Vec::new();
    for line in text.lines().skip(1) {
        let mut fields = line.split_whitespace();
        if line.starts_with(char::is_whitespace) {
            let group = fields
                .next()
                .and_then(|hex| u32::from_str_radix(hex, 16).ok());
            if let Some(raw) = group {
                let addr = Ipv4Addr::from(raw.to_ne_bytes());
                groups.push((dev.clone(), IpAddr::V4(addr)));
            }
        } else if let Some(name) = fields.nth(1) {
            dev = name.to_owned();
        }
    }
    groups
}

/// Parses `/proc/net/igmp6`: `idx dev group(32 hex digits) users ...`.
pub fn parse_igmp6(text: &str) -> Vec<(String, IpAddr)> {
    text.lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace().skip(1);
            let dev = fields.next()?;
            let raw = u128::from_str_radix(fields.next()?, 16).ok()?;
            Some((dev.to_owned(), IpAddr::V6(Ipv6Addr::from(raw))))
        })
        .collect()
}

/// One of a child's output streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// A child process with captured output; killed on drop so that no test
/// leaves a process behind or hangs forever.
#[derive(Debug)]
pub struct Running {
    child: Child,
    stdout: Pipe,
    stderr: Pipe,
}

/// What a [`Running`] process left behind.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    /// True when it had to be killed at the deadline.
    pub timed_out: bool,
    pub stdout: String,
    pub stderr: String,
}

impl Finished {
    /// The exit code; None when killed by a signal (as after a timeout).
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }
}

impl Running {
    /// Starts `cmd` with stdin empty and stdout and stderr captured (read
    /// as they come, so a chatty child never blocks on a full pipe).
    pub fn spawn(mut cmd: Command) -> io::Result<Self> {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let stdout = Pipe::drain(child.stdout.take());
        let stderr = Pipe::drain(child.stderr.take());
        Ok(Self {
            child,
            stdout,
            stderr,
        })
    }

    /// The child's pid (the program's own: see [`Netns::command`]).
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Polls `ready` until it says true, failing after `timeout`, or at
    /// once if the child exits first, with what the child wrote.
    pub fn wait_for(
        &mut self,
        what: &str,
        timeout: Duration,
        mut ready: impl FnMut() -> io::Result<bool>,
    ) -> io::Result<()> {
        let mut gone = false;
        let waited = wait_until(what, timeout, || {
            if ready()? {
                return Ok(true);
            }
            gone = self.child.try_wait()?.is_some();
            Ok(gone)
        });
        match waited {
            Ok(()) if !gone => Ok(()),
            Ok(()) => Err(self.failed(&format!("exited before {what}"))),
            Err(e) if e.kind() == io::ErrorKind::TimedOut => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!(
                    "{e}\nstdout so far:\n{}\nstderr so far:\n{}",
                    self.stdout.so_far(),
                    self.stderr.so_far()
                ),
            )),
            Err(e) => Err(e),
        }
    }

    /// Waits until `group` shows up in `ns`'s membership tables, failing
    /// early (with the child's output) if the child exits first.
    pub fn wait_for_group(
        &mut self,
        ns: &Netns,
        group: IpAddr,
        timeout: Duration,
    ) -> io::Result<()> {
        let what = format!("{group} to be joined in {}", ns.name);
        self.wait_for(&what, timeout, || ns.has_group(group))
    }

    /// Waits for the next whole line of `stream` that satisfies `want`
    /// and returns it (without its newline). Lines are taken in order:
    /// each wait starts after the line the previous wait on that stream
    /// returned, and lines that do not match are passed over. Fails after
    /// `timeout`, or once the stream has ended without such a line, with
    /// everything the child wrote.
    pub fn wait_for_line(
        &mut self,
        stream: Stream,
        timeout: Duration,
        want: impl Fn(&str) -> bool,
    ) -> io::Result<String> {
        let deadline = Instant::now() + timeout;
        loop {
            let pipe = match stream {
                Stream::Stdout => &mut self.stdout,
                Stream::Stderr => &mut self.stderr,
            };
            // Ended: whatever is left, a last line without newline too.
            let ended = pipe.ended();
            while let Some(line) = pipe.next_line(ended) {
                if want(&line) {
                    return Ok(line);
                }
            }
            if ended {
                return Err(self.failed(&format!("{stream:?} ended without the line waited for")));
            }
            if Instant::now() >= deadline {
                let what = format!("timed out after {timeout:?} waiting for a line on {stream:?}");
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!(
                        "{what}\nstdout so far:\n{}\nstderr so far:\n{}",
                        self.stdout.so_far(),
                        self.stderr.so_far()
                    ),
                ));
            }
            thread::sleep(POLL);
        }
    }

    /// An error saying `why`, with the child's status (if it has exited)
    /// and output so far.
    fn failed(&mut self, why: &str) -> io::Error {
        let status = match self.child.try_wait() {
            Ok(Some(status)) => status.to_string(),
            Ok(None) => "still running".to_owned(),
            Err(e) => e.to_string(),
        };
        io::Error::other(format!(
            "{why} ({status})\nstdout:\n{}\nstderr:\n{}",
            self.stdout.so_far(),
            self.stderr.so_far()
        ))
    }

    /// Sends SIGINT, as Ctrl-C would (via kill(1): no unsafe in tests).
    pub fn interrupt(&self) -> io::Result<()> {
        run(Command::new("kill").args(["-s", "INT", &self.id().to_string()])).map(drop)
    }

    /// Waits up to `timeout` for the child to exit, kills it past that, and
    /// returns its status and everything it wrote.
    pub fn finish(&mut self, timeout: Duration) -> io::Result<Finished> {
        let deadline = Instant::now() + timeout;
        let mut timed_out = false;
        let status = loop {
            if let Some(status) = self.child.try_wait()? {
                break status;
            }
            if Instant::now() >= deadline {
                timed_out = true;
                self.child.kill()?;
                break self.child.wait()?;
            }
            thread::sleep(POLL);
        };
        Ok(Finished {
            status,
            timed_out,
            stdout: self.stdout.collect()?,
            stderr: self.stderr.collect()?,
        })
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// One captured output stream: a thread reads it into `buf` as it comes.
#[derive(Debug)]
struct Pipe {
    buf: Arc<Mutex<Vec<u8>>>,
    reader: Option<JoinHandle<io::Result<()>>>,
    /// Bytes [`Pipe::next_line`] has handed out.
    taken: usize,
}

impl Pipe {
    fn drain(pipe: Option<impl Read + Send + 'static>) -> Self {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let reader = pipe.map(|mut pipe| {
            let buf = Arc::clone(&buf);
            thread::spawn(move || {
                let mut chunk = [0; 8192];
                loop {
                    let n = pipe.read(&mut chunk)?;
                    if n == 0 {
                        return Ok(());
                    }
                    lock(&buf).extend_from_slice(&chunk[..n]);
                }
            })
        });
        Self {
            buf,
            reader,
            taken: 0,
        }
    }

    /// True once the writer closed the stream and all of it is in `buf`.
    fn ended(&self) -> bool {
        self.reader.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// The next whole line not yet handed out; at the end of the stream
    /// (`ended`), also a last line that lacks its newline.
    fn next_line(&mut self, ended: bool) -> Option<String> {
        let buf = lock(&self.buf);
        let rest = &buf[self.taken..];
        let (line, used) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (&rest[..i], i + 1),
            None if ended && !rest.is_empty() => (rest, rest.len()),
            None => return None,
        };
        let line = String::from_utf8_lossy(line).into_owned();
        drop(buf);
        self.taken += used;
        Some(line)
    }

    /// Everything read so far.
    fn so_far(&self) -> String {
        String::from_utf8_lossy(&lock(&self.buf)).into_owned()
    }

    /// Waits for the stream to end and returns all of it.
    fn collect(&mut self) -> io::Result<String> {
        if let Some(reader) = self.reader.take() {
            reader
                .join()
                .map_err(|_| io::Error::other("output reader thread panicked"))??;
        }
        Ok(self.so_far())
    }
}

fn lock(buf: &Mutex<Vec<u8>>) -> std::sync::MutexGuard<'_, Vec<u8>> {
    buf.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs `cmd` to completion with a deadline (killed past it).
pub fn run_with_timeout(cmd: Command, timeout: Duration) -> io::Result<Finished> {
    Running::spawn(cmd)?.finish(timeout)
}

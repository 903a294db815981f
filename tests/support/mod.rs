//! Helpers shared by the integration tests (`mod support;` in each file).
//!
//! The heart is [`Netns`]: a private network namespace, so that no packet a
//! test sends can reach a real network. Tests that need one are root-only:
//! mark them `#[ignore = "needs root: creates network namespaces"]`, name
//! them `root_*`, and start them with [`require_root!`].
//!
//! [`Netns::new`] gives the standard single-host lab (mirroring
//! `shared/bin/netns-run`); [`Netns::bare`] plus [`link`] build bigger
//! topologies (several hosts and a router) from the same pieces.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

pub mod impair;
pub mod lab;
pub mod wine;

use std::io::{self, Read};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// Addresses of the standard lab built by [`Netns::new`].
pub const MC0_V4: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
pub const MC1_V4: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 2);
pub const MC0_V6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);
pub const MC1_V6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2);

/// How long [`Running::wait_for_group`] waits by default: joins take
/// milliseconds, so this only matters when something is broken.
pub const JOIN_TIMEOUT: Duration = Duration::from_secs(5);

/// Fallback pause for a child whose readiness shows nowhere (no group to
/// poll for). Prefer [`Running::wait_for_group`].
pub const SETTLE: Duration = Duration::from_millis(300);

/// The `mcast` binary cargo built for this test run.
pub fn mcast_bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_mcast"))
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

/// Returns `Ok(())` early (the test passes) with a note when not root, so
/// `--include-ignored` as a normal user does not fail for the wrong reason.
/// Root tests therefore return `io::Result<()>`.
#[macro_export]
macro_rules! require_root {
    () => {
        // Asked for explicitly (--include-ignored) but impossible: fail
        // loudly rather than pass without testing anything.
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

/// A child process with captured output; killed on drop so that no test
/// leaves a process behind or hangs forever.
#[derive(Debug)]
pub struct Running {
    child: Child,
    stdout: Option<JoinHandle<io::Result<Vec<u8>>>>,
    stderr: Option<JoinHandle<io::Result<Vec<u8>>>>,
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
    pub fn spawn(mut cmd: Command) -> io::Result<Self> {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        // Drain both pipes on threads so a chatty child never blocks on a
        // full pipe while we wait for it.
        let stdout = child.stdout.take().map(drain);
        let stderr = child.stderr.take().map(drain);
        Ok(Self {
            child,
            stdout,
            stderr,
        })
    }

    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Waits until `group` shows up in `ns`'s membership tables, failing
    /// early (with the child's output) if the child exits first.
    pub fn wait_for_group(
        &mut self,
        ns: &Netns,
        group: IpAddr,
        timeout: Duration,
    ) -> io::Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            if ns.has_group(group)? {
                return Ok(());
            }
            if self.child.try_wait()?.is_some() {
                let done = self.finish(Duration::ZERO)?;
                return Err(io::Error::other(format!(
                    "exited ({}) before joining {group}\nstdout:\n{}\nstderr:\n{}",
                    done.status, done.stdout, done.stderr
                )));
            }
            if Instant::now() >= deadline {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("{group} not joined in {} after {timeout:?}", ns.name),
                ));
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends SIGINT, as Ctrl-C would (via kill(1): no unsafe in tests).
    pub fn interrupt(&self) -> io::Result<()> {
        run(Command::new("kill").args(["-s", "INT", &self.id().to_string()])).map(drop)
    }

    /// Waits up to `timeout` for the child to exit, kills it past that, and
    /// returns its status and output.
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
            thread::sleep(Duration::from_millis(10));
        };
        Ok(Finished {
            status,
            timed_out,
            stdout: collect(self.stdout.take())?,
            stderr: collect(self.stderr.take())?,
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

fn drain(mut pipe: impl Read + Send + 'static) -> JoinHandle<io::Result<Vec<u8>>> {
    thread::spawn(move || {
        let mut buf = Vec::new();
        pipe.read_to_end(&mut buf)?;
        Ok(buf)
    })
}

fn collect(handle: Option<JoinHandle<io::Result<Vec<u8>>>>) -> io::Result<String> {
    let Some(handle) = handle else {
        return Ok(String::new());
    };
    let bytes = handle
        .join()
        .map_err(|_| io::Error::other("output reader thread panicked"))??;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Runs `cmd` to completion with a deadline (killed past it).
pub fn run_with_timeout(cmd: Command, timeout: Duration) -> io::Result<Finished> {
    Running::spawn(cmd)?.finish(timeout)
}

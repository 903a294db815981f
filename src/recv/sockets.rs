//! Sockets for a set of groups: one per (family, port) and per batch of
//! groups, because a socket may hold only so many memberships
//! (`igmp_max_memberships`, 20 by default) and sources per group
//! (`igmp_max_msf`).

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use socket2::Socket;
use tracing::{debug, warn};

use super::Packet;
use crate::config::{Group, Iface, ReceiveConfig};
use crate::platform::{self, Doing, Errno, Family, RecvMeta};
use crate::signals;
use crate::testpacket::TestHeader;

/// IPv6 has no per-socket membership limit, but each membership costs
/// socket option memory (`net.core.optmem_max`); batches keep well under it.
const V6_BATCH: usize = 100;

struct RxSocket {
    sock: Socket,
    port: u16,
    /// Indexes into `Receiver::groups` joined on this socket.
    members: Vec<usize>,
    /// The group the socket is bound to, which is then the destination of
    /// everything it receives; the kernel is not asked for packet info.
    bound_group: Option<IpAddr>,
}

/// Groups that will share one socket.
#[derive(Debug, PartialEq, Eq)]
struct Planned {
    family: Family,
    port: u16,
    members: Vec<usize>,
}

/// When each group was joined, for join latency and for the summary.
#[derive(Debug, Clone, Copy)]
pub struct Joined {
    pub at: Instant,
}

/// Every socket and membership for one command.
pub struct Receiver {
    socks: Vec<RxSocket>,
    groups: Vec<Group>,
    ifindex: u32,
    joined: Vec<Joined>,
    /// Receive buffer the kernel granted (the smallest over the sockets).
    rcvbuf: usize,
    /// The interface as last seen, to notice it going down or being
    /// replaced while we listen.
    watch: Option<Watch>,
    /// False when Ctrl-C stopped the joins part way.
    all_joined: bool,
}

/// What is known of the joined interface between checks.
struct Watch {
    name: String,
    up: bool,
    present: bool,
}

/// A change of the joined interface, reported to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfaceEvent {
    Down(String),
    Up(String),
    Gone(String),
    /// Back under the same name with a new index: groups joined again.
    Rejoined {
        name: String,
        index: u32,
    },
}

impl Receiver {
    /// The sockets and memberships `join` and `listen` were asked for.
    pub fn for_config(cfg: &ReceiveConfig) -> Result<Self> {
        Self::open(&cfg.groups, cfg.iface.as_ref(), cfg.rcvbuf, cfg.lean)
    }

    /// Opens sockets and joins every group on `iface` (or the kernel's
    /// choice). Fails with the group and errno named. Groups given port 0
    /// get a port the kernel picks (see [`Receiver::groups`]); such a
    /// socket is bound to the wildcard address, so it also receives
    /// unicast: `ping` sends its probes from it and hears both replies.
    /// With `lean`, the kernel is not asked for TTL or timestamps.
    pub fn open(
        groups: &[Group],
        iface: Option<&Iface>,
        rcvbuf: usize,
        lean: bool,
    ) -> Result<Self> {
        let ifindex = iface.map_or(0, |i| i.index);
        if let Some(i) = iface.filter(|i| !i.up) {
            warn!("{} is down: nothing can arrive until it is up", i.name);
        }
        let plan = plan(
            groups,
            platform::max_memberships_v4(),
            platform::max_sources_v4(),
        );
        let needed = plan.len();
        let mut socks: Vec<RxSocket> = Vec::with_capacity(needed);
        let mut joined = vec![Joined { at: Instant::now() }; groups.len()];
        let mut joins = 0usize;
        let mut granted = usize::MAX;
        // Groups at port 0 get the port the kernel picks (see `open`'s doc).
        let mut groups = groups.to_vec();
        // Tens of thousands of joins take the kernel a while: Ctrl-C stops
        // them between joins, and what was joined is left on the normal
        // path (the run then ends at once, as interrupted).
        'plan: for (k, mut p) in plan.into_iter().enumerate() {
            if signals::stop_requested() {
                break;
            }
            // Port 0 also takes unicast (replies to a prober): never bound to a group.
            let bound_group = (p.port != 0)
                .then(|| group_to_bind(&groups, &p, ifindex))
                .flatten();
            let sock = platform::open_receiver(p.family, p.port, bound_group, lean)
                .map_err(|e| open_error(e, &p, k, needed, groups.len()))?;
            if p.port == 0 {
                p.port = local_port(&sock)?;
                for &i in &p.members {
                    groups[i].port = p.port;
                }
            }
            let got = platform::set_recv_buffer(&sock, rcvbuf)
                .with_context(|| format!("setting the receive buffer to {rcvbuf} bytes"))?;
            granted = granted.min(got);
            for (n, &i) in p.members.iter().enumerate() {
                if signals::stop_requested() {
                    p.members.truncate(n);
                    socks.push(RxSocket {
                        sock,
                        port: p.port,
                        members: p.members,
                        bound_group,
                    });
                    break 'plan;
                }
                let g = &groups[i];
                platform::join(&sock, g.addr, g.source, ifindex)
                    .map_err(|e| join_error(e, g, iface))?;
                joined[i] = Joined { at: Instant::now() };
                joins += 1;
            }
            socks.push(RxSocket {
                sock,
                port: p.port,
                members: p.members,
                bound_group,
            });
        }
        if joins < groups.len() {
            warn!(
                "interrupted while joining: {joins} of {} groups joined; leaving them",
                groups.len()
            );
        }
        debug!("{joins} groups joined on {} sockets", socks.len());
        let all_joined = joins == groups.len();
        Ok(Self {
            socks,
            groups,
            ifindex,
            joined,
            rcvbuf: if granted == usize::MAX { 0 } else { granted },
            all_joined,
            watch: iface.map(|i| Watch {
                name: i.name.clone(),
                up: i.up,
                present: true,
            }),
        })
    }

    /// Adds a socket for unicast on `port` (0: the kernel picks) with no
    /// group, like ssmpingd's UDP 4321; returns the port.
    pub fn add_unicast(&mut self, family: Family, port: u16) -> Result<u16> {
        let sock = platform::open_receiver(family, port, None, false)
            .with_context(|| format!("opening a UDP socket on port {port}"))?;
        let port = local_port(&sock)?;
        self.socks.push(RxSocket {
            sock,
            port,
            members: Vec::new(),
            bound_group: None,
        });
        Ok(port)
    }

    /// A second handle on the socket that receives `family` on `port`,
    /// for sending from it (replies then come back to it).
    pub fn socket_on(&self, family: Family, port: u16) -> Result<Socket> {
        let fits = |s: &&RxSocket| s.port == port && local_family(&s.sock) == Some(family);
        // A socket without groups (`add_unicast`) first: the one unicast reaches.
        let s = (self
            .socks
            .iter()
            .filter(fits)
            .find(|s| s.members.is_empty()))
        .or_else(|| self.socks.iter().find(fits))
        .with_context(|| format!("no receiving socket on port {port}"))?;
        s.sock.try_clone().context("duplicating a socket")
    }

    /// Looks at the joined interface once; returns what changed. Linux
    /// keeps memberships across down/up, but a deleted interface takes them
    /// with it, so one recreated under the same name is joined again.
    pub fn check_iface(&mut self) -> Option<IfaceEvent> {
        let w = self.watch.as_mut()?;
        let now = platform::if_index(&w.name);
        let up = now.is_some() && platform::if_is_up(&w.name);
        let event = match (w.present, now) {
            (true, None) => Some(IfaceEvent::Gone(w.name.clone())),
            (false, Some(index)) => {
                self.ifindex = index;
                Some(IfaceEvent::Rejoined {
                    name: w.name.clone(),
                    index,
                })
            }
            (true, Some(index)) if index != self.ifindex => {
                self.ifindex = index;
                Some(IfaceEvent::Rejoined {
                    name: w.name.clone(),
                    index,
                })
            }
            _ if up != w.up => Some(if up {
                IfaceEvent::Up(w.name.clone())
            } else {
                IfaceEvent::Down(w.name.clone())
            }),
            _ => None,
        };
        w.present = now.is_some();
        w.up = up;
        if let Some(IfaceEvent::Rejoined { .. }) = event {
            self.rejoin();
        }
        event
    }

    fn rejoin(&mut self) {
        for s in &self.socks {
            for &m in &s.members {
                let g = &self.groups[m];
                match platform::join(&s.sock, g.addr, g.source, self.ifindex) {
                    Ok(()) => {}
                    Err(e) if platform::errno(&e) == Some(Errno::AddrInUse) => {}
                    Err(e) => warn!("joining {g} again on index {}: {e}", self.ifindex),
                }
            }
        }
    }

    /// The interface the groups are joined on; 0 when the kernel chose.
    pub fn ifindex(&self) -> u32 {
        self.ifindex
    }

    /// The receive buffer the kernel granted, as it reports it.
    pub fn rcvbuf(&self) -> usize {
        self.rcvbuf
    }

    /// Packets the kernel dropped on these sockets (full receive queue)
    /// before mcast could read them; `None` where the OS does not say.
    pub fn kernel_drops(&self) -> Option<u64> {
        self.socks
            .iter()
            .filter_map(|s| platform::socket_drops(&s.sock))
            .reduce(|a, b| a + b)
    }

    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    pub fn joined(&self) -> &[Joined] {
        &self.joined
    }

    /// Whether every group was joined: false when Ctrl-C (or SIGTERM)
    /// came while joining; the run then ends at once, as interrupted.
    pub fn all_joined(&self) -> bool {
        self.all_joined
    }

    /// For each configured group, the index of the socket that joined it
    /// (kernel drop counters are per socket).
    pub fn socket_of_groups(&self) -> Vec<usize> {
        let mut of = vec![0; self.groups.len()];
        for (i, s) in self.socks.iter().enumerate() {
            for &m in &s.members {
                if let Some(o) = of.get_mut(m) {
                    *o = i;
                }
            }
        }
        of
    }

    pub fn socket_count(&self) -> usize {
        self.socks.len()
    }

    /// Waits on every socket, indexes as in [`Receiver::socket`].
    pub(super) fn waiter(&self) -> platform::Waiter {
        platform::Waiter::new(self.socks.iter().map(|s| &s.sock))
    }

    pub(super) fn socket(&self, i: usize) -> &Socket {
        &self.socks[i].sock
    }

    /// Builds the event for one datagram from socket `i`: matches it to a
    /// configured group and reads the test header, once, for every sink.
    pub(super) fn packet<'a>(
        &self,
        i: usize,
        meta: &RecvMeta,
        payload: &'a [u8],
        read_at: Duration,
    ) -> Packet<'a> {
        let s = &self.socks[i];
        let (time, kernel_time) = platform::receive_time(meta, read_at);
        // A socket bound to its group is not told destination or interface.
        let (dest, ifindex) = match (s.bound_group, meta.info.dest) {
            (Some(g), None) => (Some(g), self.ifindex),
            _ => (meta.info.dest, meta.info.ifindex),
        };
        let src = meta.source.ip();
        let group = s.members.iter().copied().find(|&m| {
            let g = &self.groups[m];
            Some(g.addr) == dest && g.source.is_none_or(|s| s == src)
        });
        Packet {
            time,
            kernel_time,
            source: meta.source,
            dest,
            port: s.port,
            group,
            ifindex,
            ttl: meta.info.ttl,
            payload,
            truncated: meta.truncated,
            test: TestHeader::parse(payload),
            drops: meta.info.drops,
        }
    }

    /// Leaves every group explicitly, so the leave shows in `-vv` and
    /// routers hear it now rather than when the process exits.
    ///
    /// Newest first: Linux keeps an interface's groups in a list with the
    /// newest at the head, and a leave walks it to its group, so leaving
    /// in join order took quadratic time (65,536 groups: 28 s of kernel
    /// time); in reverse each leave finds its group at once. Sockets are
    /// closed newest first for the same reason.
    pub fn leave_all(&mut self) {
        while let Some(s) = self.socks.pop() {
            for &m in s.members.iter().rev() {
                let g = &self.groups[m];
                if let Err(e) = platform::leave(&s.sock, g.addr, g.source, self.ifindex) {
                    warn!("leaving {g}: {e}");
                }
            }
        }
    }
}

/// Assigns groups to sockets in order: one socket per family and port,
/// and a new one whenever the kernel's per-socket limits would be passed.
/// Each group goes to the first socket it fits (first fit), found without
/// scanning every socket: 65,536 groups are planned in milliseconds.
fn plan(groups: &[Group], max_v4: usize, max_sources: usize) -> Vec<Planned> {
    let mut plan: Vec<Planned> = Vec::new();
    // Per socket: distinct group addresses on it.
    let mut distinct: Vec<usize> = Vec::new();
    // Per (port, group address): the sockets holding it, with how many
    // memberships (sources) of it each holds, in socket order.
    let mut holders: HashMap<(u16, IpAddr), Vec<(usize, usize)>> = HashMap::new();
    // Per (family, port): its sockets in order, and the position of the
    // first that may still take a new group address (distinct only grows,
    // so the position only moves forward).
    let mut lanes: HashMap<(Family, u16), (Vec<usize>, usize)> = HashMap::new();
    for (i, g) in groups.iter().enumerate() {
        let family = Family::of(g.addr);
        let max = match family {
            Family::V4 => max_v4,
            Family::V6 => V6_BATCH,
        };
        let held = holders.entry((g.port, g.addr)).or_default();
        // A socket already holding the address takes another source of it.
        let with_group = match g.source {
            Some(_) => held.iter().position(|&(_, n)| n < max_sources),
            None => None,
        };
        // Otherwise the first socket with room for one more address.
        let (socks, first_room) = lanes.entry((family, g.port)).or_default();
        while socks.get(*first_room).is_some_and(|&s| distinct[s] >= max) {
            *first_room += 1;
        }
        let with_room = socks[(*first_room).min(socks.len())..]
            .iter()
            .copied()
            .find(|&s| distinct[s] < max && !held.iter().any(|&(h, _)| h == s));
        let chosen = match (with_group.map(|k| held[k].0), with_room) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => a.or(b).unwrap_or(plan.len()),
        };
        if chosen == plan.len() {
            plan.push(Planned {
                family,
                port: g.port,
                members: Vec::new(),
            });
            distinct.push(0);
            socks.push(chosen);
        }
        plan[chosen].members.push(i);
        match held.iter_mut().find(|(s, _)| *s == chosen) {
            Some((_, n)) => *n += 1,
            None => {
                held.push((chosen, 1));
                distinct[chosen] += 1;
            }
        }
    }
    plan
}

/// Opening socket `k` (from 0) of `needed` failed. Past the limit on open
/// files (EMFILE), says how many sockets these groups need and what the
/// limit is: 65,536 IPv4 groups need 3,277 sockets at 20 per socket.
fn local_port(sock: &Socket) -> Result<u16> {
    sock.local_addr()
        .ok()
        .and_then(|a| a.as_socket())
        .map(|a| a.port())
        .context("reading the port the kernel chose")
}

fn local_family(sock: &Socket) -> Option<Family> {
    let a = sock.local_addr().ok()?.as_socket()?;
    Some(if a.is_ipv4() { Family::V4 } else { Family::V6 })
}

fn open_error(
    e: std::io::Error,
    p: &Planned,
    k: usize,
    needed: usize,
    groups: usize,
) -> anyhow::Error {
    let what = format!(
        "opening socket {} of {needed} ({}, port {})",
        k + 1,
        p.family.name(),
        p.port
    );
    if platform::errno_name(&e).as_deref() != Some("EMFILE") {
        return anyhow::Error::new(e).context(what);
    }
    let limit = platform::open_files_limit().map_or_else(
        || "this process may open no more files".to_string(),
        |n| format!("ulimit -n allows this process {n} open files"),
    );
    // Room for stdio and the rest, rounded up to a hundred.
    let suggest = (needed + 64).div_ceil(100) * 100;
    anyhow::Error::new(e).context(format!(
        "{what}: EMFILE ({groups} groups need {needed} sockets, but {limit}; \
         raise it, e.g. ulimit -n {suggest}, or join fewer groups)"
    ))
}

/// The group to bind a socket to, when the platform allows it and every
/// membership of the socket is the same IPv4 group on one given interface.
/// Everything else keeps asking for packet info: without `--iface` the
/// interface is the kernel's choice, and IPv6 matches memberships by group
/// only, so packets joined on another interface must be told apart.
fn group_to_bind(groups: &[Group], p: &Planned, ifindex: u32) -> Option<IpAddr> {
    let first = groups[*p.members.first()?].addr;
    let same = p.members.iter().all(|&m| groups[m].addr == first);
    let ok = platform::BIND_GROUP_FIXES_DEST && ifindex != 0 && p.family == Family::V4 && same;
    ok.then_some(first)
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.leave_all();
    }
}

fn join_error(e: std::io::Error, g: &Group, iface: Option<&Iface>) -> anyhow::Error {
    let errno = platform::errno_name(&e).unwrap_or_default();
    let on = iface.map_or_else(
        || "the kernel's default interface".to_string(),
        |i| i.to_string(),
    );
    let hint = platform::hint(
        &e,
        Doing::Join {
            group: g.addr,
            iface: iface.map(|i| (i.index, i.name.as_str())),
        },
    );
    anyhow::Error::new(e).context(format!("joining {g} on {on}: {errno}{hint}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse_groups;

    fn groups(text: &str) -> Vec<Group> {
        text.split(' ')
            .flat_map(|t| parse_groups(t, 5000).unwrap())
            .collect()
    }

    fn members(plan: &[Planned]) -> Vec<Vec<usize>> {
        plan.iter().map(|p| p.members.clone()).collect()
    }

    #[test]
    fn one_socket_per_family_and_port() {
        let g = groups("239.1.1.1 ff15::1 239.1.1.2 239.1.1.3:6000");
        assert_eq!(members(&plan(&g, 20, 10)), [vec![0, 2], vec![1], vec![3]]);
    }

    #[test]
    fn membership_limit_opens_another_socket() {
        let g = groups("239.1.1.1+5");
        assert_eq!(members(&plan(&g, 2, 10)), [vec![0, 1], vec![2, 3], vec![4]]);
    }

    #[test]
    fn sources_of_one_group_share_a_socket_up_to_the_limit() {
        let g = groups("198.51.100.1,239.1.1.1 198.51.100.2,239.1.1.1 198.51.100.3,239.1.1.1");
        assert_eq!(members(&plan(&g, 20, 2)), [vec![0, 1], vec![2]]);
    }

    /// The plan before it was made linear: first fit by scanning every
    /// socket and counting its members (quadratic: 65,536 groups took 197 s).
    fn first_fit_by_scanning(
        groups: &[Group],
        max_v4: usize,
        max_sources: usize,
    ) -> Vec<Vec<usize>> {
        let mut plan: Vec<(Family, u16, Vec<usize>)> = Vec::new();
        for (i, g) in groups.iter().enumerate() {
            let family = Family::of(g.addr);
            let max = if family == Family::V4 {
                max_v4
            } else {
                V6_BATCH
            };
            let fits = |(f, port, members): &(Family, u16, Vec<usize>)| {
                if *f != family || *port != g.port {
                    return false;
                }
                let same = members
                    .iter()
                    .filter(|&&m| groups[m].addr == g.addr)
                    .count();
                if same > 0 {
                    return g.source.is_some() && same < max_sources;
                }
                let mut addrs: Vec<_> = members.iter().map(|&m| groups[m].addr).collect();
                addrs.sort_unstable();
                addrs.dedup();
                addrs.len() < max
            };
            match plan.iter_mut().find(|p| fits(p)) {
                Some(p) => p.2.push(i),
                None => plan.push((family, g.port, vec![i])),
            }
        }
        plan.into_iter().map(|p| p.2).collect()
    }

    #[test]
    fn same_plan_as_scanning_every_socket() {
        let mut text = String::from("239.1.1.1+7 ff15::1+3 239.1.1.1:6000+4");
        for s in 1..=5 {
            text.push_str(&format!(
                " 198.51.100.{s},232.1.1.1 198.51.100.{s},232.1.1.2"
            ));
        }
        text.push_str(" 232.1.1.1 239.2.0.1+30 198.51.100.9,239.2.0.3 [ff15::2]:6000+150");
        let g = groups(&text);
        for (max_v4, max_sources) in [(20, 10), (2, 2), (3, 1), (1, 3)] {
            assert_eq!(
                members(&plan(&g, max_v4, max_sources)),
                first_fit_by_scanning(&g, max_v4, max_sources),
                "max_v4 {max_v4}, max_sources {max_sources}"
            );
        }
    }

    /// Found by hand: `join 239.1.0.1+65536` spent 197 s planning before
    /// it joined anything (the plan was quadratic). Now linear: this runs
    /// in well under a second even unoptimized.
    #[test]
    fn plans_the_largest_range_at_once() {
        let g = groups(&format!("239.1.0.1+{}", crate::config::MAX_RANGE));
        let p = plan(&g, 20, 10);
        assert_eq!(p.len(), 3277, "65,536 groups, 20 per socket");
        assert!(p[..3276].iter().all(|s| s.members.len() == 20));
        assert_eq!(p[3276].members, (65_520..65_536).collect::<Vec<_>>());
        let g = groups(&format!("[ff15::1]:5000+{}", crate::config::MAX_RANGE));
        assert_eq!(plan(&g, 20, 10).len(), 656, "100 per IPv6 socket");
    }

    #[test]
    fn binds_to_the_group_only_when_it_is_the_only_one() {
        let g = groups("198.51.100.1,239.1.1.1 198.51.100.2,239.1.1.1 239.1.1.2 ff15::1");
        let addr = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        let p = plan(&g[..2], 20, 10);
        let bound = addr("239.1.1.1").filter(|_| platform::BIND_GROUP_FIXES_DEST);
        assert_eq!(group_to_bind(&g[..2], &p[0], 3), bound);
        assert_eq!(group_to_bind(&g[..2], &p[0], 0), None, "no --iface");
        let p = plan(&g, 20, 10);
        assert_eq!(
            group_to_bind(&g, &p[0], 3),
            None,
            "two groups on one socket"
        );
        assert_eq!(group_to_bind(&g, &p[1], 3), None, "IPv6 needs packet info");
    }
}

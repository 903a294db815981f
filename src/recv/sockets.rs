//! Sockets for a set of groups: one per (family, port) and per batch of
//! groups, because a socket may hold only so many memberships
//! (`igmp_max_memberships`, 20 by default) and sources per group
//! (`igmp_max_msf`).

use std::net::IpAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use socket2::Socket;
use tracing::{debug, warn};

use super::Packet;
use crate::config::{Group, Iface, ReceiveConfig};
use crate::platform::{self, Doing, Errno, Family, RecvMeta};
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

impl Planned {
    fn fits(&self, groups: &[Group], g: &Group, max_groups: usize, max_sources: usize) -> bool {
        if self.family != Family::of(g.addr) || self.port != g.port {
            return false;
        }
        let same_group = self
            .members
            .iter()
            .filter(|&&m| groups[m].addr == g.addr)
            .count();
        if same_group > 0 {
            return g.source.is_some() && same_group < max_sources;
        }
        let distinct = {
            let mut addrs: Vec<_> = self.members.iter().map(|&m| groups[m].addr).collect();
            addrs.sort_unstable();
            addrs.dedup();
            addrs.len()
        };
        distinct < max_groups
    }
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
    /// choice). Fails with the group and errno named.
    /// With `lean`, the kernel is not asked for TTL or timestamps.
    pub fn open(
        groups: &[Group],
        iface: Option<&Iface>,
        rcvbuf: usize,
        lean: bool,
    ) -> Result<Self> {
        let ifindex = iface.map_or(0, |i| i.index);
        let plan = plan(
            groups,
            platform::max_memberships_v4(),
            platform::max_sources_v4(),
        );
        let mut socks: Vec<RxSocket> = Vec::with_capacity(plan.len());
        let mut joined = vec![Joined { at: Instant::now() }; groups.len()];
        let mut granted = usize::MAX;
        for p in plan {
            let bound_group = group_to_bind(groups, &p, ifindex);
            let sock = platform::open_receiver(p.family, p.port, bound_group, lean).with_context(
                || format!("opening a {} socket on port {}", p.family.name(), p.port),
            )?;
            let got = platform::set_recv_buffer(&sock, rcvbuf)
                .with_context(|| format!("setting the receive buffer to {rcvbuf} bytes"))?;
            granted = granted.min(got);
            for &i in &p.members {
                let g = &groups[i];
                platform::join(&sock, g.addr, g.source, ifindex)
                    .map_err(|e| join_error(e, g, iface))?;
                joined[i] = Joined { at: Instant::now() };
            }
            socks.push(RxSocket {
                sock,
                port: p.port,
                members: p.members,
                bound_group,
            });
        }
        debug!("{} groups joined on {} sockets", groups.len(), socks.len());
        Ok(Self {
            socks,
            groups: groups.to_vec(),
            ifindex,
            joined,
            rcvbuf: if granted == usize::MAX { 0 } else { granted },
            watch: iface.map(|i| Watch {
                name: i.name.clone(),
                up: i.up,
                present: true,
            }),
        })
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
    pub fn leave_all(&mut self) {
        for s in &self.socks {
            for &m in &s.members {
                let g = &self.groups[m];
                if let Err(e) = platform::leave(&s.sock, g.addr, g.source, self.ifindex) {
                    warn!("leaving {g}: {e}");
                }
            }
        }
        self.socks.clear();
    }
}

/// Assigns groups to sockets in order: one socket per family and port,
/// and a new one whenever the kernel's per-socket limits would be passed.
fn plan(groups: &[Group], max_v4: usize, max_sources: usize) -> Vec<Planned> {
    let mut plan: Vec<Planned> = Vec::new();
    for (i, g) in groups.iter().enumerate() {
        let family = Family::of(g.addr);
        let max = match family {
            Family::V4 => max_v4,
            Family::V6 => V6_BATCH,
        };
        match plan
            .iter_mut()
            .find(|p| p.fits(groups, g, max, max_sources))
        {
            Some(p) => p.members.push(i),
            None => plan.push(Planned {
                family,
                port: g.port,
                members: vec![i],
            }),
        }
    }
    plan
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
            iface_given: iface.is_some(),
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

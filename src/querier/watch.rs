//! The sockets of `mcast querier`, opened read-only through the platform
//! layer, turned into [`Event`]s: queries from the raw IGMP and MLD
//! sockets, reports (other hosts' and this host's own) from the packet
//! tap where the OS has one, else from the raw sockets.

use std::collections::VecDeque;
use std::io;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use socket2::Socket;

use super::wire::{self, Message, Query, Report};
use crate::platform::cmsg::CmsgBuf;
use crate::platform::{self, Family, TapDirection, Waiter};

/// One message seen on one interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// When it was read (monotonic: for ages and intervals).
    pub at: Instant,
    /// The same, since the Unix epoch (for records).
    pub time: Duration,
    pub ifindex: u32,
    pub family: Family,
    /// Who sent it.
    pub source: IpAddr,
    pub kind: EventKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    Query(Query),
    /// `own`: this host sent it.
    Report {
        report: Report,
        own: bool,
    },
}

/// Which socket a readiness index is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Igmp,
    Mld,
    Tap,
}

/// The open sockets and their buffers.
pub struct Watch {
    socks: Vec<(Kind, Socket)>,
    waiter: Waiter,
    ready: Vec<usize>,
    pending: VecDeque<Event>,
    buf: Vec<u8>,
    ctrl: CmsgBuf,
    iface: Option<u32>,
    families: Vec<Family>,
    /// Why this host's own reports cannot be seen, when they cannot.
    pub tap_error: Option<io::Error>,
}

/// Whether a watch must also see reports: this host's own and other hosts'
/// v3/MLDv2 ones (a packet tap), or only queries will do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reports {
    Seen,
    NotNeeded,
}

/// Messages longer than this are cut (and then do not parse): a v3
/// report of ~180 groups fits a 1500-byte MTU.
const BUF_LEN: usize = 65_536;

impl Watch {
    /// Opens a raw socket for each family (an error here, EPERM without
    /// CAP_NET_RAW most of all, is the caller's to report) and the report
    /// tap when `reports` asks for it (its error only noted in
    /// [`Watch::tap_error`]). `iface`: only events from that interface index.
    /// Without the tap only queries (and reports sent to groups this host
    /// holds) are seen; the tap filters every frame of the host in the
    /// kernel, a cost a receiver at 100k packets/s should not pay for it.
    pub fn open(families: &[Family], iface: Option<u32>, reports: Reports) -> io::Result<Self> {
        let mut socks = Vec::new();
        for &f in families {
            match f {
                Family::V4 => socks.push((Kind::Igmp, platform::open_igmp_raw()?)),
                Family::V6 => socks.push((Kind::Mld, platform::open_mld_raw()?)),
            }
        }
        let tap = match reports {
            Reports::Seen => platform::open_report_tap(),
            Reports::NotNeeded => Err(io::Error::other("reports not watched")),
        };
        let tap_error = match tap {
            Ok(tap) => {
                socks.push((Kind::Tap, tap));
                None
            }
            Err(e) => Some(e),
        };
        let waiter = Waiter::new(socks.iter().map(|(_, s)| s));
        Ok(Self {
            socks,
            waiter,
            ready: Vec::new(),
            pending: VecDeque::new(),
            buf: vec![0; BUF_LEN],
            ctrl: CmsgBuf::default(),
            iface,
            families: families.to_vec(),
            tap_error,
        })
    }

    /// Whether this host's own reports (and other hosts' v3/MLDv2 ones)
    /// can be seen.
    pub fn sees_reports(&self) -> bool {
        self.tap_error.is_none()
    }

    /// The next event, waiting at most `timeout`; `None` when none came.
    pub fn next(&mut self, timeout: Duration) -> io::Result<Option<Event>> {
        if let Some(e) = self.pending.pop_front() {
            return Ok(Some(e));
        }
        self.waiter.wait(timeout, &mut self.ready)?;
        let ready = std::mem::take(&mut self.ready);
        for &i in &ready {
            self.drain(i)?;
        }
        self.ready = ready;
        Ok(self.pending.pop_front())
    }

    /// Reads everything queued on socket `i`.
    fn drain(&mut self, i: usize) -> io::Result<()> {
        let has_tap = self.socks.iter().any(|(k, _)| *k == Kind::Tap);
        let (kind, sock) = &self.socks[i];
        let kind = *kind;
        loop {
            let at = Instant::now();
            let time = crate::clock::now();
            let event = if kind == Kind::Tap {
                let Some((len, ifindex, dir)) = platform::recv_tap(sock, &mut self.buf)? else {
                    return Ok(());
                };
                from_tap(&self.buf[..len], dir)
                    .filter(|(_, _, kind)| matches!(kind, EventKind::Report { .. }))
                    .map(|(family, source, kind)| (ifindex, family, source, kind))
            } else {
                let Some(meta) = platform::recv_raw(sock, &mut self.buf, &mut self.ctrl)? else {
                    return Ok(());
                };
                let bytes = &self.buf[..meta.len.min(self.buf.len())];
                let parsed = match kind {
                    Kind::Igmp => wire::parse_ipv4(bytes)
                        .map(|p| (Family::V4, IpAddr::V4(p.source), p.message)),
                    _ => wire::parse_mld(bytes).map(|m| (Family::V6, meta.source.ip(), m)),
                };
                // With the tap, reports come from it (both ways, once).
                parsed
                    .and_then(|(f, src, m)| match m {
                        Message::Query(q) => Some((f, src, EventKind::Query(q))),
                        Message::Report(r) if !has_tap => Some((
                            f,
                            src,
                            EventKind::Report {
                                report: r,
                                own: false,
                            },
                        )),
                        Message::Report(_) => None,
                    })
                    .map(|(f, src, k)| (meta.info.ifindex, f, src, k))
            };
            let Some((ifindex, family, source, kind)) = event else {
                continue;
            };
            if self.iface.is_some_and(|want| want != ifindex) || !self.families.contains(&family) {
                continue;
            }
            self.pending.push_back(Event {
                at,
                time,
                ifindex,
                family,
                source,
                kind,
            });
        }
    }
}

/// A frame from the tap: IPv4 IGMP or IPv6 MLD, with its direction.
fn from_tap(b: &[u8], dir: TapDirection) -> Option<(Family, IpAddr, EventKind)> {
    let own = dir == TapDirection::Out;
    let (family, source, message) = match b.first()? >> 4 {
        4 => {
            let p = wire::parse_ipv4(b)?;
            (Family::V4, IpAddr::V4(p.source), p.message)
        }
        6 => {
            let (src, m) = wire::parse_ipv6_mld(b)?;
            (Family::V6, IpAddr::V6(src), m)
        }
        _ => return None,
    };
    Some((
        family,
        source,
        match message {
            Message::Query(q) => EventKind::Query(q),
            Message::Report(report) => EventKind::Report { report, own },
        },
    ))
}

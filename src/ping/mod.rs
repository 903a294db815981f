//! `mcast ping` and `mcast pong`: probes out, replies back by unicast and
//! by multicast, matched to probes by sender id and sequence. The wire
//! formats are [`wire`] (mcast's own) and [`ssmping`] (interoperable with
//! Debian's ssmping package); [`limit`] keeps a responder from being
//! abused; [`tally`] holds the per-responder figures. The receive engine
//! delivers every datagram to one [`Pinger`] sink, which answers probes
//! (pong), counts replies (ping), or both.

pub mod limit;
pub mod mesh;
pub mod report;
pub mod ssmping;
pub mod tally;
pub mod wire;

use std::io;
use std::net::{IpAddr, SocketAddr};

use crate::clock;
use crate::platform::Family;
use crate::recv::{Packet, Sink};
use crate::send::Sender;
use limit::Limiter;
use tally::{Heard, Path, Tally};

/// TTL (hop limit) of unicast replies and probes, as ping(8) and
/// ssmpingd send them: `--ttl` is the multicast TTL, as in `mcast send`.
pub const UNICAST_TTL: u8 = 64;

/// Answers probes: mcast's own on the groups, ssmping's on UDP 4321.
pub struct Answerer {
    /// Native replies, per family (index 0: IPv4, 1: IPv6).
    pub tx: [Option<Sender>; 2],
    /// ssmping answers go out of the socket the query came in on (port
    /// 4321), per family.
    pub ssmping_tx: [Option<Sender>; 2],
    pub ssmping_port: Option<u16>,
    pub me: u64,
    pub name: String,
    /// TTL (hop limit) of replies to the group; unicast replies leave
    /// with [`UNICAST_TTL`].
    pub initial_ttl: u8,
    /// Answer by multicast too (when the probe asks).
    pub reply_multicast: bool,
    /// SSM groups (and ports) this host is the source of: probes arriving
    /// by unicast that name one are answered to it too.
    pub ssm_groups: Vec<(IpAddr, u16)>,
    pub limiter: Limiter,
    buf: Box<[u8; wire::MAX_PROBE]>,
    pub answered: u64,
    pub ignored: u64,
    pub send_errors: u64,
}

impl Answerer {
    pub fn new(me: u64, name: String, initial_ttl: u8, reply_multicast: bool, rate: f64) -> Self {
        Self {
            tx: [None, None],
            ssmping_tx: [None, None],
            ssmping_port: None,
            me,
            name,
            initial_ttl,
            reply_multicast,
            ssm_groups: Vec::new(),
            limiter: Limiter::new(rate, rate.max(5.0)),
            buf: Box::new([0; wire::MAX_PROBE]),
            answered: 0,
            ignored: 0,
            send_errors: 0,
        }
    }

    fn count(&mut self, sent: io::Result<usize>) {
        match sent {
            Ok(_) => self.answered += 1,
            Err(e) => {
                self.send_errors += 1;
                tracing::debug!("reply not sent: {e}");
            }
        }
    }

    /// Answers `p` if it is a valid probe and its prober is within its
    /// rate; returns whether it was a probe (valid or not counted).
    fn answer(&mut self, p: &Packet<'_>) -> bool {
        let fam = usize::from(p.source.is_ipv6());
        if Some(p.port) == self.ssmping_port && p.dest.is_none_or(|d| !d.is_multicast()) {
            return self.answer_ssmping(p, fam);
        }
        let Some(probe) = wire::Probe::parse(p.payload).filter(|_| !p.truncated) else {
            if wire::Reply::parse(p.payload).is_none() && report::Report::parse(p.payload).is_none()
            {
                self.ignored += 1;
            }
            return false;
        };
        if probe.sender == self.me || !self.limiter.allow(p.source.ip(), p.time) {
            return true;
        }
        let received_ns = u64::try_from(p.time.as_nanos()).unwrap_or(u64::MAX);
        let Some(tx) = self.tx[fam].as_ref() else {
            return true;
        };
        let mut me = wire::Responder {
            id: self.me,
            name: &self.name,
            initial_ttl: UNICAST_TTL,
        };
        let n = wire::write_reply(
            &mut self.buf[..],
            &probe,
            p.ttl,
            &me,
            false,
            received_ns,
            clock::now_ns(),
        );
        let unicast = tx.send_to(&self.buf[..n], p.source);
        let group = p.dest.filter(IpAddr::is_multicast).or_else(|| {
            // By unicast: an SSM probe names its group; only one this
            // host serves is ever sent to.
            probe
                .ssm_group
                .filter(|g| self.ssm_groups.contains(&(*g, p.port)))
        });
        let mut multicast = None;
        if let (Some(g), true, true) = (group, probe.multicast_reply, self.reply_multicast) {
            me.initial_ttl = self.initial_ttl;
            let n = wire::write_reply(
                &mut self.buf[..],
                &probe,
                p.ttl,
                &me,
                true,
                received_ns,
                clock::now_ns(),
            );
            multicast = Some(tx.send_to(&self.buf[..n], SocketAddr::new(g, p.source.port())));
        }
        self.count(unicast);
        if let Some(sent) = multicast {
            self.count(sent);
        }
        true
    }

    /// As ssmpingd: the query back as an answer, to the client and to the
    /// group it asked for (at its port).
    fn answer_ssmping(&mut self, p: &Packet<'_>, fam: usize) -> bool {
        let Some(query) = ssmping::parse_query(p.payload).filter(|_| !p.truncated) else {
            self.ignored += 1;
            return false;
        };
        if !self.limiter.allow(p.source.ip(), p.time) {
            return true;
        }
        let n = p.payload.len();
        self.buf[..n].copy_from_slice(p.payload);
        ssmping::answer_in_place(&mut self.buf[..n]);
        let Some(tx) = self.ssmping_tx[fam].as_ref() else {
            return true;
        };
        let unicast = tx.send_to(&self.buf[..n], p.source);
        let multicast = ssmping::reply_group(&query, fam == 1)
            .map(|g| tx.send_to(&self.buf[..n], SocketAddr::new(g, p.source.port())));
        self.count(unicast);
        if let Some(sent) = multicast {
            self.count(sent);
        }
        true
    }
}

/// How the prober's probes look, to match replies to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probing {
    /// mcast's probes carrying this sender id.
    Native { sender: u64 },
    /// ssmping queries carrying this client id.
    Ssmping { id: u32 },
}

/// One reply as it is reported.
#[derive(Debug, Clone, Copy)]
pub struct ReplyEvent<'a> {
    pub heard: Heard<'a>,
    pub from: SocketAddr,
    pub ttl: Option<u8>,
    pub bytes: usize,
    pub duplicate: bool,
}

/// Where reply events go (text lines or JSON records).
pub trait ReplyOut {
    fn reply(&mut self, e: &ReplyEvent<'_>) -> io::Result<()>;
    fn flush(&mut self) -> io::Result<()>;
}

/// The receive engine's sink for ping, pong and mesh.
pub struct Pinger<'o> {
    pub answerer: Option<Answerer>,
    pub probing: Option<Probing>,
    pub tally: Tally,
    pub out: Option<&'o mut dyn ReplyOut>,
    /// `--mesh`: who reached whom, from what this host hears.
    pub mesh: Option<mesh::Mesh>,
    /// `--mesh`: sends this host's row to the others at every tick.
    pub reporter: Option<mesh::Reporter>,
    pending: bool,
}

impl<'o> Pinger<'o> {
    pub fn new(
        answerer: Option<Answerer>,
        probing: Option<Probing>,
        out: Option<&'o mut dyn ReplyOut>,
    ) -> Self {
        Self {
            answerer,
            probing,
            tally: Tally::default(),
            out,
            mesh: None,
            reporter: None,
            pending: false,
        }
    }

    fn heard<'p>(&self, p: &Packet<'p>) -> Option<Heard<'p>> {
        let now_ns = i64::try_from(p.time.as_nanos()).unwrap_or(i64::MAX);
        let path = if p.dest.is_some_and(|d| d.is_multicast()) {
            Path::Multicast
        } else {
            Path::Unicast
        };
        match self.probing? {
            Probing::Native { sender } => {
                let r = wire::Reply::parse(p.payload)?;
                if r.sender != sender || p.truncated {
                    return None;
                }
                Some(Heard {
                    addr: p.source.ip(),
                    id: r.responder,
                    name: r.name(p.payload),
                    path,
                    seq: r.seq,
                    rtt_ns: Some(now_ns - i64::try_from(r.probe_sent_ns).ok()?),
                    hops_out: r.hops_out(),
                    hops_back: r.hops_back(p.ttl),
                })
            }
            Probing::Ssmping { id } => {
                let m = ssmping::parse_answer(p.payload)?;
                if m.id != Some(id) {
                    return None;
                }
                let sent = i64::try_from(m.sent_ns?).ok()?;
                Some(Heard {
                    addr: p.source.ip(),
                    id: 0,
                    name: b"",
                    path,
                    seq: u64::from(m.seq?.checked_sub(1)?),
                    rtt_ns: Some(now_ns - sent),
                    hops_out: None,
                    hops_back: p.ttl.map(ssmping::distance),
                })
            }
        }
    }
}

impl Sink for Pinger<'_> {
    fn packet(&mut self, p: &Packet<'_>) -> io::Result<()> {
        if let Some(m) = self.mesh.as_mut() {
            mesh_note(m, self.answerer.as_ref().map_or(0, |a| a.me), p);
        }
        if let Some(a) = self.answerer.as_mut() {
            if a.answer(p) {
                return Ok(());
            }
        }
        let Some(heard) = self.heard(p) else {
            return Ok(());
        };
        let Some((_, duplicate)) = self.tally.record(&heard) else {
            return Ok(());
        };
        if let Some(out) = self.out.as_mut() {
            out.reply(&ReplyEvent {
                heard,
                from: p.source,
                ttl: p.ttl,
                bytes: p.payload.len(),
                duplicate,
            })?;
            self.pending = true;
        }
        Ok(())
    }

    fn idle(&mut self) -> io::Result<()> {
        if self.pending {
            self.pending = false;
            if let Some(out) = self.out.as_mut() {
                out.flush()?;
            }
        }
        Ok(())
    }

    fn pending(&self) -> bool {
        self.pending
    }

    fn tick(&mut self, now: std::time::Instant) -> io::Result<()> {
        if let Some(r) = self.reporter.as_mut() {
            r.send(&self.tally, now);
        }
        Ok(())
    }
}

/// What a mesh host learns from a datagram besides its own replies:
/// another host's probe reached it, another host's reply to the group
/// says whose probe reached whom, or another host reports its own row.
fn mesh_note(m: &mut mesh::Mesh, me: u64, p: &Packet<'_>) {
    if p.truncated {
        return;
    }
    if let Some(probe) = wire::Probe::parse(p.payload) {
        if probe.sender != me {
            m.reached(probe.sender, p.source.ip(), me, probe.seq);
        }
    } else if let Some(r) = report::Report::parse(p.payload) {
        if r.reporter != me {
            m.report(&r, p.source.ip(), p.payload);
        }
    } else if let Some(r) = wire::Reply::parse(p.payload) {
        m.host(r.responder, p.source.ip(), Some(r.name(p.payload)));
        if r.sender != me && r.to_group {
            // The prober's address is not in the reply: its probes tell it.
            let unknown = if p.source.is_ipv4() {
                IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED)
            } else {
                IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED)
            };
            m.reached(r.sender, unknown, r.responder, r.seq);
        }
    }
}

/// Index of a family in per-family arrays.
pub fn family_index(f: Family) -> usize {
    match f {
        Family::V4 => 0,
        Family::V6 => 1,
    }
}

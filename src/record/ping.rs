//! `mcast ping`'s records: one `reply` per reply, one `responder` per
//! responder at the end, one `ping` summary; `mesh_pair` per pair in a
//! mesh. Text forms are in [`crate::output::ping`].

use std::net::{IpAddr, SocketAddr};

use serde::Serialize;

use super::{SenderId, SCHEMA, VERSION};
use crate::escape;
use crate::ping::tally::{PathTally, ResponderTally};
use crate::ping::ReplyEvent;

/// RTTs in milliseconds: min/avg/p50/p99/max/stddev.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Rtt {
    pub min: f64,
    pub avg: f64,
    pub p50: f64,
    pub p99: f64,
    pub max: f64,
    pub stddev: f64,
}

fn ms(ns: i64) -> f64 {
    ns as f64 / 1e6
}

impl Rtt {
    pub fn of(p: &PathTally) -> Option<Self> {
        let h = &p.rtt;
        Some(Self {
            min: ms(h.min()?),
            avg: (h.mean()?).round() / 1e6,
            p50: ms(h.quantile(0.5)?),
            p99: ms(h.quantile(0.99)?),
            max: ms(h.max()?),
            stddev: (p.stddev_ms()? * 1e6).round() / 1e6,
        })
    }
}

#[derive(Debug, Serialize)]
#[serde(tag = "type", rename = "reply")]
pub struct ReplyRecord {
    pub from: SocketAddr,
    pub responder: SenderId,
    pub name: String,
    pub path: &'static str,
    pub seq: u64,
    pub bytes: usize,
    pub ttl: Option<u8>,
    pub hops_out: Option<u8>,
    pub hops_back: Option<u8>,
    pub rtt_ms: Option<f64>,
    pub duplicate: bool,
}

impl ReplyRecord {
    pub fn new(e: &ReplyEvent<'_>) -> Self {
        let h = &e.heard;
        Self {
            from: e.from,
            responder: SenderId(h.id),
            name: escape::escaped(h.name),
            path: h.path.as_str(),
            seq: h.seq,
            bytes: e.bytes,
            ttl: e.ttl,
            hops_out: h.hops_out,
            hops_back: h.hops_back,
            rtt_ms: h.rtt_ns.map(ms),
            duplicate: e.duplicate,
        }
    }
}

/// One path of one responder.
#[derive(Debug, Serialize)]
pub struct PathRecord {
    pub received: u64,
    pub lost: u64,
    pub loss_pct: f64,
    pub duplicates: u64,
    pub hops_out: Option<u8>,
    pub hops_back: Option<u8>,
    pub rtt_ms: Option<Rtt>,
}

impl PathRecord {
    pub fn new(p: &PathTally, sent: u64) -> Self {
        Self {
            received: p.received,
            lost: sent.saturating_sub(p.received),
            loss_pct: p.loss_pct(sent),
            duplicates: p.duplicates,
            hops_out: p.hops_out,
            hops_back: p.hops_back,
            rtt_ms: Rtt::of(p),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(tag = "type", rename = "responder")]
pub struct ResponderRecord {
    pub addr: IpAddr,
    pub responder: SenderId,
    pub name: String,
    pub probes: u64,
    pub multicast: PathRecord,
    pub unicast: PathRecord,
}

impl ResponderRecord {
    pub fn new(r: &ResponderTally, sent: u64) -> Self {
        Self {
            addr: r.addr,
            responder: SenderId(r.id),
            name: escape::escaped(&r.name),
            probes: sent,
            multicast: PathRecord::new(&r.multicast, sent),
            unicast: PathRecord::new(&r.unicast, sent),
        }
    }
}

/// The end of a ping run: how many answered against what was expected.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename = "ping")]
pub struct PingSummary {
    pub target: String,
    pub probes: u64,
    pub responders: usize,
    pub expect: u64,
    pub max_loss_pct: Option<f64>,
    /// Responders whose loss went over `max_loss_pct`.
    pub over_loss: usize,
    pub ok: bool,
}

/// One direction of one pair in a mesh: `from`'s probes reaching `to`.
#[derive(Debug, Serialize)]
pub struct MeshPath {
    pub received: u64,
    pub loss_pct: f64,
    pub rtt_ms: Option<Rtt>,
}

#[derive(Debug, Serialize)]
#[serde(tag = "type", rename = "mesh_pair")]
pub struct MeshPair {
    pub from: String,
    pub from_id: SenderId,
    pub to: String,
    pub to_id: SenderId,
    /// Probes `from` sent, as far as this host knows.
    pub probes: u64,
    /// Multicast replies from `to` to `from`'s probes, with round trips,
    /// when `from` is this host or reported its row; else `from`'s probes
    /// that `to` is known to have received (counts only).
    pub multicast: MeshPath,
    /// Unicast replies from `to`: known when `from` is this host or
    /// reported its row.
    pub unicast: Option<MeshPath>,
    /// Where the figures come from: `own probes` (this host's replies),
    /// `reported` (`from`'s own figures, from its mesh reports), `own
    /// answers` (probes this host received), `overheard` (another host's
    /// replies to the group).
    pub seen: &'static str,
    /// `to` received `from`'s probes by multicast: any reply, or seen.
    pub reached: bool,
}

impl MeshPath {
    pub fn new(received: u64, probes: u64, rtt_ms: Option<Rtt>) -> Self {
        Self {
            received,
            loss_pct: if probes == 0 {
                100.0
            } else {
                100.0 * probes.saturating_sub(received) as f64 / probes as f64
            },
            rtt_ms,
        }
    }
}

/// `ping --json`'s first record, shaped as every command's `start`:
/// `{"type":"start", schema, mcast, command:"ping", ...}`.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename = "start")]
pub struct PingStart {
    pub schema: u32,
    pub mcast: &'static str,
    pub command: &'static str,
    /// `group:port`, or the ssmping server's `addr:4321`.
    pub target: String,
    /// "mcast", "ssmping" or "mesh".
    pub mode: &'static str,
    pub iface: Option<String>,
    /// The port replies come back to.
    pub port: u16,
    pub count: u64,
    pub interval_s: f64,
    pub ttl: u8,
    pub size: usize,
    pub sender: SenderId,
}

impl PingStart {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        target: String,
        mode: &'static str,
        iface: Option<String>,
        port: u16,
        count: u64,
        interval_s: f64,
        ttl: u8,
        size: usize,
        sender: u64,
    ) -> Self {
        Self {
            schema: SCHEMA,
            mcast: VERSION,
            command: "ping",
            target,
            mode,
            iface,
            port,
            count,
            interval_s,
            ttl,
            size,
            sender: SenderId(sender),
        }
    }
}
